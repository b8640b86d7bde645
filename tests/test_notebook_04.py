"""Notebook 04 (KPI scorecard) run end to end through papermill on the sample data.

The recorded numbers are compared with the library called directly and with DOMAIN.md §4
(黔东南's third-party points 1.8 + 2.9 + 3.0, total 7.7).
"""

from __future__ import annotations

import papermill as pm
import pytest

from conftest import report_outputs, recorded_rows

from cxeval import data, kpi

STEM = "04_kpi_scorecard"


def test_parameters_cell(notebooks_dir):
    params = pm.inspect_notebook(str(notebooks_dir / f"{STEM}.ipynb"))
    for name in ("branch", "data_dir", "config_dir", "lang", "results_path", "config"):
        assert name in params
    assert params["config"]["default"] == '""'   # a scheme is the plan's choice, not a sample default


@pytest.mark.notebook
def test_branch_with_scores(run_notebook, sample_dir, configs_dir, tmp_path):
    results = run_notebook(STEM, branch="黔东南", config="guizhou_2006_quarterly.yaml")
    card = kpi.Scorecard.from_yaml(configs_dir / "guizhou_2006_quarterly.yaml")
    scored = card.score(data.load(sample_dir / "kpi_scores.csv", "scores"))
    totals = card.totals(scored).set_index("unit")
    assert results["has_data"] is True
    # DOMAIN.md §4: 黔东南 12.0/16.4/17.2 → 1.8 + 2.9 + 3.0, third-party total 7.7
    assert results["groups"]["third_party"] == 7.7
    assert results["total"] == totals.loc["黔东南", "total"]
    assert results["rank"] == totals.loc["黔东南", "rank"]
    assert results["n_units"] == 9 and results["n_missing"] == 0
    assert results["points_lost"] == card.round(20 - totals.loc["黔东南", "total_exact"])
    assert results["short_boards"] == card.short_boards(scored, unit="黔东南")["item"].tolist()
    # index entry: total and rank from the library's totals; 9 units, so ranks 7-9 are the
    # bottom third
    total, rank = card.fmt(totals.loc["黔东南", "total"]), totals.loc["黔东南", "rank"]
    assert results["headline"] == f"{total} 分，第 {rank}/9 名"
    assert results["headline_en"] == f"{total} points, rank {rank} of 9"
    assert results["status"] == ("good" if rank <= 3 else "bad" if rank >= 7 else "warn")
    # key tables for the Excel export
    tables = results["tables"]
    assert set(tables) == {"item_scores", "totals_rank"}
    ranked = tables["totals_rank"]
    assert len(ranked["rows"]) == 9
    unit, total_col = ranked["columns"].index("unit"), ranked["columns"].index("total")
    assert {row[unit]: row[total_col] for row in ranked["rows"]} == totals["total"].to_dict()
    items = tables["item_scores"]
    assert [row[0] for row in items["rows"]] == [it.id for it in card.items]
    outputs = report_outputs(tmp_path / f"{STEM}.ipynb")
    assert not [o for o in outputs if o.output_type in ("stream", "error")]  # no stray warnings
    assert sum("image/png" in o.get("data", {}) for o in outputs) == 3


@pytest.mark.notebook
def test_branch_without_scores(run_notebook, tmp_path):
    import papermill as pm

    # 潮安 has no KPI scores in the sample: with a scheme chosen, the report does not apply
    with pytest.raises(pm.PapermillExecutionError) as err:
        run_notebook(STEM, branch="潮安", lang="en", config="guizhou_2006_quarterly.yaml")
    assert err.value.ename == "NotApplicable"
    assert err.value.evalue == "潮安 没有考核得分数据。\n潮安 has no KPI scores data."
    # no scheme chosen at all
    with pytest.raises(pm.PapermillExecutionError) as err:
        run_notebook(STEM, branch="黔东南")
    assert err.value.ename == "NotApplicable" and "No scorecard is chosen for 黔东南" in err.value.evalue

