"""cxeval.project (the improvement project's statistics) and cxeval.text.project (its words).

Small frames built here, with every expected state, count and rate worked out by hand
next to the assertion; the sample project is checked against DOMAIN.md section 1.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from cxeval import pilot, project, rootcause
from cxeval.errors import DataError, NotApplicable
from cxeval.text import project as words


def _tasks(rows):
    cols = ["wbs", "task", "phase", "owner", "start", "end", "milestone", "key_point", "risk", "status"]
    df = pd.DataFrame(rows, columns=cols)
    df["start"] = pd.to_datetime(df["start"])
    df["end"] = pd.to_datetime(df["end"])
    return df


TASKS = _tasks([
    ("1.1", "调查", "调查", "王丽", "2008-06-20", "2008-07-10", False, True, None, "完成"),
    ("1.2", "里程碑：调查完成", "调查", "陈明", "2008-07-10", "2008-07-10", True, False, None, "完成"),
    ("2.1", "试点", "试点", "林晓燕", "2008-08-01", "2008-08-31", False, True, "人手不足", "进行中"),   # overdue on 09-15
    ("2.10", "通报", "试点", "王丽", "2008-08-01", "2008-09-30", False, False, None, None),        # started, no status
    ("2.9", "系统优化", "试点", None, "2008-09-01", "2008-10-31", False, False, "依赖省公司", "进行中"),
    ("3.1", "里程碑：结项", "巩固", "陈明", "2008-12-31", "2008-12-31", True, False, None, None),     # not started
])


# --------------------------------------------------------------------------- plan
def test_plan_states_on_the_as_of_date():
    plan = project.plan_table(TASKS, as_of="2008-09-15")
    # WBS order: 2.9 before 2.10 (numbers, not text)
    assert plan["wbs"].tolist() == ["1.1", "1.2", "2.1", "2.9", "2.10", "3.1"]
    assert plan["state"].tolist() == ["done", "done", "overdue", "in_progress", "in_progress", "not_started"]
    assert plan["overdue"].tolist() == [False, False, True, False, False, False]
    assert plan["days"].tolist() == [21, 1, 31, 61, 61, 1]       # both ends counted
    assert plan["risk_point"].tolist() == [False, False, True, True, False, False]
    # a day later than every end: the unfinished tasks are all overdue
    late = project.plan_table(TASKS, as_of="2009-01-01")
    assert late["state"].tolist() == ["done", "done", "overdue", "overdue", "overdue", "overdue"]
    # due today is not overdue
    assert project.plan_table(TASKS, as_of="2008-08-31")["state"].iloc[2] == "in_progress"


def test_plan_summary_counts_and_next_milestone():
    plan = project.plan_table(TASKS, as_of="2008-09-15")
    s = project.plan_summary(plan, as_of="2008-09-15")
    assert (s["tasks"], s["done"], s["in_progress"], s["not_started"], s["overdue"]) == (6, 2, 2, 1, 1)
    assert s["overdue_tasks"] == ["试点"]
    assert (s["milestones"], s["milestones_done"], s["next_milestone"]) == (2, 1, "里程碑：结项")
    assert s["next_milestone_date"] == pd.Timestamp("2008-12-31")
    assert s["open_risks"] == ["试点", "系统优化"] and s["key_points"] == 2
    assert s["progress"] == pytest.approx(2 / 6)


def test_plan_refuses_a_task_ending_before_it_starts():
    bad = TASKS.copy()
    bad.loc[0, "end"] = pd.Timestamp("2008-06-01")
    with pytest.raises(DataError, match="tasks end before they start: 调查"):
        project.plan_table(bad, as_of="2008-09-15")
    with pytest.raises(ValueError, match="as_of must be a date such as '2008-12-31', got 'soon'"):
        project.plan_table(TASKS, as_of="soon")


# --------------------------------------------------------------------------- charter and dates
CHARTER = pd.DataFrame([{"branch": "潮安", "project": "甲", "goal": "≥95%", "metric": "满意度", "target": 0.95,
                         "scope": "全县", "start": pd.Timestamp("2008-06-20"), "end": pd.Timestamp("2008-12-31")},
                        {"branch": "潮安", "project": "乙", "goal": "≥90%", "metric": None, "target": 0.9,
                         "scope": None, "start": pd.Timestamp("2009-01-01"), "end": pd.Timestamp("2009-06-30")}])


def test_choose_project_and_its_rows():
    assert project.choose_project(CHARTER, branch="潮安")["project"] == "甲"
    assert project.choose_project(CHARTER, branch="潮安", project="乙")["target"] == 0.9
    with pytest.raises(NotApplicable, match="饶平 has no improvement project"):
        project.choose_project(CHARTER, branch="饶平")
    with pytest.raises(NotApplicable):
        project.choose_project(None, branch="潮安")
    with pytest.raises(DataError, match="潮安 has no project '丙' in the charter; its projects: 甲, 乙"):
        project.choose_project(CHARTER, branch="潮安", project="丙")
    team = pd.DataFrame({"branch": ["潮安", "潮安", "潮安", "饶平"], "project": ["甲", None, "乙", "甲"],
                         "name": ["陈明", "王丽", "周伟", "李四"]})
    # a blank project means the branch's project; other branches never count
    assert project.project_rows(team, branch="潮安", project="甲")["name"].tolist() == ["陈明", "王丽"]
    assert project.project_rows(team, branch="潮安", project="甲", single=True)["name"].tolist() == [
        "陈明", "王丽", "周伟"]


def test_as_of_is_given_or_the_end_of_the_latest_survey_month():
    survey = pd.DataFrame({"period": ["2008-10", "2008-11", "2008-02"], "branch": ["潮安", "潮安", "饶平"],
                           "responses": [100] * 3, "satisfied": [96] * 3})
    got = project.as_of_date(survey, branch="潮安")
    assert got["as_of"] == pd.Timestamp("2008-11-30") and got["setting"]["given"] is False
    assert project.as_of_date(survey, branch="潮安", as_of="2008-09-15")["as_of"] == pd.Timestamp("2008-09-15")
    # no survey of the branch: the latest start in the plan
    assert project.as_of_date(survey, branch="市区", tasks=TASKS)["as_of"] == pd.Timestamp("2008-12-31")
    with pytest.raises(DataError, match="give as_of"):
        project.as_of_date(None, branch="市区")


# --------------------------------------------------------------------------- benefits
@pytest.fixture
def survey():
    """Two halls, six months; 庵埠 the pilot from 2008-03, rollout from 2008-04."""
    rows = []
    sat = {"庵埠": [90, 91, 97, 98, 97, 96], "彩塘": [92, 93, 93, 97, 98, 94]}
    for hall, values in sat.items():
        for i, s in enumerate(values):
            rows.append((f"2008-{i + 1:02d}", "潮安", hall, 100, s))
    return pd.DataFrame(rows, columns=["period", "branch", "hall", "responses", "satisfied"])


def test_benefits_month_by_month(survey):
    table = project.benefits(survey, branch="潮安", target=0.95, pilot_hall="庵埠", pilot_start="2008-03",
                             rollout_start="2008-04")
    # pooled by hand: (90 + 92) / 200 ...
    assert table["rate"].tolist() == pytest.approx([0.91, 0.92, 0.95, 0.975, 0.975, 0.95])
    assert table["meets_target"].tolist() == [False, False, True, True, True, True]
    assert table["phase"].tolist() == ["baseline", "baseline", "pilot", "rollout", "rollout", "rollout"]
    assert table["pilot_rate"].tolist() == pytest.approx([0.90, 0.91, 0.97, 0.98, 0.97, 0.96])
    no_pilot = project.benefits(survey, branch="潮安", target=0.95)
    assert set(no_pilot["phase"]) == {""} and no_pilot["pilot_rate"].isna().all()
    with pytest.raises(DataError, match="饶平: the survey has no rows"):
        project.benefits(survey, branch="饶平", target=0.95)


def test_goal_status(survey):
    table = project.benefits(survey, branch="潮安", target=0.95, pilot_hall="庵埠", pilot_start="2008-03")
    goal = project.goal_status(table, target=0.95, pilot_start="2008-03")
    assert (goal["current_period"], goal["met"], goal["months"], goal["months_met"], goal["held"]) == (
        "2008-06", True, 4, 4, True)
    # after: (190 + 195 + 195 + 190) / 800 = 0.9625; baseline (181 + 185) / 400 = 0.915
    assert goal["after_rate"] == pytest.approx(770 / 800)
    assert goal["baseline_rate"] == pytest.approx(366 / 400)
    assert goal["change"] == pytest.approx(770 / 800 - 366 / 400)
    ref = pilot.compare_proportions(770, 800, 366, 400)
    assert (goal["ci_low"], goal["ci_high"]) == pytest.approx((ref["ci_low"], ref["ci_high"]))
    strict = project.goal_status(table, target=0.96, pilot_start="2008-03")
    assert strict["missed"] == ["2008-03", "2008-06"] and not strict["held"] and not strict["met"]
    every = project.goal_status(table, target=0.95)        # no pilot: every month, no change
    assert every["months"] == 6 and every["months_met"] == 4 and math.isnan(every["change"])


# --------------------------------------------------------------------------- actions and PDCA
ACTIONS = pd.DataFrame({
    "branch": ["潮安"] * 6,
    "cause": ["甲", "甲", "乙", "乙", "丙", "丙"],
    "action": ["分流", "谈心", "竞赛", "档案", "评估", "培训"],
    "owner": ["渠道", "营业厅", "市场部", "市场部", None, "人力"],
    "due": pd.to_datetime(["2008-02-15", "2008-03-31", "2008-05-31", "2008-06-30", "2008-05-15", "2008-02-10"]),
    "status": ["完成", "完成", "进行中", "未开始", None, "已完成"],
})


def test_action_register_agrees_with_the_root_cause_notebook():
    register = project.action_register(ACTIONS, as_of="2008-06-15")
    assert register["action"].tolist() == ["培训", "分流", "谈心", "评估", "竞赛", "档案"]   # by due date
    assert register["state"].tolist() == ["done", "done", "done", "overdue", "overdue", "not_started"]
    plan = rootcause.action_plan(pd.DataFrame({"cause": []}), ACTIONS, as_of="2008-06-15")
    assert int(register["overdue"].sum()) == int(plan["overdue"].sum()) == 2


def test_owners_load():
    plan = project.plan_table(TASKS, as_of="2008-09-15")
    register = project.action_register(ACTIONS, as_of="2008-06-15")
    table = project.owners(plan, register).set_index("owner")
    assert table.loc["王丽"].tolist() == [2, 1, 0, 0, 0, 0]
    assert table.loc["林晓燕"].tolist() == [1, 0, 1, 0, 0, 0]
    assert table.loc["市场部"].tolist() == [0, 0, 0, 2, 0, 1]
    assert table.loc[""].tolist() == [1, 0, 0, 1, 0, 1]          # no owner: the task 2.9 and the action 评估
    assert table.index[:3].tolist() == ["", "市场部", "林晓燕"]     # one overdue item each, first, by name


def test_pdca_next_steps(survey):
    table = project.benefits(survey, branch="潮安", target=0.95)
    register = project.action_register(ACTIONS, as_of="2008-06-30")
    trail = project.pdca(register, table, as_of="2008-06-30", target=0.95, window=2).set_index("action")
    # 分流 due 2008-02: before 2008-01 (182/200), after 2008-03 – 2008-04 (190 + 195)/400
    row = trail.loc["分流"]
    assert (row["before_months"], row["after_months"]) == ("2008-01", "2008-03 – 2008-04")
    assert row["change"] == pytest.approx(385 / 400 - 182 / 200)
    assert row["next_step"] == "standardise"                       # clear rise, both months >= 95%
    assert trail.loc["培训", "next_step"] == "standardise"
    # 谈心 due 2008-03: before 01-02 (0.915), after 04-05 (0.975): a clear rise
    assert trail.loc["谈心", "next_step"] == "standardise"
    assert trail.loc["评估", "next_step"] == "chase" and trail.loc["竞赛", "next_step"] == "chase"
    assert trail.loc["档案", "next_step"] == "finish"
    # done with nothing after it yet (due in the last month)
    last = ACTIONS.assign(due=pd.to_datetime(["2008-06-20"] * 6), status=["完成"] * 6)
    late = project.pdca(project.action_register(last, as_of="2008-06-30"), table, as_of="2008-06-30", target=0.95)
    assert set(late["next_step"]) == {"check_later"} and not late["measured"].any()


def test_pdca_rules_for_falls_and_flat_months():
    flat = pd.DataFrame({"period": [f"2008-{m:02d}" for m in range(1, 7)], "branch": "潮安",
                         "responses": 400, "satisfied": [372, 372, 372, 372, 372, 344]})
    table = project.benefits(flat, branch="潮安", target=0.95)
    done = pd.DataFrame({"cause": ["甲", "乙", "丙"], "action": ["a", "b", "c"], "owner": ["x"] * 3,
                         "due": pd.to_datetime(["2008-02-10", "2008-05-10", "2008-03-10"]), "status": ["完成"] * 3})
    trail = project.pdca(project.action_register(done, as_of="2008-06-30"), table, as_of="2008-06-30",
                         target=0.95, window=1).set_index("action")
    assert trail.loc["a", "next_step"] == "revisit"     # 93% before and after: no change
    assert trail.loc["b", "next_step"] == "correct"     # 93% -> 86%: a clear fall
    rising = flat.assign(responses=1000, satisfied=[900, 900, 900, 930, 930, 930])
    trail = project.pdca(project.action_register(done, as_of="2008-06-30"),
                         project.benefits(rising, branch="潮安", target=0.95), as_of="2008-06-30", target=0.95,
                         window=1).set_index("action")
    assert trail.loc["c", "next_step"] == "continue"    # 90% -> 93%: clear, but below 95%


def test_index_entry_statuses(survey):
    from types import SimpleNamespace

    from cxeval.report.project import index_entry

    table = project.benefits(survey, branch="潮安", target=0.95, pilot_start="2008-03")
    goal = project.goal_status(table, target=0.95, pilot_start="2008-03")
    clean = project.plan_summary(project.plan_table(TASKS.assign(status="完成"), as_of="2008-12-31"),
                                 as_of="2008-12-31")
    assert index_entry(SimpleNamespace(goal=goal, summary=clean, register=None)) == {"headline": "95.0%（目标 95%），任务完成 6/6",
                                                "headline_en": "95.0% (target 95%), tasks done 6/6",
                                                "status": "good"}
    late = project.plan_summary(project.plan_table(TASKS, as_of="2009-01-01"), as_of="2009-01-01")
    entry = index_entry(SimpleNamespace(goal=goal, summary=late, register=None))
    assert entry["status"] == "warn" and entry["reason_en"] == "4 task(s) or action(s) overdue"
    below = project.goal_status(table, target=0.96, pilot_start="2008-03")
    assert index_entry(SimpleNamespace(goal=below, summary=clean, register=None))["status"] == "bad"


# --------------------------------------------------------------------------- the sample project
@pytest.fixture(scope="module")
def sample_status(sample_dir):
    from cxeval import data

    def load(name, kind):
        return data.load_input(sample_dir, name, kind, required=False)

    return project.assess(load("charter", "charter"), branch="潮安", team=load("team", "team"),
                          tasks=load("tasks", "tasks"), actions=data.for_branch(load("actions", "actions"), "潮安"),
                          survey=load("hall_survey", "survey"), pilots=load("pilots", "pilots"))


def test_sample_project_is_the_chaozhou_project(sample_status):
    from cxeval.sample import project as sample_project

    st = sample_status
    assert st.as_of == pd.Timestamp("2008-12-31")                   # the end of the survey, not today
    assert st.marks == {"pilot_hall": "庵埠", "pilot_start": "2008-08", "rollout_start": "2008-09"}
    plan = st.plan.set_index("wbs")
    # DOMAIN.md section 1: survey late Jun - Jul 10, plan Jul 11-31, pilot Aug, rollout Sep-Nov, Dec
    assert (plan.loc["1.2", "end"], plan.loc["2.1", "start"], plan.loc["2.3", "end"]) == (
        pd.Timestamp("2008-07-10"), pd.Timestamp("2008-07-11"), pd.Timestamp("2008-07-31"))
    assert (plan.loc["3.1", "start"], plan.loc["3.1", "end"]) == (pd.Timestamp("2008-08-01"), pd.Timestamp("2008-08-31"))
    assert (plan.loc["4.1", "start"], plan.loc["4.1", "end"]) == (pd.Timestamp("2008-09-01"), pd.Timestamp("2008-11-30"))
    assert st.summary["overdue_tasks"] == sample_project.OVERDUE_TASKS
    assert (st.summary["milestones"], st.summary["milestones_done"]) == (5, 4)
    # the goal: >= 95% every month from the pilot (August to December), held
    assert (st.goal["months"], st.goal["months_met"], st.goal["held"]) == (5, 5, True)
    assert st.benefits.set_index("period").loc["2008-08", "phase"] == "pilot"
    # the register as notebook 02 reads it on 2008-12-31: three overdue actions
    assert int(st.register["overdue"].sum()) == 3
    assert st.index_entry()["status"] == "warn"


def test_sentences(sample_status):
    st = sample_status
    assert words.describe_charter(st, "en").endswith("Led by 陈明.")
    assert words.describe_plan(st.summary, "en").startswith(
        "On 2008-12-31, 15 of 19 tasks are done, 1 in progress, 2 not started and 1 overdue (BOSS系统与自助终端稳定性优化).")
    assert "5 of 5 months since the pilot started (2008-08) met it: the goal is held." in words.describe_goal(
        st.goal, st.marks, "en")
    assert words.describe_actions(st.register, "en").startswith("6 of 10 actions are done, 3 overdue: ")
    assert words.describe_pdca(st.trail, "en").startswith("Next steps: standardise 6, do 1, chase 3.")
    assert words.marker_labels(st.marks, "en") == {"pilot 2008-08": "2008-08", "rollout 2008-09": "2008-09"}
    table = words.charter_table(st, "en").set_index("item")["value"]
    assert table["Target"] == "95%" and table["Pilot"] == "庵埠 from 2008-08"
    html = words.headline(st, "zh")._repr_html_()
    assert "15 / 19" in html and "5 / 5" in html
    for shown in (words.show_plan(st.plan, "en"), words.show_trail(st.trail, "en"), words.show_owners(st.owners)):
        assert "<table" in shown.to_html()
