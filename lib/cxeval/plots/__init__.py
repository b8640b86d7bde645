"""Plot theme, palette and plotting functions.

One theme for every chart (:func:`theme`), one palette (:data:`PALETTE`) and one
CJK-capable font, registered from the ``mplfonts`` package so Chinese titles and tick
labels render on a fresh machine with no system fonts.

Plot functions live in one submodule per plot family (as seaborn does) and are
re-exported here. Each takes the data first, everything else keyword-only, draws on
``ax`` (or a new Axes) and returns it; composite charts return the Figure. None of them
calls ``show()`` or ``savefig()``.

Names that come from the data (halls, branches, units, categories, causes) are drawn
through :func:`plain_label` (or :func:`wrap_label`, which uses it): matplotlib reads text
between two ``$`` as mathtext, so a hall named ``$x^$`` would fail the whole report and
``50$ 优惠 $`` would be drawn garbled.
"""

from __future__ import annotations

import functools
import os

import matplotlib

__all__ = ["theme", "font_family", "PALETTE", "STATUS_COLORS", "target_line", "wrap_label", "plain_label",
           "no_data", "percent_axis"]

#: Named colours used across every chart and the HTML index.
PALETTE = {
    "primary": "#1f5fa8",    # the unit being reported on
    "secondary": "#7a8ea6",  # comparison units / other halls
    "target": "#c0392b",     # target lines
    "good": "#2e8b57",
    "warn": "#e0a100",
    "bad": "#c0392b",
    "neutral": "#9aa5b1",
    "highlight": "#f28e2b",  # vital few, signals
    "band": "#dbe6f3",       # confidence bands, control limits fill
}

#: Traffic-light colours for met / on track / off track statuses.
STATUS_COLORS = {"met": PALETTE["good"], "on_track": PALETTE["warn"], "off_track": PALETTE["bad"],
                 "no_data": PALETTE["neutral"]}

# Noto Sans CJK SC ships in the mplfonts wheel; a system font is used when present.
_FONT_FILE = "NotoSansCJKsc-Regular.otf"


@functools.lru_cache(maxsize=1)
def font_family() -> str:
    """Register the CJK font with matplotlib and return its family name.

    Returns
    -------
    str
        The family name to put first in ``font.sans-serif`` ("Noto Sans CJK SC"), or
        ``"DejaVu Sans"`` if no CJK font could be found (Chinese would then show as boxes).
    """
    from matplotlib import font_manager

    try:
        import mplfonts
    except ImportError:  # pragma: no cover - mplfonts is a declared dependency
        return "DejaVu Sans"
    path = os.path.join(os.path.dirname(mplfonts.__file__), "fonts", _FONT_FILE)
    if not os.path.exists(path):  # pragma: no cover
        return "DejaVu Sans"
    font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path).get_name()


def theme(*, context: str = "notebook", font_scale: float = 1.0) -> None:
    """Apply the cxeval seaborn theme with a CJK font.

    Parameters
    ----------
    context : {"paper", "notebook", "talk", "poster"}
        seaborn plotting context.
    font_scale : float
        Multiplier on font sizes.

    Examples
    --------
    >>> from cxeval import plots
    >>> plots.theme()
    """
    import seaborn as sns

    family = font_family()
    sns.set_theme(
        context=context,
        style="whitegrid",
        palette=[PALETTE["primary"], PALETTE["highlight"], PALETTE["good"], PALETTE["secondary"],
                 PALETTE["warn"], PALETTE["bad"]],
        font="sans-serif",
        font_scale=font_scale,
        rc={
            "font.sans-serif": [family, "DejaVu Sans"],
            "axes.unicode_minus": False,  # CJK fonts lack U+2212; use ASCII minus
            "figure.dpi": 110,
            "savefig.dpi": 110,
            "figure.figsize": (8.0, 4.2),
            # The bundled Noto Sans CJK has one weight; asking for bold makes matplotlib
            # log a findfont warning into every report.
            "axes.titleweight": "normal",
            "axes.spines.top": False,
            "axes.spines.right": False,
        },
    )
    matplotlib.rcParams["svg.fonttype"] = "path"


