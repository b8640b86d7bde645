"""Large input files: checked once, then read in part.

A province's ticket file holds every branch; a report is about one of them. Loading and
validating the whole file in every job (:func:`cxeval.data.load`) made each branch job
pay for all twelve branches, in time and in memory. Here the work is split:

* **The whole-file check** (:func:`check_file`) reads and validates every row once per
  version of the file, in chunks of :data:`CHUNK_ROWS` rows so memory stays bounded
  whatever the file's size (a CSV streamed, a Parquet file batch by batch). It keeps, in
  a cache keyed by the file's SHA-256 (:func:`file_hash`), the problems exactly as
  :func:`cxeval.data.load` lists them (file, Excel row, column, expected, found), which
  branches have rows with problems, the total rows left out, the branch names -- and
  the valid rows, converted, as one Parquet file per branch with each row's Excel row
  number (the *store*).
* **Reads** then take only the rows or columns asked for: :func:`load_branch` reads one
  branch's file of the store and validates those rows again as a table of their own;
  :func:`load_columns` reads a few columns of every row (a province-wide benchmark next
  to a branch's report). Both give what the full-file path gives for the same rows and
  raise the same :class:`~cxeval.errors.DataError`. :func:`cxeval.data.load_input`
  (``rows="branch"``, ``columns=``) goes through them for the files it reads in part.
* ``cxeval import FILE --kind tickets`` (:func:`import_file`) makes the check ahead of
  the first report; otherwise the first read (or the batch, when it looks for the
  branches) makes it.

This applies to kinds whose rules are about one row at a time plus unique keys
(:func:`row_local`: tickets, pilots, actions). The survey and score files, which are
small and have rules across rows (a rate column read as percentages when any value is
above 1; pivot-table subtotals), are always loaded whole.

The cache lives in ``$CXEVAL_CACHE_DIR``, else ``$XDG_CACHE_HOME/cxeval``, else
``~/.cache/cxeval``; deleting it only costs the next check.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from cxeval import __version__, schemas
from cxeval.data.cells import _blank_mask, _text
from cxeval.data.inputs import _branch_header, load
from cxeval.data.reading import (_BLANK_ONLY, _CSV_ENCODINGS, _csv_error, _csv_header, _file_error, _read, _repeated_headers,
                                 _set_aside_totals, _Source)
from cxeval.data.validation import MAX_PROBLEMS_PER_COLUMN, _Problems, _Validator
from cxeval.errors import DataError

__all__ = ["cache_dir", "file_hash", "row_local", "check_file", "checked", "FileCheck", "load_branch",
           "load_columns", "import_file", "CHUNK_ROWS", "IMPORT_MIN_BYTES"]

#: Rows validated at once by the whole-file check.
CHUNK_ROWS = 500_000
#: CSV files at least this large are read through the check (smaller ones are loaded whole).
IMPORT_MIN_BYTES = 64 * 2**20
# Bump when what a check records changes: older records are then not read.
_FORMAT = 1


def cache_dir() -> Path:
    """The folder of cached checks, hashes and imports (created).

    A home folder that cannot be written (a service account, a read-only container) does
    not stop a report: the cache then goes to a per-user folder in the temporary
    directory. Only an explicit ``$CXEVAL_CACHE_DIR`` that cannot be written is an error.
    """
    from cxeval._io import folder_problem

    base = os.environ.get("CXEVAL_CACHE_DIR")
    if base:
        problem = folder_problem(base)
        if problem:
            raise DataError(f"CXEVAL_CACHE_DIR={base}: {problem}")
        return Path(base)
    xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    for folder in (Path(xdg) / "cxeval", Path(tempfile.gettempdir()) / f"cxeval-cache-{os.getuid()}"):
        if folder_problem(folder) is None:
            return folder
    raise DataError(f"no writable cache folder: {Path(xdg) / 'cxeval'} and the temporary directory "
                    "cannot be written; set CXEVAL_CACHE_DIR to a writable folder")


@contextlib.contextmanager
def _locked(name: str):
    """One process at a time computes a given cache entry; the others wait for it."""
    import fcntl

    folder = cache_dir() / "locks"
    folder.mkdir(exist_ok=True)
    with open(folder / f"{name}.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def file_hash(path) -> str:
    """SHA-256 of a file's bytes, computed once per version of the file.

    The digest is remembered under the file's path, size, modification time (ns) and inode,
    so the twelve jobs of a province do not each read a gigabyte to hash it.
    """
    path = Path(path).resolve()
    st = path.stat()
    stamp = hashlib.sha1(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}".encode()).hexdigest()
    memo = cache_dir() / "hashes" / stamp
    try:
        return memo.read_text(encoding="ascii").strip()
    except OSError:
        pass
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 22), b""):
            digest.update(chunk)
    memo.parent.mkdir(exist_ok=True)
    from cxeval._io import atomic_write_text

    atomic_write_text(memo, digest.hexdigest())
    return digest.hexdigest()


def row_local(kind: str) -> bool:
    """Whether ``kind``'s rules look at one row at a time (besides its unique keys).

    Then a file can be validated in chunks and a subset of its rows validated alone with
    the same result, and the types of the loaded columns do not depend on which rows are
    loaded (no counts, which are int64 only without blanks; no yes/no column that may be
    blank).
    """
    schema = schemas.SCHEMAS[kind]
    return not schema.unique_groups and not any(
        c.type in ("count", "number", "rate") or (c.type == "bool" and c.nullable) for c in schema.columns)


# --------------------------------------------------------------------------- the check
@dataclass
class FileCheck:
    """What the whole-file check of one input file found (cached as JSON)."""

    name: str                    # the file's name, as messages name it
    kind: str
    rows: int = 0                # rows read (Parquet rows, CSV records)
    count: int = 0               # problems found (0: the file is valid)
    summary: str = ""
    problems: list = field(default_factory=list)       # the DataError's lines
    file_level: bool = False     # a problem of the whole file (missing column, repeated id)
    bad_rows: int = 0            # rows with a problem of their own
    bad_branches: list = field(default_factory=list)   # branches (trimmed) with such rows
    totals: list = field(default_factory=list)         # notes on the total rows left out
    branches: list = field(default_factory=list)       # as find_branches reads them, in order
    has_branch: bool = False     # the file has a branch column
    columns: list = field(default_factory=list)        # of the loaded table, in order
    store: str | None = None     # folder of the valid rows, one Parquet file per branch
    partitions: dict = field(default_factory=dict)     # branch (trimmed) -> file in store

    def error(self) -> DataError:
        error = DataError(self.summary, list(self.problems))
        error.file_level = self.file_level
        return error


def _entry(digest: str, kind: str) -> Path:
    return cache_dir() / "checks" / f"{digest}-{kind}-{_FORMAT}-{__version__}"


def checked(path, kind: str) -> FileCheck | None:
    """The cached check of a file, if it was made; None otherwise."""
    try:
        raw = json.loads((_entry(file_hash(path), kind) / "check.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return FileCheck(**raw)


def check_file(path, kind: str) -> FileCheck:
    """The whole-file check of a Parquet or CSV file of a row-local ``kind``: from the cache,
    or made now (once: whichever process asks first makes it, the others wait for it)."""
    path = Path(path)
    check = checked(path, kind)
    if check is not None:
        return check
    digest = file_hash(path)
    with _locked(f"{digest}-{kind}"):
        check = checked(path, kind)
        if check is None:
            check = _make_check(path, kind, digest)
    return check


def import_file(path, kind: str) -> FileCheck:
    """Check a file ahead of the reports (``cxeval import``); returns the check.

    A CSV or Parquet file is read in chunks (memory bounded); an Excel workbook, at most
    a million rows, is read whole (its first sheet).

    Raises
    ------
    ValueError
        ``kind`` has rules across rows (:func:`row_local`), or the file is not CSV, XLSX
        or Parquet.
    """
    path = Path(path)
    if path.suffix.lower() not in (".csv", ".parquet", ".pq", ".xlsx", ".xlsm"):
        raise ValueError(f"import takes a .csv, .xlsx or .parquet file; got {path.name}")
    if not row_local(kind):
        raise ValueError(f"{kind} files are loaded whole (their rules look across rows); import takes "
                         "tickets, pilots and actions")
    return check_file(path, kind)


class _SeqProblems:
    """A validator's problem list that records the order in which its groups arose.

    The validator makes the same calls in the same order on every chunk; numbering the
    calls puts the groups of all chunks back in the order one pass over the whole file
    gives them.
    """

    def __init__(self, inner):
        self.inner = inner
        self.calls = 0
        self.seq: dict = {}

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def _track(self, method, *args, **kwargs):
        self.calls += 1
        before = set(self.inner.groups)
        method(*args, **kwargs)
        for key in self.inner.groups.keys() - before:
            self.seq[key] = self.calls

    def file(self, *a, **k):
        self._track(self.inner.file, *a, **k)

    def rows(self, *a, **k):
        self._track(self.inner.rows, *a, **k)

    def cells(self, *a, **k):
        self._track(self.inner.cells, *a, **k)

    def repeated(self, *a, **k):
        self._track(self.inner.repeated, *a, **k)


class _Fallback(Exception):
    """A chunk the chunked check cannot judge (every row a total row): check the file whole."""


def _parquet_columns(pf) -> list[str]:
    meta = pf.schema_arrow.pandas_metadata or {}
    stored_index = {c for c in meta.get("index_columns", []) if isinstance(c, str)}
    return [n for n in pf.schema_arrow.names if n not in stored_index]


def _parquet_chunks(path: Path):
    """(frame, row labels) per chunk of a Parquet file, columns as in the file."""
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(path)
    columns = _parquet_columns(pf)
    offset = 0
    for batch in pf.iter_batches(batch_size=CHUNK_ROWS, columns=columns):
        frame = batch.to_pandas()
        frame.columns = [str(c) for c in frame.columns]
        yield frame, np.arange(offset, offset + len(frame)) + 2
        offset += len(frame)


def _blank_columns(path: Path) -> list[str]:
    """Unnamed columns (``Unnamed: 3``) with no value in the whole file: load drops them."""
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(path)
    unnamed = [c for c in _parquet_columns(pf) if c.startswith("Unnamed: ") or c.startswith("column_")]
    if not unnamed:
        return []
    table = pf.read(columns=unnamed).to_pandas()
    return [c for c in unnamed if _blank_mask(table[c]).all()]


def _key_frame(validator, schema, keys):
    """The unique-key values as check_unique compares them, and which rows it compares."""
    valid = ~np.logical_or.reduce([validator.invalid[k] for k in keys])
    for k in keys:
        if not schema.column(k).nullable:
            valid &= validator.values[k].notna().to_numpy()
    frame = pd.DataFrame({k: validator.values[k].fillna("") if schema.column(k).nullable
                          else validator.values[k] for k in keys})
    return frame, valid


def _key_hashes(frame: pd.DataFrame) -> np.ndarray:
    """64-bit hashes of each row's key (Python's own: the same within this process)."""
    if frame.shape[1] == 1:
        values = frame.iloc[:, 0].tolist()
    else:
        values = list(zip(*(frame[c].tolist() for c in frame.columns)))
    return np.fromiter((hash(v) for v in values), dtype=np.int64, count=len(values))


class _Store:
    """The valid rows of a file, converted, written as one Parquet file per branch."""

    def __init__(self, folder: Path, kind: str, source_types: dict):
        self.folder = folder
        self.kind = kind
        self.source_types = source_types
        self.schema = None
        self.writers: dict = {}
        self.files: dict = {}
        self.filled: set = set()

    def _type(self, column: str):
        import pyarrow as pa

        if column == "__row__":
            return pa.int64()
        spec = schemas.SCHEMAS[self.kind]
        if column in spec.names:
            return {"datetime": pa.timestamp("ns"), "bool": pa.bool_()}.get(spec.column(column).type, pa.string())
        return self.source_types.get(column, pa.string())

    def write(self, validator, src) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        good = ~validator.problems.inner.bad_rows
        if not good.any():
            return
        table = validator.assemble(False).loc[good].reset_index(drop=True)
        for column in table.columns:  # unnamed columns empty everywhere are dropped, as load does
            if (column.startswith("Unnamed: ") or column.startswith("column_")) \
                    and not _blank_mask(table[column]).all():
                self.filled.add(column)
        table["__row__"] = np.asarray(src.rows, dtype=np.int64)[good]
        if self.schema is None:
            self.schema = pa.schema([(c, self._type(c)) for c in table.columns])
            pq.write_table(self.schema.empty_table(), self.folder / "empty.parquet")
        if "branch" in table.columns:
            names = table["branch"].astype(object).where(table["branch"].notna(), "")
            codes, uniques = pd.factorize(names)
        else:
            codes, uniques = np.zeros(len(table), dtype=np.int64), pd.Index([""])
        order = np.argsort(codes, kind="stable")
        bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
        for i, name in enumerate(uniques):
            rows = order[bounds[i]:bounds[i + 1]]
            if name not in self.writers:
                self.files[name] = f"part-{len(self.files):05d}.parquet"
                self.writers[name] = pq.ParquetWriter(self.folder / self.files[name], self.schema,
                                                      compression="zstd")
            part = pa.Table.from_pandas(table.iloc[rows], schema=self.schema, preserve_index=False)
            self.writers[name].write_table(part)

    def close(self) -> None:
        for writer in self.writers.values():
            writer.close()
        self.writers = {}


def _check_chunks(name: str, kind: str, make_chunks, *, blank_columns=(), header_problems=(), store=None,
                  whole: bool = False) -> FileCheck:
    """Validate the chunks of a file one after the other; gather one check of the whole file.

    ``make_chunks()`` yields (frame, its rows' labels: Excel row numbers); each validated
    chunk's valid rows go to ``store``. ``whole``: the file comes as one chunk (the
    fallback when a chunk holds nothing but total rows, which only the whole file judges).
    """
    schema = schemas.SCHEMAS[kind]
    check = FileCheck(name=name, kind=kind)
    groups: dict = {}
    order: dict = {}
    first = True
    raw_order: dict = {}
    valid_order: dict = {}
    bad_branches: dict = {}
    keys = list(schema.unique)
    key_hashes, key_labels = [], []
    kept = 0
    for frame, labels in make_chunks():
        check.rows += len(frame)
        src = _Source(name, frame, np.asarray(labels), problems=list(header_problems))
        src.frame = src.frame.drop(columns=[c for c in blank_columns if c in src.frame.columns])
        blank = np.ones(len(src.frame), dtype=bool)
        for c in src.frame.columns:
            if not blank.any():
                break
            blank[blank] = _blank_mask(src.frame[c][blank]).to_numpy()
        if blank.any():
            src.frame = src.frame.loc[~blank].reset_index(drop=True)
            src.rows = src.rows[~blank]
        header = _branch_header(src, kind)
        check.has_branch = check.has_branch or header is not None
        if header is not None:
            for value in src.frame[header].dropna().astype(str).str.strip().unique():
                raw_order.setdefault(value, None)
        if len(src.frame) == 0:
            continue
        kept += len(src.frame)
        try:
            src = _set_aside_totals(src, schema)
        except DataError as error:
            if not whole:
                raise _Fallback from None
            return _file_problem(name, kind, check.rows, error)
        check.totals.extend(src.totals)
        validator = _Validator(src, schema)
        validator.problems = _SeqProblems(validator.problems)
        validator.check_unique = lambda keys=None, row_level=False: None  # the whole file's, below
        try:
            validator.run()
        except DataError:
            pass
        problems = validator.problems
        for key, group in problems.inner.groups.items():
            if key[0] == "file":
                if first:
                    groups[key], order[key] = group, problems.seq[key]
                    check.count += 1
                    check.file_level = True
                continue
            check.count += len(group.lines) + group.more
            merged = groups.get(key)
            if merged is None:
                groups[key], order[key] = group, problems.seq[key]
                continue
            room = max(MAX_PROBLEMS_PER_COLUMN - len(merged.lines), 0)
            merged.lines.extend(group.lines[:room])
            merged.more += group.more + max(len(group.lines) - room, 0)
        first = False
        bad = problems.inner.bad_rows
        if bad.any():
            check.bad_rows += int(bad.sum())
            if header is not None:
                for value in _text(src.frame[header][bad]).dropna().unique():
                    bad_branches.setdefault(str(value), None)
        if "branch" in validator.values:
            for value in validator.values["branch"].dropna().unique():
                valid_order.setdefault(str(value), None)
        if keys and all(k in validator.values for k in keys):
            frame_keys, valid = _key_frame(validator, schema, keys)
            key_hashes.append(_key_hashes(frame_keys[valid]))
            key_labels.append(np.asarray(src.rows)[valid].astype(np.int32 if check.rows < 2**31 else np.int64))
        if store is not None and not check.file_level:
            store.write(validator, src)
    if kept == 0:
        text = "no data rows: the file has a header row but nothing under it"
        return _file_problem(name, kind, check.rows, _file_error(name, text))
    ordered = dict(sorted(groups.items(), key=lambda item: order[item[0]]))
    duplicates = _duplicate_labels(key_hashes, key_labels)
    if len(duplicates):
        repeated = _unique_problems(name, kind, make_chunks, duplicates, header_problems=header_problems)
        ordered.update(repeated.groups)
        check.count += repeated.count
        check.file_level = check.file_level or repeated.file_level
    if check.count:
        lines = _Problems(_Source(name, pd.DataFrame(), np.zeros(0)))
        lines.groups = ordered
        check.problems = lines.lines()
        n = check.count
        check.summary = f"{name} is not valid {kind} data: {n:,} problem{'s' if n != 1 else ''} found"
    check.bad_branches = list(bad_branches)
    check.branches = list(raw_order if check.count else valid_order)
    return check


def _file_problem(name: str, kind: str, rows: int, error: DataError) -> FileCheck:
    return FileCheck(name=name, kind=kind, rows=rows, count=len(error.problems), summary=error.summary,
                     problems=list(error.problems), file_level=True)


def _duplicate_labels(key_hashes, key_labels) -> np.ndarray:
    """Row labels whose key hash occurs more than once (every repeated key among them)."""
    if not key_hashes:
        return np.zeros(0, dtype=np.int64)
    hashes = np.concatenate(key_hashes)
    ranked = np.sort(hashes)
    repeated = np.unique(ranked[1:][ranked[1:] == ranked[:-1]])
    del ranked
    if not len(repeated):
        return np.zeros(0, dtype=np.int64)
    return np.sort(np.concatenate(key_labels)[np.isin(hashes, repeated)])


def _unique_problems(name, kind, make_chunks, candidates, *, header_problems):
    """check_unique over the rows whose keys may repeat, read again: the exact messages."""
    schema = schemas.SCHEMAS[kind]
    keys = list(schema.unique)
    values: dict = {k: [] for k in keys}
    labels = []
    mapping = None
    for frame, chunk_labels in make_chunks():
        chunk_labels = np.asarray(chunk_labels)
        pick = np.flatnonzero(np.isin(chunk_labels, candidates))
        if not len(pick):
            continue
        src = _Source(name, frame.iloc[pick].reset_index(drop=True), chunk_labels[pick],
                           problems=list(header_problems))
        validator = _Validator(src, schema)
        validator.match_headers()
        mapping = validator.mapping
        for k in keys:
            validator.convert(schema.column(k), False)
        frame_keys, _ = _key_frame(validator, schema, keys)
        for k in keys:
            values[k].append(frame_keys[k])
        labels.append(chunk_labels[pick])
    labels = np.concatenate(labels)
    src = _Source(name, pd.DataFrame(index=range(len(labels))), labels)
    validator = _Validator(src, schema)
    validator.mapping = mapping
    validator.values = {k: pd.concat(values[k], ignore_index=True) for k in keys}
    validator.invalid = {k: np.zeros(len(labels), dtype=bool) for k in keys}
    validator.check_unique()
    return validator.problems


def _make_check(path: Path, kind: str, digest: str) -> FileCheck:
    """Check a file in chunks (whole when a chunk cannot be judged alone) and save it."""
    import shutil

    import pyarrow.parquet as pq

    entry = _entry(digest, kind)
    work = entry.with_name(f".{entry.name}.{os.getpid()}")
    shutil.rmtree(work, ignore_errors=True)
    (work / "store").mkdir(parents=True)
    csv = path.suffix.lower() == ".csv"
    excel = path.suffix.lower() in (".xlsx", ".xlsm")
    for whole in ((True,) if excel else (False, True)):
        store = None
        try:
            if whole:
                src = _read(path, kind, None)
                make = lambda src=src: iter([(src.frame, np.asarray(src.rows))])  # noqa: E731
                options = {"header_problems": src.problems}
                types = {}
            elif csv:
                encoding, header_line, headers = _csv_start(path, kind)
                make = lambda: _csv_chunks(path, encoding, header_line)  # noqa: E731
                options = {"header_problems": _repeated_headers(headers)}
                types = {}
            else:
                try:
                    pf = pq.ParquetFile(path)
                    types = {f.name: f.type for f in pf.schema_arrow}
                except Exception as exc:  # noqa: BLE001 - pyarrow's own errors for damaged files
                    raise _file_error(path.name, f"cannot read the file as Parquet "
                                                 f"({type(exc).__name__}: {exc})") from None
                make = lambda: _parquet_chunks(path)  # noqa: E731
                options = {"blank_columns": _blank_columns(path)}
            shutil.rmtree(work / "store", ignore_errors=True)
            (work / "store").mkdir()
            store = _Store(work / "store", kind, types)
            check = _check_chunks(path.name, kind, make, store=store, whole=whole, **options)
        except _Fallback:
            continue
        except DataError as error:
            check = _file_problem(path.name, kind, 0, error)
        finally:
            if store is not None:
                store.close()
        break
    if store is not None and store.schema is not None and not check.file_level:
        check.partitions = dict(store.files)
        check.columns = [c for c in store.schema.names if c != "__row__"
                         and not ((c.startswith("Unnamed: ") or c.startswith("column_")) and c not in store.filled)]
        check.store = str(entry / "store")
    from cxeval._io import atomic_write_text

    atomic_write_text(work / "check.json", json.dumps(asdict(check), ensure_ascii=False))
    shutil.rmtree(entry, ignore_errors=True)
    os.replace(work, entry)
    return check


def _csv_start(path: Path, kind: str):
    """Encoding, header line and header cells of a CSV, as :func:`cxeval.data.load` finds
    them, reading the file in pieces."""
    encoding = _csv_encoding(path)
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    text = head.decode(encoding, errors="ignore").removeprefix("\ufeff")
    if not text.strip() and path.stat().st_size <= len(head):
        raise _file_error(path.name, "the file is empty: no header row and no data rows")
    header_line, _, headers = _csv_header(text, kind)
    return encoding, header_line, headers


def _csv_encoding(path: Path) -> str:
    """The encoding :func:`cxeval.data.reading._decode` chooses, read in pieces; raises its errors."""
    import codecs

    with path.open("rb") as fh:
        head = fh.read(4096)
    odd, even = head[1::2].count(0), head[0::2].count(0)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ("utf-16",)
    elif not head.startswith(codecs.BOM_UTF8) and head and max(odd, even) >= len(head) // 10:
        candidates = ("utf-16-le" if odd >= even else "utf-16-be",)
    else:
        candidates = _CSV_ENCODINGS
    for encoding in candidates:
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 22), b""):
                    if "\x00" in decoder.decode(chunk):
                        raise _file_error(
                            path.name, "the file holds NUL characters: it is not a text (CSV) file, or "
                                       "its encoding is not UTF-8, GB18030 or UTF-16; save it from "
                                       "Excel as 'CSV UTF-8'")
                decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
    if candidates != _CSV_ENCODINGS:
        raise _file_error(path.name, "cannot decode the text: it looks like UTF-16 but is not "
                                     "valid UTF-16; save it from Excel as 'CSV UTF-8'")
    raise _file_error(path.name, f"cannot decode the text: it is neither UTF-8 nor GB18030/GBK "
                                 f"(tried {', '.join(_CSV_ENCODINGS)}); save it from Excel "
                                 "as 'CSV UTF-8'")


def _csv_chunks(path: Path, encoding: str, header_line: int):
    """(frame, row labels) per chunk of a CSV, every cell as text, empty lines kept (as
    blank rows) so that rows keep Excel's numbers."""
    import warnings

    name = path.name
    offset = 0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            with pd.read_csv(path, dtype=str, encoding=encoding, engine="c", skiprows=header_line,
                             keep_default_na=False, na_values=_BLANK_ONLY,
                             skip_blank_lines=False, index_col=False, chunksize=CHUNK_ROWS) as reader:
                for frame in reader:
                    frame = frame.reset_index(drop=True)
                    frame.columns = [str(c) for c in frame.columns]
                    yield frame, np.arange(offset, offset + len(frame)) + header_line + 2
                    offset += len(frame)
    except (pd.errors.EmptyDataError, pd.errors.ParserError, pd.errors.ParserWarning) as exc:
        raise _csv_error(name, exc) from None


