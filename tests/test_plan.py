"""Run plans, -p parameters, name checks and the "not applicable" status (cxeval.plan, batch, cli)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from cxeval import batch, cli, data, plan
from cxeval.errors import BatchError, ConfigError
from conftest import ROOT

TEST_NOTEBOOKS = ROOT / "tests" / "notebooks"
SAMPLE_PLAN = ROOT / "projects" / "sample.yaml"


def _data_naming(folder: Path, branches) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame({"branch": list(branches), "period": "2010-01", "subscribers": 1000}).to_csv(
        folder / "subscribers.csv", index=False)
    return folder


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _declared(*stems):
    return {TEST_NOTEBOOKS / f"{s}.ipynb": batch.notebook_parameters(TEST_NOTEBOOKS / f"{s}.ipynb")
            for s in stems}


# --------------------------------------------------------------------------- reading a plan
def test_sample_plan_reads_and_resolves_as_the_source_documents_say():
    p = plan.load(SAMPLE_PLAN)
    assert p.data_dir == (ROOT / "data" / "sample").resolve()
    assert p.group_of("潮安").name == "潮州" and p.group_of("毕节").name == "贵州"
    # Chaozhou: control limits on the months before the pilot; Guizhou: the 2006 scorecard
    assert p.parameters_for("饶平")["baseline_end"] == "2008-07"
    assert p.parameters_for("贵阳")["config"] == "guizhou_2006_quarterly.yaml"
    assert "config" not in p.parameters_for("潮安")
    assert p.notebooks_for("潮安") == ["01", "02", "03", "05", "06"]   # the project is 潮安's
    assert p.notebooks_for("饶平") == ["01", "02", "05"]
    assert p.notebooks_for("贵阳") == ["01", "02", "04", "05"]


def test_malformed_plan_lists_every_problem(tmp_path):
    path = _write(tmp_path / "bad.yaml", """
data: missing_folder
lang: fr
colour: blue
parameters: {branch: 潮安}
groups:
  - name: A
    branches: [潮安]
  - name: B
    branches: [潮安, 饶平]
    extra: 1
branch_overrides:
  饶平: [01]
""")
    with pytest.raises(ConfigError) as err:
        plan.load(path)
    text = str(err.value)
    assert "has 7 problem(s)" in text
    for part in ("data: folder", "lang: expected zh or en, found 'fr'", "unknown key 'colour'",
                 "parameters.branch: set by the batch", "潮安 is already in group A",
                 "groups[1] (B): unknown key 'extra'", "branch_overrides.饶平: expected notebooks"):
        assert part in text, part


def test_plan_that_is_not_yaml_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="not valid YAML"):
        plan.load(_write(tmp_path / "p.yaml", "groups: [a, b\n"))
    with pytest.raises(ConfigError, match="does not exist"):
        plan.load(tmp_path / "none.yaml")


# --------------------------------------------------------------------------- names
def test_branch_typo_gets_the_closest_names_and_the_list():
    found = ["潮安", "饶平", "市区", "贵阳"]
    with pytest.raises(BatchError) as err:
        plan.match_branches(["潮州", "../../x"], found)
    text = str(err.value)
    assert "branch '潮州' appears in no input file — did you mean 潮安?" in text
    assert "branch '../../x' appears in no input file\n" in text
    assert text.endswith("branches found in the data: 潮安, 饶平, 市区, 贵阳")


def test_branch_names_are_trimmed_like_the_data():
    assert plan.match_branches(["潮安 ", " 贵阳", "潮安"], ["潮安", "贵阳"]) == ["潮安", "贵阳"]


# --------------------------------------------------------------------------- parameter types
@pytest.mark.parametrize("value, declared, expected", [
    ("0.96", "float", 0.96), ("96%", "float", 0.96), (0.9, "float", 0.9), ("5", "int", 5),
    ("True", "bool", True), ("no", "bool", False), ("庵埠 ", "str", "庵埠"),
    ("全球通,动感地带", "list", ["全球通", "动感地带"]), ('["a", "b"]', "list", ["a", "b"]),
    (pd.Timestamp("2008-12-31").date(), "str", "2008-12-31"), ("x", None, "x"),
])
def test_values_take_the_declared_type(value, declared, expected):
    assert plan.coerce_parameter("p", value, declared) == expected


@pytest.mark.parametrize("name, value, declared, message", [
    ("target", "abc", "float", "target must be a number"),
    ("top_n", "2.5", "int", "top_n must be a whole number"),
    ("explorer", "maybe", "bool", "explorer must be True or False"),
    ("pilot_start", 2008.1, "str", r"pilot_start is a period written as a number \(2008.1\)"),
])
def test_values_of_the_wrong_type_are_refused(name, value, declared, message):
    with pytest.raises(BatchError, match=message):
        plan.coerce_parameter(name, value, declared)


def test_cli_parameters_cannot_set_what_the_batch_sets():
    assert plan.parse_cli_parameters([["target", "0.96"], [" pilot_hall", "庵埠"]]) == \
        {"target": "0.96", "pilot_hall": "庵埠"}
    with pytest.raises(BatchError, match="-p branch: set by the batch"):
        plan.parse_cli_parameters([["branch", "潮安"]])


# --------------------------------------------------------------------------- resolving
def test_parameters_go_from_plan_to_group_to_branch_to_command_line(tmp_path):
    _data_naming(tmp_path / "d", ["潮安", "饶平", "贵阳"])
    p = plan.load(_write(tmp_path / "p.yaml", """
