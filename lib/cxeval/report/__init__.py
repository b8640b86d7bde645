"""Display helpers for notebooks: number formats, headline cards, tables, masking.

Analysis modules return raw numbers; everything a reader sees is formatted here, so
that 0.95312 shows as ``95.3%`` and a difference of 0.031 as ``+3.1 pp`` in every
report. Notebooks call :func:`headline`, :func:`table` and :func:`note`; the batch
reads the numbers a notebook stores with :func:`record`.

Each analysis has its report glue in a submodule beside this one, as it has its plots
in :mod:`cxeval.plots` and its sentences in :mod:`cxeval.text`: the headline cards, the
key numbers recorded for the batch, the batch index's entry, the column labels and
formats of its tables (:mod:`cxeval.report.baseline`, :mod:`~cxeval.report.pareto`,
:mod:`~cxeval.report.rootcause`, :mod:`~cxeval.report.pilot`,
:mod:`~cxeval.report.kpi`, :mod:`~cxeval.report.complaints`). This module imports none
of them: it stays cheap to import, and the glue may use everything it offers.

Personal data and spreadsheet formulas
--------------------------------------
One masking policy, :func:`mask_text`, covers every text that leaves cxeval: the HTML and
notebooks (:func:`table`, :func:`note`, :func:`headline`, :func:`excluded_note`), the
results sidecar and the Excel export built from it (:func:`record`, :func:`record_table`),
CSV and Excel files (:func:`safe_table`), and problem messages that quote a cell
(:mod:`cxeval.data`). Text written to a spreadsheet is also neutralised
(:func:`neutralise_formula`), so a hall called ``=HYPERLINK(...)`` stays text.
"""

from __future__ import annotations

import html
import json
import math
import os
import re
from collections.abc import Iterable, Mapping
from typing import Any

from cxeval.checks import check_lang

__all__ = [
    "fmt_pct", "fmt_pp", "fmt_num", "fmt_int", "fmt_p", "fmt_duration", "tr",
    "mask_id", "mask_text", "neutralise_formula", "safe_table", "headline", "note",
    "excluded_note", "table", "record", "record_table", "HTML", "bullets", "excel_formats", "FORMATS",
    "COLUMN_HEADERS", "COLUMN_FORMATS", "header", "as_shown",
]


# --------------------------------------------------------------------------- numbers
def _missing(x) -> bool:
    try:
        return x is None or (isinstance(x, float) and math.isnan(x)) or bool(x != x)
    except (TypeError, ValueError):
        return False


def fmt_pct(x, decimals: int = 1, *, na: str = "–") -> str:
    """Format a proportion (0–1) as a percentage: ``0.95312 -> '95.3%'``."""
    if _missing(x):
        return na
    return f"{float(x) * 100:.{decimals}f}%"


def fmt_pp(x, decimals: int = 1, *, na: str = "–", sign: bool = True) -> str:
    """Format a difference of proportions as percentage points: ``0.031 -> '+3.1 pp'``."""
    if _missing(x):
        return na
    value = float(x) * 100
    if abs(value) < 0.5 * 10 ** (-decimals):
        value = 0.0
    return f"{value:{'+' if sign else ''}.{decimals}f} pp"


def fmt_num(x, decimals: int = 1, *, na: str = "–") -> str:
    """Format a number with thousands separators: ``12345.67 -> '12,345.7'``."""
    if _missing(x):
        return na
    return f"{float(x):,.{decimals}f}"


def fmt_int(x, *, na: str = "–") -> str:
    """Format a count with thousands separators: ``3428 -> '3,428'``."""
    if _missing(x):
        return na
    return f"{int(round(float(x))):,}"


def fmt_p(p, *, na: str = "–") -> str:
    """Format a p-value as people read it: ``'p < 0.001'``, ``'p = 0.032'``."""
    if _missing(p):
        return na
    p = float(p)
    if p < 0.001:
        return "p < 0.001"
    return f"p = {p:.3f}"


def fmt_duration(minutes, lang: str = "zh", *, na: str = "–") -> str:
    """Format a duration in minutes as people read it: ``42 -> '42 分钟'``, ``150 -> '2.5 小时'``.

    Under 90 minutes in whole minutes, otherwise in hours to one decimal.
    """
    if _missing(minutes):
        return na
    minutes = float(minutes)
    if minutes < 90:
        return tr(f"{minutes:.0f} 分钟", f"{minutes:.0f} min", lang)
    return tr(f"{minutes / 60:.1f} 小时", f"{minutes / 60:.1f} h", lang)


def tr(zh: str, en: str, lang: str = "zh") -> str:
    """Pick the Chinese or English form of a label by ``lang`` ("zh" or "en")."""
    check_lang(lang)
    return zh if lang == "zh" else en