# --------------------------------------------------------------------------- reads
def _finish(result: pd.DataFrame, check: FileCheck) -> pd.DataFrame:
    """The attributes :func:`cxeval.data.load` gives the same rows."""
    result.attrs = {}
    if check.totals:
        result.attrs["total_rows"] = list(check.totals)
    if check.count:
        result.attrs["excluded_problems"] = list(check.problems)
        result.attrs["excluded_rows"] = int(check.bad_rows)
    return result


def _refuse(check: FileCheck, branch: str | None) -> None:
    """Raise the file's error where the full-file path raises it for a report on ``branch``."""
    if check.count and (branch is None or check.file_level or str(branch).strip() in check.bad_branches):
        raise check.error()


def _read_store(check: FileCheck, files) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.parquet as pq

    store = Path(check.store)
    tables = [pq.read_table(store / f) for f in files] or [pq.read_table(store / "empty.parquet")]
    return pa.concat_tables(tables).to_pandas()


def load_branch(path, kind: str, branch: str) -> pd.DataFrame | None:
    """One branch's rows of a file: what ``load(path, kind, branch=branch)`` gives for that
    branch's rows, with a fresh 0..n-1 index.

    Only the branch's rows are read (its file of the check's store) and validated again,
    as a table of their own. The file's problems raise as the full path raises them:
    problems of the whole file, or in this branch's rows. None when the file has no
    branch column (it is for every branch: load it whole).
    """
    path = Path(path)
    check = check_file(path, kind)
    _refuse(check, branch)
    if not check.has_branch:
        return None
    schema = schemas.SCHEMAS[kind]
    part = check.partitions.get(str(branch).strip())
    frame = _read_store(check, [part] if part else [])
    labels = frame.pop("__row__").to_numpy(dtype=np.int64)
    frame = frame[[c for c in check.columns]]
    src = _Source(check.name, frame, labels)
    try:
        result = _Validator(src, schema).run()
    except DataError:  # never expected: the check found none in these rows; the full path decides
        full = load(path, kind, branch=branch)
        result = full[(full["branch"] == str(branch).strip()).to_numpy()]
    _release_arrow_memory()
    return _finish(result.reset_index(drop=True), check)