data: d
parameters: {level: 1}
groups:
  - {name: G, branches: [潮安, 饶平], parameters: {level: 2}}
branch_overrides:
  饶平: {parameters: {level: 3}}
  贵阳: {notebooks: [ok]}
"""))
    declared = _declared("ok", "na")
    specs = plan.resolve(p, ["潮安", "饶平", "贵阳"], list(declared), declared)
    got = {(s.branch, s.notebook.stem): s for s in specs}
    assert got[("潮安", "na")].parameters == {"level": 2.0}
    assert got[("饶平", "na")].parameters == {"level": 3.0}
    assert got[("贵阳", "na")].not_applicable == ("运行计划未为「贵阳」安排此报告",
                                                   "the run plan does not include this report for 贵阳")
    assert got[("潮安", "ok")].parameters == {}   # ok.ipynb has no parameter "level"
    specs = plan.resolve(p, ["饶平"], list(declared), declared, {"level": "4.5"})
    assert [s.parameters for s in specs if s.notebook.stem == "na"] == [{"level": 4.5}]


def test_unknown_parameter_names_list_the_valid_ones(tmp_path):
    declared = _declared("ok", "na")
    with pytest.raises(BatchError) as err:
        plan.resolve(None, ["潮安"], list(declared), declared, {"levle": "2"})
    assert str(err.value) == ("-p levle: no selected notebook has a parameter 'levle' (did you mean "
                              "level?); valid names: level")


def test_plan_check_reports_every_problem(tmp_path, capsys):
    _data_naming(tmp_path / "d", ["潮安", "贵阳"])
    path = _write(tmp_path / "p.yaml", """
data: d
parameters: {targt: 0.9}
groups:
  - {name: G, branches: [潮州, 贵阳], notebooks: ["01", "99"]}
""")
    assert cli.main(["plan", "--check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "3 problem(s)" in err
    assert "branch '潮州' appears in no input file — did you mean 潮安?" in err
    assert "plan parameters: no selected notebook has a parameter 'targt' (did you mean target" in err
    assert "unknown notebook '99'" in err


def test_sample_plan_checks_clean(capsys):
    assert cli.main(["plan", "--check", str(SAMPLE_PLAN)]) == 0
    out = capsys.readouterr().out
    assert "OK · 12 branches, 48 reports planned, 25 not applicable" in out   # 06 for 潮安 only


# --------------------------------------------------------------------------- the batch
def test_unknown_branch_and_parameter_stop_the_run_before_any_job(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(batch, "DEFAULT_NOTEBOOKS_DIR", TEST_NOTEBOOKS)
    _data_naming(tmp_path, ["潮安", "饶平"])
    base = ["run", "--data", str(tmp_path), "--out", str(tmp_path / "reports"), "--no-progress"]
    assert cli.main(base + ["--branches", "潮州"]) == 2
    assert "did you mean 潮安?" in capsys.readouterr().err
    assert cli.main(base + ["--branches", "../../x"]) == 2
    assert cli.main(base + ["--notebooks", "na", "-p", "leve", "2"]) == 2
    assert "valid names: level" in capsys.readouterr().err
    assert cli.main(base + ["--notebooks", "na", "-p", "level", "high"]) == 2
    assert "level must be a number" in capsys.readouterr().err
    assert not (tmp_path / "reports").exists()   # nothing started


def test_not_applicable_is_a_status_counted_and_shown_in_grey(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(batch, "DEFAULT_NOTEBOOKS_DIR", TEST_NOTEBOOKS)
    _data_naming(tmp_path, ["潮安", "none", "贵阳"])
    path = _write(tmp_path / "p.yaml", f"""
