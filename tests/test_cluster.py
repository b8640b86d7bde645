"""The dask executor: the same jobs on a dask.distributed LocalCluster give the same manifest."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cxeval import batch, cli
from cxeval.errors import BatchError
from conftest import ROOT

TEST_NOTEBOOKS = ROOT / "tests" / "notebooks"
BRANCHES = ["潮安", "bad", "none", "dead"]
NOTEBOOKS = ["ok", "fail_on_bad", "na", "die"]


def _data_naming(folder, branches):
    import pandas as pd

    pd.DataFrame({"branch": list(branches), "period": "2010-01", "subscribers": 1000}).to_csv(
        Path(folder) / "subscribers.csv", index=False)


@pytest.fixture(scope="module")
def scheduler():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        yield cluster.scheduler_address


def _run(folder, **kwargs):
    return batch.run(branches=BRANCHES, notebooks=NOTEBOOKS, data_dir=folder, out=folder / "reports",
                     notebooks_dir=TEST_NOTEBOOKS, config_dir=folder, progress=False, timeout=60, **kwargs)


def _comparable(manifest):
    """Each job as the manifest records it, with the run's own folder taken out of paths."""
    run_dir = manifest["run_dir"]
    jobs = {}
    for job in manifest["jobs"]:
        entry = json.loads(json.dumps(job).replace(json.dumps(run_dir)[1:-1], "<run>"))
        entry.pop("duration_s")
        jobs[(job["branch"], job["notebook"])] = entry
    return jobs


def test_dask_executor_gives_the_local_manifest(tmp_path, scheduler):
    _data_naming(tmp_path, BRANCHES)
    local = _run(tmp_path, workers=2)
    dask = _run(tmp_path, executor="dask", scheduler=scheduler)
    assert (local["executor"], dask["executor"]) == ("local", "dask")
    assert set(local) == set(dask)
    assert _comparable(dask) == _comparable(local)
    statuses = {k: j["status"] for k, j in _comparable(dask).items()}
    assert statuses[("bad", "fail_on_bad")] == "failed" and statuses[("dead", "die")] == "failed"
    assert statuses[("none", "na")] == "n/a" and statuses[("潮安", "ok")] == "ok"
    assert list(statuses.values()).count("ok") == 13
    # every file a job writes is there, in the same places as in the local run
    files = {str(p.relative_to(local["run_dir"])) for p in Path(local["run_dir"]).rglob("*")}
    assert {str(p.relative_to(dask["run_dir"])) for p in Path(dask["run_dir"]).rglob("*")} == files
    page = (Path(dask["run_dir"]) / "bad" / "fail_on_bad.html").read_text(encoding="utf-8")
    assert "broken data for bad" in page


def test_dask_executor_only_failed_and_timeouts(tmp_path, scheduler):
    _data_naming(tmp_path, ["slow", "fine"])
    manifest = batch.run(branches=["slow", "fine"], notebooks=["hang"], data_dir=tmp_path,
                         out=tmp_path / "reports", notebooks_dir=TEST_NOTEBOOKS, config_dir=tmp_path,
                         progress=False, timeout=5, executor="dask", scheduler=scheduler)
    jobs = {j["branch"]: j for j in manifest["jobs"]}
    assert jobs["fine"]["status"] == "ok"
    assert jobs["slow"]["status"] == "failed" and "timed out" in jobs["slow"]["error"]
    run_dir = Path(manifest["run_dir"])
    first = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    for job in first["jobs"]:
        job["parameters"]["branch"] = "fixed" if job["branch"] == "slow" else job["parameters"]["branch"]
    (run_dir / "manifest.json").write_text(json.dumps(first, ensure_ascii=False), encoding="utf-8")
    again = batch.run(only_failed=run_dir, progress=False, executor="dask", scheduler=scheduler)
    assert [j["status"] for j in again["jobs"]] == ["ok", "ok"]
    assert [j["attempts"] for j in again["jobs"]] == [2, 1]
    assert again["executor"] == "dask"


def test_bad_executor_arguments_are_refused_before_any_run(tmp_path, capsys):
    _data_naming(tmp_path, ["潮安"])
    with pytest.raises(BatchError, match="executor must be 'local' or 'dask', got 'ray'"):
        batch.run(data_dir=tmp_path, out=tmp_path / "reports", executor="ray", progress=False)
    with pytest.raises(BatchError, match="only used with the dask executor"):
        batch.run(data_dir=tmp_path, out=tmp_path / "reports", scheduler="tcp://127.0.0.1:1", progress=False)
    assert cli.main(["run", "--data", str(tmp_path), "--out", str(tmp_path / "reports"), "--no-progress",
                     "--executor", "dask", "--scheduler", "tcp://127.0.0.1:9"]) == 2
    assert "no dask scheduler answers there" in capsys.readouterr().err
    assert not (tmp_path / "reports").exists()


_RUNNER = """
import sys
from cxeval import batch, cli
batch.DEFAULT_NOTEBOOKS_DIR = batch.Path(sys.argv[1])
if __name__ == "__main__":
    sys.exit(cli.main(sys.argv[2:]))
"""


def test_ctrl_c_stops_the_jobs_on_the_cluster(tmp_path, scheduler):
    import psutil

    _data_naming(tmp_path, ["slow"])
    runner = tmp_path / "runner.py"
    runner.write_text(_RUNNER, encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, str(runner), str(TEST_NOTEBOOKS), "run", "--branches", "slow", "--notebooks", "hang",
         "--data", str(tmp_path), "--out", str(tmp_path / "reports"), "--no-progress",
         "--executor", "dask", "--scheduler", scheduler],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    kernels = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not kernels:
        # the cluster's workers are this process's children, and the job's kernel theirs
        kernels = [p for p in psutil.Process().children(recursive=True) if _is_kernel(p)]
        time.sleep(0.5)
    if not kernels:
        proc.kill()
        pytest.fail("the job's kernel did not start")
    time.sleep(2)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=90)
    assert proc.returncode == 130, err
    assert err.strip().splitlines()[-1].startswith("cxeval run: interrupted: 1 report(s) not finished")
    _, alive = psutil.wait_procs(kernels, timeout=20)
    assert not [p for p in alive if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    (run_dir,) = (tmp_path / "reports").iterdir()
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["jobs"][0]["status"] == "interrupted" and manifest["executor"] == "dask"
    assert not (run_dir / "slow" / "hang.html").exists()


def _is_kernel(proc) -> bool:
    try:
        return "ipykernel" in " ".join(proc.cmdline())
    except Exception:  # noqa: BLE001 - processes come and go
        return False
