"""Tests of the baseline plots: what is drawn matches the tables, Chinese renders."""

from __future__ import annotations

import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure

from cxeval import baseline, plots
from cxeval.errors import DataError
from cxeval.plots import baseline as pb


@pytest.fixture(autouse=True)
def cjk_theme():
    plots.theme()


@pytest.fixture
def survey() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    halls = ["庵埠", "彩塘", "金石", "浮洋"]
    periods = [f"2008-{m:02d}" for m in range(1, 13)]
    rows = []
    for h_i, hall in enumerate(halls):
        for m_i, period in enumerate(periods):
            n = int(rng.integers(150, 400))
            p = 0.93 + 0.004 * h_i + (0.03 if m_i >= 7 else 0.0)
            rows.append((period, "潮安", hall, n, int(rng.binomial(n, p))))
    return pd.DataFrame(rows, columns=["period", "branch", "hall", "responses", "satisfied"])


def glyph_warnings(record) -> list:
    return [w for w in record if "glyph" in str(w.message).lower()]


def drawn(fig) -> list:
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        fig.canvas.draw()
    return glyph_warnings(record)


def target_lines(ax, value: float) -> list:
    return [ln for ln in ax.get_lines()
            if len(ln.get_ydata()) == 2 and np.allclose(ln.get_ydata(), [value, value])
            and ln.get_linestyle() == "--"]


def test_plot_rates_draws_rates_intervals_and_target(survey):
    table = baseline.rates(survey, "period", target=0.95)
    ax = pb.plot_rates(table, lang="zh")
    assert isinstance(ax, Axes)
    rate_line = ax.get_lines()[0]
    assert np.allclose(rate_line.get_ydata(), table["rate"])
    assert target_lines(ax, 0.95)                       # target from the table's attrs
    assert [t.get_text() for t in ax.get_xticklabels()][:3] == ["1月", "2月", "3月"]
    assert ax.get_ylabel() == "满意度（95% 置信区间）"
    assert not drawn(ax.figure)


def test_plot_rates_by_hue_and_in_english(survey):
    table = baseline.rates(survey, ["hall", "period"])
    fig, ax = plt.subplots()
    out = pb.plot_rates(table, hue="hall", target=0.95, ax=ax, lang="en")
    assert out is ax
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert set(labels) >= {"庵埠", "彩塘", "金石", "浮洋", "target 95%"}
    assert [t.get_text() for t in ax.get_xticklabels()][:2] == ["Jan", "Feb"]
    assert not drawn(fig)


def test_plot_rate_panels_one_panel_per_hall(survey):
    table = baseline.rates(survey, ["hall", "period"], target=0.95)
    fig = pb.plot_rate_panels(table, facet="hall", col_wrap=3, lang="zh", title="各营业厅")
    assert isinstance(fig, Figure)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in visible] == sorted(survey["hall"].unique())
    assert all(target_lines(ax, 0.95) for ax in visible)
    assert [t.get_text() for t in visible[0].get_xticklabels()][:3] == ["1", "2", "3"]
    assert not drawn(fig)


def test_plot_control_limits_signals_and_phases(survey):
    chart = baseline.p_chart(survey, phase={"试点": "2008-08"})
    ax = pb.plot_control(chart, target=0.95, lang="zh")
    rate_line = [ln for ln in ax.get_lines() if ln.get_label() == "满意度"][0]
    assert np.allclose(rate_line.get_ydata(), chart["rate"])
    ucl_steps = [ln for ln in ax.get_lines() if ln.get_label() == "控制限"][0]
    assert np.allclose(ucl_steps.get_ydata(), np.repeat(chart["ucl"].iloc[:7], 2))
    signal_pts = [c for c in ax.collections if isinstance(c, PathCollection)]
    n_signal = int(chart["signal"].sum())
    if n_signal:
        assert len(signal_pts[-1].get_offsets()) == n_signal
    assert any(t.get_text() == "试点" for t in ax.texts)   # phase label
    assert ax.get_title() == "p 控制图"
    assert target_lines(ax, 0.95)
    assert not drawn(ax.figure)


