"""Batch benchmark: per-job overhead against the floor, and the speed-up of 2 workers.

Runs the batch (``cxeval.batch.run``, what ``cxeval run`` calls) over the sample branches
and every notebook, once with 1 worker and once with 2, and reports per job:

* cell time: the sum of the executed notebook's cell durations (papermill metadata);
* overhead: job wall time minus cell time (kernel start, parameters, saving, HTML export).

The floor is measured in the same run the same way: a notebook whose only cell imports
what the real notebooks import (pandas, seaborn, statsmodels, matplotlib), executed by
papermill and exported by nbconvert through the same batch code.

Targets (issue "Management reports and batch runs"): mean overhead per job ≤ 1.3 × the
floor's overhead, and 2 workers ≥ 1.7 × faster than 1.

Usage::

    .venv/bin/python benchmarks/bench_batch.py            # all 12 sample branches
    .venv/bin/python benchmarks/bench_batch.py --branches 4
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import nbformat

from cxeval import batch, sample

FLOOR_SOURCE = ("import matplotlib.pyplot as plt\nimport pandas as pd\nimport seaborn as sns\n"
                "import statsmodels.api as sm\n")


def _floor_notebook(folder: Path) -> Path:
    meta = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"}}
    params = nbformat.v4.new_code_cell(
        'branch: str = "x"  # branch\ndata_dir: str = "."  # data\nresults_path: str = ""  # sidecar')
    params.metadata["tags"] = ["parameters"]
    nb = nbformat.v4.new_notebook(cells=[params, nbformat.v4.new_code_cell(FLOOR_SOURCE)], metadata=meta)
    path = folder / "00_floor.ipynb"
    nbformat.write(nb, str(path))
    return path


def _cell_time(ipynb: Path) -> float:
    nb = json.loads(ipynb.read_text(encoding="utf-8"))
    return sum(float(c.get("metadata", {}).get("papermill", {}).get("duration") or 0.0) for c in nb["cells"])


def _measure(manifest: dict) -> list[dict]:
    run_dir = Path(manifest["run_dir"])
    rows = []
    for job in manifest["jobs"]:
        folder = Path(job["parameters"]["results_path"]).parent
        cell = _cell_time(folder / f"{job['notebook']}.ipynb")
        rows.append({"branch": job["branch"], "notebook": job["notebook"], "status": job["status"],
                     "wall": job["duration_s"], "cell": cell, "overhead": job["duration_s"] - cell})
    assert run_dir.exists()
    return rows


def _run(branches, data_dir, out, workers, notebooks_dir=None, notebooks=None):
    start = time.perf_counter()
    manifest = batch.run(branches=branches, data_dir=data_dir, out=out, workers=workers,
                         notebooks_dir=notebooks_dir, notebooks=notebooks, progress=False)
    return manifest, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--branches", type=int, default=len(sample.BRANCHES),
                        help="how many sample branches (default: all)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cxeval-bench-"))
    data_dir = work / "data"
    sample.write_sample(data_dir, seed=0)
    branches = list(sample.BRANCHES)[: args.branches]

    floor_dir = work / "floor_nb"
    floor_dir.mkdir()
    _floor_notebook(floor_dir)
    floor_manifest, _ = _run(branches[:4], data_dir, work / "floor", 1, notebooks_dir=floor_dir)
    floor = _measure(floor_manifest)
    floor_wall = statistics.mean(r["wall"] for r in floor)
    floor_overhead = statistics.mean(r["overhead"] for r in floor)

    results = {}
    for workers in (1, 2):
        # the five per-branch notebooks: the overview is one job per run, not per branch
        manifest, elapsed = _run(branches, data_dir, work / f"w{workers}", workers,
                                 notebooks=["01", "02", "03", "04", "05"])
        rows = _measure(manifest)
        failed = [r for r in rows if r["status"] != "ok"]
        results[workers] = (elapsed, rows, failed)

    elapsed1, rows1, failed1 = results[1]
    elapsed2, _, failed2 = results[2]
    print(f"machine: {batch.os.cpu_count()} cores; {len(branches)} branches x 5 notebooks = {len(rows1)} jobs")
    print(f"floor (papermill + nbconvert of a notebook that only imports): wall {floor_wall:.2f} s, "
          f"of which overhead {floor_overhead:.2f} s")
    print(f"{'notebook':<24}{'cell s':>8}{'overhead s':>12}{'wall s':>8}")
    for nb in sorted({r['notebook'] for r in rows1}):
        sel = [r for r in rows1 if r["notebook"] == nb]
        print(f"{nb:<24}{statistics.mean(r['cell'] for r in sel):8.2f}"
              f"{statistics.mean(r['overhead'] for r in sel):12.2f}{statistics.mean(r['wall'] for r in sel):8.2f}")
    mean_overhead = statistics.mean(r["overhead"] for r in rows1)
    ratio_overhead = mean_overhead / floor_overhead
    ratio_wall = mean_overhead / floor_wall
    speedup = elapsed1 / elapsed2
    print(f"mean overhead per job: {mean_overhead:.2f} s = {ratio_overhead:.2f} x the floor's overhead "
          f"({ratio_wall:.2f} x the floor's wall time); target <= 1.3")
    print(f"1 worker: {elapsed1:.1f} s; 2 workers: {elapsed2:.1f} s; speed-up {speedup:.2f}x; target >= 1.7")
    if failed1 or failed2:
        print(f"FAILED jobs: {len(failed1)} with 1 worker, {len(failed2)} with 2")


if __name__ == "__main__":
    main()