# --------------------------------------------------------------------------- privacy
# Full-width digits, letters and signs, dashes and wide spaces as people type them, folded
# one character for one: a match in the folded text maps back onto the original.
_FOLD = str.maketrans({
    **{chr(0xFF10 + i): str(i) for i in range(10)},
    **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},
    **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)},
    "＋": "+", "－": "-", "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "−": "-",
    "（": "(", "）": ")", "＠": "@", "．": ".", "＿": "_",
    "\u3000": " ", "\xa0": " ", "\u2009": " ", "\u202f": " ",
})
_SEP = r"(?:\s?-\s?|[ .])?"  # between digit groups: "138 1234 5678", "138-1234-5678"
_PERSONAL = re.compile(
    # e-mail: the name is masked, the domain kept
    r"(?P<email>(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+"
    r"(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})"
    # resident ID card: 18 characters (6-digit region, birth date, 3 digits, check digit or
    # X) or the old 15 digits (2-digit year); groups may be spaced
    r"|(?P<idcard>(?<![0-9A-Za-z])[1-9]\d{5}[ -]?(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])"
    r"(?:0[1-9]|[12]\d|3[01])[ -]?\d{3}[0-9Xx](?![0-9A-Za-z])"
    r"|(?<![0-9A-Za-z])[1-9]\d{7}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?![0-9A-Za-z]))"
    # mobile: 1[3-9]x xxxx xxxx, spaced or dashed, after +86 / 0086 / 86 / (+86) or alone
    rf"|(?<![0-9])(?:(?:\+|00)\s?86{_SEP}|\(\s?\+?86\s?\)\s?|86{_SEP})?"
    rf"(?P<mobile>1[3-9]\d{_SEP}\d{{4}}{_SEP}\d{{4}})(?![0-9])"
    # landline: area code 0xx(x) (or +86 and the code without its 0), then 7-8 digits
    rf"|(?<![0-9])(?:\(0\d{{2,3}}\)|0\d{{2,3}}|(?:\+|00)\s?86{_SEP}\(?[1-9]\d{{1,2}}\)?)"
    rf"{_SEP}(?P<landline>\d{{3,4}}{_SEP}\d{{4}})(?![0-9])"
)


def _mask_digits(text: str, keep_start: int, keep_end: int) -> str:
    """Replace the digits (and an ID card's X) of ``text`` by ``*``, keeping the first
    ``keep_start`` and the last ``keep_end``; separators stay where they were."""
    folded = text.translate(_FOLD)
    places = [i for i, c in enumerate(folded) if c.isdigit() or c in "Xx"]
    hidden = set(places[keep_start:len(places) - keep_end])
    return "".join("*" if i in hidden else c for i, c in enumerate(text))


def _masked(match: re.Match, text: str) -> str:
    whole = text[match.start():match.end()]
    kind = match.lastgroup
    if kind == "email":
        at = whole.translate(_FOLD).index("@")
        return whole[:1] + "***" + whole[at:]
    if kind == "idcard":
        return _mask_digits(whole, 3, 4)
    start, end = match.span(kind)  # keep the country or area code in front
    digits = _mask_digits(text[start:end], 3 if kind == "mobile" else 0, 4)
    return text[match.start():start] + digits


def mask_id(value) -> str:
    """Mask a customer id or phone number, keeping only its ends.

    ``'13812341234' -> '138****1234'``; ids shorter than 7 characters keep their first
    and last character (``'C00123' -> 'C****3'``).
    """
    if _missing(value):
        return ""
    s = str(value)
    if len(s) >= 7:
        return s[:3] + "****" + s[-4:]
    if len(s) <= 2:
        return "*" * len(s)
    return s[0] + "****" + s[-1]


def mask_text(text) -> str:
    """Mask personal data inside free text: the one masking policy of every output.

    Masked, in every common written form (spaces, dashes, full-width digits):

    - mobile numbers, with or without +86 / 0086 / 86: ``138 1234 5678`` ->
      ``138 **** 5678``, ``+86-138-1234-5678`` -> ``+86-138-****-5678``;
    - landlines with an area code: ``020-87654321`` -> ``020-****4321``,
      ``(0755)1234567`` -> ``(0755)***4567``;
    - resident ID cards (18 characters, the last may be X; or the old 15 digits):
      ``11010519491231002X`` -> ``110***********002X``;
    - e-mail addresses: ``zhang.san@example.com`` -> ``z***@example.com``.

    Numbers that are none of these (amounts, ticket numbers, dates) are left alone.
    Already masked text is unchanged.

    Examples
    --------
    >>> mask_text("客户13812341234来电，另留 020-87654321")
    '客户138****1234来电，另留 020-****4321'
    """
    if _missing(text):
        return ""
    text = str(text)
    folded = text.translate(_FOLD)
    out, last = [], 0
    for match in _PERSONAL.finditer(folded):
        out.append(text[last:match.start()])
        out.append(_masked(match, text))
        last = match.end()
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


