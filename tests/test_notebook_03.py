"""Notebook 03 (pilot versus rollout) executed through papermill.

The numbers the notebook records are compared with the library called directly on the
same sample data (the library itself is tested against published references and seeded
simulations in test_pilot.py).
"""

from __future__ import annotations

from html import escape

import pytest

from conftest import NOTEBOOKS, report_outputs

STEM = "03_pilot_vs_rollout"
BATCH_PARAMETERS = ("branch", "data_dir", "config_dir", "lang", "results_path")


def _library(sample_dir, branch):
    from cxeval import data, pilot, sample

    survey = data.load(sample_dir / "hall_survey.csv", "survey")
    design = pilot.pilot_design(survey, branch=branch, pilot_hall=sample.PILOT_HALL,
                                pilot_start=sample.PILOT_START, rollout_start=sample.ROLLOUT_START)
    return pilot.evaluate(design, target=0.95)


def _html(outputs):
    return "".join(o.get("data", {}).get("text/html", "") for o in outputs)


def test_parameters_cell_declares_what_the_batch_passes():
    import papermill as pm

    declared = pm.inspect_notebook(str(NOTEBOOKS / f"{STEM}.ipynb"))
    assert set(BATCH_PARAMETERS) <= set(declared)
    # the pilot comes from the plan or the pilot register, never from a sample default
    for name, default in (("target", "0.95"), ("pilot_hall", '""'), ("pilot_start", '""'),
                          ("rollout_start", '""')):
        assert declared[name]["default"] == default and declared[name]["help"], name


@pytest.mark.notebook
def test_notebook_for_the_pilot_branch(run_notebook, sample_dir, tmp_path):
    from cxeval import sample

    results = run_notebook(STEM, branch="潮安")
    outputs = report_outputs(tmp_path / f"{STEM}.ipynb")
    # trends, methods, event study, ITS, rollout
    assert sum("image/png" in o.get("data", {}) for o in outputs) == 5
    ev = _library(sample_dir, "潮安")
    assert results["branch"] == "潮安" and results["has_pilot"] is True
    assert results["did_effect"] == pytest.approx(ev.did.effect, abs=1e-12)
    assert (results["did_ci_low"], results["did_ci_high"]) == pytest.approx(ev.did.ci, abs=1e-12)
    assert results["did_p"] == pytest.approx(ev.did.p_value, abs=1e-12)
    assert results["naive"] == pytest.approx(ev.naive["diff"], abs=1e-12)
    assert results["its_level_change"] == pytest.approx(ev.its.level_change, abs=1e-12)
    assert results["sustained"] is True and results["all_met"] is True
    # The acceptance facts on the sample: DiD holds the true +3 pp, the naive figure
    # holds effect + common shock (+4.5 pp) and misses the truth.
    assert results["did_ci_low"] <= sample.PILOT_EFFECT <= results["did_ci_high"]
    assert ev.naive["ci_low"] <= sample.PILOT_EFFECT + sample.COMMON_SHOCK <= ev.naive["ci_high"]
    assert results["naive"] - results["did_effect"] == pytest.approx(results["comparison_change"], abs=0.01)
    html = _html(outputs)
    assert escape(ev.verdict("zh")) in html  # the verdict paragraph, generated from the numbers
    assert "应以双重差分为准" in html
    # index entry: the DiD effect, the rollout held the target, the interval is above zero
    assert ev.did.ci[0] > 0 and ev.sustain_branch.sustained
    assert results["headline_en"] == f"pilot {ev.did.effect * 100:+.1f} pp, rollout held"
    assert results["headline"] == f"试点 {ev.did.effect * 100:+.1f} pp，推广后保持"
    assert results["status"] == "good"
    # key tables for the Excel export
    tables = results["tables"]
    assert set(tables) == {"methods", "sustain_pilot_hall", "sustain_branch"}
    methods = tables["methods"]
    estimates = dict(zip([row[methods["columns"].index("key")] for row in methods["rows"]],
                         [row[methods["columns"].index("estimate")] for row in methods["rows"]]))
    assert estimates["did"] == pytest.approx(ev.did.effect, abs=1e-12)
    assert estimates["naive"] == pytest.approx(ev.naive["diff"], abs=1e-12)
    assert len(tables["sustain_pilot_hall"]["rows"]) == len(ev.sustain_pilot.table) == 5  # Aug-Dec


