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

Modules
-------
:mod:`~cxeval.data.inputs` holds the public doors (:func:`load`, :func:`load_input`, the
branch helpers); :mod:`~cxeval.data.reading` reads a file into text cells;
:mod:`~cxeval.data.converters` turns each column into its type;
:mod:`~cxeval.data.validation` checks the whole against its schema and lists the
problems; :mod:`~cxeval.data.cells` is what they share about a single cell;
:mod:`~cxeval.data.templates` writes empty input templates;
:mod:`~cxeval.data.large` checks a large file once (cached by its hash) and reads it in
part: one branch's rows, a few columns (``cxeval import``). Every public name is
importable from :mod:`cxeval.data`.

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

from cxeval.data.inputs import (BRANCH_SOURCES, INPUT_SUFFIXES, UnknownKindError, choose_branch,
                                describe, find_branches, for_branch, load, load_input, locate,
                                require_rows)
from cxeval.data.large import (FileCheck, cache_dir, check_file, checked, file_hash, import_file,
                               load_branch, load_columns, row_local)
from cxeval.data.templates import write_templates
from cxeval.data.validation import MAX_PROBLEMS_PER_COLUMN

__all__ = ["load", "load_input", "locate", "describe", "write_templates", "UnknownKindError",
           "MAX_PROBLEMS_PER_COLUMN", "INPUT_SUFFIXES", "BRANCH_SOURCES", "find_branches",
           "choose_branch", "for_branch", "require_rows",
           "import_file", "check_file", "checked", "FileCheck", "load_branch", "load_columns",
           "file_hash", "cache_dir", "row_local"]