@pytest.mark.notebook
def test_explorer_reproduces_the_report(run_notebook, sample_dir, configs_dir, tmp_path):
    """At the measured values the what-if explorer gives the report's total, rank and tables."""
    from cxeval import plots
    from cxeval.explorers import kpi as xk

    plots.theme()

    results = run_notebook(STEM, branch="毕节", config="guizhou_2006_quarterly.yaml")   # explorer on
    outputs = report_outputs(tmp_path / f"{STEM}.ipynb")
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
    card = kpi.Scorecard.from_yaml(configs_dir / "guizhou_2006_quarterly.yaml")
    scores = data.load(sample_dir / "kpi_scores.csv", "scores")
    ex = xk.WhatIfExplorer(card, scores, unit="毕节", period=results["period"], lang="zh")
    assert (ex.result["total"], ex.result["rank"], ex.result["n_units"]) == (
        results["total"], results["rank"], results["n_units"])
    recorded_rows(ex.result["items"], results["tables"]["item_scores"])
    recorded_rows(ex.result["totals"], results["tables"]["totals_rank"])
    # DOMAIN.md §4: 毕节's third-party points 2.7 + 2.5 + 3.3 = 8.5; Q3 at 19.0 instead of 14.0
    # adds 5 / 20 × 3.5 = 0.875 to the unrounded 2.7 + 2.45 + 3.325 = 8.475
    ex.sliders[("third_party", "2006-Q3")].value = 19.0
    assert ex.result["summary"]["groups"]["third_party"] == 9.4    # 8.475 + 0.875 = 9.35, half up
    assert ex.result["total"] == card.round(ex.result["scored"].query("unit == '毕节'")["points"].sum())


def test_opened_by_hand_the_scorecard_comes_from_the_run_plan(tmp_path):
    """In JupyterLab (explorer on) an empty config is the plan's for the data folder; the batch's stays empty."""
    from conftest import ROOT

    from cxeval import lab

    chosen = lab.scorecard_choice(ROOT / "data" / "sample")
    assert (chosen["branch"], chosen["config"]) == ("贵阳", "guizhou_2006_quarterly.yaml")
    assert chosen["settings"][0]["source"][1] == "the setting of the branch's group in the run plan sample.yaml"
    assert lab.scorecard_choice(ROOT / "data" / "sample", branch="潮安")["config"] == ""   # no Chaozhou scheme
    assert lab.scorecard_choice(ROOT / "data" / "sample", by_hand=False) == {
        "branch": "潮安", "config": "", "settings": []}
    # a folder no plan reads: nothing is looked up
    import shutil

    shutil.copy(ROOT / "data" / "sample" / "kpi_scores.csv", tmp_path / "kpi_scores.csv")
    assert lab.scorecard_choice(tmp_path)["config"] == ""


def test_figures_agree_with_each_other_and_rules_read_as_sentences(run_notebook, tmp_path):
    """贵阳 §2 showed 满分 2, 得分 1.5, 失分 0.5 beside 失分率 27.2% (from the unrounded 1.456);
    §7 mixed 0.853 with 15.5 and 3.66; §8 was the YAML's fields (ratio, higher, scale=20)."""
    import re

    from bs4 import BeautifulSoup

    run_notebook(STEM, branch="贵阳", config="guizhou_2006_quarterly.yaml")
    outputs = report_outputs(tmp_path / f"{STEM}.ipynb")
    tables = [BeautifulSoup(o["data"]["text/html"], "html.parser") for o in outputs
              if "<table" in o.get("data", {}).get("text/html", "")]

    def rows(table):
        return [[td.get_text(strip=True) for td in tr.select("td, th")] for tr in table.select("tr")]

    by_item = rows(tables[0])
    assert by_item[0] == ["考核项目", "满分", "得分", "失分", "失分率"]
    assert ["满意度提升工作", "2", "1.5", "0.5", "25.0%"] in by_item     # 72.8 / 100 × 2 = 1.456
    for _, maximum, points, lost, rate in by_item[1:]:                   # every row adds up as shown
        assert float(points) + float(lost) == pytest.approx(float(maximum))
        assert float(rate.rstrip("%")) == pytest.approx(100 * float(lost) / float(maximum), abs=0.05)
    trail = next(rows(t) for t in tables if "计分说明" in t.get_text())
    values = [(r[1], r[2]) for r in trail[1:] if len(r) > 2]
    assert ("中高端客户保有率", "85.3%") in values and ("万人投诉率", "3.66 件/万户") in values
    assert ("第三方满意度测评", "15.5（满分 20）") in values                    # the 2006-Q2 score
    scheme = tables[-1]
    text = scheme.get_text(" ")
    assert "每季度测评得分 ÷ 20 × 当季分值（2006-Q2 3 分、2006-Q3 3.5 分、2006-Q4 3.5 分）" in text
    assert "分档计分：≤ 2 得 1.5 分，≤ 3 得 1 分，≤ 4 得 0.5 分" in text
    assert not re.search(r"\b(ratio|higher|lower|bands|scale=)\b", text), text
    page = " ".join(o["data"].get("text/html", "") for o in outputs if "data" in o)
    assert "data/configs" not in page and "YAML" not in page