@pytest.mark.notebook
def test_notebook_for_a_branch_without_pilot(run_notebook, tmp_path, monkeypatch):
    import papermill as pm

    monkeypatch.delenv("MPLBACKEND", raising=False)
    with pytest.raises(pm.PapermillExecutionError) as err:   # nothing in pilots.csv for 贵阳
        run_notebook(STEM, branch="贵阳", lang="en")
    assert err.value.ename == "NotApplicable"
    assert "No pilot is declared for 贵阳" in err.value.evalue
    # a pilot declared (by the plan) that the survey cannot support is an error, not "no pilot"
    with pytest.raises(pm.PapermillExecutionError) as err:
        run_notebook(STEM, branch="贵阳", pilot_hall="庵埠", pilot_start="2008-08")
    assert err.value.ename == "DataError"
    assert "贵阳: the declared pilot (庵埠, from 2008-08) cannot be evaluated" in err.value.evalue


@pytest.mark.notebook
def test_notebook_on_a_gappy_survey_states_what_it_could_not_estimate(run_notebook, sample_dir,
                                                                      tmp_path):
    # Real surveys skip months and open halls late: nobody was surveyed in March, and the
    # rollout hall 浮洋 has no survey before the rollout (2008-09).
    import shutil

    import pandas as pd

    from cxeval import sample

    survey = pd.read_csv(sample_dir / "hall_survey.csv", dtype={"period": str})
    survey = survey[survey["period"] != "2008-03"]
    survey = survey[~((survey["hall"] == "浮洋") & (survey["period"] < sample.ROLLOUT_START))]
    gappy = tmp_path / "gappy"
    gappy.mkdir()
    survey.to_csv(gappy / "hall_survey.csv", index=False)

    shutil.copy(sample_dir / "pilots.csv", gappy / "pilots.csv")   # the pilot as registered
    results = run_notebook(STEM, branch="潮安", lang="en", data_dir=str(gappy))
    outputs = report_outputs(tmp_path / f"{STEM}.ipynb")
    assert sum("image/png" in o.get("data", {}) for o in outputs) == 5
    assert results["its_missing_periods"] == ["2008-03"] and results["its_estimable"] is True
    assert results["rollout_left_out"] == ["浮洋"] and results["rollout_not_estimable"] == []
    ev = _library(gappy, "潮安")
    assert results["did_effect"] == pytest.approx(ev.did.effect, abs=1e-12)
    assert results["its_level_change"] == pytest.approx(ev.its.level_change, abs=1e-12)
    html = _html(outputs)
    assert escape(ev.verdict("en")) in html
    assert "The pilot hall has no survey for 2008-03: time is counted in calendar months" in html
    assert "No hall was surveyed in 2008-03" in html
    assert ("Left out, no survey before adopting, so their effect cannot be estimated: "
            "浮洋 (adopting 2008-09).") in html


@pytest.mark.notebook
def test_explorer_reproduces_the_report(run_notebook, sample_dir, tmp_path):
    """The explorer opened on the declared pilot and every comparison hall gives the report's estimates."""
    from cxeval import data, pilot, plots, report
    from cxeval.explorers import pilot as xpi

    plots.theme()
    results = run_notebook(STEM, branch="潮安")    # pilot from the register; explorer on
    outputs = report_outputs(tmp_path / f"{STEM}.ipynb")
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
    survey = data.load(sample_dir / "hall_survey.csv", "survey")
    declared = pilot.declared_pilot(data.load(sample_dir / "pilots.csv", "pilots"), branch="潮安")
    ex = xpi.PilotExplorer(survey, branch="潮安", target=0.95, lang="zh",
                           **xpi.settings(survey, declared, branch="潮安"))
    evaluation = ex.result["evaluation"]
    # equal up to the last bits that BLAS threading changes (the kernel runs with one thread)
    for name, table in (("methods", ex.result["methods"]), ("sustain_pilot_hall", evaluation.sustain_pilot.table)):
        mine, theirs = report.record_table(None, name, table), results["tables"][name]
        assert mine["columns"] == theirs["columns"]
        assert mine["rows"] == [[pytest.approx(v, rel=1e-12, abs=1e-15) if isinstance(v, float) else v for v in row]
                                for row in theirs["rows"]]
    key = evaluation.key_numbers()
    for name in ("did_effect", "did_ci_low", "did_ci_high", "did_p", "naive", "its_level_change"):
        assert key[name] == pytest.approx(results[name], rel=1e-12), name
    # another comparison set changes the estimate the explorer shows
    ex.comparison.value = tuple(v for v in ex.comparison.value if v[0] == "饶平")
    assert ex.result["evaluation"].did.effect != pytest.approx(results["did_effect"], abs=1e-6)