def _mask_cells(values):
    """A column with :func:`mask_text` applied to its text cells (numbers, blanks kept)."""
    if values.dtype != object and not str(values.dtype).startswith(("str", "string")):
        return values
    return values.map(lambda v: mask_text(v) if isinstance(v, str) else v)


# --------------------------------------------------------------------------- spreadsheets
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_NUMBER_TEXT = re.compile(r"[+-]?(?:\d[\d,]*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?")


def neutralise_formula(value):
    """Keep a spreadsheet from running a text cell as a formula.

    Excel, LibreOffice and Google Sheets run a cell that starts with ``=``, ``+``, ``-``
    or ``@`` (and may after a tab or a line break) as a formula: a hall named
    ``=HYPERLINK("http://...")`` or ``+cmd|' /C calc'!A0`` would become a live link or
    command in an exported workbook. As the OWASP guidance on CSV injection advises, such
    text gets a leading ``'`` and is shown as written. Numbers, and text that is only a
    number (``-5``, ``+3.1%``), are returned unchanged.

    Examples
    --------
    >>> neutralise_formula("=1+1"), neutralise_formula("@SUM(A1)"), neutralise_formula(-5)
    ("'=1+1", "'@SUM(A1)", -5)
    """
    if not isinstance(value, str) or not value.lstrip(" ").startswith(_FORMULA_START):
        return value
    if _NUMBER_TEXT.fullmatch(value.strip()):
        return value
    return "'" + value


def safe_table(df):
    """A copy of ``df`` fit to write to a spreadsheet (Excel or CSV).

    Every text cell, and every column name, is masked (:func:`mask_text`) and neutralised
    (:func:`neutralise_formula`); numbers stay numbers, so they remain numeric cells.
    """
    data = df.copy()
    for col in data.columns:
        masked = _mask_cells(data[col])
        if masked is not data[col]:
            data[col] = masked.map(neutralise_formula)
    data.columns = [neutralise_formula(mask_text(c)) if isinstance(c, str) else c
                    for c in data.columns]
    return data


def _fmt_pct2(x, *, na: str = "–") -> str:
    """A proportion as a percentage with two decimals, as survey tables print it: ``92.63%``."""
    return fmt_pct(x, 2, na=na)


def _fmt_pct100(x, *, na: str = "–") -> str:
    """A share already in per cent (0-100, as Pareto tables hold it): ``82.9 -> '82.9%'``."""
    return na if _missing(x) else f"{float(x):.1f}%"


def _fmt_num2(x, *, na: str = "–") -> str:
    """A number with two decimals: ``12.98``."""
    return fmt_num(x, 2, na=na)


#: The named display formats of :func:`table` (and of the Excel export, through
#: :func:`excel_formats`).
FORMATS = {"pct": fmt_pct, "pct2": _fmt_pct2, "pct100": _fmt_pct100, "pp": fmt_pp, "int": fmt_int,
           "num": fmt_num, "num2": _fmt_num2, "p": fmt_p}


def as_shown(df, *, round, columns: Iterable[str] = (), complements: Mapping[str, tuple] | None = None,
             shares: Mapping[str, tuple] | None = None):
    """A copy of ``df`` whose derived figures agree with the rounded figures beside them.

    A table that shows points rounded (得分 1.5 of 满分 2) must not show a loss or a share
    computed from the unrounded points next to them (失分 0.5, 失分率 27.2%: the reader
    computes 25%). The analysis keeps its exact numbers; this is for display only.

    Parameters
    ----------
    df : DataFrame
    round : callable
        The display rounding (e.g. a scorecard's :meth:`~cxeval.kpi.Scorecard.round`).
    columns : iterable of str
        Columns replaced by their rounded values.
    complements : mapping, optional
        ``{column: (whole, part)}``: column = whole − part, after rounding (失分 = 满分 − 得分).
    shares : mapping, optional
        ``{column: (part, whole)}``: column = part / whole, after the above; ``whole`` is
        a column or a number (the total points lost). A zero or missing whole gives NaN.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"max_points": [2.0], "points": [1.456], "points_lost": [0.544], "lost_rate": [0.272]})
    >>> as_shown(t, round=lambda x: float(f"{x:.1f}"), columns=["points"],
    ...          complements={"points_lost": ("max_points", "points")},
    ...          shares={"lost_rate": ("points_lost", "max_points")}).iloc[0].tolist()
    [2.0, 1.5, 0.5, 0.25]
    """
    import numpy as np
    import pandas as pd

    out = df.copy()

    def rounded(values):
        return values.map(lambda v: v if _missing(v) else round(float(v)))

    for col in columns:
        if col in out:
            out[col] = rounded(out[col]).astype(float)
    for col, (whole, part) in (complements or {}).items():
        out[col] = rounded(out[whole].astype(float) - out[part].astype(float)).astype(float)
    for col, (part, whole) in (shares or {}).items():
        denominator = out[whole].astype(float) if isinstance(whole, str) else pd.Series(
            float("nan") if _missing(whole) else float(whole), index=out.index)
        with np.errstate(divide="ignore", invalid="ignore"):
            out[col] = (out[part].astype(float) / denominator).where(denominator != 0)
    return out