def _release_arrow_memory() -> None:
    """Hand the Arrow buffers of a finished read back to the system.

    Arrow's allocator keeps freed blocks for reuse; after a read converted to pandas they
    only add to the job's peak (about 0.15 GB for a province's column in a branch job).
    """
    import pyarrow as pa

    pa.default_memory_pool().release_unused()


def _projection(check: FileCheck, columns):
    """``columns`` of every stored row in the file's order, as an Arrow table.

    Made once per set of columns and kept beside the store: every branch's report of a
    province asks for the same province-wide columns.
    """
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    from cxeval._io import atomic_write

    store = Path(check.store)
    kept = store.parent / ("columns-" + hashlib.sha1("\0".join(columns).encode()).hexdigest()[:16] + ".parquet")
    try:
        return pq.read_table(kept)
    except OSError:
        pass
    files = [store / f for f in check.partitions.values()] or [store / "empty.parquet"]
    table = ds.dataset(files, format="parquet").to_table(columns=[*columns, "__row__"])
    # Back to the file's order: each row's label (Excel row number) is unique, so its slot
    # in an array indexed by label gives the order without a sort.
    labels = table.column("__row__").to_numpy()
    slot = np.full(int(labels.max()) + 1 if len(labels) else 0, -1, dtype=np.int64)
    slot[labels] = np.arange(len(labels))
    table = table.drop_columns(["__row__"]).take(slot[slot >= 0]).combine_chunks()
    del slot, labels
    atomic_write(kept, lambda tmp: pq.write_table(table, tmp, compression="zstd"))
    return table


def load_columns(path, kind: str, columns, *, branch: str | None = None) -> pd.DataFrame:
    """Some columns of every row of a file: what ``load(path, kind, branch=branch)[columns]``
    gives, with a fresh 0..n-1 index.

    Only ``columns`` are read. The rows the full path leaves out are left out (blank and
    total rows, and with ``branch`` other branches' rows with problems); the file's
    problems raise as the full path raises them.
    """
    path = Path(path)
    schema = schemas.SCHEMAS[kind]
    columns = list(columns)
    unknown = [c for c in columns if c not in schema.names]
    if unknown:
        raise ValueError(f"columns must be {kind} columns ({', '.join(schema.names)}); got {unknown}")
    check = check_file(path, kind)
    _refuse(check, branch)
    missing = [c for c in columns if c not in check.columns]
    if missing:
        raise ValueError(f"columns {missing} are not in {check.name} (it has {', '.join(check.columns)})")
    frame = _projection(check, columns).to_pandas()
    validator = _Validator(_Source(check.name, frame, np.arange(len(frame))), schema)
    # the store holds converted values: only the types load gives them remain to set
    out = {name: validator._final(schema.column(name), frame[name]) for name in columns}
    _release_arrow_memory()
    return _finish(pd.DataFrame(out), check)
