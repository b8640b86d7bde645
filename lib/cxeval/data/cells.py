"""Cells as every step reads them: blank or not, as text, shown in a message.

- ``_blank_mask`` — cells that are missing or only spaces;
- ``_text``, ``_cell_text`` — any column as stripped text (Excel numbers without ``.0``,
  dates in ISO form); ``_nfkc`` — full-width characters folded, for values;
- ``_map_unique`` — a Python function applied once per distinct value;
- ``_show`` — a value as the user wrote it, for a problem's message.
"""

from __future__ import annotations

import datetime as _dt
import unicodedata

import numpy as np
import pandas as pd


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


def _blank_mask(s: pd.Series) -> pd.Series:
    blank = s.isna()
    if s.dtype == object:
        blank |= s.map(lambda v: isinstance(v, str) and v.strip() == "").astype(bool)
    elif pd.api.types.is_string_dtype(s.dtype):
        blank |= (s.str.strip() == "").fillna(True).astype(bool)
    return blank.astype(bool)


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