data: {tmp_path}
branch_overrides:
  贵阳: {{notebooks: [ok]}}
""")
    code = cli.main(["run", "--plan", str(path), "--notebooks", "ok", "na", "--out", str(tmp_path / "r"),
                     "--no-progress", "-p", "level", "2"])
    assert code == 0   # n/a is not a failure
    out = capsys.readouterr().out
    assert "3 branches, 6 jobs: 4 reports, 2 not applicable, 0 failed" in out
    (run_dir,) = (tmp_path / "r").iterdir()
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    jobs = {(j["branch"], j["notebook"]): j for j in manifest["jobs"]}
    # raised by the notebook: the reason in the run's language, both kept for the index
    assert jobs[("none", "na")]["status"] == "n/a"
    assert jobs[("none", "na")]["error"] == "none 没有数据。"
    assert jobs[("none", "na")]["results"]["headline_en"] == "none has no data."
    assert jobs[("none", "na")]["html"] is None
    assert not (run_dir / "none" / "na.html").exists()
    # left out by the plan: never run
    assert jobs[("贵阳", "na")]["status"] == "n/a" and jobs[("贵阳", "na")]["attempts"] == 0
    assert jobs[("潮安", "na")]["parameters"]["level"] == 2.0
    soup = BeautifulSoup((run_dir / "index.html").read_text(encoding="utf-8"), "html.parser")
    na_cells = soup.select("td.na")
    assert len(na_cells) == 2
    assert all(not cell.select("a") for cell in na_cells), "an n/a cell links nothing"
    assert "none 没有数据。" in na_cells[0].get_text()
    assert soup.select(".legend .s.na"), "grey has a legend entry"
    assert "2 项不适用" in soup.select_one(".meta").get_text()
    # --only-failed has nothing to rerun: n/a jobs are not failures
    assert cli.main(["run", "--only-failed", str(run_dir), "--no-progress"]) == 0
    again = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert [j["attempts"] for j in again["jobs"]] == [j["attempts"] for j in manifest["jobs"]]


def test_index_colours_only_with_a_target_and_every_colour_explained():
    def job(branch, status, results, error=None):
        return {"branch": branch, "notebook": "01_baseline", "status": status, "error": error,
                "html": "01_baseline.html", "results": results,
                "parameters": {"results_path": f"/r/{branch}/01_baseline.json"}}

    manifest = {"run_id": "x", "jobs": [
        job("潮安", "ok", {"headline": "98.7%", "status": "good"}),
        job("饶平", "ok", {"headline": "96.1%", "status": "warn", "reason": "过程不稳定：2008-10 信号（低于中心线）"}),
        job("市区", "ok", {"headline": "关键少数", "status": "none"}),
        job("贵阳", "ok", {"headline": "x"}),
        job("遵义", "n/a", {"headline": "无试点", "headline_en": "no pilot"}, "无试点"),
        job("安顺", "failed", {}, "DataError: row 3"),
    ]}
    soup = BeautifulSoup(batch.render_index(manifest, lang="zh"), "html.parser")
    rows = {tr.select_one("td.branch").get_text(): tr for tr in soup.select("tbody tr")}
    assert rows["潮安"].select_one(".s.good") and not rows["潮安"].select(".why")
    assert rows["饶平"].select_one(".s.warn")
    assert rows["饶平"].select_one(".why").get_text() == "过程不稳定：2008-10 信号（低于中心线）"
    for branch in ("市区", "贵阳"):  # no target, no verdict: no colour
        assert not rows[branch].select(".good, .warn, .bad")
    assert rows["遵义"].select_one("td.na") and not rows["遵义"].select("a")
    assert rows["安顺"].select_one("a.failed")
    legend = soup.select_one(".legend")
    for cls in ("good", "warn", "bad", "none", "na"):
        assert legend.select_one(f".s.{cls}"), cls
    assert "失败" in legend.get_text()
    assert "1 份失败" in soup.select_one(".meta").get_text()


# --------------------------------------------------------------------------- registers
def test_actions_are_kept_for_their_branch_and_for_all():
    actions = pd.DataFrame({"branch": ["潮安", "贵阳", None, "全省", " all ", "潮安 "],
                            "action": list("abcdef")})
    assert data.for_branch(actions, "潮安")["action"].tolist() == ["a", "c", "d", "e", "f"]
    assert data.for_branch(actions, "贵阳")["action"].tolist() == ["b", "c", "d", "e"]
    no_column = actions.drop(columns="branch")
    assert data.for_branch(no_column, "贵阳") is no_column


def test_pilot_comes_from_parameters_or_the_register():
    from cxeval import pilot
    from cxeval.errors import DataError, NotApplicable

    register = pd.DataFrame({"branch": ["潮安"], "hall": ["庵埠"], "pilot_start": ["2024-08"],
                             "rollout_start": [None]})
    got = pilot.declared_pilot(register, branch="潮安")
    assert got == {"pilot_hall": "庵埠", "pilot_start": "2024-08", "rollout_start": None, "source": "register"}
    got = pilot.declared_pilot(register, branch="潮安", pilot_hall="庵埠", rollout_start="2024-09")
    assert (got["pilot_start"], got["rollout_start"], got["source"]) == ("2024-08", "2024-09", "parameters")
    with pytest.raises(NotApplicable, match="No pilot is declared for 贵阳"):
        pilot.declared_pilot(register, branch="贵阳")
    with pytest.raises(NotApplicable):
        pilot.declared_pilot(None, branch="潮安")
    with pytest.raises(DataError, match="pilot hall 城关 of 潮安 has no start month"):
        pilot.declared_pilot(register, branch="潮安", pilot_hall="城关")


def test_complete_months_and_periods_outside_the_data():
    from cxeval import complaints
    from cxeval.errors import DataError

    t = pd.DataFrame({"opened_at": pd.to_datetime(["2024-01-01 08:00", "2024-03-15 00:00", "2024-12-31 23:00"])})
    assert complaints.complete_months(t) == ("2024-01", "2024-12")
    cut = pd.DataFrame({"opened_at": pd.to_datetime(["2024-01-02", "2024-12-30"])})
    assert complaints.complete_months(cut) == ("2024-02", "2024-11")
    chosen = complaints.period_settings(t)
    assert (chosen["period_before"], chosen["period_after"], chosen["as_of"]) == ("2024-01", "2024-12", "2024-12-31")
    assert [s["given"] for s in chosen["settings"]] == [False, False, False]
    with pytest.raises(DataError) as err:
        complaints.period_settings(t, period_before="2010-07", period_after="2024-Q4")
    assert "period_before = 2010-07: the tickets have no month 2010-07 (they cover 2024-01 – 2024-12)" in str(err.value)
    assert "2024-Q4" not in str(err.value)


def test_campaign_calendar_moves_with_its_baseline():
    from cxeval import complaints

    limits = complaints.load_limits(ROOT / "data" / "configs" / "sla.yaml")
    months = [f"2024-{m:02d}" for m in range(6, 13)]
    repeat = [4000, 3428, 2399, 1371, 342, 200, 100]
    actual = pd.DataFrame({"period": months, "repeat_5": repeat, "repeat_10": [800, 748, 561, 374, 187, 0, 0],
                           "fcr": 0.9, "provincial_fcr": 0.8, "escalated_on_time_rate": 1.0,
                           "self_handled_on_time_rate": 1.0, "pass_rate": 1.0})
    stuck = complaints.campaign(actual, limits)           # the configuration's 2010-07
    assert not stuck.baseline_in_data
    assert "2010-07 不在数据范围（2024-06 至 2024-12）内" in stuck.baseline_note("zh")
    assert set(stuck.table.loc[stuck.table["target"] == "repeat_5", "status"]) == {"no_data"}
    moved = complaints.campaign(actual, limits, baseline="2024-07")
    assert moved.baseline_in_data and moved.baseline_note() == ""
    r5 = moved.table[moved.table["target"] == "repeat_5"].set_index("period")
    # 3,428 in July -> -90% by October (three months later, as 2010-07 -> 2010-10)
    assert r5.loc["2024-10", "goal"] == pytest.approx(3428 * 0.1)
    assert r5.loc["2024-10", "status"] == "met"


def test_run_scope_notebook_takes_the_plans_own_parameters_once(tmp_path):
    path = _write(tmp_path / "p.yaml", """
