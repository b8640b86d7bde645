"""Notebook 02 (root causes and Pareto) executed through papermill.

The numbers the notebook records are compared with the library called directly on the
same sample data (the library itself is tested against published references in
test_pareto.py and test_rootcause.py).
"""

from __future__ import annotations

import json

import pytest

from conftest import NOTEBOOKS, report_outputs, recorded_rows

STEM = "02_root_cause_pareto"
BATCH_PARAMETERS = ("branch", "data_dir", "config_dir", "lang", "results_path")


def _library_numbers(sample_dir, configs_dir, branch, lang="zh", before="2010-07", after="2010-11"):
    from cxeval import complaints, data, pareto, rootcause

    tickets = data.load(sample_dir / "tickets.parquet", "tickets")
    labels = pareto.category_labels(complaints.load_categories(configs_dir / "categories.yaml"), lang=lang)
    b = pareto.select_tickets(tickets, branch=branch, period=before)
    a = pareto.select_tickets(tickets, branch=branch, period=after)
    vital = pareto.vital_few_summary(pareto.pareto_table(b, "category", labels=labels))
    shift = pareto.pareto_shift(b, a, "category", labels=labels)
    priorities = rootcause.prioritise(data.load(sample_dir / "causes.csv", "causes"))
    return vital, shift, priorities


def test_parameters_cell_declares_what_the_batch_passes():
    import papermill as pm

    declared = pm.inspect_notebook(str(NOTEBOOKS / f"{STEM}.ipynb"))
    assert set(BATCH_PARAMETERS) <= set(declared)
    for name in ("period_before", "period_after", "threshold", "as_of"):
        assert declared[name]["help"], name  # every parameter has a help comment


@pytest.mark.notebook
def test_notebook_for_a_branch_with_tickets(run_notebook, sample_dir, configs_dir, tmp_path):
    from cxeval import sample

    # the months and the register date of the sample's run plan
    results = run_notebook(STEM, branch="潮安", period_before="2010-07", period_after="2010-11",
                           as_of="2008-12-31")
    outputs = report_outputs(tmp_path / f"{STEM}.ipynb")
    assert sum("image/png" in o.get("data", {}) for o in outputs) == 4  # fishbone, 2 Paretos, shift
    vital, shift, _ = _library_numbers(sample_dir, configs_dir, "潮安")
    assert results["branch"] == "潮安"
    assert results["tickets_before"] == shift.n_before > 0
    assert results["tickets_after"] == shift.n_after > 0
    assert results["vital_few"] == vital["categories"] and vital["n_vital"] >= 1
    assert results["vital_few_share"] == pytest.approx(vital["share"])
    assert results["vital_few_share"] >= 0.8
    assert results["shift_p_value"] == pytest.approx(shift.p_value)
    # DOMAIN.md section 1: the six key factors, and every one has an action.
    assert results["key_factors"] == sample.KEY_FACTORS
    assert results["key_factors_without_action"] == 0
    # actions.csv by hand: due before 2008-12-31 and not 完成: 2008-11-30 contest, 2008-12-15
    # customer files, 2008-10-31 "3-minute" standard.
    assert results["actions_overdue"] == 3
    # index entry, derived here from the library's vital few and test
    changed = "措施后分布有变化" if shift.p_value < 0.05 else "措施后分布无明显变化"
    assert results["headline"] == (f"关键少数 {vital['n_vital']}/{vital['n_categories']} 项占 "
                                   f"{vital['share'] * 100:.1f}%，{changed}")
    assert results["status"] == "none"   # a Pareto has no target: no colour on the index
    # key tables for the Excel export
    tables = results["tables"]
    assert set(tables) == {"pareto_by_sub_item", "pareto_shift"}
    by_item = tables["pareto_by_sub_item"]
    counts = [row[by_item["columns"].index("count")] for row in by_item["rows"]]
    assert sum(counts) == shift.n_before and counts == sorted(counts, reverse=True)
    changes = tables["pareto_shift"]
    assert changes["columns"] == shift.table.columns.tolist()
    assert [row[0] for row in changes["rows"]] == shift.table["category"].tolist()