def test_plot_control_names_laney_chart(survey):
    chart = baseline.p_chart(survey, laney=True, freeze="2008-07")
    ax = pb.plot_control(chart, lang="en")
    assert ax.get_title() == "Laney p′ chart"
    assert {t.get_text() for t in ax.texts} == {"baseline", "extended"}
    assert not drawn(ax.figure)


def test_plot_control_draws_a_run_chart_without_limits():
    chart = baseline.run_chart(pd.DataFrame({"period": ["2008-01", "2008-02", "2008-03"],
                                             "rate": [0.9263, 0.9172, 0.9631]}))
    ax = pb.plot_control(chart, target=0.95, lang="zh")
    assert ax.get_title() == "运行图（无样本量，不能画控制限）"
    labels = [ln.get_label() for ln in ax.get_lines()]
    assert "中位数" in labels and "控制限" not in labels
    assert not drawn(ax.figure)


def test_plot_funnel_points_and_limits(survey):
    fun = baseline.funnel(survey, "hall")
    ax = pb.plot_funnel(fun, lang="zh")
    points = [c for c in ax.collections if isinstance(c, PathCollection)][0]
    assert np.allclose(np.sort(points.get_offsets()[:, 0]), np.sort(fun["responses"]))
    lower998 = [ln for ln in ax.get_lines() if ln.get_label() == "99.8% 控制限"][0]
    grid, ys = lower998.get_xdata(), lower998.get_ydata()
    check = baseline.funnel_limits(grid[[0, len(grid) // 2, -1]], fun["center"].iloc[0])
    assert np.allclose(ys[[0, len(grid) // 2, -1]], check["lower_998"])
    assert {t.get_text() for t in ax.texts} == set(survey["hall"])   # few halls: all named
    assert not drawn(ax.figure)


def test_plot_funnel_marks_small_samples_hollow():
    df = pd.DataFrame({"hall": ["A", "B", "C"], "responses": [400, 380, 40],
                       "satisfied": [380, 361, 38]})
    fun = baseline.funnel(df, "hall")
    assert fun["small_sample"].tolist() == [False, False, True]
    ax = pb.plot_funnel(fun, lang="en")
    assert "small sample" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_plot_lead_bars_target_and_highlight():
    df = pd.DataFrame({"branch": ["贵阳", "贵阳", "遵义", "遵义", "安顺", "安顺"],
                       "segment": ["自有", "竞争"] * 3, "responses": [500] * 6,
                       "satisfied": [380, 290, 370, 280, 350, 300]})
    res = baseline.lead(df, own="自有", competitor="竞争")
    ax = pb.plot_lead(res, highlight="遵义", lang="zh")
    bars = [p for p in ax.patches if p.get_facecolor()[3] > 0]
    assert sorted(round(b.get_width(), 6) for b in bars) == sorted(res.table["lead"].round(6))
    vline = [ln for ln in ax.get_lines()
             if len(ln.get_xdata()) == 2 and np.allclose(ln.get_xdata(), [0.16, 0.16])]
    assert vline
    highlighted = [p for p in ax.patches if p.get_facecolor()[3] == 0]
    assert len(highlighted) == 1
    assert [t.get_text() for t in ax.get_yticklabels()] == ["安顺", "遵义", "贵阳"]
    assert not drawn(ax.figure)


def test_plots_validate_their_input():
    with pytest.raises(DataError, match=r"column\(s\) 'ucl', 'signal' not found"):
        pb.plot_control(pd.DataFrame({"period": ["2008-01"], "rate": [0.9], "center": [0.9],
                                      "lcl": [0.8]}))
    with pytest.raises(TypeError, match=r"data must be a pandas DataFrame"):
        pb.plot_rates([0.9, 0.8])


def test_plot_functions_reachable_from_plots_package():
    assert plots.plot_control is pb.plot_control
    assert set(pb.__all__) == {"plot_rates", "plot_rate_panels", "plot_control", "plot_funnel",
                               "plot_lead"}


def test_docstring_examples_run():
    import doctest

    result = doctest.testmod(pb)
    assert result.attempted >= 5 and result.failed == 0
