"""Shared fixtures: Agg backend, figures closed after each test, project paths."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
CONFIGS = ROOT / "data" / "configs"
REFERENCE = Path(__file__).resolve().parent / "reference"


@pytest.fixture(autouse=True, scope="session")
def cache_dir(tmp_path_factory):
    """Checked files (cxeval.data.large) cached in the session's own folder, not the user's;
    kernels and cluster workers started by the tests inherit it."""
    import os

    folder = tmp_path_factory.mktemp("cxeval-cache")
    previous = os.environ.get("CXEVAL_CACHE_DIR")
    os.environ["CXEVAL_CACHE_DIR"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("CXEVAL_CACHE_DIR", None)
    else:
        os.environ["CXEVAL_CACHE_DIR"] = previous


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory):
    """Sample data generated once per test session into a temporary folder."""
    from cxeval import sample

    out = tmp_path_factory.mktemp("sample")
    sample.write_sample(out, seed=0)
    return out


@pytest.fixture(scope="session")
def configs_dir():
    return CONFIGS


@pytest.fixture(scope="session")
def notebooks_dir():
    return NOTEBOOKS


@pytest.fixture
def run_notebook(tmp_path, sample_dir, configs_dir, monkeypatch):
    """Execute a real notebook with papermill and return the numbers it recorded.

    Usage: ``results = run_notebook("01_baseline", branch="潮安")``. The executed
    notebook is written into ``tmp_path``; ``data_dir``, ``config_dir`` and
    ``results_path`` are filled in unless given.
    """
    import json

    import papermill as pm

    from cxeval import batch

    # Kernels inherit the environment: prepare it as the batch does.
    monkeypatch.delenv("MPLBACKEND", raising=False)
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "1")

    def _run(stem: str, **parameters):
        out = tmp_path / f"{stem}.ipynb"
        results = tmp_path / f"{stem}.json"
        params = {"data_dir": str(sample_dir), "config_dir": str(configs_dir),
                  "results_path": str(results)}
        params.update(parameters)
        if results.exists():  # a sidecar merges; start each run from nothing, as the batch does
            results.unlink()
        # Unix socket paths are limited to ~107 bytes: keep them short, not under tmp_path.
        # With the explorer on, a cell that displays widgets now and then never finishes under
        # nbclient (jupyter/nbclient#312, jupyter/nbconvert#2003): the batch runs with the
        # explorer off; a test that keeps it gets one more try after a shorter timeout.
        widgets = parameters.get("explorer", True) is not False
        for attempt in range(2 if widgets else 1):
            sockets = tempfile.mkdtemp(prefix="cxk-")
            try:
                pm.execute_notebook(str(NOTEBOOKS / f"{stem}.ipynb"), str(out), parameters=params,
                                    kernel_name="python3", cwd=str(NOTEBOOKS), progress_bar=False,
                                    execution_timeout=150 if widgets else 300, start_timeout=120,
                                    kernel_manager_class=batch.ipc_kernel_manager_class(sockets))
                break
            except TimeoutError:
                if attempt or not widgets:
                    raise
                if results.exists():
                    results.unlink()
            finally:
                shutil.rmtree(sockets, ignore_errors=True)
        return json.loads(results.read_text(encoding="utf-8")) if results.exists() else {}

    return _run


def recorded_rows(table, recorded: dict) -> None:
    """Assert that ``table`` is the table a report recorded (same columns, same values):
    an explorer's table against the report's sidecar, labels and formats aside."""
    from cxeval import report

    mine = report.record_table(None, "t", table)
    assert mine["columns"] == recorded["columns"]
    assert mine["rows"] == recorded["rows"]


def report_outputs(path):
    """Outputs of an executed notebook, checked to read well as a report.

    No error, no stderr (stray warnings), no printed text, and no raw repr: every result
    is a chart, a formatted table or a note (text/html or image/png).
    """
    import nbformat

    executed = nbformat.read(str(path), as_version=4)
    outputs = [o for c in executed.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    errors = [o for o in outputs if o.get("output_type") == "error"]
    assert not errors, [f"{o['ename']}: {o['evalue']}" for o in errors]
    assert not [o for o in outputs if o.get("name") == "stderr"], "stray warnings in the report"
    assert not [o for o in outputs if o.get("output_type") == "stream"], "printed text in the report"
    raw = [o for o in outputs if o.get("output_type") in ("execute_result", "display_data")
           and not {"text/html", "image/png", "application/vnd.jupyter.widget-view+json"} & set(o.get("data", {}))]
    assert not raw, [str(o.get("data", {}).get("text/plain", ""))[:80] for o in raw]
    return outputs
