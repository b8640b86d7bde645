"""Notebook 04 (KPI scorecard) run end to end through papermill on the sample data.

The recorded numbers are compared with the library called directly and with DOMAIN.md §4
(黔东南's third-party points 1.8 + 2.9 + 3.0, total 7.7).
"""

from __future__ import annotations

import json

import nbformat
import papermill as pm
import pytest

from cxeval import data, kpi

STEM = "04_kpi_scorecard"


def _outputs(path):
    nb = nbformat.read(path, as_version=4)
    return [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]


def test_parameters_cell(notebooks_dir):
    params = pm.inspect_notebook(str(notebooks_dir / f"{STEM}.ipynb"))
    for name in ("branch", "data_dir", "config_dir", "lang", "results_path", "config"):
        assert name in params
    assert params["config"]["default"] == '"guizhou_2006_quarterly.yaml"'


def test_notebook_is_committed_without_outputs(notebooks_dir):
    nb = nbformat.read(notebooks_dir / f"{STEM}.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert "parameters" in code[0].metadata.get("tags", [])
    assert nb.metadata["kernelspec"]["name"] == "python3"


@pytest.mark.notebook
def test_branch_with_scores(run_notebook, sample_dir, configs_dir, tmp_path):
    results = run_notebook(STEM, branch="黔东南")
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
    outputs = _outputs(tmp_path / f"{STEM}.ipynb")
    assert not [o for o in outputs if o.output_type in ("stream", "error")]  # no stray warnings
    assert sum("image/png" in o.get("data", {}) for o in outputs) == 3


@pytest.mark.notebook
def test_branch_without_scores(run_notebook, tmp_path):
    results = run_notebook(STEM, branch="潮安", lang="en")
    assert results["has_data"] is False
    assert results["total"] is None and results["rank"] is None and results["n_units"] == 0
    outputs = _outputs(tmp_path / f"{STEM}.ipynb")
    assert not [o for o in outputs if o.output_type in ("stream", "error")]
    html = json.dumps([o.get("data", {}).get("text/html", "") for o in outputs], ensure_ascii=False)
    assert "No scorecard data for this branch" in html
