"""The public doors: :func:`load` one input, :func:`load_input` it from a data folder.

- :func:`load` — a file or a DataFrame, validated, as a tidy DataFrame;
- :func:`locate`, :func:`load_input` — an input of a data folder by name, whatever its
  ending: all of it, one branch's rows or a few columns (a large file read in part,
  :mod:`cxeval.data.large`);
- :func:`find_branches`, :func:`choose_branch`, :func:`for_branch`,
  :func:`require_rows` — the branches of a data folder and one branch's rows;
- :func:`describe` — one line on what a loaded table holds.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from cxeval import schemas
from cxeval.data.reading import (_EXCEL_SUFFIXES, _PARQUET_SUFFIXES, _Source, _file_error, _read,
                                 _set_aside_totals)
from cxeval.data.validation import _Validator
from cxeval.errors import DataError


class UnknownKindError(DataError, ValueError):
    """``kind`` is not one of :data:`cxeval.schemas.KINDS`.

    A :class:`DataError` so that ``cxeval validate`` reports it like any other input problem,
    and a :class:`ValueError` because it is a bad argument value.
    """


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
               branch: str | None = None, rows: str = "all", columns=None) -> pd.DataFrame | None:
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
    rows : {"all", "branch"}
        "all" (default): every row of the file. "branch": only ``branch``'s rows (the
        whole file when it has no branch column), with a fresh 0..n-1 index.
    columns : sequence of str, optional
        Only these canonical columns (default: all).

    Returns
    -------
    pandas.DataFrame or None
        The rows and columns :func:`load` gives for them, with the same attributes and the
        same errors. For a Parquet file (or a large or imported CSV) of a kind whose rules
        look at one row at a time (tickets: :func:`cxeval.data.large.row_local`) only what
        is asked for is read: the file is validated once per version, in chunks, and the
        result kept in a cache (:mod:`cxeval.data.large`), so a province's branch jobs do
        not each load and validate the whole province.

    Raises
    ------
    DataError
        The file is missing (and required), or fails validation.
    ValueError
        ``rows`` is not "all" or "branch", or "branch" without ``branch``.
    """
    path = locate(data_dir, name)
    if path is None:
        if not required:
            return None
        looked = ", ".join(f"{name}{s}" for s in INPUT_SUFFIXES)
        raise DataError(f"no {name} file in {data_dir} (looked for {looked})")
    if rows not in ("all", "branch"):
        raise ValueError(f"rows must be 'all' or 'branch', got {rows!r}")
    if rows == "branch" and branch is None:
        raise ValueError("rows='branch' needs the branch (branch=...)")
    if (rows == "branch" or columns is not None) and _read_in_part(path, kind):
        from cxeval.data import large

        if rows == "all":
            return large.load_columns(path, kind, list(columns), branch=branch)
        mine = large.load_branch(path, kind, branch)
        if mine is not None:
            return _columns(mine, columns)
    df = load(path, kind, branch=branch)
    if rows == "branch":
        column = "unit" if kind == "scores" else "branch"
        if column in df:
            df = _keep_attrs(df[(df[column] == str(branch).strip()).to_numpy()].reset_index(drop=True), df)
    return _columns(df, columns)


def _keep_attrs(part: pd.DataFrame, whole: pd.DataFrame) -> pd.DataFrame:
    part.attrs = dict(whole.attrs)
    return part


def _columns(df: pd.DataFrame, columns) -> pd.DataFrame:
    if columns is None:
        return df
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"columns {missing} are not in the loaded table ({', '.join(df.columns)})")
    return _keep_attrs(df[list(columns)], df)


def _read_in_part(path: Path, kind: str) -> bool:
    """Whether reads of ``path`` go through the cached whole-file check (:mod:`cxeval.data.large`)."""
    from cxeval.data import large

    suffix = path.suffix.lower()
    if not large.row_local(kind):
        return False
    if suffix in _PARQUET_SUFFIXES:
        return True
    if suffix == ".csv" and path.stat().st_size >= large.IMPORT_MIN_BYTES:
        return True
    return suffix in (".csv", *_EXCEL_SUFFIXES) and large.checked(path, kind) is not None


#: Files in a data folder that name branches: (file stem, kind, column with the branch).
BRANCH_SOURCES = (
    ("hall_survey", "survey", "branch"),
    ("brand_survey", "survey", "branch"),
    ("tickets", "tickets", "branch"),
    ("kpi_scores", "scores", "unit"),
    ("subscribers", "subscribers", "branch"),
    ("pilots", "pilots", "branch"),
    ("charter", "charter", "branch"),
)


def _parquet_column(path: Path, kind: str, column: str) -> pd.Series | None:
    """One column of a Parquet file, read alone (None for other files or no such column).

    Every notebook checks its branch against the data folder: reading and validating a
    whole file for that would cost time in every job; the column alone costs little.
    (Files read in part give the branches of their cached check instead.)
    """
    if path.suffix.lower() not in _PARQUET_SUFFIXES:
        return None
    import pyarrow.parquet as pq

    try:
        names = pq.read_schema(path).names
    except Exception as err:  # noqa: BLE001 - pyarrow raises several types for a broken file
        raise _file_error(path.name, f"cannot be read as Parquet ({err})") from None
    header = next((h for h in names if schemas.match_header(h, kind) == column), None)
    if header is None:
        return None
    return pq.read_table(path, columns=[header]).column(0).to_pandas().astype("string")


def find_branches(data_dir) -> list[str]:
    """Branches named in a data folder's files, in order of first appearance, trimmed.

    Reads the branch column of the files in :data:`BRANCH_SOURCES` (any supported
    ending). A file that fails validation still names its branches (its rows are read
    with the problems set aside): its problems are reported by the notebooks that use it.
    A file read in part (:func:`load_input`) names the branches its cached check found,
    and the first call makes that check.
    """
    branches: list[str] = []
    for stem, kind, column in BRANCH_SOURCES:
        path = locate(data_dir, stem)
        if path is None:
            continue
        try:
            if _read_in_part(path, kind):
                values = _checked_branches(path, kind)
            else:
                values = _parquet_column(path, kind, column)
                if values is None:
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


def _checked_branches(path: Path, kind: str) -> pd.Series:
    from cxeval.data import large

    return pd.Series(large.check_file(path, kind).branches, dtype=object)


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
               "subscribers": ("branch",), "actions": ("cause", "owner", "status"),
               "pilots": ("branch", "hall"), "charter": ("branch", "project"), "team": ("name", "role"),
               "tasks": ("task", "owner", "status")}[kind]
    for column in counted:
        if column in df:
            parts.append(_many(df[column].nunique(), column))
    return ", ".join(p for p in parts if p)