# --------------------------------------------------------------------------- display
class HTML:
    """A piece of trusted HTML that renders in Jupyter and in nbconvert exports."""

    def __init__(self, markup: str):
        self.markup = markup

    def _repr_html_(self) -> str:
        return self.markup

    def __repr__(self) -> str:  # plain-text fallback shows no markup
        return re.sub(r"<[^>]+>", " ", self.markup)


_CARD_CSS = (
    "<style>.cx-cards{display:flex;flex-wrap:wrap;gap:12px;margin:8px 0 16px}"
    ".cx-card{flex:1 1 150px;border:1px solid #d5dde7;border-radius:8px;padding:10px 14px;"
    "background:#f7f9fc;min-width:140px}.cx-card .v{font-size:1.6em;font-weight:700}"
    ".cx-card .l{color:#4a5563;font-size:.9em}.cx-card.good{border-left:6px solid #2e8b57}"
    ".cx-card.bad{border-left:6px solid #c0392b}.cx-card.warn{border-left:6px solid #e0a100}"
    ".cx-note{background:#f4f7fb;border-left:4px solid #1f5fa8;padding:8px 12px;margin:8px 0}"
    "</style>"
)


def headline(cards: Iterable[Mapping[str, Any]], *, sentence: str | None = None) -> HTML:
    """Headline cards: a few numbers with labels, coloured by status.

    Parameters
    ----------
    cards : iterable of mappings
        Each with ``label`` and ``value`` (already formatted text), optional ``status``
        ("good", "bad", "warn") and ``detail`` (small text under the value).
    sentence : str, optional
        One sentence under the cards that says what the numbers mean.
    """
    parts = [_CARD_CSS, '<div class="cx-cards">']
    for card in cards:
        status = card.get("status") or ""
        if status not in ("", "good", "bad", "warn"):
            raise ValueError(f"card status must be 'good', 'bad', 'warn' or empty, got {status!r}")
        detail = card.get("detail")
        parts.append(
            f'<div class="cx-card {status}"><div class="l">{html.escape(mask_text(card["label"]))}</div>'
            f'<div class="v">{html.escape(mask_text(card["value"]))}</div>'
            + (f'<div class="l">{html.escape(mask_text(detail))}</div>' if detail else "")
            + "</div>"
        )
    parts.append("</div>")
    if sentence:
        parts.append(f'<p class="cx-note">{html.escape(mask_text(sentence))}</p>')
    return HTML("".join(parts))


def note(text: str) -> HTML:
    """A plain-language reading of a chart or table, as an escaped paragraph."""
    return HTML(_CARD_CSS + f'<p class="cx-note">{html.escape(mask_text(text))}</p>')


def bullets(lines: Iterable[str], *, lead: str | None = None) -> HTML:
    """Several sentences as an escaped list in one note (a digest); a line ending in "：" or
    ":" starts a new sub-heading instead of an item. Empty lines are dropped."""
    parts = [_CARD_CSS, '<div class="cx-note">']
    if lead:
        parts.append(f"<b>{html.escape(mask_text(lead))}</b>")
    items: list[str] = []

    def flush():
        if items:
            parts.append("<ul style='margin:4px 0 8px;padding-left:1.4em'>" + "".join(items) + "</ul>")
            items.clear()

    for line in lines:
        if not line:
            continue
        text = html.escape(mask_text(line))
        if line.rstrip().endswith(("：", ":")):
            flush()
            parts.append(f"<div style='font-weight:600;margin-top:4px'>{text}</div>")
        else:
            items.append(f"<li>{text}</li>")
    flush()
    parts.append("</div>")
    return HTML("".join(parts))


