"""The project charts (cxeval.plots.project) draw what the tables say."""

from __future__ import annotations

import warnings

import matplotlib.dates as mdates
import pandas as pd
import pytest

from cxeval import plots, project
from cxeval.plots.project import STATE_COLORS
from matplotlib.colors import to_hex


@pytest.fixture(autouse=True)
def cjk_theme():
    plots.theme()


TASKS = pd.DataFrame({
    "wbs": ["1", "2", "3", "4"], "task": ["调查", "里程碑：方案", "试点", "推广"], "phase": ["A", "A", "B", "B"],
    "owner": ["王丽", "陈明", "林晓燕", None],
    "start": pd.to_datetime(["2008-06-20", "2008-07-31", "2008-08-01", "2008-09-01"]),
    "end": pd.to_datetime(["2008-07-10", "2008-07-31", "2008-08-31", "2008-11-30"]),
    "milestone": [False, True, False, False], "key_point": [True, False, True, False],
    "risk": [None, None, "人手不足", None], "status": ["完成", "完成", "进行中", None]})


def test_gantt_bars_milestones_risks_and_today():
    plan = project.plan_table(TASKS, as_of="2008-09-15")     # 试点 overdue, 推广 under way
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ax = plots.plot_gantt(plan, as_of="2008-09-15", lang="zh", title="潮安：项目计划")
        ax.figure.canvas.draw()
    assert not [w for w in caught if "Glyph" in str(w.message)]
    bars = ax.patches[:3]                                     # the three tasks that are not milestones
    assert [to_hex(b.get_facecolor()) for b in bars] == [STATE_COLORS["done"], STATE_COLORS["overdue"],
                                                          STATE_COLORS["in_progress"]]
    # a bar runs from the start of its first day to the end of its last: 21 days for 调查
    assert bars[0].get_width() == pytest.approx(21)
    assert bars[0].get_x() == pytest.approx(mdates.date2num(pd.Timestamp("2008-06-20")))
    assert bars[0].get_linewidth() > 0 and bars[2].get_linewidth() == 0      # key point outlined
    diamonds, risks = ax.collections[0], ax.collections[1]
    assert diamonds.get_offsets().shape[0] == 1 and risks.get_offsets().shape[0] == 1
    today = [line for line in ax.lines if line.get_linestyle() == "--"]
    assert today[0].get_xdata()[0] == pytest.approx(mdates.date2num(pd.Timestamp("2008-09-16")))
    assert [t.get_text() for t in ax.get_yticklabels()] == ["1 调查", "2 里程碑：方案", "3 试点", "4 推广"]
    assert any("检查日 2008-09-15" in t.get_text() for t in ax.texts)


def test_gantt_without_tasks_says_no_data():
    empty = project.plan_table(TASKS.iloc[0:0], as_of="2008-09-15")
    ax = plots.plot_gantt(empty, lang="en")
    assert ax.texts[0].get_text() == "No data"


def test_benefits_chart_marks_target_pilot_and_rollout():
    table = pd.DataFrame({"period": ["2008-06", "2008-07", "2008-08", "2008-09"], "branch": "潮安",
                          "responses": 400, "satisfied": [372, 376, 386, 392]})
    b = project.benefits(table, branch="潮安", target=0.95, pilot_start="2008-08", rollout_start="2008-09")
    ax = plots.plot_benefits(b, target=0.95, markers={"试点 2008-08": "2008-08", "推广 2008-09": "2008-09"},
                             lang="zh")
    main = [line for line in ax.lines if line.get_linewidth() == pytest.approx(2.2)][0]
    assert main.get_ydata().tolist() == pytest.approx([0.93, 0.94, 0.965, 0.98])
    target = [line for line in ax.lines if line.get_linestyle() == "--"][0]
    assert target.get_ydata()[0] == 0.95
    dotted = sorted(line.get_xdata()[0] for line in ax.lines if line.get_linestyle() == ":")
    assert dotted == [1.5, 2.5]                               # between July and August, August and September
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == ["2008-06", "2008-07", "2008-08", "2008-09"]
