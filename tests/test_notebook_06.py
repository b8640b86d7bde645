"""Notebook 06 (the improvement project) through papermill and through the batch.

The recorded numbers are compared with cxeval.project called directly on the same sample
data (the library is tested with hand-worked frames in test_project.py).
"""

from __future__ import annotations

import json
import re

import pytest

from conftest import NOTEBOOKS, report_outputs

STEM = "06_project"
BATCH_PARAMETERS = ("branch", "data_dir", "config_dir", "lang", "results_path")


def _status(sample_dir, branch="潮安", as_of=""):
    from cxeval import data, project

    def load(name, kind):
        return data.load_input(sample_dir, name, kind, required=False)

    return project.assess(load("charter", "charter"), branch=branch, team=load("team", "team"),
                          tasks=load("tasks", "tasks"), actions=data.for_branch(load("actions", "actions"), branch),
                          survey=load("hall_survey", "survey"), pilots=load("pilots", "pilots"), as_of=as_of)


def _html(outputs) -> str:
    return "".join(o.get("data", {}).get("text/html", "") for o in outputs)


def test_parameters_cell():
    import papermill as pm

    declared = pm.inspect_notebook(str(NOTEBOOKS / f"{STEM}.ipynb"))
    assert set(BATCH_PARAMETERS) <= set(declared)
    assert declared["as_of"]["default"] == '""' and declared["project_name"]["default"] == '""'
    assert "target" not in declared          # the target is the charter's, not a parameter
    assert all(info["help"] for info in declared.values())


@pytest.mark.notebook
def test_project_report_of_chaoan(run_notebook, sample_dir, tmp_path):
    results = run_notebook(STEM, branch="潮安", as_of="2008-12-31")      # as the sample plan sets it
    st = _status(sample_dir, as_of="2008-12-31")
    expected = json.loads(json.dumps({**st.key_numbers(), **st.index_entry()}, ensure_ascii=False))
    assert {k: results[k] for k in expected} == expected
    # DOMAIN.md section 1: >= 95% every month of the pilot and the rollout; the plan on 2008-12-31
    assert (results["months_met"], results["months"], results["goal_held"]) == (5, 5, True)
    assert (results["tasks_done"], results["tasks"], results["tasks_overdue"]) == (15, 19, 1)
    assert set(results["tables"]) == {"plan", "benefits", "actions", "pdca"}
    assert len(results["tables"]["benefits"]["rows"]) == 12
    outputs = report_outputs(tmp_path / f"{STEM}.ipynb")
    assert sum("image/png" in o.get("data", {}) for o in outputs) == 2      # the Gantt and the benefits
    html = _html(outputs)
    assert "检查日期 2008-12-31（运行计划或参数指定）" in html
    assert "里程碑 5 个，已达成 4 个" in html and "逾期" in html
    assert "服营厅客户满意度提升计划" in html and "陈明" in html


@pytest.mark.notebook
def test_in_english_on_an_earlier_day_and_without_a_project(run_notebook, sample_dir, tmp_path):
    import papermill as pm

    results = run_notebook(STEM, lang="en", as_of="2008-09-30")    # branch: the first with a charter
    assert results["branch"] == "潮安" and results["as_of"] == "2008-09-30"
    st = _status(sample_dir, as_of="2008-09-30")
    assert results["tasks_done"] == st.summary["done"] and results["tasks_overdue"] == 0
    html = _html(report_outputs(tmp_path / f"{STEM}.ipynb"))
    assert "checked on 2008-09-30 (set by the run plan or a parameter)" in html
    with pytest.raises(pm.PapermillExecutionError) as err:
        run_notebook(STEM, branch="饶平")
    assert err.value.ename == "NotApplicable"
    assert err.value.evalue.endswith("饶平 has no improvement project: the project charter (charter) has no "
                                     "project of this branch.")


@pytest.mark.notebook
def test_project_report_in_the_batch(sample_dir, tmp_path):
    """Planned for 潮安 only, as the sample plan does; its page shows the Gantt and the benefits chart."""
    from cxeval import cli

    plan = tmp_path / "project.yaml"
    plan.write_text(f"""
data: {sample_dir}
notebooks: ["06"]
groups:
  - name: 潮州
    branches: [潮安, 饶平]
    notebooks: []
    parameters: {{as_of: "2008-12-31"}}
branch_overrides:
  潮安: {{notebooks: ["06"]}}
""", encoding="utf-8")
    args = ["run", "--plan", str(plan), "--branches", "潮安", "饶平", "--out", str(tmp_path / "reports"),
            "--workers", "2", "--no-progress"]
    assert cli.main(args) == 0
    (run_dir,) = (tmp_path / "reports").iterdir()
    jobs = {j["branch"]: j for j in json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))["jobs"]}
    assert jobs["潮安"]["status"] == "ok" and jobs["饶平"]["status"] == "n/a"
    assert jobs["潮安"]["results"]["as_of"] == "2008-12-31"
    page = (run_dir / "潮安" / "06_project.html").read_text(encoding="utf-8")
    assert len(re.findall(r"<img[^>]+src=\"data:image/png", page)) == 2