def settings_note(settings: Iterable[Mapping[str, Any]], *, lang: str = "zh") -> HTML:
    """Which settings (periods, pilot, campaign month) a report used, and how to change them.

    Parameters
    ----------
    settings : iterable of dict
        One per setting: ``name`` (the notebook parameter), ``value``, ``given`` (True when
        the run plan or ``-p`` set it, False when it was taken from the data),
        ``label`` (zh, en) and ``source`` (zh, en): where a value from the data came from
        ("数据中最近的完整月份").

    Examples
    --------
    >>> settings_note([{"name": "period_after", "value": "2024-12", "given": False,
    ...                 "label": ("措施后月份", "month after"),
    ...                 "source": ("数据中最近的完整月份", "the latest complete month in the data")}],
    ...               lang="en").data.count("period_after")
    1
    """
    parts, names = [], []
    for item in settings:
        label = item["label"][0 if lang == "zh" else 1]
        if item.get("given"):
            why = tr("运行计划或参数指定", "set by the run plan or a parameter", lang)
        else:
            why = item["source"][0 if lang == "zh" else 1]
        value = item["value"] if item["value"] not in (None, "") else tr("无", "none", lang)
        parts.append(tr(f"{label} {value}（{why}）", f"{label} {value} ({why})", lang))
        names.append(str(item["name"]))
    if not parts:
        return HTML("")
    text = tr("本报告的设定：" + "；".join(parts) + "。如需修改，在运行计划的 parameters 中设置 "
              + " / ".join(names) + "。",
              "Settings of this report: " + "; ".join(parts) + ". To change them, set "
              + " / ".join(names) + " in the run plan's parameters.", lang)
    return HTML(_CARD_CSS + f'<p class="cx-note" style="border-left-color:#9aa5b1">{html.escape(text)}</p>')


def excluded_note(*frames, lang: str = "zh") -> HTML:
    """A warning naming the rows left out of the figures, or nothing.

    Two kinds of rows are left out by :func:`cxeval.data.load`: total and subtotal rows
    (小计, 合计, 全省平均 ...: ``attrs["total_rows"]``), which would be counted twice, and,
    with ``branch=``, other branches' rows with problems (``attrs["excluded_problems"]``).
    The reader must know the figures leave them out. Frames that are None or left out
    nothing add nothing.
    """
    problems: list[str] = []
    totals: list[str] = []
    rows = 0
    for frame in frames:
        if frame is None:
            continue
        rows += int(frame.attrs.get("excluded_rows", 0))
        problems.extend(frame.attrs.get("excluded_problems", []))
        totals.extend(frame.attrs.get("total_rows", []))
    parts = []
    if totals:
        shown = "; ".join(totals[:3]) + (" …" if len(totals) > 3 else "")
        parts.append(tr(f"注意：输入文件中有 {len(totals):,} 个合计/小计行，未计入任何数字（{shown}）。",
                        f"Note: {len(totals):,} total or subtotal rows of the input files are left "
                        f"out and not counted ({shown}).", lang))
    if rows:
        shown = "; ".join(problems[:3]) + (" …" if len(problems) > 3 else "")
        parts.append(tr(f"注意：其他分公司有 {rows:,} 行数据有误，已从比较中剔除（{shown}）。请修正后重新运行。",
                        f"Note: {rows:,} rows of other branches have errors and are left out of the "
                        f"comparisons ({shown}). Fix them and run again.", lang))
    if not parts:
        return HTML("")
    return HTML(_CARD_CSS + "".join(f'<p class="cx-note" style="border-left-color:#e0a100">'
                                    f'{html.escape(mask_text(text))}</p>' for text in parts))


def table(df, *, formats: Mapping[str, Any] | None = None, labels: Mapping[str, str] | None = None,
          mask: Iterable[str] = (), index: bool = False, caption: str | None = None,
          highlight: Mapping[str, Any] | None = None):
    """A formatted, escaped table for display (pandas Styler).

    Parameters
    ----------
    df : DataFrame
        Raw numbers, as analysis functions return them.
    formats : mapping, optional
        Column -> a name of :data:`FORMATS` ("pct", "pct2", "pp", "int", "num", "num2",
        "p"), or a callable taking the value.
    labels : mapping, optional
        Column -> header shown to the reader (e.g. Chinese); other columns keep their names.
    mask : iterable of str
        Columns holding customer ids or phone numbers, masked with :func:`mask_id`.
    index : bool
        Show the index.
    caption : str, optional
        Caption above the table.
    highlight : mapping, optional
        Column -> predicate; cells where it is true are shown in the "bad" colour.
    """
    from pandas.io.formats.style import Styler  # noqa: F401  (imports jinja2 lazily)

    named = FORMATS
    data = df.copy()
    for col in mask:
        if col in data.columns:
            data[col] = data[col].map(mask_id)
    for col in data.columns:
        data[col] = _mask_cells(data[col])
    fmt = {}
    for col, f in (formats or {}).items():
        if col not in data.columns:
            continue
        if isinstance(f, str):
            if f not in named:
                raise ValueError(f"format for column {col!r} must be one of {sorted(named)}, got {f!r}")
            f = named[f]
        fmt[col] = f
    styler = data.style.format(fmt, na_rep="–", escape="html")
    if highlight:
        for col, pred in highlight.items():
            if col in data.columns:
                styler = styler.map(lambda v, p=pred: "color:#c0392b;font-weight:600" if p(v) else "",
                                    subset=[col])
    if labels:
        styler = styler.relabel_index([labels.get(c, c) for c in data.columns], axis="columns")
    if not index:
        styler = styler.hide(axis="index")
    if caption:
        styler = styler.set_caption(html.escape(caption))
    styler = styler.set_table_styles([
        {"selector": "th", "props": "text-align:left;background:#eef2f7;padding:4px 8px"},
        {"selector": "td", "props": "padding:3px 8px"},
        {"selector": "caption", "props": "caption-side:top;font-weight:600;text-align:left"},
    ])
    # As in Excel: numbers right-aligned under a right-aligned header, text to the left (the
    # notebook's stylesheet would right-align every cell, names and sentences too).
    styler = styler.set_table_styles(
        {col: [{"selector": "", "props": f"text-align:{_alignment(data[col])}"}] for col in data.columns},
        overwrite=False)
    return styler


