"""Reading a file into text cells: CSV (with its encoding), Excel, Parquet, a DataFrame.

``_read`` returns a ``_Source``: the cells as written, the header row found (title rows
above it skipped), each row labelled as Excel numbers it, blank rows and total rows set
aside (the module docstring of :mod:`cxeval.data`, "Reading rules" and "Total rows").
"""

from __future__ import annotations

import codecs
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from cxeval import schemas
from cxeval.data.cells import _blank_mask, _map_unique, _text
from cxeval.errors import DataError
from cxeval.report import mask_text


_CSV_ENCODINGS = ("utf-8-sig", "gb18030")


_EXCEL_SUFFIXES = (".xlsx", ".xlsm")


_PARQUET_SUFFIXES = (".parquet", ".pq")


_SUPPORTED = ".csv, .xlsx or .parquet"


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


#: Only an empty cell is blank. pandas would also blank "NA", "N/A", "#N/A", "NULL", "null",
#: "nan" ...: an Excel "#N/A" from a broken look-up would then pass silently as "no value"
#: in an optional column, and be reported as "blank" in a required one. Read as text, it
#: is shown as it was written, as the Excel reader shows it.
_BLANK_ONLY = [""]


def _parse_csv(utf8: bytes, name: str, engine: str) -> pd.DataFrame:
    import warnings

    # index_col=False: without it, when the first data row has more cells than the header,
    # pandas takes the extra cells as an index and shifts every value one column along.
    options = {"skip_blank_lines": False, "index_col": False} if engine == "c" else {}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            return pd.read_csv(io.BytesIO(utf8), dtype=str, encoding="utf-8", engine=engine,
                               keep_default_na=False, na_values=_BLANK_ONLY, **options)
    except pd.errors.ParserError as exc:
        if engine != "c":  # the C reader's message names the line
            return _parse_csv(utf8, name, "c")
        raise _csv_error(name, exc) from None
    except (pd.errors.EmptyDataError, pd.errors.ParserWarning) as exc:
        raise _csv_error(name, exc) from None


def _csv_error(name: str, exc: Exception) -> DataError:
    """What pandas' CSV reader refused, said for the person who saved the file."""
    if isinstance(exc, pd.errors.EmptyDataError):
        return _file_error(name, "the file is empty: no header row and no data rows")
    if isinstance(exc, pd.errors.ParserWarning):
        return _file_error(name, "cannot read the CSV: a row has more cells than the header row "
                                 "(a comma inside a value that is not in quotes?); every row must "
                                 "have as many cells as the header")
    return _file_error(name, f"cannot read the CSV: {mask_text(str(exc).strip())}")


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
