"""Notebook 05 (complaint handling) runs per branch and records the library's numbers.

The numbers the notebook records are compared with cxeval.complaints called directly on
the same sample data; the executed notebook's outputs are scanned for unmasked phone
numbers (every customer id and every number in a ticket summary).
"""

from __future__ import annotations

import re

import nbformat
import pytest
from conftest import recorded_rows

from cxeval import complaints, data

STEM = "05_complaint_handling"
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def _output_text(path) -> str:
    """All text the executed notebook shows (HTML, plain text, streams, errors, the explorer's
    saved widget state); images left out."""
    import json

    nb = nbformat.read(str(path), as_version=4)
    parts = [json.dumps(nb.metadata.get("widgets", {}), ensure_ascii=False)]
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.output_type == "stream":
                parts.append(out.text)
            elif out.output_type == "error":
                parts.append("\n".join(out.traceback))
            else:
                parts += [v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
                          for k, v in out.get("data", {}).items() if not k.startswith("image/")]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def sample_tickets(sample_dir):
    return data.load(sample_dir / "tickets.parquet", "tickets")


@pytest.mark.notebook
@pytest.mark.parametrize("branch", ["潮安", "毕节"])
def test_notebook_05_records_library_numbers_and_masks_phones(run_notebook, tmp_path, sample_dir,
                                                              configs_dir, sample_tickets, branch):
    results = run_notebook(STEM, branch=branch)
    limits = complaints.load_limits(configs_dir / "sla.yaml")
    mine = sample_tickets[sample_tickets["branch"] == branch]
    assert results["branch"] == branch and results["tickets"] == len(mine) > 0

    steps = complaints.sla(mine, limits)
    assert results["sla_tickets"] == dict(zip(steps["step"], steps["tickets"].tolist()))
    assert results["sla_on_time"] == pytest.approx(dict(zip(steps["step"], steps["on_time_rate"])))

    actual = complaints.campaign_actuals(sample_tickets, limits, branch=branch)
    for col in ("repeat_5", "repeat_10"):
        assert results[col] == dict(zip(actual["period"], actual[col].tolist()))
    for col in ("fcr", "provincial_fcr", "escalated_on_time_rate", "self_handled_on_time_rate",
                "pass_rate"):
        assert results[col] == pytest.approx(dict(zip(actual["period"], actual[col])), nan_ok=True)
    result = complaints.campaign(actual, limits)
    assert results["statuses"] == result.statuses()
    assert set(results["statuses"]) == {"repeat_5", "repeat_10", "fcr", "escalated_on_time",
                                        "self_handled_on_time", "quality_pass"}
    assert results["unknown_categories"] == 0
    assert results["status"] == complaints.index_entry(result)["status"]
    assert results["headline_en"].endswith("campaign targets met")
    assert results["top_month"] == "2010-12"
    assert len(results["top_repeaters"]) == 10
    assert all(re.fullmatch(r"1\d\d\*{4}\d{4}", x) for x in results["top_repeaters"])
    # key tables for the Excel export; customer ids stay masked there too
    tables = results["tables"]
    assert set(tables) == {"campaign_monthly", "sla_by_step", "top_repeaters"}
    assert [row[0] for row in tables["sla_by_step"]["rows"]] == steps["step"].tolist()
    monthly = tables["campaign_monthly"]
    assert [row[monthly["columns"].index("period")] for row in monthly["rows"]] == actual["period"].tolist()
    ids = tables["top_repeaters"]
    assert [row[ids["columns"].index("customer_id")] for row in ids["rows"]] == results["top_repeaters"]

    text = _output_text(tmp_path / f"{STEM}.ipynb")
    phones = set(sample_tickets["customer_id"])
    phones |= set(MOBILE.findall(" ".join(sample_tickets["summary"].dropna())))
    leaked = set(MOBILE.findall(text)) & phones
    assert not leaked, f"unmasked phone numbers in the report: {sorted(leaked)[:5]}"
    assert "****" in text  # masked ids are shown (top repeaters, overdue tickets)
    # No stray warnings or raw DataFrame reprs.
    nb = nbformat.read(str(tmp_path / f"{STEM}.ipynb"), as_version=4)
    streams = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "stream"]
    assert not streams, [o.text[:200] for o in streams]
    plain_only = [o for c in nb.cells for o in c.get("outputs", [])
                  if o.output_type in ("execute_result", "display_data")
                  and set(o.get("data", {})) == {"text/plain"}]
    assert not plain_only, [o["data"]["text/plain"][:200] for o in plain_only]


@pytest.mark.notebook
def test_notebook_05_branch_not_in_the_data(run_notebook):
    import papermill as pm

    with pytest.raises(pm.PapermillExecutionError) as err:
        run_notebook(STEM, branch="北京", lang="en")
    assert err.value.ename == "DataError" and "branch '北京' appears in no input file" in err.value.evalue


def test_phone_scan_catches_an_unmasked_number(tmp_path):
    # Negative control for the scan above: a number left in an output is found.
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "x", outputs=[nbformat.v4.new_output("display_data", data={
            "text/html": "<td>13812345678</td>", "image/png": "iVBORw0KGgo13812345679"})])])
    path = tmp_path / "leak.ipynb"
    nbformat.write(nb, str(path))
    assert MOBILE.findall(_output_text(path)) == ["13812345678"]


@pytest.mark.notebook
def test_explorer_reproduces_the_report(run_notebook, sample_dir, configs_dir, sample_tickets, tmp_path):
    """Opened on the report's branch and every month, the explorer gives its SLA, repeats and FCR."""
    from conftest import report_outputs

    from cxeval import plots
    from cxeval.explorers import complaints as xc

    plots.theme()

    results = run_notebook(STEM, branch="饶平")     # explorer on
    outputs = report_outputs(tmp_path / f"{STEM}.ipynb")
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
    limits = complaints.load_limits(configs_dir / "sla.yaml")
    ex = xc.ComplaintExplorer(sample_tickets, limits, branch="饶平", lang="zh", **xc.settings(sample_tickets))
    view = ex.result
    recorded_rows(view["sla"], results["tables"]["sla_by_step"])
    assert dict(zip(view["sla"]["step"], view["sla"]["on_time_rate"])) == results["sla_on_time"]
    fcr = view["fcr"].set_index("period")
    assert fcr["fcr"].to_dict() == results["fcr"]
    assert fcr["provincial_fcr"].to_dict() == results["provincial_fcr"]
    five = view["repeats"][view["repeats"]["threshold"] == 5].set_index("period")["complaints"]
    assert five.to_dict() == results["repeat_5"]