def _alignment(column) -> str:
    import pandas as pd

    numeric = pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
    return "right" if numeric else "left"


# --------------------------------------------------------------------------- results sidecar
def _jsonable(value):
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            value = value.item()
        except (ValueError, AttributeError):
            pass
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, str):
        return mask_text(value)
    if value is None or isinstance(value, (int, float, bool)):
        return value
    return mask_text(str(value))


def record(path: str | os.PathLike | None, **values) -> dict:
    """Store a notebook's key numbers in a JSON sidecar (merged with what is there).

    The batch passes ``results_path`` to each notebook; the index page and the notebook
    tests read these numbers instead of scraping HTML. With an empty ``path`` nothing is
    written (interactive use). The file is replaced atomically.

    Returns
    -------
    dict
        The whole sidecar content after the update.
    """
    if not path:
        return _jsonable(values)
    from cxeval._io import atomic_write_text

    path = os.fspath(path)
    current: dict = {}
    if os.path.exists(path):
        with open(path, encoding="utf-8") as fh:
            current = json.load(fh)
    current.update(_jsonable(values))
    atomic_write_text(path, json.dumps(current, ensure_ascii=False, indent=2, allow_nan=False))
    return current


_SHOWN_NUMBER = re.compile(r"[+-]?(?:\d[\d,]*)?\.?\d+")


