"""Root-cause analysis: the fishbone diagram, cause prioritisation, the action plan.

A team lists causes of an effect under a few "bones" (人员 People, 方法 Method, 环境
Environment...), votes on them and weighs them against evidence such as complaint
counts; a Pareto over the combined score gives the *key factors* (要因), each of which
gets actions with an owner and a due date (DOMAIN.md section 1).

- :func:`fishbone` draws the cause-and-effect (Ishikawa) diagram from a causes table.
- :func:`prioritise` ranks causes by votes and other evidence and marks key factors.
- :func:`action_plan` puts the action register beside the key factors and flags key
  factors with no action and actions that are overdue.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from cxeval.errors import DataError

__all__ = [
    "BONE_NAMES", "DONE_STATUSES", "fishbone", "prioritise", "action_plan",
    "describe_fishbone", "describe_priorities", "describe_action_plan", "show_priorities",
    "show_action_plan",
]

#: English names of the usual bones (the 6M of Ishikawa plus the service bones of
#: DOMAIN.md section 1), used by ``lang="en"``; other bone names are shown as given.
BONE_NAMES = {
    "人员": "People", "人": "People", "方法": "Method", "法": "Method", "环境": "Environment",
    "环": "Environment", "流程": "Process", "系统": "Systems", "服务内容": "Service content",
    "机器": "Machine", "设备": "Equipment", "机": "Machine", "材料": "Material", "物料": "Material",
    "料": "Material", "测量": "Measurement", "测": "Measurement", "管理": "Management",
    "制度": "Rules",
}

#: Statuses that count as finished (compared without case or surrounding spaces).
DONE_STATUSES = ("done", "completed", "complete", "closed", "finished", "完成", "已完成", "关闭",
                 "已关闭", "已落实", "结案", "已结案")


def _check_frame(df, name: str) -> None:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, got {type(df).__name__}")


def _require(df: pd.DataFrame, columns: Iterable[str], frame: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataError(f"{frame} is missing column(s) {', '.join(missing)}; columns are: "
                        + ", ".join(map(str, df.columns)))


def _blank(series: pd.Series) -> pd.Series:
    return series.isna() | (series.astype(str).str.strip() == "")


def _check_causes(causes) -> pd.DataFrame:
    _check_frame(causes, "causes")
    _require(causes, ("bone", "cause"), "causes")
    for col in ("bone", "cause"):
        empty = _blank(causes[col])
        if empty.any():
            rows = (np.flatnonzero(empty.to_numpy())[:5] + 1).tolist()
            raise DataError(f"causes column {col!r} is empty in row(s) {rows}; every row needs "
                            "a bone and a cause")
    if "count" in causes.columns:
        values = pd.to_numeric(causes["count"], errors="coerce")
        bad = (values < 0) | (causes["count"].notna() & values.isna())
        if bad.any():
            rows = (np.flatnonzero(bad.to_numpy())[:5] + 1).tolist()
            raise DataError(f"causes column 'count' must be a number >= 0; bad in row(s) {rows}")
    return causes


def _cause_level(causes: pd.DataFrame) -> pd.DataFrame:
    """One row per (bone, cause) in first-appearance order, with ``votes`` summed."""
    frame = causes.assign(_order=np.arange(len(causes)))
    grouped = frame.groupby(["bone", "cause"], sort=False)
    out = grouped["_order"].min().reset_index()
    if "cause_en" in causes.columns:
        out["cause_en"] = grouped["cause_en"].first().to_numpy()
    if "count" in causes.columns and causes["count"].notna().any():
        votes = grouped["count"].apply(lambda s: pd.to_numeric(s, errors="coerce").sum(min_count=1))
        out["votes"] = votes.to_numpy()
    return out.sort_values("_order", kind="mergesort").drop(columns="_order").reset_index(drop=True)


# --------------------------------------------------------------------------- fishbone
_SPINE_CLEAR = 0.14   # inches between the spine and the nearest cause text
_ROW_PAD = 0.07       # inches between stacked cause texts
_TICK = 0.16          # length of the short line joining a cause to its bone
_GAP = 0.05           # between a cause text and its tick
_SEP = 0.22           # free space between neighbouring bones' texts
_SLANT = 0.32         # horizontal run of a bone per unit of height
_MARGIN = 0.12
_BOX_PAD = 0.35       # text-box padding (bone labels, effect), in units of the font size
_HEAD_GAP = 0.4       # spine between the last bone and the effect box
_HIGHLIGHT_TEXT = "#b85c00"  # PALETTE["highlight"] darkened: orange text on white must stay legible


def _renderer(fig):
    fig.draw_without_rendering()
    return fig.canvas.get_renderer()


def _size(text, renderer, dpi: float) -> tuple[float, float]:
    box = text.get_window_extent(renderer)
    return box.width / dpi, box.height / dpi


_BREAK_AFTER = "，、；：,;:/）)"


def _wrap(text: str, width: int) -> str:
    """Wrap into lines of about equal length, preferring breaks after punctuation.

    :func:`cxeval.plots.wrap_label` cuts every ``width`` characters, which can leave one
    character alone on the last line ("...难维\n持"); a cause reads better in two
    balanced halves, split at its comma when there is one near the middle. The result is
    drawn as plain text (:func:`cxeval.plots.plain_label`).
    """
    from cxeval.plots import plain_label, wrap_label
    from cxeval.report import mask_text

    text = mask_text(text).strip()  # before cutting: a phone number split in two is unmasked
    if " " in text or len(text) <= width:
        return wrap_label(text, width)
    lines = []
    rest = text
    n_lines = math.ceil(len(text) / width)
    while n_lines > 1:
        target = math.ceil(len(rest) / n_lines)
        candidates = [i + 1 for i, ch in enumerate(rest[:width]) if ch in _BREAK_AFTER
                      and abs(i + 1 - target) <= 2]
        cut = min(candidates, key=lambda i: abs(i - target)) if candidates else target
        lines.append(rest[:cut])
        rest = rest[cut:]
        n_lines -= 1
    lines.append(rest)
    return plain_label("\n".join(line for line in lines if line))


def _fishbone_items(causes: pd.DataFrame, lang: str, wrap: int, highlight: set[str]) -> list[dict]:
    """Bones in data order, each with its causes (and sub-causes) as text rows."""
    has_count = "count" in causes.columns and causes["count"].notna().any()
    has_sub = "subcause" in causes.columns
    english = lang == "en" and "cause_en" in causes.columns

    bones = []
    for bone, rows in causes.groupby("bone", sort=False):
        items = []
        for cause, cause_rows in rows.groupby("cause", sort=False):
            counts = pd.to_numeric(cause_rows["count"], errors="coerce") if has_count else None
            weight = counts.sum(min_count=1) if has_count else math.nan
            shown = cause
            if english and cause_rows["cause_en"].notna().any():
                shown = str(cause_rows["cause_en"].dropna().iloc[0])
            text = _wrap(shown, wrap)
            if weight == weight:
                text += (f"（{weight:g}票）" if lang == "zh"
                         else f" ({weight:g} vote{'' if weight == 1 else 's'})")
            subs = []
            if has_sub:
                for _, row in cause_rows.iterrows():
                    sub = row["subcause"]
                    if pd.isna(sub) or not str(sub).strip():
                        continue
                    label = "· " + _wrap(str(sub).strip(), wrap)
                    sub_weight = pd.to_numeric(row["count"], errors="coerce") if has_count else math.nan
                    if sub_weight == sub_weight and len(cause_rows) > 1:
                        label += f"（{sub_weight:g}）" if lang == "zh" else f" ({sub_weight:g})"
                    subs.append(label)
            items.append({"text": text, "weight": weight, "subs": subs,
                          "highlight": str(cause) in highlight})
        if has_count:
            # Heaviest causes first (nearest the bone's name); stable for ties.
            items.sort(key=lambda it: -(it["weight"] if it["weight"] == it["weight"] else -1))
        name = BONE_NAMES.get(str(bone), str(bone)) if lang == "en" else str(bone)
        bones.append({"name": name, "items": items})
    return bones


def fishbone(causes: pd.DataFrame, *, effect: str, ax=None, lang: str = "zh",
             highlight: Iterable[str] = (), wrap: int = 10, fontsize: float = 10.0):
    """Cause-and-effect (fishbone, Ishikawa) diagram of a causes table.

    Parameters
    ----------
    causes : DataFrame
        Columns ``bone`` and ``cause``; optional ``subcause`` (one row per sub-cause,
        repeating its cause), ``count`` (votes or frequency; a cause's weight is the
        sum over its rows) and ``cause_en`` (English name, shown with ``lang="en"``).
        Bones are drawn in the order they first appear.
    effect : str
        The effect (problem) in the head of the fish, e.g. "服营厅综合服务能力有待提升".
    ax : matplotlib Axes, optional
        Axes to draw on (its frame is switched off); a new figure sized to the content
        when omitted.
    lang : {"zh", "en"}
        With "en" the usual bone names (人员, 方法, 环境, 流程, 系统, 服务内容...) are
        shown in English (:data:`BONE_NAMES`), causes by their ``cause_en`` when the
        table has it, and votes as "(12 votes)".
    highlight : iterable of str, optional
        Causes to show in the highlight colour, e.g. the key factors from
        :func:`prioritise`.
    wrap : int, default 10
        Wrap cause texts longer than ``wrap`` characters into balanced lines (breaking
        after a comma when one is near the middle); text with spaces wraps at
        ``2 * wrap`` characters.
    fontsize : float, default 10
        Font size of cause texts; bone names are 1.5 pt larger, the effect 2 pt larger.
        The size is reduced when the diagram does not fit in a given ``ax``.

    Returns
    -------
    matplotlib Axes

    Notes
    -----
    Bones alternate above and below the spine, slanting toward the head. Each cause is
    a horizontal text ending in a short tick on its bone, sub-causes ("· ...") below
    their cause in grey; with counts, causes are sorted heaviest first (nearest the
    bone's name), the count is shown after the text and the tick is drawn thicker in
    proportion; highlighted causes are drawn in orange. The layout is computed from the
    measured size of every text, in inches, so no two texts overlap and all stay inside
    the figure (or the given Axes, shrinking the font when needed).

    Raises
    ------
    TypeError
        ``causes`` is not a DataFrame.
    DataError
        ``bone``/``cause`` missing or empty, or a negative/non-numeric count.
    ValueError
        ``effect`` is empty, or ``lang`` is not "zh"/"en".

    References
    ----------
    Ishikawa, K. (1976). *Guide to Quality Control*. Asian Productivity Organization.

    Examples
    --------
    >>> import pandas as pd
    >>> from cxeval import plots
    >>> plots.theme()  # registers the CJK font
    >>> causes = pd.DataFrame({"bone": ["人员", "方法"], "cause": ["服务意识不强", "未细分客户"],
    ...                        "count": [12, 7]})
    >>> ax = fishbone(causes, effect="服营厅综合服务能力有待提升")
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch

    from cxeval import report
    from cxeval.plots import PALETTE, plain_label

    report.tr("", "", lang)  # validates lang
    causes = _check_causes(causes)
    if not isinstance(effect, str) or not effect.strip():
        raise ValueError(f"effect must be a non-empty text (the problem in the fish's head), got {effect!r}")
    if len(causes) == 0:
        raise DataError("causes has no rows: nothing to draw")

    if isinstance(highlight, str):
        raise TypeError(f"highlight must be a list of causes, got the single text {highlight!r}")
    bones = _fishbone_items(causes, lang, wrap, {str(h) for h in highlight})
    weights = [it["weight"] for b in bones for it in b["items"] if it["weight"] == it["weight"]]
    max_weight = max(weights) if weights and max(weights) > 0 else None

    own_figure = ax is None
    if own_figure:
        fig = plt.figure(figsize=(10, 6))
        ax = fig.add_axes((0, 0, 1, 1))
    fig = ax.figure
    ax.set_axis_off()

    # Create every text once; positions are set after measuring them.
    dark = "#26313d"
    effect_text = ax.text(0, 0, _wrap(effect.strip(), 8), ha="center", va="center",
                          color="white", bbox=dict(boxstyle=f"round,pad={_BOX_PAD}",
                                                   fc=PALETTE["primary"], ec="none"))
    for bone in bones:
        bone["label"] = ax.text(0, 0, plain_label(bone["name"]), ha="center", va="center", color=dark,
                                bbox=dict(boxstyle=f"round,pad={_BOX_PAD}", fc=PALETTE["band"], ec="none"))
        for item in bone["items"]:
            item["artist"] = ax.text(0, 0, item["text"], ha="right", va="center",
                                     color=_HIGHLIGHT_TEXT if item["highlight"] else dark,
                                     linespacing=1.15)
            item["sub_artists"] = [ax.text(0, 0, s, ha="right", va="center", color="#5b6776",
                                           linespacing=1.15) for s in item["subs"]]

    def set_sizes(size: float) -> None:
        effect_text.set_fontsize(size + 2)
        for bone in bones:
            bone["label"].set_fontsize(size + 1.5)
            for item in bone["items"]:
                item["artist"].set_fontsize(size)
                for sub in item["sub_artists"]:
                    sub.set_fontsize(size - 1)

    def layout(size: float) -> dict:
        set_sizes(size)
        renderer = _renderer(fig)
        dpi = fig.dpi
        halves = {1: [b for b in bones[0::2]], -1: [b for b in bones[1::2]]}
        stack_top = {1: 0.0, -1: 0.0}
        for sign, members in halves.items():
            for bone in members:
                rows = []
                for item in bone["items"]:
                    rows.append((item["artist"], item))
                    rows.extend((sub, None) for sub in item["sub_artists"])
                # Stack outward from the spine, first cause farthest (next to the label).
                y = _SPINE_CLEAR
                placed = []
                for artist, item in reversed(rows):
                    w, h = _size(artist, renderer, dpi)
                    placed.append((artist, item, w, h, y + h / 2))
                    y += h + _ROW_PAD
                bone["placed"] = placed
                stack_top[sign] = max(stack_top[sign], y)
        lpad = _BOX_PAD * (size + 1.5) / 72  # box padding of bone labels, in inches
        epad = _BOX_PAD * (size + 2) / 72    # ... and of the effect
        for bone in bones:
            bone["label_size"] = _size(bone["label"], renderer, dpi)
        label_h = {s: max([b["label_size"][1] for b in m], default=0.0) for s, m in halves.items()}
        label_y = {s: stack_top[s] + 0.12 + label_h[s] / 2 + lpad for s in halves}

        ncol = math.ceil(len(bones) / 2)
        columns = [[b for b in bones[2 * c:2 * c + 2]] for c in range(ncol)]
        base = []
        for c, members in enumerate(columns):
            need_text = max([w + _TICK + _GAP + _SLANT * h / 2
                             for b in members for (_, _, w, h, _) in b["placed"]], default=0.0)
            need_label = max([b["label_size"][0] / 2 + lpad for b in members], default=0.0)
            if c == 0:
                left = max([w + _TICK + _GAP + _SLANT * (yc + h / 2)
                            for b in members for (_, _, w, h, yc) in b["placed"]], default=0.0)
                left_label = max([b["label_size"][0] / 2 + lpad
                                  + _SLANT * label_y[1 if i == 0 else -1] for i, b in enumerate(members)])
                base.append(_MARGIN + max(left, left_label) + 0.05)
            else:
                prev_label = max(b["label_size"][0] / 2 + lpad for b in columns[c - 1])
                base.append(base[-1] + max(need_text + _SEP, need_label + prev_label + _SEP))
        spine_end = base[-1] + _HEAD_GAP
        ew, eh = _size(effect_text, renderer, dpi)
        effect_w, effect_h = ew + 2 * epad, eh + 2 * epad
        width = spine_end + effect_w + _MARGIN + 0.05
        top = max(label_y[1] + label_h[1] / 2 + lpad, effect_h / 2) + _MARGIN
        bottom = max(label_y[-1] + label_h[-1] / 2 + lpad, effect_h / 2) + _MARGIN
        return {"base": base, "spine_end": spine_end, "effect_w": effect_w, "width": width,
                "top": top, "bottom": bottom, "label_y": label_y, "lpad": lpad}

    size = float(fontsize)
    plan = layout(size)
    if own_figure:
        # Size the figure to the content, within what a report page shows well.
        scale = min(1.0, 16.0 / plan["width"], 11.0 / (plan["top"] + plan["bottom"]))
        if scale < 1.0:
            size *= scale
            plan = layout(size)
        fig.set_size_inches(plan["width"], plan["top"] + plan["bottom"])
    else:
        for _ in range(12):
            box = ax.get_position().transformed(fig.transFigure).transformed(
                fig.dpi_scale_trans.inverted())
            scale = min(box.width / plan["width"], box.height / (plan["top"] + plan["bottom"]))
            if scale >= 1.0 or size <= 4:
                break
            size = max(4.0, size * min(scale, 0.97))
            plan = layout(size)

    # Place everything, in inches (data units = inches of the axes).
    box = ax.get_position().transformed(fig.transFigure).transformed(fig.dpi_scale_trans.inverted())
    extra_w = max(box.width - plan["width"], 0.0)
    extra_h = max(box.height - plan["top"] - plan["bottom"], 0.0)
    ax.set_xlim(-extra_w / 2, plan["width"] + extra_w / 2)
    ax.set_ylim(-plan["bottom"] - extra_h / 2, plan["top"] + extra_h / 2)

    spine_start = _MARGIN
    ax.add_patch(FancyArrowPatch((spine_start, 0), (plan["spine_end"] + 0.02, 0),
                                 arrowstyle="-|>", mutation_scale=18, lw=2.4, color=dark))
    effect_text.set_position((plan["spine_end"] + plan["effect_w"] / 2 + 0.02, 0))

    for index, bone in enumerate(bones):
        sign = 1 if index % 2 == 0 else -1
        x0 = plan["base"][index // 2]
        ly = plan["label_y"][sign]
        line_end = ly - bone["label_size"][1] / 2 - plan["lpad"]
        ax.plot([x0, x0 - _SLANT * line_end], [0, sign * line_end], color=dark, lw=1.6,
                solid_capstyle="round")
        bone["label"].set_position((x0 - _SLANT * ly, sign * ly))
        for artist, item, _, _, yc in bone["placed"]:
            xb = x0 - _SLANT * yc
            artist.set_position((xb - _TICK - _GAP, sign * yc))
            if item is not None:
                lw = 0.9 if max_weight is None or item["weight"] != item["weight"] else \
                    0.9 + 2.6 * item["weight"] / max_weight
                color = PALETTE["highlight"] if item["highlight"] else dark
                ax.plot([xb - _TICK, xb], [sign * yc, sign * yc], color=color, lw=lw,
                        solid_capstyle="butt")
            else:
                ax.plot([xb - _TICK * 0.6, xb], [sign * yc, sign * yc], color="#8a96a3", lw=0.7)
    return ax


# --------------------------------------------------------------------------- priorities
def prioritise(causes: pd.DataFrame, evidence: pd.DataFrame | None = None, *,
               weights: Mapping[str, float] | None = None, threshold: float = 0.8,
               top: int | None = None) -> pd.DataFrame:
    """Rank causes by votes and evidence and mark the key factors (要因).

    Parameters
    ----------
    causes : DataFrame
        ``bone``, ``cause``, optional ``subcause`` and ``count`` (votes). Rows of one
        cause (its sub-causes) are summed to one cause.
    evidence : DataFrame, optional
        Column ``cause`` plus one or more numeric evidence columns (e.g.
        ``complaints``: complaint counts traced to the cause; ``minutes``: queueing
        time). Several rows of a cause are summed; causes without a row score 0.
    weights : mapping, optional
        Evidence column (or ``"votes"``) -> weight >= 0; default equal weights.
    threshold : float, default 0.8
        Key factors are the smallest set of leading causes whose cumulative score
        reaches this share (Pareto's vital few).
    top : int, optional
        Take exactly the first ``top`` causes as key factors instead (a team's own
        choice, e.g. six); ``threshold`` is then not used.

    Returns
    -------
    DataFrame
        One row per cause, best first, columns:

        - ``rank`` (int): 1 = highest score; ties by cause name.
        - ``bone``, ``cause`` (str); ``cause_en`` when ``causes`` has it.
        - ``votes`` (when ``causes`` has counts) and each evidence column: raw totals.
        - ``score`` (float 0-1): weighted mean of the cause's share of each evidence
          column's total; scores add up to 1.
        - ``cum_score`` (float 0-1): cumulative score down the table.
        - ``key_factor`` (bool)

    Method
    ------
    Each evidence source is put on one scale by taking the cause's share of that
    source's total (so 40 votes and 400 complaints can be combined), then averaged
    with ``weights``; the Pareto rule on the score gives the key factors. With only
    votes this is the classic multivoting Pareto of DOMAIN.md section 1.

    References
    ----------
    Tague, N. R. (2005). *The Quality Toolbox*, 2nd ed., ASQ Quality Press
    (multivoting; Pareto chart; weighted criteria).

    Raises
    ------
    TypeError
        ``causes`` or ``evidence`` is not a DataFrame.
    DataError
        Missing columns; evidence for causes that are not in ``causes`` (listed); no
        evidence at all (no counts and no ``evidence``); non-numeric or negative
        evidence.
    ValueError
        Bad ``weights``, ``threshold`` or ``top``.

    Examples
    --------
    >>> import pandas as pd
    >>> causes = pd.DataFrame({"bone": ["人员", "人员", "方法"],
    ...                        "cause": ["引导员职责未落实", "服务意识不强", "未细分客户"],
    ...                        "count": [9, 6, 5]})
    >>> prioritise(causes, threshold=0.7)[["rank", "cause", "score", "key_factor"]]
       rank     cause  score  key_factor
    0     1  引导员职责未落实   0.45        True
    1     2    服务意识不强   0.30        True
    2     3     未细分客户   0.25       False
    """
    causes = _check_causes(causes)
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 < threshold <= 1:
        raise ValueError(f"threshold must be a share greater than 0 and at most 1 (e.g. 0.8), got {threshold!r}")
    if top is not None and (isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 1):
        raise ValueError(f"top must be a whole number >= 1 (how many key factors), got {top!r}")

    table = _cause_level(causes)
    sources = ["votes"] if "votes" in table.columns else []
    if evidence is not None:
        _check_frame(evidence, "evidence")
        _require(evidence, ("cause",), "evidence")
        columns = [c for c in evidence.columns if c != "cause"]
        if not columns:
            raise DataError("evidence needs at least one numeric column beside 'cause'; columns are: "
                            + ", ".join(map(str, evidence.columns)))
        clash = [c for c in columns if c in table.columns]
        if clash:
            raise DataError(f"evidence column(s) {', '.join(clash)} clash with the causes table "
                            "(votes come from causes.count); rename them")
        unknown = sorted(set(evidence["cause"].astype(str)) - set(table["cause"].astype(str)))
        if unknown:
            raise DataError(f"evidence names causes that are not in causes: {', '.join(unknown)}; "
                            "spell them as in the causes table")
        numeric = evidence[columns].apply(pd.to_numeric, errors="coerce")
        bad = (numeric.isna() & evidence[columns].notna()) | (numeric < 0)
        if bad.to_numpy().any():
            cols = [c for c in columns if bad[c].any()]
            raise DataError(f"evidence column(s) {', '.join(cols)} must hold numbers >= 0")
        summed = numeric.groupby(evidence["cause"].astype(str).to_numpy()).sum()
        for col in columns:
            table[col] = table["cause"].astype(str).map(summed[col]).fillna(0).to_numpy()
        sources += columns
    if not sources:
        raise DataError("no evidence to rank causes by: give causes a count (votes) column or "
                        "pass evidence")

    if weights is None:
        weights = {s: 1.0 for s in sources}
    else:
        if not isinstance(weights, Mapping):
            raise TypeError(f"weights must be a mapping of evidence column to weight, got {weights!r}")
        unknown = [k for k in weights if k not in sources]
        if unknown or any(not isinstance(v, (int, float)) or v < 0 for v in weights.values()):
            raise ValueError(f"weights must map evidence columns ({', '.join(sources)}) to numbers "
                             f">= 0, got {dict(weights)!r}")
        weights = {s: float(weights.get(s, 0.0)) for s in sources}
    total_weight = sum(w for s, w in weights.items() if table[s].fillna(0).sum() > 0)
    if total_weight <= 0:
        raise DataError("every evidence column with a weight is all zero: nothing to rank by")

    score = np.zeros(len(table))
    for source in sources:
        values = table[source].fillna(0).to_numpy(dtype=float)
        if values.sum() > 0:
            score += weights[source] / total_weight * values / values.sum()
    table["score"] = score
    table = table.sort_values(["score", "cause"], ascending=[False, True], kind="mergesort",
                              ignore_index=True)
    table["cum_score"] = table["score"].cumsum()
    if top is not None:
        table["key_factor"] = np.arange(len(table)) < top
    else:
        reached = (table["cum_score"] >= threshold - 1e-12).to_numpy()
        cutoff = int(np.argmax(reached)) if reached.any() else len(table) - 1
        table["key_factor"] = np.arange(len(table)) <= cutoff
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    for source in sources:
        values = table[source]
        if (values.dropna() == values.dropna().round()).all():
            table[source] = values.astype("Int64")
    names = ["cause", "cause_en"] if "cause_en" in table.columns else ["cause"]
    return table[["rank", "bone", *names, *sources, "score", "cum_score", "key_factor"]]


# --------------------------------------------------------------------------- action plan
def action_plan(key_factors: pd.DataFrame, actions: pd.DataFrame, *, as_of=None,
                done: Iterable[str] = DONE_STATUSES) -> pd.DataFrame:
    """The action register beside the key factors, with gaps and overdue actions flagged.

    Parameters
    ----------
    key_factors : DataFrame
        Column ``cause`` (and ``rank``), e.g. :func:`prioritise`'s result; when it has a
        ``key_factor`` column only the rows marked True are key factors.
    actions : DataFrame
        The action register: ``cause``, ``action``, ``owner``, ``due``, ``status``
        (owner, due and status may be blank).
    as_of : date-like, optional
        The reporting date. An action is overdue when its due date is before
        ``as_of`` and its status is not finished. Without it ``overdue`` is missing.
    done : iterable of str
        Statuses meaning finished (case and spaces ignored); default
        :data:`DONE_STATUSES`.

    Returns
    -------
    DataFrame
        Key factors in rank order, one row per action (a key factor without actions gets
        one row with an empty action), then actions on causes that are not key factors.
        Columns:

        - ``rank`` (Int64): the key factor's rank (missing for other causes).
        - ``cause`` (str); ``cause_en`` when ``key_factors`` has it.
        - ``key_factor`` (bool)
        - ``action``, ``owner`` (str), ``due`` (datetime64), ``status`` (str)
        - ``no_action`` (bool): a key factor with no action in the register.
        - ``overdue`` (boolean): due before ``as_of`` and not finished; False when there
          is no due date or no action; missing when ``as_of`` is not given.

    Raises
    ------
    TypeError
        An argument is not a DataFrame.
    DataError
        Missing columns, or a due date that cannot be read (the rows are named).
    ValueError
        ``as_of`` is not a date.

    Examples
    --------
    >>> import pandas as pd
    >>> kf = pd.DataFrame({"rank": [1, 2], "cause": ["引导员职责未落实", "服务意识不强"]})
    >>> acts = pd.DataFrame({"cause": ["引导员职责未落实"], "action": ["岗位职责纳入考核"],
    ...                      "owner": ["陈经理"], "due": ["2008-08-31"], "status": ["进行中"]})
    >>> plan = action_plan(kf, acts, as_of="2008-09-30")
    >>> plan[["cause", "no_action", "overdue"]]
          cause  no_action  overdue
    0  引导员职责未落实      False     True
    1    服务意识不强       True    False
    """
    _check_frame(key_factors, "key_factors")
    _check_frame(actions, "actions")
    _require(key_factors, ("cause",), "key_factors")
    _require(actions, ("cause", "action", "owner", "due", "status"), "actions")
    when = None
    if as_of is not None:
        try:
            when = pd.Timestamp(as_of)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"as_of must be a date such as '2008-12-31', got {as_of!r}") from exc
        if pd.isna(when):
            raise ValueError(f"as_of must be a date such as '2008-12-31', got {as_of!r}")

    factors = key_factors
    if "key_factor" in factors.columns:
        factors = factors.loc[factors["key_factor"].astype(bool).to_numpy()]
    factors = factors.copy()
    if "rank" not in factors.columns:
        factors["rank"] = np.arange(1, len(factors) + 1)
    names = ["cause", "cause_en"] if "cause_en" in factors.columns else ["cause"]
    factors = factors.sort_values("rank", kind="mergesort")[["rank", *names]]
    factors["cause"] = factors["cause"].astype(str)

    register = actions[["cause", "action", "owner", "due", "status"]].copy()
    register["cause"] = register["cause"].astype(str)
    due = pd.to_datetime(register["due"], errors="coerce")
    unreadable = due.isna() & ~_blank(register["due"])
    if unreadable.any():
        rows = (np.flatnonzero(unreadable.to_numpy())[:5] + 1).tolist()
        raise DataError(f"actions column 'due' has dates that cannot be read in row(s) {rows}; "
                        "write them as 2008-08-31")
    register["due"] = due

    joined = factors.merge(register, on="cause", how="left", sort=False)
    joined["key_factor"] = True
    others = register.loc[~register["cause"].isin(factors["cause"])].copy()
    others["rank"] = pd.NA
    others["key_factor"] = False
    plan = pd.concat([joined, others], ignore_index=True)
    plan["rank"] = plan["rank"].astype("Int64")
    has_action = ~_blank(plan["action"])
    plan["no_action"] = plan["key_factor"] & ~has_action
    finished_words = {str(s).strip().casefold() for s in done}
    finished = plan["status"].map(lambda s: not pd.isna(s) and str(s).strip().casefold() in finished_words)
    if when is None:
        plan["overdue"] = pd.array([pd.NA] * len(plan), dtype="boolean")
    else:
        late = (plan["due"] < when).fillna(False).astype(bool)
        plan["overdue"] = pd.array(late & has_action & ~finished.astype(bool), dtype="boolean")
    plan["no_action"] = plan["no_action"].astype(bool)
    plan["key_factor"] = plan["key_factor"].astype(bool)
    return plan[["rank", *names, "key_factor", "action", "owner", "due", "status", "no_action",
                 "overdue"]]


# --------------------------------------------------------------------------- sentences
def _names(frame: pd.DataFrame, lang: str) -> pd.Series:
    """Cause names to show: ``cause_en`` for English where the table has one."""
    names = frame["cause"].astype(str)
    if lang == "en" and "cause_en" in frame.columns:
        names = frame["cause_en"].where(frame["cause_en"].notna(), names).astype(str)
    return names


def describe_fishbone(causes: pd.DataFrame, *, lang: str = "zh", highlight: Iterable[str] = ()) -> str:
    """One sentence on a fishbone: how many causes under which bones, which highlighted.

    Examples
    --------
    >>> import pandas as pd
    >>> causes = pd.DataFrame({"bone": ["人员", "人员", "方法"], "cause": ["a", "b", "c"]})
    >>> describe_fishbone(causes, lang="en", highlight=["a"])
    '3 causes under 2 bones (People 2, Method 1); the 1 key factor is shown in orange.'
    """
    from cxeval import report

    report.tr("", "", lang)
    causes = _check_causes(causes)
    if isinstance(highlight, str):
        raise TypeError(f"highlight must be a list of causes, got the single text {highlight!r}")
    per_bone = causes.drop_duplicates(["bone", "cause"]).groupby("bone", sort=False).size()
    names = [BONE_NAMES.get(str(b), str(b)) if lang == "en" else str(b) for b in per_bone.index]
    parts = ("、" if lang == "zh" else ", ").join(f"{n} {k}" for n, k in zip(names, per_bone))
    n_causes, n_bones = int(per_bone.sum()), len(per_bone)
    n_key = len(set(map(str, highlight)) & set(causes["cause"].astype(str)))
    text = report.tr(f"{n_bones} 类共 {n_causes} 个原因（{parts}）",
                     f"{n_causes} causes under {n_bones} bones ({parts})", lang)
    if n_key:
        text += report.tr(f"；橙色标出 {n_key} 个要因。",
                          f"; the {n_key} key factor{'s are' if n_key > 1 else ' is'} shown in orange.", lang)
    else:
        text += report.tr("。", ".", lang)
    return text


def describe_priorities(priorities: pd.DataFrame, *, lang: str = "zh") -> str:
    """One sentence reading :func:`prioritise`: how many key factors, what share, which.

    Examples
    --------
    >>> import pandas as pd
    >>> causes = pd.DataFrame({"bone": ["人员", "方法"], "cause": ["a", "b"], "count": [3, 1]})
    >>> describe_priorities(prioritise(causes, threshold=0.7), lang="en")
    '1 of 2 causes are key factors, with 75.0% of all votes: a.'
    """
    from cxeval import report

    report.tr("", "", lang)
    _check_frame(priorities, "priorities")
    _require(priorities, ("cause", "score", "key_factor"), "priorities")
    key = priorities.loc[priorities["key_factor"].astype(bool).to_numpy()]
    share = report.fmt_pct(key["score"].sum())
    names = ("、" if lang == "zh" else ", ").join(_names(key, lang))
    # with votes alone the score is each cause's share of the votes; with other evidence
    # (complaint counts, minutes) it is the mean of its shares of each
    if _votes_only(priorities):
        weight = report.tr(f"合计占全部票数的 {share}", f"with {share} of all votes", lang)
    else:
        weight = report.tr(f"按票数与其他证据综合计算，合计占 {share}",
                           f"with {share} of the votes and other evidence combined", lang)
    return report.tr(
        f"{len(priorities)} 个原因中的 {len(key)} 个为要因，{weight}：{names}。",
        f"{len(key)} of {len(priorities)} causes are key factors, {weight}: {names}.", lang)


def _votes_only(priorities: pd.DataFrame) -> bool:
    known = {"rank", "bone", "cause", "subcause", "cause_en", "votes", "score", "cum_score", "key_factor"}
    return not (set(priorities.columns) - known)


def describe_action_plan(plan: pd.DataFrame, *, lang: str = "zh", as_of=None) -> str:
    """One or two sentences on an :func:`action_plan`: coverage and overdue actions.

    Examples
    --------
    >>> import pandas as pd
    >>> kf = pd.DataFrame({"rank": [1, 2], "cause": ["a", "b"]})
    >>> acts = pd.DataFrame({"cause": ["a"], "action": ["x"], "owner": ["o"],
    ...                      "due": ["2008-08-31"], "status": ["进行中"]})
    >>> describe_action_plan(action_plan(kf, acts, as_of="2008-09-30"), lang="en",
    ...                      as_of="2008-09-30")
    '1 of 2 key factors have actions; no action yet for: b. 1 action overdue as of 2008-09-30: x.'
    """
    from cxeval import report

    report.tr("", "", lang)
    _check_frame(plan, "plan")
    _require(plan, ("cause", "key_factor", "action", "no_action", "overdue"), "plan")
    sep = "、" if lang == "zh" else ", "
    key = plan.loc[plan["key_factor"].to_numpy()]
    n_factors = key["cause"].nunique()
    missing = _names(key, lang)[key["no_action"].to_numpy()].drop_duplicates().tolist()
    covered = n_factors - len(missing)
    parts = [report.tr(f"{n_factors} 个要因中 {covered} 个已有措施",
                       f"{covered} of {n_factors} key factors have actions", lang)]
    if missing:
        parts[0] += report.tr(f"，尚无措施：{sep.join(missing)}。", f"; no action yet for: {sep.join(missing)}.",
                              lang)
    else:
        parts[0] += report.tr("。", ".", lang)
    overdue = plan.loc[plan["overdue"].fillna(False).to_numpy(dtype=bool), "action"].tolist()
    if as_of is not None and not plan["overdue"].isna().all():
        day = pd.Timestamp(as_of).strftime("%Y-%m-%d")
        if overdue:
            parts.append(report.tr(f"截至 {day} 有 {len(overdue)} 项措施逾期：{sep.join(map(str, overdue))}。",
                                   f"{len(overdue)} action{'s' if len(overdue) > 1 else ''} overdue "
                                   f"as of {day}: {sep.join(map(str, overdue))}.", lang))
        else:
            parts.append(report.tr(f"截至 {day} 没有逾期措施。", f"No action overdue as of {day}.", lang))
    return "".join(parts) if lang == "zh" else " ".join(parts)


# --------------------------------------------------------------------------- display
def show_priorities(priorities: pd.DataFrame, *, lang: str = "zh", caption: str | None = None):
    """Formatted :func:`prioritise` table (pandas Styler); key factors marked "✔"."""
    from cxeval import report

    shown = priorities.copy()
    shown["cause"] = _names(shown, lang)
    if lang == "en":
        shown["bone"] = shown["bone"].map(lambda b: BONE_NAMES.get(str(b), str(b)))
    shown = shown.drop(columns=["cause_en"], errors="ignore")
    shown["key_factor"] = shown["key_factor"].map({True: "✔", False: ""})
    labels = {"rank": report.tr("排名", "Rank", lang), "bone": report.tr("类别", "Bone", lang),
              "cause": report.tr("原因", "Cause", lang), "votes": report.tr("票数", "Votes", lang),
              "score": (report.tr("得票占比", "Share of votes", lang) if _votes_only(priorities)
                        else report.tr("综合占比", "Combined share", lang)),
              "cum_score": report.tr("累计占比", "Cumulative share", lang),
              "key_factor": report.tr("要因", "Key factor", lang)}
    return report.table(shown, formats={"votes": "int", "score": "pct", "cum_score": "pct"},
                        labels=labels, caption=caption)


def show_action_plan(plan: pd.DataFrame, *, lang: str = "zh", caption: str | None = None):
    """Formatted :func:`action_plan` (pandas Styler): gaps and overdue actions in red."""
    from cxeval import report

    shown = plan.copy()
    shown["cause"] = _names(shown, lang)
    shown = shown.drop(columns=["cause_en"], errors="ignore")
    yes, no = report.tr("是", "yes", lang), ""
    shown["due"] = shown["due"].dt.strftime("%Y-%m-%d")
    shown["no_action"] = shown["no_action"].map({True: report.tr("无措施", "none", lang), False: no})
    shown["overdue"] = shown["overdue"].map(lambda v: "–" if pd.isna(v) else (yes if v else no))
    shown["key_factor"] = shown["key_factor"].map({True: "✔", False: ""})
    labels = {"rank": report.tr("排名", "Rank", lang), "cause": report.tr("原因", "Cause", lang),
              "key_factor": report.tr("要因", "Key factor", lang),
              "action": report.tr("措施", "Action", lang), "owner": report.tr("责任人", "Owner", lang),
              "due": report.tr("完成时间", "Due", lang), "status": report.tr("状态", "Status", lang),
              "no_action": report.tr("缺措施", "No action", lang),
              "overdue": report.tr("逾期", "Overdue", lang)}
    return report.table(shown, formats={"rank": lambda v: "" if pd.isna(v) else f"{int(v)}"},
                        labels=labels, caption=caption,
                        highlight={"no_action": bool, "overdue": lambda v: v == yes})
