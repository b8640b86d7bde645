"""Notebook 01 (baseline) executed through papermill.

The numbers the notebook records are compared with cxeval.baseline called directly on the
same sample data (the library itself is tested against published references in
test_baseline.py).
"""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import NOTEBOOKS, report_outputs, recorded_rows

STEM = "01_baseline"
BATCH_PARAMETERS = ("branch", "data_dir", "config_dir", "lang", "results_path")


def _library_numbers(sample_dir, branch, target=0.95, freeze="2008-07"):
    from cxeval import baseline, data, sample

    survey = data.load(sample_dir / "hall_survey.csv", "survey")
    survey = survey[survey["branch"] == branch]
    brands = data.load(sample_dir / "brand_survey.csv", "survey")
    # the control limits are fixed on the baseline months given (the sample plan: to 2008-07,
    # before the pilot), or on every month when none is given
    st = baseline.status(survey, target=target, freeze=freeze)
    below = baseline.below_target(baseline.recent(survey, periods=3), "hall", target=target)
    lead = None
    if (brands["branch"] == branch).any():
        lead = baseline.lead(brands, own=sample.OWN_SEGMENTS,
                             competitor=sample.COMPETITOR_SEGMENTS, target=sample.LEAD_TARGET)
    return st, below, lead


def _texts(outputs) -> str:
    return "\n".join(str(o.get("data", {}).get("text/html", "")) for o in outputs)


def test_parameters_cell():
    import papermill as pm

    declared = pm.inspect_notebook(str(NOTEBOOKS / f"{STEM}.ipynb"))
    assert set(BATCH_PARAMETERS) <= set(declared)
    assert declared["target"]["inferred_type_name"] == "float"
    assert declared["target"]["default"] == "0.95"
    assert declared["explorer"]["inferred_type_name"] == "bool"
    assert declared["explorer"]["default"] == "True"
    assert all(info["help"] for info in declared.values())


@pytest.mark.notebook
def test_chaoan_report_records_the_library_numbers(run_notebook, sample_dir, tmp_path):
    # as the sample's run plan sets it for the Chaozhou branches
    results = run_notebook(STEM, branch="潮安", lang="zh", explorer=False, baseline_end="2008-07")
    st, below, lead = _library_numbers(sample_dir, "潮安")
    assert lead is None
    assert results["branch"] == "潮安"
    assert results["current_period"] == st["current_period"]
    assert results["current_rate"] == pytest.approx(st["current_rate"], abs=1e-12)
    assert results["gap"] == pytest.approx(st["current_rate"] - 0.95, abs=1e-12)
    assert results["stable"] == st["stable"]
    assert results["laney"] == st["laney"]
    assert results["n_halls_below_target"] == len(below)
    assert results["lead"] is None and results["province_lead"] is None
    # index entry: the library's reading of the same status (after the frozen baseline the
    # pilot's rise is a signal, so the chart is not stable)
    from cxeval import baseline, data

    assert {k: results[k] for k in ("headline", "headline_en", "status")} == baseline.index_entry(st)
    assert results["headline_en"] == f"{st['current_rate'] * 100:.1f}% (target 95%)"
    # key tables for the Excel export, raw numbers as the library returns them
    tables = results["tables"]
    assert set(tables) == {"monthly_rates", "halls_below_target"}
    survey = data.load(sample_dir / "hall_survey.csv", "survey")
    monthly = baseline.rates(survey[survey["branch"] == "潮安"], "period", target=0.95)
    table = tables["monthly_rates"]
    assert table["columns"][:4] == ["period", "responses", "satisfied", "rate"]
    assert [row[0] for row in table["rows"]] == monthly["period"].tolist()
    assert [row[3] for row in table["rows"]] == pytest.approx(monthly["rate"].tolist(), abs=1e-12)
    assert len(tables["halls_below_target"]["rows"]) == len(below)
    outputs = report_outputs(tmp_path / f"{STEM}.ipynb")
    html = _texts(outputs)
    assert sum("image/png" in o.get("data", {}) for o in outputs) == 3   # panels, chart, funnel
    assert "品牌与竞争对手满意度调查中没有 潮安 的数据，不计算领先幅度" in html   # the no-data section
    assert "12 个月中有" in html or "全部 12 个月" in html                # the reading sentence
    assert "application/vnd.jupyter.widget-view+json" not in json.dumps(
        [o.get("data", {}) for o in outputs])                              # static output
    assert "控制限基准期 2008-01 – 2008-07（运行计划或参数指定）" in html          # the setting used


