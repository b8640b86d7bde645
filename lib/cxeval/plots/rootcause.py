"""Plots for root-cause analysis (see cxeval.plots for the conventions): the fishbone.

:func:`fishbone` draws the cause-and-effect (Ishikawa) diagram of a causes table, laid
out from the measured size of every text so that nothing overlaps; the causes are read
and checked by :mod:`cxeval.rootcause`, which also ranks them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd

from cxeval.checks import check_lang
from cxeval.errors import DataError
from cxeval.rootcause import BONE_NAMES, _check_causes

__all__: list[str] = ["fishbone"]


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
        shown in English (:data:`cxeval.rootcause.BONE_NAMES`), causes by their ``cause_en`` when the
        table has it, and votes as "(12 votes)".
    highlight : iterable of str, optional
        Causes to show in the highlight colour, e.g. the key factors from
        :func:`cxeval.rootcause.prioritise`.
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

    from cxeval.plots import PALETTE, plain_label

    check_lang(lang)
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
