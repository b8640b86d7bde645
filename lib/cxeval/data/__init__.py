"""Read input files (CSV, Excel, Parquet) into validated, tidy DataFrames.

:func:`load` is the only door through which data enters cxeval. It reads a file or takes a
DataFrame, matches the headers to the canonical columns of :mod:`cxeval.schemas` (Chinese or
English), converts every column to its type, checks every cell, and either returns a tidy
DataFrame or raises one :class:`~cxeval.errors.DataError` listing *every* problem it found,
each with the file, the row as Excel shows it and the column as written in the file.

Reading rules
-------------
* CSV: UTF-8 with or without BOM, UTF-16 with or without BOM (Excel's "Unicode text"), else
  GB18030 (a superset of GBK and GB2312). All cells are read as text and converted by the
  schema, so ids keep their leading zeros.
* Excel (``.xlsx``/``.xlsm``, openpyxl): the first sheet unless ``sheet`` names one.
* CSV and Excel alike: the header is the first non-empty row; title rows above the header
  are skipped when the first row holds no known header but a later one (within the first
  ten) holds two or more. Rows are numbered as Excel numbers them. A header written above
  two columns is a problem (which copy holds the data is unknown).
* Parquet: read with pyarrow; columns that already have the right type are kept as they are
  (this path is vectorised end to end: 5 million tickets load in seconds). Rows are numbered
  as they would be in Excel (first data row = row 2).
* DataFrame: validated like a file; messages name ``<DataFrame>`` and the index label
  (``<DataFrame> index 12``).
* Rows in which every cell is blank are dropped (Excel leaves them behind); columns with a
  blank header and no values likewise.
* Columns that are not part of the contract are kept unchanged, after the canonical ones.

Total rows
----------
Rows that add up other rows are never counted. A row whose key cell (branch, hall, period,
segment, unit, item, category, cause: ``Schema.keys``) holds a total label (小计, 合计, 总计,
汇总, 全省平均, Total, Grand total ...; :func:`cxeval.schemas.is_total_label`) is left out,
and ``attrs["total_rows"]`` names each one ("survey.xlsx row 14: 营业厅/hall '小计' is a
total row; left out, not counted"): reports show it with the rows of other branches set
aside (:func:`cxeval.report.excluded_note`), ``cxeval validate`` prints it. A row with
figures whose key cells are blank where complete rows have them (a pivot table's
unlabelled subtotal) is a problem: it cannot be told from a row with a missing name.
Rows of counts per group (survey rows, unless one row per response; causes with a count)
must not repeat their keys: a copied row would be added twice.

Conversions
-----------
* Values (numbers, periods, dates, yes/no) are read after folding full-width characters
  (NFKC: ``１，２５０`` is 1,250, ``２００８年３月`` is 2008-03); names and free text are kept
  as written.
* ``period`` -> ``"YYYY-MM"`` from ``2008-03``, ``2008/3``, ``2008-3``, ``2008年3月``, ``200803``,
  a date (``2008-03-15``) or an Excel date cell; ``"YYYY-Qn"`` from ``2006Q2``, ``2006-Q2``,
  ``2006 Q2``, ``2006年第2季度``, ``2006年二季度``; ``"YYYY"`` from ``2006`` or ``2006年``.
  A period written as a decimal number (``2008.1``, a number cell or text) is a problem:
  in a number cell 2008.10 (October) is stored as 2008.1 (January); the fix is to format
  the column as text and write ``2008-10``.
* rates -> proportions 0-1. A value written with ``%`` is a percentage. The other values of
  the column are read as percentages when *any* of them is greater than 1 (95.3 -> 0.953) and
  as proportions otherwise (0.953 stays); in a column read as percentages, a value above 0
  and at most 1 is reported as a problem, because the column then mixes the two ways of
  writing and either guess could be wrong 100-fold.
* numbers: thousands separators are allowed where they split the digits in threes
  (``1,250``, ``12,345.6``); ``2,72`` (a decimal comma?), ``218 300`` (two numbers?),
  ``inf`` and ``nan`` are problems.
* counts -> ``int64`` (``float64`` with NaN when the column has blanks), checked before any
  cast: whole, 0 or more and at most :data:`cxeval.schemas.MAX_COUNT` (1e20 or an int64
  maximum would otherwise wrap around to a negative count).
* ``number`` values written with ``%`` are read as proportions (``"77.5%"`` -> 0.775) and
  listed in ``attrs["written_as_percent"]``; a scorecard refuses them on items scored in
  points (:meth:`cxeval.kpi.Scorecard.score`).
* yes/no -> ``bool`` from 1/0, true/false, 是/否, Y/N, yes/no (``boolean`` with ``<NA>`` when
  an optional column has blanks).
* timestamps -> naive ``datetime64[ns]`` from ISO text, ``2010/7/1 8:05``,
  ``2010年7月1日 8:05``, Excel date-time cells or Excel serial numbers; time-zone-aware values
  keep their wall-clock time.

Survey forms (one row per unit and period, or one row per response)
--------------------------------------------------------------------
* ``responses`` + ``satisfied`` counts: ``rate = satisfied / responses`` is added (NaN when
  ``responses`` is 0). A ``rate`` column given as well must agree within 0.5 pp (rounding).
* ``satisfied`` as 0/1 (or 是/否, 满意/不满意) with no ``responses`` column: one row per
  response. Rows are *kept* (not aggregated); ``responses`` is set to 1 on every row and
  ``rate`` to ``satisfied``, so that summing ``responses`` and ``satisfied`` over any grouping
  gives the right counts.
* ``rate`` with optional ``responses``: ``satisfied`` is NaN (and ``responses`` too when not
  given); counts are not invented from rounded rates.
  Forms may be mixed row by row in the first and third case: each row needs both counts or a
  rate.
"""

from __future__ import annotations

import codecs
import datetime as _dt
import io
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from cxeval import schemas
from cxeval.errors import DataError
from cxeval.report import mask_text

__all__ = ["load", "load_input", "locate", "describe", "write_templates", "UnknownKindError",
           "MAX_PROBLEMS_PER_COLUMN", "INPUT_SUFFIXES"]

#: Problems of one kind in one column listed one by one; the rest are counted in one line.
MAX_PROBLEMS_PER_COLUMN = 50
# A rate written next to its counts may be rounded (to a whole percent at worst).
_RATE_TOLERANCE = 0.005 + 1e-9
_CSV_ENCODINGS = ("utf-8-sig", "gb18030")
_EXCEL_SUFFIXES = (".xlsx", ".xlsm")
_PARQUET_SUFFIXES = (".parquet", ".pq")
_SUPPORTED = ".csv, .xlsx or .parquet"


class UnknownKindError(DataError, ValueError):
    """``kind`` is not one of :data:`cxeval.schemas.KINDS`.

    A :class:`DataError` so that ``cxeval validate`` reports it like any other input problem,
    and a :class:`ValueError` because it is a bad argument value.
    """


# --------------------------------------------------------------------------- reading
@dataclass
class _Source:
    """A raw table and how to name its rows to the user."""

    name: str
    frame: pd.DataFrame          # columns as written in the file, positional RangeIndex
    rows: np.ndarray | pd.Index  # the user's label of each row (Excel row number / index label)
    row_word: str = "row"
    index: pd.Index | None = None  # index to give the result (DataFrame input keeps its own)
    problems: list = field(default_factory=list)  # problems of the whole file found on reading
    totals: list = field(default_factory=list)    # total rows left out, one note each
    texts: dict = field(default_factory=dict)     # header -> column as text, read once

    def label(self, pos) -> str:
        """'row 14' (Excel numbering) or "index 'a'" for the row at position ``pos``."""
        value = self.rows[pos]
        return f"{self.row_word} {value if not isinstance(value, str) else repr(value)}"


def _file_error(name: str, text: str) -> DataError:
    return DataError(f"{name}: {text}", [f"{name}: {text}"])