@pytest.mark.notebook
def test_guizhou_report_has_lead_table_and_explorer(run_notebook, sample_dir, tmp_path):
    from cxeval import sample

    # as the batch runs it; the explorer is tested in test_explorer_reproduces_the_report
    results = run_notebook(STEM, branch="遵义", lang="en", explorer=False)
    st, below, lead = _library_numbers(sample_dir, "遵义", freeze=None)
    summary = lead.summary()
    row = lead.table.set_index("branch").loc["遵义"]
    assert results["current_rate"] == pytest.approx(st["current_rate"], abs=1e-12)
    assert results["stable"] == st["stable"]
    assert results["n_halls_below_target"] == len(below)
    assert results["lead"] == pytest.approx(row["lead"], abs=1e-12)
    assert results["lead_met"] == bool(row["lead"] >= sample.LEAD_TARGET)
    assert results["province_lead"] == pytest.approx(summary["province_lead"], abs=1e-12)
    assert results["province_spread"] == pytest.approx(summary["best_value"]
                                                       - summary["worst_value"], abs=1e-12)
    assert results["all_branches_meet_lead"] == summary["all_meet_target"]
    outputs = report_outputs(tmp_path / f"{STEM}.ipynb")
    html = _texts(outputs)
    assert sum("image/png" in o.get("data", {}) for o in outputs) == 4   # + the lead chart
    assert "Province: own brands" in html and "spread" in html
    widgets = [o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert widgets == []                                                   # the batch's setting
    assert "baseline period of the control limits 2008-01 – 2008-12 (every month in the data)" in html


@pytest.mark.notebook
def test_rates_only_data_and_a_branch_without_data(run_notebook, sample_dir, tmp_path):
    """Rates without counts give a run chart; a branch absent from the data gets notes."""
    import shutil

    import pandas as pd

    from cxeval import data

    folder = tmp_path / "rates_only"
    folder.mkdir()
    survey = data.load(sample_dir / "hall_survey.csv", "survey")
    survey = survey[survey["branch"] == "潮安"][["period", "branch", "hall", "rate"]]
    survey.assign(rate=(survey["rate"] * 100).round(2)).to_csv(folder / "hall_survey.csv",
                                                               index=False)
    shutil.copy(sample_dir / "brand_survey.csv", folder / "brand_survey.csv")

    results = run_notebook(STEM, branch="潮安", data_dir=str(folder), explorer=False, lang="en")
    outputs = report_outputs(tmp_path / f"{STEM}.ipynb")
    html = _texts(outputs)
    monthly = pd.read_csv(folder / "hall_survey.csv").groupby("period")["rate"].mean() / 100
    assert results["current_rate"] == pytest.approx(monthly.iloc[-1], abs=1e-9)
    assert results["laney"] is None and isinstance(results["stable"], bool)
    assert "A funnel plot needs responses and satisfied counts" in html

    # 贵阳 is in the brand survey but not in the hall survey: the report does not apply
    import papermill as pm

    with pytest.raises(pm.PapermillExecutionError) as err:
        run_notebook(STEM, branch="贵阳", data_dir=str(folder), explorer=False, lang="en")
    assert err.value.ename == "NotApplicable"
    assert err.value.evalue == "贵阳 没有满意度调查数据。\n贵阳 has no satisfaction survey data."
    # a branch in no file at all is a mistake, not "no data"
    with pytest.raises(pm.PapermillExecutionError) as err:
        run_notebook(STEM, branch="潮州", explorer=False)
    assert err.value.ename == "DataError"
    assert "branch '潮州' appears in no input file" in err.value.evalue and "did you mean 潮安?" in err.value.evalue


@pytest.mark.notebook
def test_brand_survey_with_other_segment_names_leaves_the_rest_of_the_report(run_notebook, sample_dir,
                                                                             tmp_path):
    """Another operator's survey names its segments 本网 / 友商: the lead section says what to
    set, and the baseline is reported as usual (it used to fail the whole report)."""
    from cxeval import data, sample

    folder = tmp_path / "other_operator"
    folder.mkdir()
    shutil.copy(sample_dir / "hall_survey.csv", folder / "hall_survey.csv")
    brands = data.load(sample_dir / "brand_survey.csv", "survey")
    own = set(sample.OWN_SEGMENTS)
    brands["segment"] = ["本网" if s in own else "友商" for s in brands["segment"]]
    brands.groupby(["period", "branch", "segment"], as_index=False)[["responses", "satisfied"]].sum() \
        .to_csv(folder / "brand_survey.csv", index=False)

    results = run_notebook(STEM, branch="贵阳", data_dir=str(folder), explorer=False)
    html = _texts(report_outputs(tmp_path / f"{STEM}.ipynb"))
    assert ("贵阳 的领先幅度未计算：品牌调查中没有细分 本品牌 全球通、动感地带、神州行；竞争对手 C网、G网、小灵通；"
            "调查中的细分为 友商、本网。") in html
    assert "own_segments" in html and "competitor_segments" in html
    monthly = data.load(folder / "hall_survey.csv", "survey").query("branch == '贵阳'")
    last = monthly[monthly["period"] == monthly["period"].max()]
    assert results["current_rate"] == pytest.approx(last["satisfied"].sum() / last["responses"].sum(), abs=1e-12)
    assert results.get("lead") is None


@pytest.mark.notebook
def test_explorer_reproduces_the_report(run_notebook, sample_dir, tmp_path):
    """Opened on the report's settings (the plan's frozen baseline), the explorer shows its numbers."""
    from cxeval import data, explorer, plots

    plots.theme()

    results = run_notebook(STEM, branch="潮安", lang="zh", baseline_end="2008-07")   # explorer on
    outputs = report_outputs(tmp_path / f"{STEM}.ipynb")
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
    survey = data.load(sample_dir / "hall_survey.csv", "survey")
    # as the notebook builds it
    ex = explorer.Explorer(survey, target=0.95, lang="zh", branch="潮安", baseline_end="2008-07")
    view = ex.result
    recorded_rows(view["table"], results["tables"]["monthly_rates"])
    chart = view["chart"]
    assert results["stable"] == bool(not chart["signal"].any() and not chart["few_crossings"].any())
    assert results["laney"] == (chart.attrs["kind"] == "laney")
    # the report's reading: limits on January-July (centre 93.8%) and October flagged
    assert chart["center"].iloc[0] == pytest.approx(0.9375, abs=5e-4)
    assert chart.loc[chart["signal"], "period"].tolist() == ["2008-10"]
    # the funnel of the last three months, as the report draws it
    import pandas as pd

    from cxeval import baseline

    own = survey[survey["branch"] == "潮安"]
    pd.testing.assert_frame_equal(view["funnel"], baseline.assess(own, freeze="2008-07").halls)
