"""Notebook 00 (the run's overview) end to end through papermill on the sample data.

The recorded numbers are checked against DOMAIN.md: the Chaozhou Jan–Mar 2008 table, the
Guizhou satisfaction KPI (19.5 in 2006, 12.98 in 2005), the campaign's July baseline
(3,428 and 748) and the spread between branches (黔西南 78.6 − 黔南 70.4 = 8.2).
"""

from __future__ import annotations

import json
import shutil

import papermill as pm
import pytest

from conftest import report_outputs

STEM = "00_overview"
CONFIGS = {"quarterly_config": "guizhou_2006_quarterly.yaml", "annual_config": "guizhou_2006_kpi.yaml"}


def test_parameters_cell_marks_the_notebook_as_made_once_per_run(notebooks_dir):
    from cxeval import plan

    params = pm.inspect_notebook(str(notebooks_dir / f"{STEM}.ipynb"))
    assert plan.notebook_scope(params) == "run"
    assert params["branches"]["inferred_type_name"] == "list"
    # which scorecards to show is the plan's choice, not a sample default
    assert params["quarterly_config"]["default"] == '""' and params["annual_config"]["default"] == '""'


@pytest.mark.notebook
def test_overview_reproduces_the_source_figures(run_notebook, tmp_path):
    results = run_notebook(STEM, branch="全部 All", branches=["潮安", "饶平", "市区", "贵阳"], **CONFIGS)
    # DOMAIN.md §1: the Chaozhou baseline table, to two decimals
    sat = results["satisfaction"]
    assert [sat["潮安"][m] for m in ("2008-01", "2008-02", "2008-03")] == [92.63, 91.72, 96.31]
    assert [sat["饶平"][m] for m in ("2008-01", "2008-02", "2008-03")] == [91.39, 91.72, 92.31]
    assert [sat["市区"][m] for m in ("2008-01", "2008-02", "2008-03")] == [94.50, 94.54, 97.31]
    assert list(sat) == ["潮安", "饶平", "市区", "贵阳"]          # the run's branches, in order
    # DOMAIN.md §4: the satisfaction KPI, and the quarterly points ranked among all nine
    assert results["annual_kpi"] == {"贵州移动": {"2005": 12.98, "2006": 19.5}}
    assert results["kpi_totals"] == {"贵阳": 14.5} and results["kpi_ranks"] == {"贵阳": 8}
    # DOMAIN.md §2: the campaign's July baseline over every ticket
    assert results["campaign_baseline"] == {"repeat_5": 3428, "repeat_10": 748}
    assert results["campaign_baseline_period"] == "2010-07"
    assert "fcr" not in results["campaign_status"]       # the province is its own benchmark
    assert set(results["fcr"]) == {"潮安", "饶平", "市区", "贵阳"}
    # DOMAIN.md §4: the spread, and 黔南's lead under the 16 pp the review claims for all
    assert (results["spread"], results["spread_best"], results["spread_worst"]) == (8.2, "黔西南", "黔南")
    assert results["lead_below"] == ["黔南"]
    assert results["pilots"] == {"潮安": "good"}
    assert all(results["sections"].values())
    assert results["headline"].startswith("4 个分公司并列比较")
    assert results["status"] in ("good", "warn", "bad")
    # a clean report: no error, no stray warning, no printed text or raw repr
    outputs = report_outputs(tmp_path / f"{STEM}.ipynb")
    assert sum("image/png" in o.get("data", {}) for o in outputs) == 3   # heat map, campaign, FCR
    page = " ".join(o["data"].get("text/html", "") for o in outputs if "data" in o)
    for figure in ("92.63%", "91.72%", "96.31%", "19.5", "12.98", "3,428", "748", "8.2 个百分点"):
        assert figure in page, figure
    # the key tables go to the workbook with their headers and number formats
    tables = json.loads((tmp_path / f"{STEM}.json").read_text(encoding="utf-8"))["tables"]
    grid = tables["satisfaction_by_month"]
    assert grid["labels"] == {"branch": "分公司"} and grid["formats"]["2008-01"]["number_format"] == "0.00%"


@pytest.mark.notebook
def test_sections_without_their_input_say_so(run_notebook, sample_dir, tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(sample_dir / "hall_survey.csv", folder / "hall_survey.csv")
    results = run_notebook(STEM, branch="全部 All", branches=["潮安"], data_dir=str(folder), lang="en")
    assert results["sections"] == {"satisfaction": True, "kpi": False, "annual_kpi": False, "campaign": False,
                                   "fcr": False, "pilots": False, "lead": False}
    outputs = report_outputs(tmp_path / f"{STEM}.ipynb")
    page = " ".join(o["data"].get("text/html", "") for o in outputs if "data" in o)
    for missing in ("no quarterly scorecard or its scores", "no complaint tickets", "no brand and competitor survey"):
        assert f"Not applicable: this run has {missing}." in page
    # with nothing at all to compare, the overview is not a report
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "subscribers.csv").write_text("branch,period,subscribers\n潮安,2010-01,1000\n", encoding="utf-8")
    with pytest.raises(pm.PapermillExecutionError, match="NotApplicable"):
        run_notebook(STEM, branch="全部 All", branches=["潮安"], data_dir=str(empty))

