"""Converting a column of text cells to its type, problem by problem.

One parser per column type of :mod:`cxeval.schemas` (``_PARSERS``): counts, numbers,
rates, yes/no, periods, timestamps, networks; each returns the values and the cells it
could not read (the module docstring of :mod:`cxeval.data`, "Conversions").
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cxeval import schemas
from cxeval.data.cells import _blank_mask, _kind_of, _map_unique, _nfkc, _show, _text


_EXPECTED = {
    "text": "a value",
    "id": "an id",
    "period": "a period like 2008-03, 2008年3月, 2006-Q2 or 2006",
    "count": "a whole number (0 or more)",
    "number": "a number",
    "rate": "a rate like 0.953, 95.3 or 95.3%",
    "bool": "yes or no (1/0, 是/否, Y/N, true/false)",
    "datetime": "a date and time like 2010-07-01 08:05",
    "network": "one of " + ", ".join(
        f"{code} ({names[1]})" for code, names in schemas.NETWORKS.items()),
}


@dataclass
class _Parsed:
    values: pd.Series            # converted values, missing where blank or bad
    bad: np.ndarray              # cells that are not blank and could not be read
    problems: list = field(default_factory=list)  # (key, mask, detail(pos)) beyond "bad"
    percent: np.ndarray | None = None  # numbers written with a % sign (0.775 from "77.5%")


# A thousands separator must split the digits into groups of three: "1,250" and
# "12,345.6" are numbers, "2,72" (a decimal comma?) and "1,2,3" are not.
_GROUPED = r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?%?$"


@dataclass
class _Numbers:
    values: pd.Series      # float64, NaN where blank or unreadable
    bad: np.ndarray        # cells that are not a number at all
    percent: np.ndarray    # written with a % sign
    problems: list         # (key, mask, detail(pos)): misplaced separators, infinities


def _number(s: pd.Series) -> _Numbers:
    """Numbers from any column, with the cells that only look like numbers set apart.

    "2,72" (a decimal comma, or a separator in the wrong place) and "218 300" (two numbers,
    or a space inside one) are problems, not 272 and 218300; "inf" and "nan" are problems,
    not infinity and a blank.
    """
    kind = _kind_of(s)
    none = np.zeros(len(s), dtype=bool)
    if kind in ("numeric", "bool"):
        values = s.astype("float64")
        infinite = np.isinf(values.to_numpy())
        return _Numbers(values.mask(infinite), none, none,
                        [("infinite", infinite, lambda pos: f"{_show(s.iloc[pos])} is not a "
                                                            "finite number")])
    written = _text(s)
    t = _nfkc(written)
    percent = t.str.contains(r"%$", regex=True).fillna(False).to_numpy(dtype=bool)
    t = t.str.replace(r"\s*%$", "", regex=True)
    comma = t.str.contains(",", regex=False).fillna(False).to_numpy(dtype=bool)
    misplaced = comma & ~t.str.match(_GROUPED).fillna(False).to_numpy(dtype=bool)
    spaced = t.str.contains(r"\d\s+[\d.,+-]", regex=True).fillna(False).to_numpy(dtype=bool)
    t = t.str.replace(",", "", regex=False)
    values = pd.to_numeric(t.mask(misplaced | spaced), errors="coerce").astype("float64")
    text_nan = t.str.fullmatch(r"[+-]?nan", case=False).fillna(False).to_numpy(dtype=bool)
    infinite = np.isinf(values.to_numpy()) | text_nan
    values = values.mask(infinite)
    bad = (t.notna() & values.isna()).to_numpy(dtype=bool) & ~(misplaced | spaced | infinite)
    problems = [
        ("separator", misplaced,
         lambda pos: f"{_show(written.iloc[pos])} has a comma out of place (a thousands "
                     "separator splits digits in groups of three, as in 1,250); write the "
                     "number without it, with a decimal point if one is meant (2.72)"),
        ("two_numbers", spaced & ~misplaced,
         lambda pos: f"{_show(written.iloc[pos])} holds two numbers, or a space inside a "
                     "number; write one number per cell (thousands as 218,300 or 218300)"),
        ("infinite", infinite & ~(misplaced | spaced),
         lambda pos: f"{_show(written.iloc[pos])} is not a finite number"),
    ]
    return _Numbers(values, bad, percent, problems)


def _parse_count(s: pd.Series) -> _Parsed:
    numbers = _number(s)
    values, bad = numbers.values, numbers.bad | numbers.percent
    raw = values.to_numpy()
    # Checked before any cast to int64: 1e20 or the int64 maximum would wrap around to
    # a negative count (or a huge one) and pass every later check.
    with np.errstate(invalid="ignore"):
        too_large = ~bad & ~np.isnan(raw) & (raw > schemas.MAX_COUNT)
        fraction = ~bad & ~too_large & schemas.not_whole(raw)  # the library's count rule (schemas, "Counts")
        negative = ~bad & ~fraction & (raw < 0)
    values = values.mask(bad | too_large | fraction | negative)
    problems = numbers.problems + [
        ("too_large", too_large,
         lambda pos: f"{_show(s.iloc[pos])} is too large for a count (at most "
                     f"{schemas.MAX_COUNT:,}); check the cell"),
        ("fraction", fraction, lambda pos: f"expected a whole number, found {_show(raw[pos])}"),
        ("negative", negative, lambda pos: f"{_show(raw[pos])} is negative; a count must be 0 "
                                           "or more"),
    ]
    return _Parsed(values, bad, problems)


def _parse_number(s: pd.Series) -> _Parsed:
    numbers = _number(s)
    values = numbers.values
    if numbers.percent.any():
        values = values.where(~numbers.percent, values / 100)
    parsed = _Parsed(values, numbers.bad, numbers.problems)
    parsed.percent = numbers.percent
    return parsed


def _parse_rate(s: pd.Series, rows_label) -> _Parsed:
    numbers = _number(s)
    values, bad, percent = numbers.values, numbers.bad, numbers.percent
    raw = values.to_numpy()
    bare = ~percent & ~np.isnan(raw)
    with np.errstate(invalid="ignore"):
        over_one = bare & (raw > 1)
        percent_scale = bool(over_one.any())
        scaled = np.where(percent | (bare & percent_scale), raw / 100, raw)
        # In a column written as percentages, 0.95 is almost surely a proportion typed in
        # among them; guessing either way would silently shift the rate 100-fold.
        mixed = bare & percent_scale & (raw > 0) & (raw <= 1)
        outside = ~mixed & ~np.isnan(scaled) & ((scaled < 0) | (scaled > 1))
    example = int(np.flatnonzero(over_one)[0]) if percent_scale else 0
    values = pd.Series(np.where(mixed | outside, np.nan, scaled), index=s.index)
    problems = numbers.problems + [
        ("mixed", mixed,
         lambda pos: f"{_show(s.iloc[pos], False)} looks like a proportion, but other values in "
                     f"this column are percentages (e.g. {_show(s.iloc[example], False)} in "
                     f"{rows_label([example])}); write all rates the same way"),
        ("outside", outside, lambda pos: f"{_show(s.iloc[pos], False)} is outside 0–100%"),
    ]
    return _Parsed(values, bad, problems)


_BOOL_WORDS = {**{w: True for w in schemas.TRUE_WORDS}, **{w: False for w in schemas.FALSE_WORDS}}


def _parse_bool(s: pd.Series, extra_words=None) -> _Parsed:
    kind = _kind_of(s)
    if kind == "bool":
        values = s.astype("boolean")
        return _Parsed(values, np.zeros(len(s), dtype=bool))
    if kind == "numeric":
        raw = s.astype("float64")
        ok = raw.isin([0.0, 1.0])
        bad = (raw.notna() & ~ok).to_numpy(dtype=bool)
        values = (raw == 1).astype("boolean").mask(~ok)
        return _Parsed(values, bad)
    words = {**_BOOL_WORDS, **(extra_words or {})}
    t = _text(s)
    mapped = _map_unique(t, lambda v: words.get(unicodedata.normalize("NFKC", v).lower()))
    bad = (t.notna() & mapped.isna()).to_numpy(dtype=bool)
    return _Parsed(mapped.astype("boolean"), bad)


_CN_DIGITS = {"一": "1", "二": "2", "三": "3", "四": "4"}


_PERIOD_PATTERNS = [
    (re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?(?:份)?$"), "month"),
    (re.compile(r"^(\d{4})(\d{2})$"), "month"),
    (re.compile(r"^(\d{4})\s*[-/ ]?\s*q\s*([1-4])$"), "quarter"),
    (re.compile(r"^q([1-4])\s*[-/ ]?\s*(\d{4})$"), "quarter_first"),
    (re.compile(r"^(\d{4})\s*年\s*第?\s*([1-4一二三四])\s*季度?$"), "quarter"),
    (re.compile(r"^(\d{4})\s*年?(?:度)?$"), "year"),
    (re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ t].*)?$"), "date"),
]


_DECIMAL_PERIOD = re.compile(r"^\d{4}\.\d{1,2}$")


def _decimal_period(value) -> bool:
    """A period written as a decimal number (2008.1, 2008.11): January or October?

    Typed into a number cell, 2008.10 is stored as 2008.1, the same as January; read
    either way, a month would silently move. Text cells like "2008.1" are refused too:
    they usually come from such a column.
    """
    if isinstance(value, (float, np.floating)):
        return not float(value).is_integer() and 1900 <= float(value) < 2101
    if isinstance(value, str):
        return bool(_DECIMAL_PERIOD.match(unicodedata.normalize("NFKC", value).strip()))
    return False


def _period_of(value) -> str | None:
    """One period value -> "YYYY-MM" / "YYYY-Qn" / "YYYY", or None if it cannot be read."""
    if _decimal_period(value):
        return None
    if isinstance(value, pd.Period):
        if schemas.period_kind(value) in ("M", "Q", "Y", "A"):
            return schemas.format_period(value)
        value = value.to_timestamp()
    if isinstance(value, (_dt.date, np.datetime64)):
        ts = pd.Timestamp(value)
        return f"{ts.year:04d}-{ts.month:02d}"
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        if not float(value).is_integer():
            return None
        value = str(int(value))
    if not isinstance(value, str):
        return None
    text = unicodedata.normalize("NFKC", value).strip().lower()
    for pattern, form in _PERIOD_PATTERNS:
        m = pattern.match(text)
        if not m:
            continue
        year = int(m.group(2) if form == "quarter_first" else m.group(1))
        if not 1900 <= year <= 2100:
            return None
        if form == "year":
            return f"{year:04d}"
        if form in ("quarter", "quarter_first"):
            n = m.group(1) if form == "quarter_first" else m.group(2)
            return f"{year:04d}-Q{_CN_DIGITS.get(n, n)}"
        month = int(m.group(2))
        if not 1 <= month <= 12:
            return None
        if form == "date":
            try:
                _dt.date(year, month, int(m.group(3)))
            except ValueError:
                return None
        return f"{year:04d}-{month:02d}"
    return None


def _parse_period(s: pd.Series) -> _Parsed:
    if _kind_of(s) == "datetime":
        ts = pd.to_datetime(s, errors="coerce")
        values = ts.dt.strftime("%Y-%m").astype("str")
        return _Parsed(values, np.zeros(len(s), dtype=bool))
    source = s if _kind_of(s) != "string" else _text(s)
    mapped = _map_unique(source, _period_of)
    blank = _blank_mask(s).to_numpy()
    decimal = _map_unique(source, _decimal_period).fillna(False).to_numpy(dtype=bool)
    bad = mapped.isna().to_numpy() & ~blank & ~decimal
    problems = [("decimal", decimal,
                 lambda pos: f"{_show(s.iloc[pos])} is ambiguous: written as a number, a month "
                             "loses the trailing zero of October (2008.10 becomes 2008.1, the "
                             "same as January); format the period column as text and write "
                             "months like 2008-10")]
    return _Parsed(mapped.astype("str"), bad, problems)


_DATETIME_FORMATS = ("ISO8601", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")


def _naive_ns(ts: pd.Series) -> pd.Series:
    if getattr(ts.dt, "tz", None) is not None:
        ts = ts.dt.tz_localize(None)  # keep the wall-clock time the user sees
    return ts.astype("datetime64[ns]")


def _datetimes_from_text(t: pd.Series) -> pd.Series:
    result = pd.Series(pd.NaT, index=t.index, dtype="datetime64[ns]")
    todo = t.notna().to_numpy(dtype=bool)
    todo = _fill_datetimes(result, t, todo, ("ISO8601",))  # most files: nothing else to do
    if todo.any():
        # "2010/7/1 8:05" and "2010年7月1日 8:05" become "2010-7-1 8:05", which the formats
        # read. Literal replaces run in Arrow; a regex with Chinese would fall back to Python.
        norm = t[todo]
        for old, new in (("/", "-"), ("年", "-"), ("月", "-"), ("日", " ")):
            norm = norm.str.replace(old, new, regex=False)
        norm = norm.str.replace(r"\s+", " ", regex=True).str.strip()
        normalised = pd.Series(pd.NA, index=t.index, dtype="str")
        normalised[todo] = norm
        _fill_datetimes(result, normalised, todo, _DATETIME_FORMATS)
    return result


def _fill_datetimes(result: pd.Series, text: pd.Series, todo: np.ndarray, formats) -> np.ndarray:
    """Parse ``text[todo]`` into ``result`` trying each format; return what is still unread."""
    for fmt in formats:
        if not todo.any():
            break
        try:
            parsed = _naive_ns(pd.to_datetime(text[todo], format=fmt, errors="coerce"))
        except (ValueError, TypeError):  # e.g. time zones mixed with naive times
            continue
        result.loc[todo] = parsed
        todo = todo & result.isna().to_numpy()
    return todo


def _excel_serial(values: pd.Series) -> pd.Series:
    # Excel counts days from 1899-12-30 (its 1900 leap-year bug folded into the origin).
    ok = values.between(1, 2958465)  # 1900-01-01 .. 9999-12-31
    days = values.where(ok)
    return pd.to_datetime(days, unit="D", origin="1899-12-30").astype("datetime64[ns]")


def _parse_datetime(s: pd.Series) -> _Parsed:
    kind = _kind_of(s)
    if kind == "datetime":
        return _Parsed(_naive_ns(pd.to_datetime(s)), np.zeros(len(s), dtype=bool))
    if kind == "numeric":
        values = _excel_serial(s.astype("float64"))
    elif kind == "string":
        values = _datetimes_from_text(_nfkc(_text(s)))
    else:  # cells from Excel or an object column: date cells, serial numbers and text mixed
        is_date = s.map(lambda v: isinstance(v, (_dt.date, np.datetime64))).astype(bool)
        is_num = s.map(lambda v: isinstance(v, (int, float, np.number))
                       and not isinstance(v, bool)).astype(bool)
        values = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
        if is_date.any():
            values[is_date] = _naive_ns(pd.to_datetime(s[is_date].map(pd.Timestamp)))
        if is_num.any():
            values[is_num] = _excel_serial(s[is_num].astype("float64"))
        rest = ~is_date & ~is_num
        if rest.any():
            values[rest] = _datetimes_from_text(_nfkc(_text(s[rest])))
    bad = (values.isna() & ~_blank_mask(s)).to_numpy(dtype=bool)
    return _Parsed(values, bad)


_NETWORK_CODES = {schemas.normalize_header(name): code
                  for code, names in schemas.NETWORKS.items() for name in names}


def _parse_network(s: pd.Series) -> _Parsed:
    t = _text(s)
    if (t.isin(list(schemas.NETWORKS)) | t.isna()).all():  # already codes: skip the mapping
        return _Parsed(t, np.zeros(len(s), dtype=bool))
    mapped = _map_unique(t, lambda v: _NETWORK_CODES.get(schemas.normalize_header(v)))
    bad = (t.notna() & mapped.isna()).to_numpy(dtype=bool)
    return _Parsed(mapped.astype("str"), bad)


_PARSERS = {
    "count": _parse_count, "number": _parse_number,
    "bool": _parse_bool, "period": _parse_period, "datetime": _parse_datetime,
    "network": _parse_network,
}