parameters: {level: 3}
groups:
  - name: A
    branches: [潮安]
    notebooks: [ok]
    parameters: {level: 5}
""")
    p = plan.load(path)
    declared = _declared("overview", "ok", "na")
    assert plan.notebook_scope(declared[TEST_NOTEBOOKS / "overview.ipynb"]) == "run"
    assert plan.notebook_scope(declared[TEST_NOTEBOOKS / "na.ipynb"]) == "branch"
    specs = plan.resolve(p, ["潮安", "贵阳"], list(declared), declared, {})
    run = [s for s in specs if s.branch == plan.RUN_BRANCH]
    assert len(run) == 1 and run[0].notebook.stem == "overview"
    # the plan's parameters, not the group's: the overview covers every group
    assert run[0].parameters == {"level": 3.0} and run[0].not_applicable is None
    # a group's notebook list is about its branches; the overview is never a branch's job
    assert {(s.branch, s.notebook.stem) for s in specs if s.branch != plan.RUN_BRANCH} == {
        ("潮安", "ok"), ("潮安", "na"), ("贵阳", "ok"), ("贵阳", "na")}
    # the plan's top-level notebook list can leave the overview out: n/a, with the reason
    _write(path, "notebooks: [ok, na]\n")
    specs = plan.resolve(plan.load(path), ["潮安"], list(declared), declared, {})
    (run,) = [s for s in specs if s.branch == plan.RUN_BRANCH]
    assert run.not_applicable and "notebooks" in run.not_applicable[1]
    # the batch sets the run's branches: a plan or -p may not
    _write(path, "parameters: {branches: [潮安]}\n")
    with pytest.raises(ConfigError, match="set by the batch"):
        plan.load(path)


def test_a_plan_written_for_every_notebook_runs_a_selection(tmp_path, monkeypatch, capsys):
    """`--plan P --notebooks ok`: the plan's parameters and notebook lists may name notebooks
    that are not selected; they were refused as unknown before."""
    monkeypatch.setattr(batch, "DEFAULT_NOTEBOOKS_DIR", TEST_NOTEBOOKS)
    _data_naming(tmp_path, ["潮安", "贵阳"])
    path = _write(tmp_path / "p.yaml", f"""
data: {tmp_path}
parameters: {{level: 2}}
groups:
  - name: A
    branches: [潮安]
    notebooks: [na]
  - name: B
    branches: [贵阳]
    notebooks: [ok, na]
""")
    code = cli.main(["run", "--plan", str(path), "--notebooks", "ok", "--out", str(tmp_path / "r"), "--no-progress"])
    assert code == 0, capsys.readouterr().err
    (run_dir,) = (tmp_path / "r").iterdir()
    jobs = {j["branch"]: j for j in json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))["jobs"]}
    assert jobs["贵阳"]["status"] == "ok" and jobs["潮安"]["status"] == "n/a"
    # -p still names a parameter of a selected notebook
    assert cli.main(["run", "--plan", str(path), "--notebooks", "ok", "-p", "level", "3",
                     "--out", str(tmp_path / "r2"), "--no-progress"]) == 2