def _read(source, kind: str, sheet) -> _Source:
    if isinstance(source, pd.DataFrame):
        if sheet is not None:
            raise ValueError(f"sheet is only used with Excel files; got sheet={sheet!r} "
                             "with a DataFrame")
        frame = source.copy(deep=False)  # copy-on-write: no data is copied
        frame.columns = [str(c) for c in frame.columns]
        frame.index = pd.RangeIndex(len(frame))
        if len(frame.columns) == 0 or len(frame) == 0:
            raise _file_error("<DataFrame>", "no data rows: the DataFrame is empty")
        repeated = sorted(set(frame.columns[frame.columns.duplicated()]))
        if repeated:
            raise _file_error("<DataFrame>", f"column name(s) used more than once: "
                                             f"{', '.join(repeated)}; rename or drop the copies")
        return _Source("<DataFrame>", frame, source.index, "index", source.index)
    if not isinstance(source, (str, os.PathLike)):
        raise TypeError("source must be a file path (str or pathlib.Path) or a pandas DataFrame; "
                        f"got {type(source).__name__}")
    path = Path(source)
    name = path.name or str(path)
    suffix = path.suffix.lower()
    if sheet is not None and suffix not in _EXCEL_SUFFIXES:
        raise ValueError(f"sheet is only used with Excel files (.xlsx); got sheet={sheet!r} "
                         f"for {name}")
    if not path.exists():
        raise _file_error(name, f"file not found (looked for {path.resolve()})")
    if path.is_dir():
        raise _file_error(name, f"{path.resolve()} is a folder, not a file")
    if suffix == ".csv":
        src = _read_csv(path, name, kind)
    elif suffix in _EXCEL_SUFFIXES:
        src = _read_excel(path, name, kind, sheet)
    elif suffix in _PARQUET_SUFFIXES:
        src = _read_parquet(path, name)
    elif suffix == ".xls":
        raise _file_error(name, "old Excel .xls files are not supported; open the file in Excel "
                                "and save it as .xlsx (Excel Workbook)")
    else:
        raise _file_error(name, f"unsupported file type {suffix or '(no extension)'!r}; save the "
                                f"data as {_SUPPORTED}")
    return _drop_blank(src)


