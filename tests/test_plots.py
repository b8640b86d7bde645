"""The theme renders Chinese with the bundled CJK font and no missing glyphs."""

import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
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


# Names from the data with dollar signs: matplotlib would read "$x^$" as mathtext (and fail
# the whole report) and draw "50$ 优惠 $" garbled. Every chart draws them as written.
DOLLARS = ["$x^$", "50$ 优惠 $", "a$b$c 13812341234"]


def _drawn_plainly(fig):
    from matplotlib import cbook
    from matplotlib.text import Text

    fig.canvas.draw()  # mathtext errors are raised when the text is laid out
    texts = [t.get_text() for t in fig.findobj(Text) if t.get_visible()]
    assert not [t for t in texts if cbook.is_math_text(t)]
    joined = " ".join(texts).replace("\\$", "$").replace("\n", "")
    assert "13812341234" not in joined
    return joined


def test_names_with_dollars_are_drawn_as_plain_text():
    import pandas as pd

    from cxeval import baseline, pareto, rootcause

    plots.theme()
    survey = pd.DataFrame({"hall": DOLLARS * 2, "period": ["2008-01"] * 3 + ["2008-02"] * 3,
                           "responses": [300] * 6, "satisfied": [280, 270, 290, 281, 275, 288]})
    fig = plots.plot_rate_panels(baseline.rates(survey, ["hall", "period"]), title=DOLLARS[0])
    assert "$x^$" in _drawn_plainly(fig) and "50$ 优惠 $" in _drawn_plainly(fig)
    ax = plots.plot_funnel(baseline.funnel(survey, "hall"), title=DOLLARS[1])
    assert "50$ 优惠 $" in _drawn_plainly(ax.figure)
    ax = plots.plot_rates(baseline.rates(survey, ["hall", "period"]), hue="hall")
    assert "$x^$" in _drawn_plainly(ax.figure)
    tickets = pd.DataFrame({"category": DOLLARS * 3 + ["计费账单"]})
    ax = plots.plot_pareto(pareto.pareto_table(tickets, "category"))
    assert "$x^$" in _drawn_plainly(ax.figure)
    causes = pd.DataFrame({"bone": ["$人员$", "方法"], "cause": DOLLARS[:2], "count": [3, 2]})
    ax = rootcause.fishbone(causes, effect="$效果$ 不佳")
    assert "$人员$" in _drawn_plainly(ax.figure) and "$效果$" in _drawn_plainly(ax.figure)


def test_plain_label_escapes_dollars_and_masks():
    assert plots.plain_label("$x^$") == r"\$x^\$"
    assert plots.plain_label("潮安 13812341234") == "潮安 138****1234"
    assert plots.wrap_label("12345$6789", 5) == "12345\n\\$6789"


@pytest.mark.parametrize("low, high", [(0.78, 0.96), (0.75, 0.95), (0.82, 0.92), (0.948, 0.962), (0.2, 1.0)])
def test_percent_axes_step_evenly_and_print_exactly(low, high):
    """05 §5 showed 92, 90, 88, 85, 82: a 2.5-point step printed without decimals."""
    import re

    from cxeval import plots

    periods = [f"2010-{m:02d}" for m in range(1, 13)]
    data = pd.DataFrame({"period": periods, "fcr": np.linspace(low, high, 12),
                         "provincial_fcr": np.linspace(low, high, 12) - 0.01})
    ax = plots.plot_fcr_trend(data)
    ax.figure.canvas.draw()
    labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    values = [float(re.sub(r"[^\d.]", "", t)) for t in labels]
    steps = {round(b - a, 6) for a, b in zip(values, values[1:])}
    assert len(steps) == 1, labels                                   # even steps, as printed
    assert len(labels) == len(set(labels)) and 3 <= len(labels) <= 11, labels
    ticks = [t * 100 for t, label in zip(ax.get_yticks(), ax.get_yticklabels()) if label.get_text()]
    assert values == pytest.approx(ticks, abs=1e-6)                  # each label is its tick exactly


def test_intervention_labels_sit_above_the_data_and_under_the_title():
    """03 §2: "推广 2008-09" was drawn inside the axes, on the lines of a pilot near 98%."""
    plots.theme()
    periods = [f"2008-{m:02d}" for m in range(1, 13)]
    trends = pd.concat([pd.DataFrame({"group": g, "period": periods, "rate": [0.93] * 7 + [r] * 5})
                        for g, r in (("pilot", 0.99), ("rollout", 0.985), ("comparison", 0.95))])
    ax = plots.plot_pilot_trends(trends, target=0.95, title="潮安：营业厅月度满意度",
                                 interventions={"试点 2008-08": "2008-08", "推广 2008-09": "2008-09"})
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    data_top = ax.get_window_extent(renderer).y1
    title_bottom = ax.title.get_window_extent(renderer).y0
    labels = [t for t in ax._cx_interventions.get_xticklabels() if t.get_text().strip()]
    assert [t.get_text().strip() for t in labels] == ["试点 2008-08", "推广 2008-09"]
    for text in labels:
        box = text.get_window_extent(renderer)
        assert box.y0 >= data_top - 0.5 and box.y1 <= title_bottom + 0.5, text.get_text()


def test_rank_chart_legend_covers_no_bar():
    """04 §3: the "满分" legend sat on the last bar."""
    plots.theme()
    totals = pd.DataFrame({"unit": ["黔西南", "遵义", "毕节", "铜仁", "黔南", "安顺", "黔东南", "贵阳", "六盘水"],
                           "total": [17.2, 17.1, 16.9, 16.0, 15.7, 15.5, 15.3, 14.5, 13.5]})
    ax = plots.plot_rank(totals, unit="贵阳", max_points=20, title="各单位总分")
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    legend = ax.get_legend().get_window_extent(renderer)
    for bar in ax.patches:
        assert not legend.overlaps(bar.get_window_extent(renderer))
    for label in ax.get_xticklabels():                    # nor the branch names under the bars
        assert not legend.overlaps(label.get_window_extent(renderer)), label.get_text()