def _excel_format(pairs) -> dict | None:
    """The Excel format of a column from (value, shown text) pairs, or None (not a number)."""
    kinds, places, factors, commas, signed = set(), [], [], False, False
    for value, text in pairs:
        text = text.strip()
        if text.startswith("p ") and _SHOWN_NUMBER.search(text):
            kinds.add("p")
        elif text.endswith("pp"):
            kinds.add("pp")
        elif text.endswith("%"):
            kinds.add("pct")
        else:
            kinds.add("num")
        match = _SHOWN_NUMBER.search(text)
        if match is None or (kinds == {"num"} and match.group(0) != text):
            return None
        number = match.group(0)
        commas = commas or "," in number
        signed = signed or number.startswith("+")
        places.append(len(number.split(".")[1]) if "." in number else 0)
        shown = float(number.replace(",", ""))
        if value and shown:
            factors.append(shown / float(value))
    if len(kinds) != 1:
        return None
    kind = kinds.pop()
    decimals = max(places)
    d = "." + "0" * decimals if decimals else ""
    if kind == "p":   # "p < 0.001" is a bound, not the value: no scale to read
        return {"number_format": f"0{d}", "scale": 1}
    if not factors:
        return None
    factor = sorted(factors)[len(factors) // 2]
    scale = 100 if abs(factor - 100) < 5 else 1 if abs(factor - 1) < 0.05 else None
    if scale is None:
        return None
    if kind == "pp":
        sign = "+" if signed else ""
        return {"number_format": f'{sign}0{d}" pp";-0{d}" pp";0{d}" pp"', "scale": scale}
    if kind == "pct":
        # a proportion shown x100 is an Excel percentage; a value already in per cent gets a "%" sign
        return {"number_format": f"0{d}%" if scale == 100 else f'0{d}"%"', "scale": 1}
    if min(places) != decimals:   # figures written exactly (15.5 and 0.853): as typed
        return {"number_format": "General", "scale": 1}
    return {"number_format": f"#,##0{d}" if commas or decimals == 0 else f"0{d}", "scale": 1}


def excel_formats(df, formats: Mapping[str, Any] | None) -> dict:
    """The Excel number format of each numeric column, read from how :func:`table` shows it.

    The display format of a column (a :data:`FORMATS` name or a callable such as a
    scorecard's rounding) is applied to the column's values, and the text shown, compared
    with the value, gives the Excel format: ``0.953`` shown ``95.3%`` → ``0.0%``;
    ``0.9263`` shown ``92.63%`` → ``0.00%``; 82.9 (already per cent) shown ``82.9%`` →
    ``0.0"%"``; ``3428`` shown ``3,428`` → ``#,##0``; ``7.7`` → ``0.0``; ``0.031`` shown
    ``+3.1 pp`` → ``+0.0" pp"`` with the cell holding 3.1 (Excel has no per-cent-point
    format, so the value is scaled by 100); ``p = 0.032`` → ``0.000``. The cells stay
    numbers; text columns and text formats (是/否, ↑1) get no number format.

    Returns
    -------
    dict
        Column -> ``{"number_format": str, "scale": 1 or 100}``.

    Examples
    --------
    >>> import pandas as pd
    >>> excel_formats(pd.DataFrame({"rate": [0.9174649963], "n": [3428]}), {"rate": "pct2", "n": "int"})
    {'rate': {'number_format': '0.00%', 'scale': 1}, 'n': {'number_format': '#,##0', 'scale': 1}}
    """
    import pandas as pd

    out: dict = {}
    for col, f in (formats or {}).items():
        if col not in df.columns:
            continue
        if isinstance(f, str):
            f = FORMATS.get(f)
        if not callable(f):
            continue
        values = df[col]
        if values.dtype == object:
            values = pd.to_numeric(values, errors="coerce")
        if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            continue
        pairs = []
        for v in values.dropna().head(50):
            try:
                pairs.append((float(v), str(f(v))))
            except (TypeError, ValueError):
                continue
        found = _excel_format(pairs) if pairs else None
        if found:
            out[str(col)] = found
    return out


#: Headers of the columns the notebooks record, for a column a table was recorded without
#: a label for (the Excel export shows a reader's word, never ``gap_to_target``).
COLUMN_HEADERS = {
    "period": ("月份", "Period"), "branch": ("分公司", "Branch"), "hall": ("营业厅", "Hall"),
    "unit": ("单位", "Unit"), "responses": ("样本量", "Responses"), "satisfied": ("满意数", "Satisfied"),
    "rate": ("满意度", "Satisfaction"), "ci_low": ("区间下限", "CI low"), "ci_high": ("区间上限", "CI high"),
    "gap_to_target": ("与目标差距", "Gap to target"), "meets_target": ("达标", "Met"),
    "clearly_below": ("确定低于目标", "Clearly below"), "target": ("目标", "Target"),
    "category": ("类别", "Category"), "count": ("数量", "Count"), "percent": ("占比", "Share"),
    "cum_percent": ("累计占比", "Cumulative share"), "vital_few": ("关键少数", "Vital few"),
    "before": ("之前", "Before"), "after": ("之后", "After"), "before_share": ("之前占比", "Share before"),
    "after_share": ("之后占比", "Share after"), "change": ("变化", "Change"),
    "before_rank": ("之前排名", "Rank before"), "after_rank": ("之后排名", "Rank after"),
    "rank_change": ("排名变化", "Rank change"), "key": ("方法代码", "Method id"), "method": ("方法", "Method"),
    "estimate": ("估计", "Estimate"), "p_value": ("p 值", "p-value"),
    "uses_comparison": ("使用对照组", "Uses comparison halls"), "note": ("说明", "Note"),
    "p_below": ("低于目标的 p 值", "p below target"), "within_noise": ("未达但在误差内", "Miss within noise"),
    "tickets": ("工单数", "Tickets"), "repeat_5": ("重复投诉（≥5次）", "Repeat complaints (5+)"),
    "repeat_10": ("重复投诉（≥10次）", "Repeat complaints (10+)"), "fcr": ("一次性解决率", "FCR"),
    "provincial_fcr": ("全省一次性解决率", "Province FCR"),
    "escalated_on_time_rate": ("转办及时率", "Escalated on time"),
    "self_handled_on_time_rate": ("自处理及时率", "Self-handled on time"), "pass_rate": ("质检合格率", "Quality pass"),
    "overdue_rate": ("超时率", "Overdue"), "per_10k": ("万人投诉率", "Per 10,000 subscribers"),
    "step": ("环节代码", "Step id"), "step_zh": ("环节", "Step (zh)"), "step_en": ("环节（英文）", "Step"),
    "limit_minutes": ("时限（分钟）", "Limit (min)"), "on_time": ("及时", "On time"), "late": ("超时", "Late"),
    "open": ("未完成", "Open"), "invalid": ("时间有误", "Invalid times"), "on_time_rate": ("及时率", "On-time rate"),
    "median_minutes": ("中位用时（分钟）", "Median (min)"), "p90_minutes": ("90% 用时（分钟）", "90th percentile (min)"),
    "rank": ("排名", "Rank"), "customer_id": ("客户号码", "Customer"), "complaints": ("投诉数", "Complaints"),
    "top_category": ("最多的子项", "Top sub-item"), "first_opened": ("首次投诉", "First complaint"),
    "last_opened": ("最近投诉", "Last complaint"), "item": ("项目代码", "Item id"), "label": ("项目", "Item"),
    "group": ("分组", "Group"), "max_points": ("满分", "Max points"), "points": ("得分", "Points"),
    "points_lost": ("失分", "Points lost"), "lost_rate": ("失分率", "Share of item lost"),
    "missing": ("缺失", "Missing"), "total": ("总分", "Total"), "total_exact": ("总分（未舍入）", "Total (unrounded)"),
    "n_items": ("计分项数", "Values scored"), "n_missing": ("缺失项数", "Missing values"),
    "goal": ("目标", "Target"), "gap": ("与目标之差", "Gap to target"), "met": ("达标", "Met"),
    "lead": ("领先", "Lead"), "own": ("自有品牌合计", "Own brands"), "competitor": ("竞争对手合计", "Competitor"),
}


#: Display formats of the recorded columns that mean one thing wherever they appear; a
#: column such as ``ci_low`` (a rate in one table, a difference in another) takes the
#: format the notebook gives.
COLUMN_FORMATS = {
    "responses": "int", "satisfied": "int", "rate": "pct", "gap_to_target": "pp", "count": "int",
    "percent": "pct100", "cum_percent": "pct100", "before": "int", "after": "int", "before_share": "pct",
    "after_share": "pct", "change": "pp", "p_value": "p", "p_below": "p", "tickets": "int", "repeat_5": "int",
    "repeat_10": "int", "fcr": "pct", "provincial_fcr": "pct", "escalated_on_time_rate": "pct",
    "self_handled_on_time_rate": "pct", "pass_rate": "pct", "overdue_rate": "pct", "per_10k": "num2",
    "on_time": "int", "late": "int", "open": "int", "invalid": "int", "on_time_rate": "pct",
    "limit_minutes": "num", "median_minutes": "num", "p90_minutes": "num", "complaints": "int",
    "lost_rate": "pct", "share_of_lost": "pct", "goal": "pct", "gap": "pp", "lead": "pp",
}


def header(column, lang: str = "zh") -> str:
    """A column's header for a reader (:data:`COLUMN_HEADERS`), or the name as it is."""
    pair = COLUMN_HEADERS.get(str(column))
    return tr(*pair, lang) if pair else str(column)


def record_table(path: str | os.PathLike | None, name: str, df, *, mask: Iterable[str] = (),
                 labels: Mapping[str, str] | None = None, formats: Mapping[str, Any] | None = None,
                 title: str | None = None) -> dict:
    """Store a key table in the sidecar, for the batch's Excel export (``--format xlsx``).

    Parameters
    ----------
    path : path or None
        The notebook's ``results_path``; nothing is written when empty.
    name : str
        Sheet name (at most 31 characters in Excel; longer names are cut).
    df : DataFrame
        Raw numbers, as the analysis function returned them.
    mask : iterable of str
        Columns holding customer ids or phone numbers, masked before storing.
    labels : mapping, optional
        Column -> header in the run's language, as the notebook shows the table: the
        workbook's headers.
    formats : mapping, optional
        Column -> display format, as passed to :func:`table`: the workbook's number
        formats (:func:`excel_formats`), the cells kept numeric. Columns it leaves out
        take :data:`COLUMN_FORMATS`.
    title : str, optional
        The sheet's name for a reader, in the run's language (default ``name``).
    """
    data = df.copy()
    for col in mask:
        if col in data.columns:
            data[col] = data[col].map(mask_id)
    for col in data.columns:
        if str(data[col].dtype).startswith(("datetime", "period", "category")):
            data[col] = data[col].astype(str)
    payload = {"columns": [str(c) for c in data.columns],
               "rows": _jsonable(data.astype(object).where(data.notna(), None).values.tolist())}
    if labels:
        payload["labels"] = {str(c): mask_text(str(labels[c])) for c in data.columns if c in labels}
    shown = {**{c: COLUMN_FORMATS[c] for c in data.columns if c in COLUMN_FORMATS}, **(formats or {})}
    if shown:
        payload["formats"] = excel_formats(data, shown)
    if title:
        payload["title"] = mask_text(str(title))
    if not path:
        return payload
    existing = {}
    if os.path.exists(os.fspath(path)):
        with open(os.fspath(path), encoding="utf-8") as fh:
            existing = json.load(fh).get("tables", {})
    existing[str(name)[:31]] = payload
    record(path, tables=existing)
    return payload