@pytest.mark.notebook
def test_notebook_in_english_takes_its_months_from_the_data(run_notebook, sample_dir, configs_dir, tmp_path):
    import pandas as pd

    results = run_notebook(STEM, branch="贵阳", lang="en")
    # no period given: the earliest and the latest complete month of the tickets (2010-01, 2010-12)
    opened = pd.read_parquet(sample_dir / "tickets.parquet", columns=["branch", "opened_at"])
    month = opened.loc[opened["branch"] == "贵阳", "opened_at"].dt.strftime("%Y-%m")
    assert (results["tickets_before"], results["tickets_after"]) == ((month == "2010-01").sum(),
                                                                     (month == "2010-12").sum())
    vital, shift, _ = _library_numbers(sample_dir, configs_dir, "贵阳", lang="en", before="2010-01",
                                       after="2010-12")
    assert results["vital_few"] == vital["categories"]
    assert results["shift_p_value"] == pytest.approx(shift.p_value)
    # the action register is 潮安's: 贵阳's report shows none of it
    assert results["key_factors_without_action"] == 6 and results["actions_overdue"] == 0
    outputs = report_outputs(tmp_path / f"{STEM}.ipynb")
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert ("month before 2010-01 (the earliest complete month in the data); month after 2010-12 (the "
            "latest complete month in the data); action register checked on 2010-12-31") in html
    assert "三道防线" not in html


@pytest.mark.notebook
def test_branch_without_tickets_is_not_applicable(run_notebook, sample_dir, tmp_path):
    import shutil

    import pandas as pd
    import papermill as pm

    folder = tmp_path / "data"
    shutil.copytree(sample_dir, folder)
    tickets = pd.read_parquet(folder / "tickets.parquet")
    tickets[tickets["branch"] != "饶平"].to_parquet(folder / "tickets.parquet", index=False)
    with pytest.raises(pm.PapermillExecutionError) as err:
        run_notebook(STEM, branch="饶平", data_dir=str(folder))
    assert err.value.ename == "NotApplicable"
    assert err.value.evalue == "饶平 没有投诉工单数据。\n饶平 has no complaint tickets data."
    with pytest.raises(pm.PapermillExecutionError) as err:    # periods outside the data are refused
        run_notebook(STEM, branch="潮安", data_dir=str(folder), period_before="2024-07")
    assert err.value.ename == "DataError" and "the tickets have no month 2024-07" in err.value.evalue


@pytest.mark.notebook
def test_total_row_of_causes_is_named_and_not_a_key_factor(run_notebook, sample_dir, tmp_path):
    import shutil

    data_dir = tmp_path / "data"
    shutil.copytree(sample_dir, data_dir)
    causes = data_dir / "causes.csv"
    lines = causes.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "bone,cause,cause_en,count"
    # counted, 合计 would be the first key factor of the Pareto of causes
    causes.write_text("\n".join(lines + ["人员,合计,Total,999"]) + "\n", encoding="utf-8")
    results = run_notebook(STEM, branch="潮安", data_dir=str(data_dir))
    assert "合计" not in results["key_factors"]
    html = " ".join(o["data"].get("text/html", "") for o in report_outputs(tmp_path / f"{STEM}.ipynb")
                    if "data" in o)
    assert f"causes.csv row {len(lines) + 1}" in html and "未计入任何数字" in html


@pytest.mark.notebook
def test_explorer_reproduces_the_report(run_notebook, sample_dir, configs_dir, tmp_path):
    """The explorer opened on the report's months gives the report's Pareto and shift."""
    from cxeval import complaints, data, pareto, plots
    from cxeval.explorers import pareto as xp

    plots.theme()

    results = run_notebook(STEM, branch="潮安", period_before="2010-07", period_after="2010-11",
                           as_of="2008-12-31")   # the sample plan's settings; explorer on
    outputs = report_outputs(tmp_path / f"{STEM}.ipynb")
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
    tickets = data.load(sample_dir / "tickets.parquet", "tickets")
    # the explorer moves between every branch of the data, though the report reads only its own
    assert _branch_choices(tmp_path / f"{STEM}.ipynb") == sorted(tickets["branch"].unique())
    categories = complaints.load_categories(configs_dir / "categories.yaml")
    labels = {"category": pareto.category_labels(categories), "network": pareto.category_labels(categories,
                                                                                                  kind="network")}
    # as the notebook builds it
    ex = xp.ParetoExplorer(tickets, branch="潮安", labels=labels, lang="zh",
                           **xp.settings(period_before="2010-07", period_after="2010-11", threshold=0.8))
    tables = results["tables"]
    recorded_rows(ex.result["table"], tables["pareto_by_sub_item"])
    recorded_rows(ex.result["shift"].table, tables["pareto_shift"])
    assert ex.result["shift"].p_value == results["shift_p_value"]
    assert ex.result["vital"]["categories"] == results["vital_few"]
    ex.by.value = "network"
    assert ex.result["vital"]["categories"] == results["vital_few_networks"]


def _branch_choices(path) -> list[str]:
    """The options of the explorer's branch dropdown, from the widget state the run saved."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    states = nb["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]["state"].values()
    dropdowns = [w["state"] for w in states if w["model_name"] == "DropdownModel"
                 and w["state"].get("description") in ("分公司", "Branch")]
    return sorted(dropdowns[0]["_options_labels"])
