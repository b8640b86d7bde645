"""Display helpers for notebooks: number formats, headline cards, tables, masking.

Analysis modules return raw numbers; everything a reader sees is formatted here, so
that 0.95312 shows as ``95.3%`` and a difference of 0.031 as ``+3.1 pp`` in every
report. Notebooks call :func:`headline`, :func:`table` and :func:`note`; the batch
reads the numbers a notebook stores with :func:`record`.
"""

from __future__ import annotations

import html
import json
import math
import os
import re
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = [
    "fmt_pct", "fmt_pp", "fmt_num", "fmt_int", "fmt_p", "fmt_duration", "tr",
    "mask_id", "mask_text", "headline", "note", "excluded_note", "table", "record", "record_table", "HTML",
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
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', got {lang!r}")
    return zh if lang == "zh" else en


# --------------------------------------------------------------------------- privacy
_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")


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
    """Mask every mobile number (11 digits starting 13–19) inside free text."""
    if _missing(text):
        return ""
    return _PHONE.sub(lambda m: m.group(1) + "****" + m.group(3), str(text))


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
            f'<div class="cx-card {status}"><div class="l">{html.escape(str(card["label"]))}</div>'
            f'<div class="v">{html.escape(str(card["value"]))}</div>'
            + (f'<div class="l">{html.escape(str(detail))}</div>' if detail else "")
            + "</div>"
        )
    parts.append("</div>")
    if sentence:
        parts.append(f'<p class="cx-note">{html.escape(sentence)}</p>')
    return HTML("".join(parts))


def note(text: str) -> HTML:
    """A plain-language reading of a chart or table, as an escaped paragraph."""
    return HTML(_CARD_CSS + f'<p class="cx-note">{html.escape(str(text))}</p>')


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
    """A warning naming the rows of other branches set aside as invalid, or nothing.

    :func:`cxeval.data.load` with ``branch=`` loads a file whose problems all lie in
    other branches' rows without those rows; the reader must know the comparison figures
    leave them out. Frames that are None or excluded nothing add nothing.
    """
    problems: list[str] = []
    rows = 0
    for frame in frames:
        if frame is None:
            continue
        rows += int(frame.attrs.get("excluded_rows", 0))
        problems.extend(frame.attrs.get("excluded_problems", []))
    if not rows:
        return HTML("")
    shown = "; ".join(problems[:3]) + (" …" if len(problems) > 3 else "")
    text = tr(f"注意：其他分公司有 {rows:,} 行数据有误，已从比较中剔除（{shown}）。请修正后重新运行。",
              f"Note: {rows:,} rows of other branches have errors and are left out of the comparisons "
              f"({shown}). Fix them and run again.", lang)
    return HTML(_CARD_CSS + f'<p class="cx-note" style="border-left-color:#e0a100">{html.escape(text)}</p>')


def table(df, *, formats: Mapping[str, Any] | None = None, labels: Mapping[str, str] | None = None,
          mask: Iterable[str] = (), index: bool = False, caption: str | None = None,
          highlight: Mapping[str, Any] | None = None):
    """A formatted, escaped table for display (pandas Styler).

    Parameters
    ----------
    df : DataFrame
        Raw numbers, as analysis functions return them.
    formats : mapping, optional
        Column -> "pct", "pp", "int", "num", "p", or a callable taking the value.
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

    named = {"pct": fmt_pct, "pp": fmt_pp, "int": fmt_int, "num": fmt_num, "p": fmt_p}
    data = df.copy()
    for col in mask:
        if col in data.columns:
            data[col] = data[col].map(mask_id)
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
    return styler


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
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


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


def record_table(path: str | os.PathLike | None, name: str, df, *, mask: Iterable[str] = ()) -> dict:
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
    if not path:
        return payload
    existing = {}
    if os.path.exists(os.fspath(path)):
        with open(os.fspath(path), encoding="utf-8") as fh:
            existing = json.load(fh).get("tables", {})
    existing[str(name)[:31]] = payload
    record(path, tables=existing)
    return payload
