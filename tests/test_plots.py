"""The theme renders Chinese with the bundled CJK font and no missing glyphs."""

import warnings

import matplotlib.pyplot as plt
import pytest

from cxeval import plots


def test_theme_uses_cjk_font_and_renders_without_missing_glyphs():
    plots.theme()
    assert plots.font_family() == "Noto Sans CJK SC"
    fig, ax = plt.subplots()
    ax.set_title("服营厅客户满意度 潮安 饶平 市区")
    ax.set_xticks([0, 1], ["庵埠", "彩塘"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
    missing = [w for w in caught if "missing from font" in str(w.message) or "Glyph" in str(w.message)]
    assert not missing, [str(w.message) for w in missing]


def test_target_line_and_wrap_label():
    fig, ax = plt.subplots()
    assert plots.target_line(ax, 0.95, label="目标") is ax
    assert ax.lines[0].get_ydata()[0] == 0.95
    with pytest.raises(ValueError, match="orientation must be 'h' or 'v', got 'x'"):
        plots.target_line(ax, 0.95, orientation="x")
    assert plots.wrap_label("服营厅综合服务能力有待提升", 6) == "服营厅综合服\n务能力有待提\n升"


def test_unknown_plot_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        plots.nope  # noqa: B018