def target_line(ax, target: float, *, label: str | None = None, orientation: str = "h"):
    """Draw a target line (e.g. 95%) on ``ax`` in the target colour and return ``ax``."""
    kwargs = dict(color=PALETTE["target"], linestyle="--", linewidth=1.4, label=label, zorder=3)
    if orientation == "h":
        ax.axhline(target, **kwargs)
    elif orientation == "v":
        ax.axvline(target, **kwargs)
    else:
        raise ValueError(f"orientation must be 'h' or 'v', got {orientation!r}")
    return ax


#: Tick steps of a percent axis, in per cent: whole numbers a reader can count on.
_PERCENT_STEPS = (0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 25, 50)


def percent_axis(ax, *, axis: str = "y", xmax: float = 1.0, max_ticks: int = 8):
    """Label an axis in per cent with evenly spaced, exactly printed ticks; return ``ax``.

    matplotlib's default locator may step by 2.5 pp, and a percent formatter with no
    decimals then prints 92, 90, 88, 85, 82 (87.5 and 82.5 rounded): uneven steps that
    read as a mistake. The step here is one of 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 25, 50
    per cent, the smallest giving at most ``max_ticks`` ticks over the current limits,
    and the labels carry exactly the decimals the step needs.

    Parameters
    ----------
    ax : matplotlib Axes
        Call after plotting (the limits decide the step).
    axis : {"y", "x"}
    xmax : float
        The value that is 100% (1.0 for proportions, 100 for per cent).
    max_ticks : int
    """
    from matplotlib.ticker import MultipleLocator, PercentFormatter

    if axis not in ("x", "y"):
        raise ValueError(f"axis must be 'x' or 'y', got {axis!r}")
    low, high = ax.get_ylim() if axis == "y" else ax.get_xlim()
    span = abs(high - low) / xmax * 100 or 1.0
    step = next((s for s in _PERCENT_STEPS if span / s <= max_ticks), _PERCENT_STEPS[-1])
    decimals = 0 if step >= 1 else 1
    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_locator(MultipleLocator(step / 100 * xmax))
    target.set_major_formatter(PercentFormatter(xmax, decimals=decimals))
    return ax


def no_data(ax, lang: str = "zh"):
    """Mark an empty chart "无数据 / No data" (no ticks) and return ``ax``."""
    from cxeval.report import tr

    ax.set_xticks([])
    ax.set_yticks([])
    ax.text(0.5, 0.5, tr("无数据", "No data", lang), transform=ax.transAxes,
            ha="center", va="center", color=PALETTE["neutral"])
    return ax


def plain_label(text) -> str:
    """A name from the data as a chart must draw it: plain text, personal data masked.

    ``$`` is escaped (``\\$``) so that matplotlib draws it instead of starting mathtext;
    phone numbers and the like are masked by :func:`cxeval.report.mask_text`, the policy
    of every output.

    Examples
    --------
    >>> plain_label("$x^$ 厅")
    '\\$x^\\$ 厅'
    """
    from cxeval.report import mask_text

    return _escape_math(mask_text(text))


def _escape_math(text: str) -> str:
    return text.replace("$", "\\$")


def wrap_label(text: str, width: int = 6) -> str:
    """Wrap a label every ``width`` characters (CJK text has no spaces to break at).

    The result is a :func:`plain_label`: masked, and escaped after wrapping so that a line
    break never falls between ``\\`` and ``$``.
    """
    from cxeval.report import mask_text

    text = mask_text(text)
    if " " in text.strip():
        import textwrap

        return _escape_math("\n".join(textwrap.wrap(text, width=max(width * 2, 8))))
    return _escape_math("\n".join(text[i:i + width] for i in range(0, len(text), width)))


# Plot families, one submodule each; their public functions are reachable as
# ``cxeval.plots.<name>`` without importing every family up front.
_FAMILIES = ("baseline", "pareto", "rootcause", "pilot", "kpi", "complaints", "overview", "project")


def __getattr__(name: str):
    import importlib

    for family in _FAMILIES:
        module = importlib.import_module(f"{__name__}.{family}")
        if name in getattr(module, "__all__", ()):
            return getattr(module, name)
    raise AttributeError(f"module 'cxeval.plots' has no attribute {name!r}")