def _decode(raw: bytes, name: str) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was read with.

    UTF-16 (Excel's "Unicode text") is recognised by its byte-order mark or, without one,
    by the zero bytes of its ASCII characters (commas, digits, line ends): decoded as
    GB18030 it would give text full of invisible NULs, whose headers match nothing.
    """
    head = raw[:4096]
    odd, even = head[1::2].count(0), head[0::2].count(0)
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)
    elif not raw.startswith(codecs.BOM_UTF8) and max(odd, even) >= len(head) // 10:
        # one byte in five is zero: the ASCII half of UTF-16 (a stray NUL is not enough)
        encodings = ("utf-16-le" if odd >= even else "utf-16-be",)
    else:
        encodings = _CSV_ENCODINGS
    for encoding in encodings:
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        if encodings != _CSV_ENCODINGS:
            raise _file_error(name, "cannot decode the text: it looks like UTF-16 but is not "
                                    "valid UTF-16; save it from Excel as 'CSV UTF-8'")
        tried = ", ".join(_CSV_ENCODINGS)
        raise _file_error(name, f"cannot decode the text: it is neither UTF-8 nor GB18030/GBK "
                                f"(tried {tried}); save it from Excel as 'CSV UTF-8'")
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        raise _file_error(name, "the file holds NUL characters: it is not a text (CSV) file, or "
                                "its encoding is not UTF-8, GB18030 or UTF-16; save it from "
                                "Excel as 'CSV UTF-8'")
    return text, encoding


def _read_csv(path: Path, name: str, kind: str) -> _Source:
    raw = path.read_bytes()
    text, encoding = _decode(raw, name)
    if not text.strip():
        raise _file_error(name, "the file is empty: no header row and no data rows")
    header_line, offset, headers = _csv_header(text, kind)
    if offset == 0 and encoding == "utf-8-sig":
        utf8 = raw.removeprefix(codecs.BOM_UTF8)  # the common case: no copy of the text
    else:
        utf8 = text[offset:].encode("utf-8")
    # Arrow's reader is several times faster, but it skips empty lines, which would shift
    # the row numbers in messages; files with empty lines inside go to pandas' C reader, which
    # keeps them (they are dropped afterwards, row numbers intact). Everything is read as
    # text: the schema decides the types, so "0086" stays "0086".
    body = text[offset:].rstrip("\r\n")
    engine = "c" if ("\n\n" in body or "\n\r\n" in body) else "pyarrow"
    frame = _parse_csv(utf8, name, engine)
    first = header_line + 2  # Excel numbers lines from 1, and the header takes one
    return _Source(name, frame, np.arange(first, first + len(frame)),
                   problems=_repeated_headers(headers))


def _csv_header(text: str, kind: str) -> tuple[int, int, list[str]]:
    """Where the header of a CSV is: (line index, character offset, its cells).

    The same rule as for Excel sheets: the first non-empty line, unless it holds no known
    header and one of the next nine non-empty lines holds two or more (a title such as
    "2008年满意度调查" above the header, as Excel writes it to CSV).
    """
    import csv

    lines, start = [], 0
    while len(lines) < 40 and start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end + 1
        lines.append((start, text[start:end]))
        start = end
    parsed = []
    for i, (offset, line) in enumerate(lines):
        try:
            cells = next(csv.reader([line.rstrip("\r\n")]), [])
        except csv.Error:
            break
        if line.count('"') % 2:  # a quoted cell runs over lines: stop looking
            break
        if any(c.strip() for c in cells):
            parsed.append((i, offset, cells))
    if not parsed:
        return 0, 0, []
    chosen = _header_row([cells for _, _, cells in parsed], kind)
    return parsed[chosen]


def _header_row(rows: list, kind: str) -> int:
    """Which of the first non-empty rows is the header (see the module docstring)."""
    if _known_headers(rows[0], kind) == 0:
        for i, row in enumerate(rows[1:10], start=1):
            if _known_headers(row, kind) >= 2:
                return i
    return 0


def _column_letter(i: int) -> str:
    """Excel's name of the 0-based column ``i``: A, B, ..., Z, AA, ..."""
    letters = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def _repeated_headers(headers) -> list[str]:
    """A problem for each header written above two or more columns.

    pandas and the Excel reader keep the copies as ``满意数.1``, an unknown column that
    would be carried along unnoticed while the first copy is used.
    """
    seen: dict[str, list[int]] = {}
    for i, header in enumerate(headers):
        text = "" if header is None else str(header).strip()
        if text:
            seen.setdefault(text, []).append(i)
    return [f"the header {text!r} is used for {len(cols)} columns "
            f"({', '.join(_column_letter(c) for c in cols)}); keep one of them or rename the others"
            for text, cols in seen.items() if len(cols) > 1]


def _parse_csv(utf8: bytes, name: str, engine: str) -> pd.DataFrame:
    import warnings

    # index_col=False: without it, when the first data row has more cells than the header,
    # pandas takes the extra cells as an index and shifts every value one column along.
    options = {"skip_blank_lines": False, "index_col": False} if engine == "c" else {}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            return pd.read_csv(io.BytesIO(utf8), dtype=str, encoding="utf-8", engine=engine,
                               **options)
    except pd.errors.EmptyDataError:
        raise _file_error(name, "the file is empty: no header row and no data rows") from None
    except pd.errors.ParserWarning:
        raise _file_error(name, "cannot read the CSV: a row has more cells than the header row "
                                "(a comma inside a value that is not in quotes?); every row must "
                                "have as many cells as the header") from None
    except pd.errors.ParserError as exc:
        if engine != "c":  # the C reader's message names the line
            return _parse_csv(utf8, name, "c")
        raise _file_error(name, f"cannot read the CSV: {mask_text(str(exc).strip())}") from None


def _read_excel(path: Path, name: str, kind: str, sheet) -> _Source:
    import openpyxl  # only needed for Excel input

    if sheet is not None and (isinstance(sheet, bool) or not isinstance(sheet, (str, int))):
        raise TypeError(f"sheet must be a sheet name (str) or a 0-based index (int); got {sheet!r}")
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zip, XML and key errors for damaged files
        raise _file_error(name, f"cannot open the file as an Excel workbook "
                                f"({type(exc).__name__}: {exc})") from None
    try:
        names = book.sheetnames
        if sheet is None:
            sheet_name = names[0]
        elif isinstance(sheet, int):
            if not -len(names) <= sheet < len(names):
                raise _file_error(name, f"sheet={sheet} is out of range: the workbook has "
                                        f"{len(names)} sheet(s): {', '.join(names)}")
            sheet_name = names[sheet]
        elif sheet in names:
            sheet_name = sheet
        else:
            raise _file_error(name, f"no sheet named {sheet!r}; sheets: {', '.join(names)}")
        ws = book[sheet_name]
        # Some writers store a wrong sheet size; without this, rows would be cut off.
        ws.reset_dimensions()
        cells = [tuple(r) for r in ws.iter_rows(values_only=True)]
    finally:
        book.close()
    where = f"{name} [{sheet_name}]" if len(names) > 1 else name

    def filled(row) -> bool:
        return any(v is not None and str(v).strip() != "" for v in row)

    nonempty = [i for i, r in enumerate(cells) if filled(r)]
    if not nonempty:
        raise _file_error(where, "the sheet is empty: no header row and no data rows")
    header_at = nonempty[_header_row([cells[i] for i in nonempty[:10]], kind)]
    width = max(len(r) for r in cells[header_at:])
    headers = _header_names(cells[header_at], width)
    body = [tuple(r) + (None,) * (width - len(r)) for r in cells[header_at + 1:]]
    frame = pd.DataFrame(body, columns=headers, dtype=object)
    rows = np.arange(header_at + 2, header_at + 2 + len(body))  # iter_rows starts at row 1
    return _Source(where, frame, rows, problems=_repeated_headers(cells[header_at]))


def _known_headers(row, kind: str) -> int:
    return sum(1 for v in row if v is not None and schemas.match_header(v, kind))


def _header_names(row, width: int) -> list[str]:
    from openpyxl.utils import get_column_letter

    names, seen = [], {}
    for i in range(width):
        value = row[i] if i < len(row) else None
        text = "" if value is None else str(value).strip()
        text = text or f"column_{get_column_letter(i + 1)}"
        if text in seen:  # same rule as pandas for repeated headers: a, a.1, a.2
            seen[text] += 1
            text = f"{text}.{seen[text]}"
        else:
            seen[text] = 0
        names.append(text)
    return names


def _read_parquet(path: Path, name: str) -> _Source:
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises its own error types for damaged files
        raise _file_error(name, f"cannot read the file as Parquet ({type(exc).__name__}: {exc})") \
            from None
    frame = frame.reset_index(drop=True)
    frame.columns = [str(c) for c in frame.columns]
    return _Source(name, frame, np.arange(2, len(frame) + 2))


def _drop_blank(src: _Source) -> _Source:
    frame = src.frame
    if len(frame.columns) == 0:
        raise _file_error(src.name, "the file is empty: no header row and no data rows")
    empty_cols = [c for c in frame.columns
                  if (c.startswith("Unnamed: ") or c.startswith("column_"))
                  and _blank_mask(frame[c]).all()]
    frame = frame.drop(columns=empty_cols)
    # A row is blank when every cell is; checking column by column only the rows still
    # blank so far keeps this cheap on long files (most rows drop out at the first column).
    blank = np.ones(len(frame), dtype=bool)
    for c in frame.columns:
        if not blank.any():
            break
        blank[blank] = _blank_mask(frame[c][blank]).to_numpy()
    keep = ~blank
    if not keep.all():
        frame = frame.loc[keep].reset_index(drop=True)
        src.rows = src.rows[keep]
    src.frame = frame
    if len(frame) == 0:
        raise _file_error(src.name, "no data rows: the file has a header row but nothing under it")
    return src


def _set_aside_totals(src: _Source, schema: schemas.Schema) -> _Source:
    """Leave out total and subtotal rows, with a note naming each one.

    A row whose key cell (branch, hall, period, cause ...) holds a total label (小计, 合计,
    全省平均, Grand Total: :func:`cxeval.schemas.is_total_label`) adds up other rows; kept,
    it would be counted again (a 小计 row per month doubles a branch's responses) or
    ranked as a branch of its own. Such rows are never loaded; the notes go to
    ``attrs["total_rows"]`` so that reports and ``cxeval validate`` say what was left out.
    """
    frame = src.frame
    total = np.zeros(len(frame), dtype=bool)
    found: dict[int, tuple[str, str]] = {}
    for header in frame.columns:
        canonical = schemas.match_header(header, schema.kind)
        if canonical not in schema.keys:
            continue
        text = src.texts[header] = _text(frame[header])
        hint = text.str.contains(schemas.TOTAL_HINT, regex=True).fillna(False)
        hint = hint.to_numpy(dtype=bool)
        if not hint.any():
            continue
        candidates = text[hint]
        is_total = _map_unique(candidates, lambda v: schemas.is_total_label(
            v, regions=schema.region_totals)).fillna(False).to_numpy(dtype=bool)
        for pos in np.flatnonzero(hint)[is_total]:
            found.setdefault(int(pos), (_column_name(header, canonical), text.iloc[pos]))
        total[np.flatnonzero(hint)[is_total]] = True
    if not total.any():
        return src
    notes = [mask_text(f"{src.name} {src.label(pos)}: {column} {label!r} is a total row; "
                       "left out, not counted")
             for pos, (column, label) in sorted(found.items())]
    keep = ~total
    if not keep.any():
        raise _file_error(src.name, f"no data rows: every row is a total row ({notes[0]})")
    texts = {h: t[keep].reset_index(drop=True) for h, t in src.texts.items()}
    return _Source(src.name, frame[keep].reset_index(drop=True), src.rows[keep], src.row_word,
                   None if src.index is None else src.index[keep],
                   problems=src.problems, totals=src.totals + notes, texts=texts)


def _column_name(header: str, canonical: str) -> str:
    """'营业厅/hall' for a column as written in the file; the header alone if it is the name."""
    header = str(header).strip()
    if schemas.normalize_header(header) == schemas.normalize_header(canonical):
        return header
    return f"{header}/{canonical}"


def _blank_mask(s: pd.Series) -> pd.Series:
    blank = s.isna()
    if s.dtype == object:
        blank |= s.map(lambda v: isinstance(v, str) and v.strip() == "").astype(bool)
    elif pd.api.types.is_string_dtype(s.dtype):
        blank |= (s.str.strip() == "").fillna(True).astype(bool)
    return blank.astype(bool)


# --------------------------------------------------------------------------- problems
@dataclass
class _Group:
    where: str
    lines: list = field(default_factory=list)
    more: int = 0
    unit: str = "rows"


class _Problems:
    """Collects problems, at most MAX_PROBLEMS_PER_COLUMN of one kind per column."""

    def __init__(self, src: _Source):
        self.src = src
        self.groups: dict[tuple, _Group] = {}
        self.count = 0
        self.file_level = False                          # a problem of the whole file
        self.bad_rows = np.zeros(len(src.frame), bool)   # rows with a problem

    def file(self, text: str):
        self.count += 1
        self.file_level = True
        self.groups[("file", len(self.groups))] = _Group("", [f"{self.src.name}: {text}"])

    def rows_label(self, positions) -> str:
        labels = [self._label(p) for p in positions[:5]]
        word = self.src.row_word
        if len(positions) == 1:
            return f"{word} {labels[0]}"
        plural = "rows" if word == "row" else word
        if len(positions) > 5:
            return f"{plural} {', '.join(labels)} and {len(positions) - 5:,} more"
        return f"{plural} {', '.join(labels[:-1])} and {labels[-1]}"

    def _label(self, pos) -> str:
        label = self.src.rows[pos]
        return f"{label}" if not isinstance(label, str) else repr(label)

    def rows(self, key: str, mask, detail) -> None:
        """Report every row where ``mask`` is true, as a problem of the row as a whole."""
        positions = np.flatnonzero(np.asarray(mask, dtype=bool))
        if len(positions) == 0:
            return
        self.bad_rows[positions] = True
        self.count += len(positions)
        group = self.groups.setdefault(("", key), _Group("rows"))
        shown = positions[:MAX_PROBLEMS_PER_COLUMN]
        for pos in shown:
            group.lines.append(f"{self.src.name} {self.rows_label([pos])}: {detail(pos)}")
        group.more += len(positions) - len(shown)

    def cells(self, key: str, column: str, mask, detail) -> None:
        """Report every row where ``mask`` is true; ``detail(pos)`` says what is wrong."""
        positions = np.flatnonzero(np.asarray(mask, dtype=bool))
        if len(positions) == 0:
            return
        self.bad_rows[positions] = True
        self.count += len(positions)
        group = self.groups.setdefault((column, key), _Group(f"column {column}"))
        shown = positions[:MAX_PROBLEMS_PER_COLUMN]
        for pos in shown:
            group.lines.append(f"{self.src.name} {self.rows_label([pos])}, column {column}: "
                               f"{detail(pos)}")
        group.more += len(positions) - len(shown)

    def repeated(self, where: str, groups, hidden: int, rows=None) -> None:
        """Report repeated keys: ``groups`` is (positions, text) per key shown, ``hidden``
        the number of further repeated keys.

        Without ``rows`` the repeats are a problem of the file as a whole (which copy of a
        ticket is right is unknown, and it may be any branch's); with ``rows`` (a mask of
        every repeated row) they are problems of those rows, as when the key holds the
        branch and only that branch's figures are in doubt.
        """
        group = self.groups.setdefault((where, "duplicate"), _Group(where, unit="repeated values"))
        if rows is None:
            self.file_level = True
        else:
            self.bad_rows[np.asarray(rows, dtype=bool)] = True
        for positions, text in groups:
            group.lines.append(f"{self.src.name} {self.rows_label(positions)}, {where}: {text}")
        group.more += hidden
        self.count += len(groups) + hidden

    def lines(self) -> list[str]:
        out = []
        for group in self.groups.values():
            out.extend(group.lines)
            if group.more:
                out.append(f"{self.src.name}, {group.where}: ... and {group.more:,} more "
                           f"{group.unit} with the same problem")
        # Messages quote cells, and a phone number shifted into a date column would
        # otherwise reach another branch's report in the "rows left out" note.
        return [mask_text(line) for line in out]


def _show(value, quote: bool = True) -> str:
    """A cell value as the user wrote it, for messages (text quoted unless ``quote=False``)."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return "blank"
    if isinstance(value, str):
        return repr(value) if quote else value.strip()
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, (pd.Timestamp, _dt.datetime)):
        return pd.Timestamp(value).isoformat(sep=" ")
    return str(value)


# --------------------------------------------------------------------------- converters
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


def _kind_of(s: pd.Series) -> str:
    """How to read a column: 'bool', 'numeric', 'datetime', 'string' or 'mixed'."""
    dtype = s.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "bool"
    if pd.api.types.is_numeric_dtype(dtype):
        return "numeric"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "datetime"
    if dtype != object:
        return "string" if pd.api.types.is_string_dtype(dtype) else "mixed"
    inferred = pd.api.types.infer_dtype(s, skipna=True)
    if inferred in ("string", "empty"):
        return "string"
    if inferred in ("integer", "floating", "mixed-integer-float", "decimal"):
        return "numeric"
    if inferred in ("datetime", "datetime64", "date"):
        return "datetime"
    if inferred == "boolean":
        return "bool"
    return "mixed"


def _cell_text(value):
    """Text of one Excel/object cell: integral floats without '.0', dates in ISO form."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    if isinstance(value, _dt.datetime):
        return pd.Timestamp(value).isoformat(sep=" ")
    text = str(value).strip()
    return text or None


def _text(s: pd.Series) -> pd.Series:
    """Any column as stripped text (``str`` dtype) with blanks missing."""
    kind = _kind_of(s)
    if kind == "string":
        t = s.astype("str").str.strip()
    elif kind == "numeric" and pd.api.types.is_integer_dtype(s.dtype):
        t = s.astype("str")
    else:
        t = _map_unique(s, _cell_text).astype("str")
    return t.mask(t == "")


def _map_unique(s: pd.Series, func) -> pd.Series:
    """Apply a Python function to each distinct value only (fast on long, repetitive columns)."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    mapped = np.array([func(u) for u in uniques] + [None], dtype=object)
    return pd.Series(mapped[codes], index=s.index, dtype=object)  # code -1 -> the trailing None


def _nfkc(t: pd.Series) -> pd.Series:
    """Text with full-width digits, letters and punctuation folded (NFKC): "１，２５０" ->
    "1,250", "２００８年３月" -> "2008年3月". Values (numbers, dates, periods, yes/no) are
    read this way; names and free text are kept as written. Only cells with non-ASCII
    characters are looked at, so long ASCII columns cost one vectorised scan."""
    wide = (t.notna() & ~t.str.isascii().fillna(True)).to_numpy(dtype=bool)
    if not wide.any():
        return t
    folded = _map_unique(t[wide], lambda v: unicodedata.normalize("NFKC", v).strip())
    out = t.copy()
    out[wide] = folded.astype("str")
    return out


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
        freq = value.freqstr[0]
        if freq == "M":
            return f"{value.year:04d}-{value.month:02d}"
        if freq == "Q":
            return f"{value.year:04d}-Q{value.quarter}"
        if freq in ("Y", "A"):
            return f"{value.year:04d}"
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


# --------------------------------------------------------------------------- validation
class _Validator:
    def __init__(self, src: _Source, schema: schemas.Schema):
        self.src = src
        self.schema = schema
        self.problems = _Problems(src)
        self.mapping: dict[str, str] = {}  # canonical -> header as written
        self.values: dict[str, pd.Series] = {}
        self.invalid: dict[str, np.ndarray] = {}  # cells already reported, per column
        self.percent: dict[str, np.ndarray] = {}  # number cells written with a % sign
        self.subtotal = np.zeros(len(src.frame), dtype=bool)  # unlabelled pivot subtotals

    def name_of(self, canonical: str) -> str:
        """'满意数/satisfied' for a column as written in the file (or the label if absent)."""
        header = self.mapping.get(canonical)
        if header is None:
            return f"{schemas.label(canonical, 'zh')}/{canonical}"
        header = header.strip()
        if schemas.normalize_header(header) == schemas.normalize_header(canonical):
            return header
        return f"{header}/{canonical}"

    def run(self) -> pd.DataFrame:
        for problem in self.src.problems:
            self.problems.file(problem)
        self.match_headers()
        per_response = (self.schema.kind == "survey" and "satisfied" in self.mapping
                        and "responses" not in self.mapping)
        self.find_subtotals()
        for col in self.schema.columns:
            if col.name in self.mapping:
                self.convert(col, per_response)
        self.report_subtotals()
        self.check_rows(per_response)
        self.check_unique()
        self.check_groups(per_response)
        if self.problems.count:
            n = self.problems.count
            summary = (f"{self.src.name} is not valid {self.schema.kind} data: {n:,} "
                       f"problem{'s' if n != 1 else ''} found")
            error = DataError(summary, self.problems.lines())
            error.bad_rows = self.problems.bad_rows
            error.file_level = self.problems.file_level
            raise error
        return self.assemble(per_response)

    def match_headers(self):
        frame, kind = self.src.frame, self.schema.kind
        for header in frame.columns:
            canonical = schemas.match_header(header, kind)
            if canonical is None:
                continue
            if canonical in self.mapping:
                meaning = f"{schemas.label(canonical, 'zh')}/{canonical}"
                self.problems.file(f"columns {self.mapping[canonical]!r} and {header!r} both mean "
                                   f"{meaning}; keep one of them")
            else:
                self.mapping[canonical] = header
        have = ", ".join(map(str, frame.columns))
        for canonical in self.schema.required:
            if canonical not in self.mapping:
                col = self.schema.column(canonical)
                also = ", ".join((col.zh, col.name) + col.aliases[:3])
                self.problems.file(f"missing required column {col.zh}/{canonical} (accepted "
                                   f"headers include {also}); the file has columns: {have}")
        if self.schema.one_of and not any(c in self.mapping for c in self.schema.one_of):
            wanted = " or ".join(self.name_of(c) for c in self.schema.one_of)
            self.problems.file(f"missing a result column: needs {wanted} (counts 样本量/responses"
                               f" + 满意数/satisfied, 0/1 per response, or a rate); the file has "
                               f"columns: {have}")

    def text_of(self, header: str) -> pd.Series:
        """A column as stripped text (read once: key columns were read for total rows)."""
        if header not in self.src.texts:
            self.src.texts[header] = _text(self.src.frame[header])
        return self.src.texts[header]

    def find_subtotals(self):
        """Rows with figures but blank key cells: the subtotals of a pivot-table layout.

        An Excel pivot table writes a branch's subtotal as "潮安 | (blank hall) | 700" and
        the grand total with every key blank. A row is taken for one when its filled key
        cells are those of complete rows elsewhere in the file (or it has none), so that
        it adds up those rows; it is reported as what it most likely is, rather than as a
        blank cell to fill in.
        """
        frame = self.src.frame
        figures = [self.mapping[c.name] for c in self.schema.columns
                   if c.name in self.mapping and c.type in ("count", "number", "rate")]
        keys = [self.mapping[c.name] for c in self.schema.columns
                if c.name in self.schema.keys and c.name in self.mapping and not c.nullable]
        if not figures or not keys:
            return
        texts = pd.DataFrame({h: self.text_of(h) for h in keys})
        blank = texts.isna().to_numpy()
        has_figure = np.zeros(len(frame), dtype=bool)
        for header in figures:
            has_figure |= ~_blank_mask(frame[header]).to_numpy(dtype=bool)
        candidates = blank.any(axis=1) & has_figure
        if not candidates.any():
            return
        complete = ~blank.any(axis=1)
        subtotal = candidates & blank.all(axis=1)
        for pattern in np.unique(blank[candidates & ~subtotal], axis=0):
            filled = [h for h, b in zip(keys, pattern) if not b]
            rows = candidates & (blank == pattern).all(axis=1)
            known = pd.MultiIndex.from_frame(texts.loc[complete, filled])
            subtotal |= rows & pd.MultiIndex.from_frame(texts[filled]).isin(known)
        self.subtotal = subtotal
        self.subtotal_keys = keys

    def report_subtotals(self):
        if not self.subtotal.any():
            return
        frame = self.src.frame

        def detail(pos):
            blank = [self.name_of(schemas.match_header(h, self.schema.kind))
                     for h in self.subtotal_keys if _blank_mask(frame[h].iloc[[pos]]).iloc[0]]
            return (f"{', '.join(blank)} blank in a row with figures: a subtotal or total row "
                    "of a pivot table? Delete total rows (they would be counted twice); "
                    f"otherwise fill in {' and '.join(blank)}")

        self.problems.rows("subtotal", self.subtotal, detail)

    def convert(self, col: schemas.Column, per_response: bool):
        s = self.src.frame[self.mapping[col.name]]
        if isinstance(s.dtype, pd.CategoricalDtype):  # Parquet dictionary columns
            s = s.astype(s.cat.categories.dtype)
        where = self.name_of(col.name)
        if col.name == "satisfied" and per_response:
            parsed = _parse_bool(s, {"满意": True, "不满意": False})
            expected = (f"1 or 0 (one row per response, as there is no "
                        f"{self.name_of('responses')} column)")
            parsed.values = parsed.values.astype("float64")
            nullable = False
        elif col.type == "rate":
            parsed = _parse_rate(s, self.problems.rows_label)
            expected, nullable = _EXPECTED["rate"], col.nullable
        elif col.type in ("text", "id"):
            parsed = _Parsed(self.text_of(self.mapping[col.name]), np.zeros(len(s), dtype=bool))
            expected, nullable = _EXPECTED[col.type], col.nullable
        else:
            parsed = _PARSERS[col.type](s)
            expected, nullable = _EXPECTED[col.type], col.nullable
        self.problems.cells("bad", where, parsed.bad,
                            lambda pos: f"expected {expected}, found {_show(s.iloc[pos])}")
        invalid = parsed.bad.copy()
        for key, mask, detail in parsed.problems:
            self.problems.cells(key, where, mask, detail)
            invalid |= np.asarray(mask, dtype=bool)
        if not nullable:
            blank = parsed.values.isna().to_numpy(dtype=bool) & ~invalid
            shown = blank & ~self.subtotal if col.name in self.schema.keys else blank
            self.problems.cells("blank", where, shown, lambda pos: f"blank, expected {expected}")
            invalid |= blank
        self.values[col.name] = parsed.values
        self.invalid[col.name] = invalid
        if parsed.percent is not None and parsed.percent.any():
            self.percent[col.name] = parsed.percent & ~invalid

    def check_rows(self, per_response: bool):
        """Rules across columns (survey counts and rates)."""
        if self.schema.kind != "survey" or per_response:
            return
        n = len(self.src.frame)
        nan = pd.Series(np.nan, index=self.src.frame.index)
        resp = self.values.get("responses", nan).to_numpy(dtype="float64", na_value=np.nan)
        sat = self.values.get("satisfied", nan).to_numpy(dtype="float64", na_value=np.nan)
        rate = self.values.get("rate", nan).to_numpy(dtype="float64", na_value=np.nan)
        bad = np.zeros(n, dtype=bool)
        for c in ("responses", "satisfied", "rate"):
            bad |= self.invalid.get(c, np.zeros(n, dtype=bool))
        has_r, has_s, has_q = ~np.isnan(resp), ~np.isnan(sat), ~np.isnan(rate)
        if not any(c in self.mapping for c in ("satisfied", "rate")):
            return  # already reported as a missing column
        resp_col, sat_col, rate_col = (self.name_of(c) for c in ("responses", "satisfied", "rate"))
        first = "satisfied" if "satisfied" in self.mapping else "rate"
        need = (f"each row needs {resp_col} and {sat_col}" if "rate" not in self.mapping
                else f"each row needs {resp_col} and {sat_col}, or {rate_col}")
        s_frame = self.src.frame

        def cell(c, pos):
            return _show(s_frame[self.mapping[c]].iloc[pos], quote=False)

        without_responses = ~bad & has_s & ~has_r
        self.problems.cells("no_responses", sat_col, without_responses,
                            lambda pos: f"{cell('satisfied', pos)} given without {resp_col}; "
                                        f"{need}")
        without_result = ~bad & has_r & ~has_s & ~has_q
        self.problems.cells("no_result", self.name_of(first), without_result,
                            lambda pos: f"blank, but {resp_col} is {cell('responses', pos)}; "
                                        f"{need}")
        nothing = ~bad & ~has_r & ~has_s & ~has_q
        self.problems.cells("nothing", self.name_of(first), nothing,
                            lambda pos: f"blank; {need}")
        both = ~bad & has_r & has_s
        with np.errstate(invalid="ignore", divide="ignore"):
            over = both & (sat > resp)
            self.problems.cells("over", sat_col, over,
                                lambda pos: f"{cell('satisfied', pos)} is more than {resp_col} "
                                            f"{cell('responses', pos)}")
            computed = sat / resp
            disagree = (both & ~over & has_q & (resp > 0)
                        & (np.abs(computed - rate) > _RATE_TOLERANCE))
        self.problems.cells(
            "disagree", rate_col, disagree,
            lambda pos: f"{cell('rate', pos)} does not match {sat_col} ÷ {resp_col} = "
                        f"{cell('satisfied', pos)}/{cell('responses', pos)} = "
                        f"{computed[pos] * 100:.1f}%")

    def check_groups(self, per_response: bool):
        """Rows of counts per group must not repeat their keys (a copy would be added)."""
        if not self.schema.unique_groups or per_response:
            return
        if self.schema.kind == "causes" and "count" not in self.mapping:
            return  # one row per vote or mention: repeats are the data
        keys = tuple(k for k in self.schema.keys if k in self.values)
        if keys and keys != tuple(self.schema.unique):
            self.check_unique(keys, row_level=True)

    def check_unique(self, keys=None, row_level: bool = False):
        keys = self.schema.unique if keys is None else keys
        if not keys or any(k not in self.values for k in keys):
            return
        valid = ~np.logical_or.reduce([self.invalid[k] for k in keys])
        for k in keys:
            if not self.schema.column(k).nullable:
                valid &= self.values[k].notna().to_numpy()
        # a blank optional key (no subcause) is a value of its own, not a wildcard
        frame = pd.DataFrame({k: self.values[k].fillna("") if self.schema.column(k).nullable
                              else self.values[k] for k in keys})
        if len(keys) == 1:
            dup = _duplicated(frame[keys[0]]) & valid
        else:
            dup = frame.duplicated(keep=False).to_numpy() & valid
        if not dup.any():
            return
        positions = np.flatnonzero(dup)
        sub = frame.iloc[positions]
        if len(keys) == 1:
            codes, _ = pd.factorize(sub[keys[0]])
        else:
            codes, _ = pd.factorize(pd.MultiIndex.from_frame(sub))
        shown = codes < MAX_PROBLEMS_PER_COLUMN
        by_key: dict[int, list[int]] = {}
        for code, pos in zip(codes[shown], positions[shown]):
            by_key.setdefault(int(code), []).append(int(pos))
        where = ("column " if len(keys) == 1 else "columns ") + \
            ", ".join(self.name_of(k) for k in keys)
        what = "ticket" if keys == ("ticket_id",) else "the combination"
        groups = []
        for rows in by_key.values():
            value = " / ".join(str(frame[k].iloc[rows[0]]) or "(blank)" for k in keys)
            if row_level:
                text = (f"{what} {value!r} appears {len(rows):,} times; rows of counts are "
                        "added up, so a repeated row counts twice: keep one")
            else:
                text = f"{what} {value!r} appears {len(rows):,} times; each must appear only once"
            groups.append((rows, text))
        self.problems.repeated(where, groups, int(codes.max()) + 1 - len(by_key),
                               rows=dup if row_level else None)

    def assemble(self, per_response: bool) -> pd.DataFrame:
        out: dict[str, pd.Series] = {}
        for col in self.schema.columns:
            if col.name in self.values:
                out[col.name] = self._final(col, self.values[col.name])
        if self.schema.kind == "survey":
            out.update(self._survey_counts(out, per_response))
            ordered = {c: out[c] for c in self.schema.names if c in out}
            out = ordered
        used = set(self.mapping.values())
        for header in self.src.frame.columns:
            if header not in used:
                out[header] = self.src.frame[header]
        result = pd.DataFrame(out, index=self.src.frame.index)
        if self.src.index is not None:
            result.index = self.src.index
        if self.src.totals:
            result.attrs["total_rows"] = list(self.src.totals)
        if self.percent:
            result.attrs["written_as_percent"] = {
                name: {result.index[pos]: mask_text(
                    f"{self.src.name} {self.src.label(pos)}, column {self.name_of(name)}: "
                    f"{_show(self.src.frame[self.mapping[name]].iloc[pos])}")
                    for pos in np.flatnonzero(mask)}
                for name, mask in self.percent.items()}
        return result

    def _final(self, col: schemas.Column, values: pd.Series) -> pd.Series:
        if col.type == "count":
            return _count_dtype(values)
        if col.type == "bool":
            return values.astype("bool") if not values.isna().any() else values.astype("boolean")
        if col.type in ("number", "rate"):
            return values.astype("float64")
        if col.type in ("text", "id", "period", "network"):
            return values.astype("str")
        return values

    def _survey_counts(self, out, per_response):
        n = len(self.src.frame)
        if per_response:
            sat = out["satisfied"].astype("float64")
            return {"responses": pd.Series(np.ones(n, dtype="int64"), index=sat.index),
                    "satisfied": sat.astype("int64"), "rate": sat}
        resp = out.get("responses", pd.Series(np.nan, index=self.src.frame.index))
        sat = out.get("satisfied", pd.Series(np.nan, index=self.src.frame.index))
        rate = out.get("rate", pd.Series(np.nan, index=self.src.frame.index)).astype("float64")
        r, s = resp.astype("float64"), sat.astype("float64")
        with np.errstate(invalid="ignore", divide="ignore"):
            computed = s / r.where(r > 0)
        counted = r.notna() & s.notna()
        rate = computed.where(counted, rate)
        return {"responses": _count_dtype(r), "satisfied": _count_dtype(s), "rate": rate}


def _duplicated(values: pd.Series) -> np.ndarray:
    """Mask of every value that occurs more than once (missing values never count).

    Sorting with Arrow and comparing neighbours is 4-5 times faster than hashing
    (``Series.duplicated``) on millions of distinct ticket ids.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(values.astype("str"), from_pandas=True)
    if len(arr) < 2:
        return np.zeros(len(arr), dtype=bool)
    order = pc.sort_indices(arr)
    ranked = pc.take(arr, order)
    same = pc.fill_null(pc.equal(ranked.slice(1), ranked.slice(0, len(arr) - 1)), False)
    same = np.asarray(same.to_numpy(zero_copy_only=False), dtype=bool)
    in_sorted = np.zeros(len(arr), dtype=bool)
    in_sorted[1:] |= same
    in_sorted[:-1] |= same
    dup = np.empty(len(arr), dtype=bool)
    dup[order.to_numpy()] = in_sorted
    return dup


def _count_dtype(values: pd.Series) -> pd.Series:
    values = values.astype("float64")
    return values.astype("int64") if not values.isna().any() else values


# --------------------------------------------------------------------------- public API
def _branch_header(src: _Source, kind: str) -> str | None:
    """The header of the file's branch column (``unit`` for scores), if it has one."""
    wanted = "unit" if kind == "scores" else "branch"
    for header in src.frame.columns:
        if schemas.match_header(header, kind) == wanted:
            return header
    return None


def _load_for_branch(src: _Source, kind: str, branch: str, error: DataError) -> pd.DataFrame:
    """Load a file with problems for one branch, when none of its problems is that branch's.

    A province-wide file with one branch's rows broken should not stop every other
    branch's report: rows with problems are set aside when they all belong to other
    branches, and the result says so in ``attrs["excluded_problems"]``. Problems of the
    file as a whole (missing columns, repeated ids) or in the branch's own rows re-raise.
    """
    header = _branch_header(src, kind)
    if header is None or getattr(error, "file_level", True) or not hasattr(error, "bad_rows"):
        raise error
    names = src.frame[header].astype("string").str.strip()
    mine = (names == str(branch).strip()).fillna(False).to_numpy(bool)
    if (error.bad_rows & mine).any():
        raise error
    keep = ~error.bad_rows
    subset = _Source(src.name, src.frame[keep].reset_index(drop=True), np.asarray(src.rows)[keep],
                     src.row_word, None if src.index is None else src.index[keep],
                     problems=src.problems, totals=src.totals)
    result = _Validator(subset, schemas.SCHEMAS[kind]).run()
    result.attrs["excluded_problems"] = list(error.problems)
    result.attrs["excluded_rows"] = int(error.bad_rows.sum())
    return result


def load(source, kind: str, *, sheet=None, branch=None) -> pd.DataFrame:
    """Read and validate one input file (or DataFrame) of a given kind.

    Parameters
    ----------
    source : str, pathlib.Path or pandas.DataFrame
        A ``.csv``, ``.xlsx`` (``.xlsm``) or ``.parquet`` file, or a DataFrame with the same
        columns (validated the same way; messages then name ``<DataFrame>`` and index labels).
    kind : str
        One of :data:`cxeval.schemas.KINDS`: ``"survey"``, ``"tickets"``, ``"causes"``,
        ``"scores"``, ``"subscribers"``, ``"actions"``.
    sheet : str or int, optional
        Excel only: sheet name or 0-based position. Default: the first sheet.
    branch : str, optional
        The branch a report is for. A file whose problems all lie in rows of *other*
        branches then loads without those rows (a province-wide file with one branch's
        rows broken does not stop every other branch's report); the problems set aside
        are in ``attrs["excluded_problems"]`` and their count in ``attrs["excluded_rows"]``.
        Problems of the file as a whole (missing columns, repeated ids) or in this
        branch's rows still raise.

    Returns
    -------
    pandas.DataFrame
        Canonical English columns in schema order (see :mod:`cxeval.schemas`), then any
        other columns of the file unchanged. Types: ``period`` str (``"2008-03"``,
        ``"2006-Q2"``, ``"2006"``); names and ids str; counts int64 (float64 with NaN
        where optional and blank); rates and values float64 (rates 0-1); yes/no bool;
        timestamps naive datetime64[ns]; ``network`` one of product/channel/support.
        survey always has ``responses``, ``satisfied`` and ``rate`` (see the module
        docstring for the three survey forms). Files get a fresh 0..n-1 index; a
        DataFrame keeps its own. ``attrs["total_rows"]`` lists the total rows left out
        (one note each, naming the file, row and label), if any.

    Raises
    ------
    cxeval.errors.DataError
        The file is missing, of an unsupported type, unreadable, empty, or fails
        validation. ``err.problems`` lists every problem (at most
        :data:`MAX_PROBLEMS_PER_COLUMN` of one kind per column, then a count), each naming
        the file, the row as Excel numbers it (header = row 1), the column as written with
        its canonical name, what was expected and what was found, e.g.
        ``"survey.csv row 14, column 满意数/satisfied: 412 is more than 样本量/responses 400"``.
        An unknown ``kind`` raises :class:`UnknownKindError`, a DataError and a ValueError.
    TypeError
        ``source`` is neither a path nor a DataFrame, or ``sheet`` is not a str or int.
    ValueError
        ``sheet`` given for a file that is not an Excel workbook.

    Examples
    --------
    >>> from cxeval import data
    >>> survey = data.load("data/sample/hall_survey.csv", "survey")   # doctest: +SKIP
    >>> survey.columns[:7].tolist()                                     # doctest: +SKIP
    ['period', 'branch', 'hall', 'segment', 'responses', 'satisfied', 'rate']
    """
    if not isinstance(kind, str) or kind not in schemas.SCHEMAS:
        text = f"kind must be one of {', '.join(map(repr, schemas.KINDS))}; got {kind!r}"
        raise UnknownKindError(text, [text])
    src = _set_aside_totals(_read(source, kind, sheet), schemas.SCHEMAS[kind])
    try:
        return _Validator(src, schemas.SCHEMAS[kind]).run()
    except DataError as error:
        if branch is None:
            raise
        return _load_for_branch(src, kind, branch, error)


_PLURALS = {"branch": "branches", "category": "categories", "status": "statuses"}


def _many(n: int, word: str) -> str:
    return f"{n:,} {word if n == 1 else _PLURALS.get(word, word + 's')}"


def _span(values: pd.Series, word: str) -> str | None:
    vals = values.dropna()
    if vals.empty:
        return None
    distinct = sorted(vals.unique())
    if len(distinct) == 1:
        return f"{_many(1, word)} ({distinct[0]})"
    return f"{_many(len(distinct), word)} ({distinct[0]} … {distinct[-1]})"


#: File endings :func:`load_input` looks for, in this order.
INPUT_SUFFIXES = (".parquet", ".csv", ".xlsx")


def locate(data_dir, name: str) -> Path | None:
    """The input file ``name`` in ``data_dir`` with any supported ending, or None.

    ``locate("data/sample", "tickets")`` finds ``tickets.parquet``, ``tickets.csv`` or
    ``tickets.xlsx`` (first found in :data:`INPUT_SUFFIXES` order).
    """
    for suffix in INPUT_SUFFIXES:
        path = Path(data_dir) / f"{name}{suffix}"
        if path.exists():
            return path
    return None


def load_input(data_dir, name: str, kind: str, *, required: bool = True,
               branch: str | None = None) -> pd.DataFrame | None:
    """Load the input file ``name`` (any supported ending) of ``kind`` from ``data_dir``.

    Parameters
    ----------
    data_dir : path
        Folder of input files.
    name : str
        File name without ending, e.g. ``"tickets"`` or ``"hall_survey"``.
    kind : str
        Data contract, as in :func:`load`.
    required : bool
        If False, a missing file gives None instead of an error (optional inputs such as
        the brand survey).
    branch : str, optional
        The branch the report is for; see :func:`load`.

    Raises
    ------
    DataError
        The file is missing (and required), or fails validation.
    """
    path = locate(data_dir, name)
    if path is None:
        if not required:
            return None
        looked = ", ".join(f"{name}{s}" for s in INPUT_SUFFIXES)
        raise DataError(f"no {name} file in {data_dir} (looked for {looked})")
    return load(path, kind, branch=branch)


#: Files in a data folder that name branches: (file stem, kind, column with the branch).
BRANCH_SOURCES = (
    ("hall_survey", "survey", "branch"),
    ("brand_survey", "survey", "branch"),
    ("tickets", "tickets", "branch"),
    ("kpi_scores", "scores", "unit"),
    ("subscribers", "subscribers", "branch"),
    ("pilots", "pilots", "branch"),
)


def find_branches(data_dir) -> list[str]:
    """Branches named in a data folder's files, in order of first appearance, trimmed.

    Reads the branch column of the files in :data:`BRANCH_SOURCES` (any supported
    ending). A file that fails validation still names its branches (its rows are read
    with the problems set aside): its problems are reported by the notebooks that use it.
    """
    branches: list[str] = []
    for stem, kind, column in BRANCH_SOURCES:
        path = locate(data_dir, stem)
        if path is None:
            continue
        try:
            values = load(path, kind)[column]
        except DataError:
            try:
                src = _read(path, kind, None)
            except DataError:
                continue
            header = _branch_header(src, kind)
            if header is None:
                continue
            values = src.frame[header]
        for value in values.dropna().astype(str).str.strip().unique():
            # a benchmark unit (全省 in the scores) or a total row is not a branch
            if schemas.is_total_label(value, regions=True) or value in schemas.REGION_WORDS:
                continue
            if value and value not in branches:
                branches.append(value)
    return branches


def choose_branch(data_dir, branch: str = "") -> str:
    """The branch a notebook reports on: ``branch`` trimmed, or the first one in the data.

    For notebooks opened by hand in JupyterLab (the batch always names the branch).

    Raises
    ------
    DataError
        ``branch`` appears in no input file (the closest names and every branch found are
        listed), or the folder names no branch.
    """
    from cxeval.plan import suggest

    found = find_branches(data_dir)
    name = str(branch or "").strip()
    if not found:
        raise DataError(f"no branches found in {data_dir}: expected files such as hall_survey.csv "
                        "or tickets.parquet with a branch (分公司) column")
    if not name:
        return found[0]
    if name not in found:
        close = suggest(name, found)
        hint = f" — did you mean {', '.join(close)}?" if close else ""
        raise DataError(f"branch {name!r} appears in no input file in {data_dir}{hint} "
                        f"(branches found: {', '.join(found)})")
    return name


def for_branch(df: pd.DataFrame | None, branch: str, *, column: str = "branch") -> pd.DataFrame | None:
    """The rows of ``branch`` and the rows meant for every branch (blank, 全省, all).

    For registers that may be kept for a whole province (actions): a file without the
    ``column`` applies to every branch as it is.
    """
    if df is None or column not in df:
        return df
    names = df[column].astype("string").str.strip()
    shared = names.isna() | (names == "") | names.str.lower().isin([a.lower() for a in schemas.ALL_BRANCHES])
    return df[(names == str(branch).strip()).fillna(False) | shared.fillna(False)]


def require_rows(df: pd.DataFrame | None, branch: str, kind: str, *, column: str = "branch") -> pd.DataFrame:
    """The rows of ``branch``; :class:`~cxeval.errors.NotApplicable` when it has none.

    A report about a kind of data the branch does not have is not a report: the batch
    records it as ``n/a`` with this reason ("贵阳没有投诉工单数据").
    """
    from cxeval.errors import NotApplicable

    sch = schemas.schema(kind)
    rows = df[df[column] == branch] if df is not None and column in df else None
    if rows is None or rows.empty:
        what = sch.en[0].lower() + sch.en[1:] if sch.en[1:2].islower() else sch.en   # "KPI scores" stays
        raise NotApplicable(f"{branch} 没有{sch.zh}数据。", f"{branch} has no {what} data.")
    return rows


def describe(df: pd.DataFrame, kind: str) -> str:
    """One line saying what a loaded table holds, for ``cxeval validate``.

    Parameters
    ----------
    df : pandas.DataFrame
        A table returned by :func:`load`.
    kind : str
        Its kind (one of :data:`cxeval.schemas.KINDS`).

    Returns
    -------
    str
        e.g. ``"survey: 1,440 rows, 7 columns, 12 periods (2008-01 … 2008-12), 12 branches,
        45 halls"``; tickets give the range of ``opened_at`` dates instead of periods.

    Raises
    ------
    TypeError
        ``df`` is not a DataFrame.
    ValueError
        Unknown ``kind``.

    Examples
    --------
    >>> describe(pd.DataFrame({"branch": ["贵阳"], "period": ["2010-01"],
    ...                        "subscribers": [1250000]}), "subscribers")
    'subscribers: 1 row, 3 columns, 1 period (2010-01), 1 branch'
    """
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be a pandas DataFrame; got {type(df).__name__}")
    schemas.schema(kind)
    parts = [f"{kind}: {_many(len(df), 'row')}, {_many(len(df.columns), 'column')}"]
    if "period" in df:
        parts.append(_span(df["period"], "period"))
    if kind == "tickets" and "opened_at" in df:
        opened = pd.to_datetime(df["opened_at"], errors="coerce").dropna()
        if not opened.empty:
            first, last = f"{opened.min():%Y-%m-%d}", f"{opened.max():%Y-%m-%d}"
            parts.append(f"opened {first}" if first == last else f"opened {first} … {last}")
    counted = {"survey": ("branch", "hall", "segment"), "tickets": ("branch", "category"),
               "causes": ("bone", "cause"), "scores": ("unit", "item"),
               "subscribers": ("branch",), "actions": ("cause", "owner", "status")}[kind]
    for column in counted:
        if column in df:
            parts.append(_many(df[column].nunique(), column))
    return ", ".join(p for p in parts if p)


# --------------------------------------------------------------------------- templates
_EXAMPLES = {
    "survey": {"period": "2008-01", "branch": "潮安", "hall": "庵埠", "segment": "全球通",
               "responses": 400, "satisfied": 372, "rate": 0.93},
    "tickets": {"ticket_id": "T201007010001", "customer_id": "13800138000", "branch": "贵阳",
                "opened_at": _dt.datetime(2010, 7, 1, 8, 5), "channel": "客服热线",
                "category": "计费账单", "network": ("服务支撑质量", "support"),
                "submitted_at": _dt.datetime(2010, 7, 1, 8, 9),
                "dispatched_at": _dt.datetime(2010, 7, 1, 8, 31),
                "replied_at": _dt.datetime(2010, 7, 1, 15, 20),
                "returned_at": _dt.datetime(2010, 7, 2, 9, 0),
                "closed_at": _dt.datetime(2010, 7, 2, 10, 0),
                "escalated": ("否", "N"), "first_contact_resolved": ("是", "Y"),
                "qualified": ("是", "Y"), "summary": "对6月账单中的流量费用有疑问"},
    "causes": {"bone": "人员", "cause": "引导员职责未落实", "subcause": "岗位职责未纳入考核",
               "count": 12},
    "scores": {"unit": "黔东南", "period": "2006-Q2", "item": "third_party", "value": 12.0},
    "subscribers": {"branch": "贵阳", "period": "2010-01", "subscribers": 1250000},
    "actions": {"branch": "潮安", "cause": "引导员职责未落实", "action": "制定引导员岗位职责并纳入月度考核",
                "owner": "营业部经理", "due": _dt.datetime(2008, 7, 31), "status": "进行中"},
    "pilots": {"branch": "潮安", "hall": "庵埠", "pilot_start": "2008-08", "rollout_start": "2008-09"},
}
_TEMPLATE_TIME = _dt.datetime(2008, 1, 1)  # fixed, so regenerated workbooks differ only in content


def _example(kind: str, lang: str, excel: bool) -> dict:
    """The example row of a template, keyed by header in ``lang``."""
    row = {}
    for col in schemas.SCHEMAS[kind].columns:
        value = _EXAMPLES[kind][col.name]
        if isinstance(value, tuple):  # (Chinese, English) forms of a yes/no or network value
            value = value[0] if lang == "zh" else value[1]
        if not excel:  # Excel stores rates and times as numbers; a CSV shows them as text
            if col.type == "rate":
                value = f"{value:.1%}"
            elif isinstance(value, _dt.datetime):
                value = f"{value:%Y-%m-%d}" if col.name == "due" else f"{value:%Y-%m-%d %H:%M}"
        row[col.zh if lang == "zh" else col.name] = value
    return row


def write_templates(out_dir) -> list[Path]:
    """Write an empty input template for every kind, in both header languages.

    For each kind: ``<kind>_zh.csv`` and ``<kind>_en.csv`` (UTF-8 with BOM, so that Excel
    shows Chinese correctly) and ``<kind>.xlsx`` with sheets ``zh`` and ``en``; each has the
    header row and one example row that :func:`load` accepts. A ``README.md`` lists each
    kind's columns, whether they are required and the headers accepted.

    Parameters
    ----------
    out_dir : str or pathlib.Path
        Folder to write into (created if needed); existing templates are overwritten.

    Returns
    -------
    list of pathlib.Path
        The files written.

    Examples
    --------
    >>> write_templates("data/templates")   # doctest: +SKIP
    """
    import openpyxl
    from openpyxl.styles import Font

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, schema in schemas.SCHEMAS.items():
        book = openpyxl.Workbook()
        book.remove(book.active)
        for lang in ("zh", "en"):
            csv_row = _example(kind, lang, excel=False)
            path = out / f"{kind}_{lang}.csv"
            pd.DataFrame([csv_row]).to_csv(path, index=False, encoding="utf-8-sig")
            written.append(path)
            ws = book.create_sheet(lang)
            row = _example(kind, lang, excel=True)
            ws.append(list(row))
            ws.append(list(row.values()))
            for cell, col in zip(ws[2], schema.columns):
                if col.type == "datetime":
                    cell.number_format = "yyyy-mm-dd" if col.name == "due" else "yyyy-mm-dd hh:mm"
                elif col.type == "rate":
                    cell.number_format = "0.0%"
                elif col.type in ("id", "period"):
                    cell.number_format = "@"  # text, so Excel keeps 13800138000 and 2008-01
            for cell, col in zip(ws[1], schema.columns):
                cell.font = Font(bold=col.required)
                ws.column_dimensions[cell.column_letter].width = max(12, len(str(cell.value)) + 4)
        book.properties.creator = "cxeval"
        book.properties.created = _TEMPLATE_TIME
        path = out / f"{kind}.xlsx"
        book.save(path)
        written.append(path)
    readme = out / "README.md"
    readme.write_text(_templates_readme(), encoding="utf-8")
    written.append(readme)
    return written


def _templates_readme() -> str:
    lines = [
        "# Input templates 输入模板",
        "",
        "Generated by `cxeval.data.write_templates(\"data/templates\")` from `cxeval.schemas`;",
        "regenerate rather than edit. Each kind has `<kind>_zh.csv` (Chinese headers),",
        "`<kind>_en.csv` (English headers), both UTF-8 with BOM, and `<kind>.xlsx` with sheets",
        "`zh` and `en`. Keep the header row, replace the example row with your data, and check",
        "the file with `cxeval validate FILE --kind KIND`. Headers in bold (Excel) are required.",
        "Headers match case- and space-insensitively; extra columns are kept.",
        "",
    ]
    for kind, schema in schemas.SCHEMAS.items():
        lines += [f"## {kind}: {schema.zh} / {schema.en}", "",
                  "| column | 中文 | required | type | other accepted headers |",
                  "|---|---|---|---|---|"]
        for col in schema.columns:
            required = "yes" if col.required else "no"
            if col.required and col.nullable:
                required = "yes (cells may be blank)"
            aliases = ", ".join(col.aliases)
            lines.append(f"| {col.name} | {col.zh} | {required} | {col.type} | {aliases} |")
        if schema.one_of:
            lines += ["", f"At least one of {', '.join(schema.one_of)} is required: counts "
                          "`responses` + `satisfied`, `satisfied` as 0/1 with one row per "
                          "response, or `rate` (0.953, 95.3 or 95.3%) with optional `responses`."]
        if schema.unique:
            lines += ["", f"Each combination of {', '.join(schema.unique)} must appear only once."]
        lines.append("")
    return "\n".join(lines)
