"""Benchmark: province-scale data and the cluster executor, printed as ratios.

Parts (``--parts``, default ``job,csv,dask``; ``big`` on request, it takes a while):

* ``job``: the 05 (and 02) report for one branch on province data (``cxeval sample
  --scale 62``, about 5 million tickets, Parquet) next to the same report on the sample
  (81,000 tickets). Targets: a 05 job at most 1.5x the sample's time; peak memory of a
  job (its process and its kernel, RSS) at most 1 GB. The province file's check
  (:mod:`cxeval.data.large`) is made once before the jobs, as the batch makes it when it
  looks for the branches; its time and memory are printed too.
* ``csv``: ``cxeval import`` of the same 5 million tickets as a CSV export. Target: peak
  memory at most 2 GB.
* ``dask``: the sample batch (``--dask-branches`` branches x 5 notebooks) with the
  ``dask`` executor on a LocalCluster of 2 single-threaded workers, next to the local
  executor with 2 workers. Target: at most 1.2x the local wall time.
* ``big``: 50 million tickets (ten province files of different seeds in one Parquet file:
  ``cxeval sample --scale 620`` would need about 28 GB to generate). Target: the 05 job
  for one branch completes within 4 GB.

Memory is sampled every 0.1 s with psutil over the processes measured (RSS); a job is its
forked process plus its kernel.

Usage::

    .venv/bin/python benchmarks/bench_province.py                      # job, csv, dask
    .venv/bin/python benchmarks/bench_province.py --parts job --work /tmp/bench-province
    .venv/bin/python benchmarks/bench_province.py --parts big --work /tmp/bench-province
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

GB = 2**30
BRANCH = "潮安"


class Peak(threading.Thread):
    """Peak RSS of a process tree, and of each of its direct children's trees (the jobs)."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.root = psutil.Process(pid)
        self.total = 0
        self.jobs: dict[int, int] = {}
        self.done = threading.Event()

    def run(self):
        while not self.done.wait(0.1):
            try:
                children = self.root.children()
            except psutil.NoSuchProcess:
                return
            total = _rss(self.root)
            for child in children:
                tree = [child, *_safe(child.children, recursive=True)]
                rss = sum(_rss(p) for p in tree)
                total += rss
                self.jobs[child.pid] = max(self.jobs.get(child.pid, 0), rss)
            self.total = max(self.total, total)

    def stop(self):
        self.done.set()
        self.join()
        return self


def _safe(fn, **kwargs):
    try:
        return fn(**kwargs)
    except psutil.Error:
        return []


def _rss(proc) -> int:
    try:
        return proc.memory_info().rss
    except psutil.Error:
        return 0


def measured(cmd, env=None) -> tuple[float, int, subprocess.CompletedProcess]:
    """Run a command; its wall time and the peak RSS of its process tree."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    peak = Peak(proc.pid)
    peak.start()
    out, err = proc.communicate()
    peak.stop()
    return time.perf_counter() - start, peak.total, subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def cxeval(*args) -> list[str]:
    return [sys.executable, "-m", "cxeval.cli", *map(str, args)]


def ensure_sample(folder: Path, scale: float) -> Path:
    if not (folder / "tickets.parquet").exists():
        subprocess.run(cxeval("sample", "--out", folder, "--scale", scale), check=True,
                       stdout=subprocess.DEVNULL)
    return folder


def job(data_dir: Path, notebook: str, out: Path, repeat: int) -> tuple[float, int]:
    """Best duration of one branch's job over ``repeat`` runs, and its peak RSS.

    The batch runs as the command a user types, in a process of its own: a job forked
    from this benchmark would carry whatever this process holds (the generated data) in
    its RSS.
    """
    import json

    best, peak_rss = float("inf"), 0
    for _ in range(repeat):
        proc = subprocess.Popen([sys.executable, "-c", "import sys; from cxeval.cli import main; sys.exit(main())",
                                 "run", "--branches", BRANCH, "--notebooks", notebook, "--data", str(data_dir),
                                 "--out", str(out), "--workers", "1"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        peak = Peak(proc.pid)
        peak.start()
        stdout, stderr = proc.communicate()
        peak.stop()
        index = next((line.split(":", 1)[1].strip() for line in stdout.splitlines() if line.startswith("index:")),
                     None)
        if index is None:
            raise SystemExit(f"{notebook} on {data_dir}: the run did not finish\n{stdout}\n{stderr}")
        manifest = json.loads((Path(index).parent / "manifest.json").read_text(encoding="utf-8"))
        (entry,) = manifest["jobs"]
        if entry["status"] != "ok":
            raise SystemExit(f"{notebook} on {data_dir} {entry['status']}: {entry['error']}")
        best = min(best, entry["duration_s"])
        peak_rss = max(peak_rss, max(peak.jobs.values(), default=0))
    return best, peak_rss


def warm_check(data_dir: Path) -> tuple[float, int, int]:
    """The province file's check, as the batch makes it: time, peak RSS, tickets."""
    seconds, rss, done = measured([sys.executable, "-c",
                                   "import sys; from cxeval import data; data.find_branches(sys.argv[1]); "
                                   "print(data.check_file(sys.argv[1] + '/tickets.parquet', 'tickets').rows)",
                                   str(data_dir)])
    if done.returncode:
        raise SystemExit(done.stderr)
    return seconds, rss, int(done.stdout.split()[-1])


def part_job(work: Path, repeat: int) -> list[str]:
    sample_dir = ensure_sample(work / "sample", 1)
    province = ensure_sample(work / "province", 62)
    lines = []
    seconds, rss, rows = warm_check(province)
    lines.append(f"province tickets: {rows:,}; checked once in {seconds:.1f} s, peak RSS {rss / GB:.2f} GB "
                 "(then cached by file hash)")
    warm_check(sample_dir)
    for notebook, target in (("05_complaint_handling", 1.5), ("02_root_cause_pareto", None)):
        # alternating, so that a change in the machine's load falls on both
        small, small_rss, big, big_rss = float("inf"), 0, float("inf"), 0
        for _ in range(repeat):
            took, rss = job(sample_dir, notebook, work / "reports", 1)
            small, small_rss = min(small, took), max(small_rss, rss)
            took, rss = job(province, notebook, work / "reports", 1)
            big, big_rss = min(big, took), max(big_rss, rss)
        ratio = big / small
        verdict = "" if target is None else f"  target <= {target}: {'yes' if ratio <= target else 'NO'}"
        lines.append(f"{notebook[:2]} job, branch {BRANCH}: sample {small:.2f} s, province {big:.2f} s, "
                     f"ratio {ratio:.2f}{verdict}")
        lines.append(f"   peak RSS of the job (process + kernel): sample {small_rss / GB:.2f} GB, province "
                     f"{big_rss / GB:.2f} GB  target <= 1 GB: {'yes' if big_rss <= GB else 'NO'}")
    return lines


def write_csv(parquet: Path, csv: Path) -> None:
    """A CSV export of a ticket file, written batch by batch (timestamps to the second)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    writer = None
    for batch in pq.ParquetFile(parquet).iter_batches(batch_size=200_000):
        columns = [c.cast(pa.timestamp("s")) if pa.types.is_timestamp(c.type) else c for c in batch.columns]
        table = pa.Table.from_arrays(columns, names=batch.schema.names)
        if writer is None:
            writer = pacsv.CSVWriter(csv, table.schema)
        writer.write_table(table)
    writer.close()


def part_csv(work: Path) -> list[str]:
    province = ensure_sample(work / "province", 62)
    folder = work / "csv"
    folder.mkdir(exist_ok=True)
    csv = folder / "tickets.csv"
    if not csv.exists():
        write_csv(province / "tickets.parquet", csv)
    env = dict(os.environ, CXEVAL_CACHE_DIR=str(Path(tempfile.mkdtemp(dir=work, prefix="cache-csv-"))))
    seconds, rss, done = measured(cxeval("import", csv), env=env)
    if done.returncode:
        raise SystemExit(done.stderr)
    rows = done.stdout.split(" · ")[1].split(" rows")[0]
    return [f"CSV import, {csv.stat().st_size / GB:.2f} GB file: {rows} rows, "
            f"{seconds:.1f} s, peak RSS {rss / GB:.2f} GB  target <= 2 GB: {'yes' if rss <= 2 * GB else 'NO'}"]


def part_dask(work: Path, branches: int, rounds: int) -> list[str]:
    from distributed import LocalCluster

    from cxeval import batch, sample

    sample_dir = ensure_sample(work / "sample", 1)
    chosen = list(sample.BRANCHES)[:branches]
    walls = {}
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        for executor in ("local", "dask") * rounds:
            start = time.perf_counter()
            # the five per-branch notebooks: the overview is one job per run, not per branch
            manifest = batch.run(branches=chosen, notebooks=["01", "02", "03", "04", "05"], data_dir=sample_dir,
                                 out=work / "reports", workers=2, progress=False, executor=executor,
                                 scheduler=cluster.scheduler_address if executor == "dask" else None)
            wall = time.perf_counter() - start
            bad = [j for j in manifest["jobs"] if j["status"] not in ("ok", "n/a")]
            if bad:
                raise SystemExit(f"{executor}: {len(bad)} job(s) failed: {bad[0]['error']}")
            walls[executor] = min(walls.get(executor, float("inf")), wall)
    ratio = walls["dask"] / walls["local"]
    n = len(manifest["jobs"])
    return [f"sample batch, {len(chosen)} branches x 5 notebooks = {n} jobs, 2 workers: local {walls['local']:.1f} s, "
            f"dask LocalCluster {walls['dask']:.1f} s, ratio {ratio:.2f}  target <= 1.2: "
            f"{'yes' if ratio <= 1.2 else 'NO'}"]


def write_big(folder: Path, copies: int) -> Path:
    """``copies`` province files of different seeds as one Parquet file, ids kept unique."""
    path = folder / "tickets.parquet"
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    script = """
import sys
import pyarrow as pa, pyarrow.parquet as pq
from cxeval import sample
seed, path = int(sys.argv[1]), sys.argv[2]
t = sample.tickets(seed=seed, scale=62)
t["ticket_id"] = f"S{seed:02d}-" + t["ticket_id"]
pq.write_table(pa.Table.from_pandas(t, preserve_index=False), path + ".tmp", compression="zstd")
import os; os.replace(path + ".tmp", path)
"""
    parts = []
    for seed in range(copies):
        part = folder / f".part-{seed}.parquet"
        if not part.exists():  # a run stopped half-way keeps the parts it made
            subprocess.run([sys.executable, "-c", script, str(seed), str(part)], check=True)
        parts.append(part)
    import pyarrow.parquet as pq

    writer = None
    for part in parts:
        for batch in pq.ParquetFile(part).iter_batches(batch_size=1 << 20):
            if writer is None:
                writer = pq.ParquetWriter(path, batch.schema, compression="zstd")
            writer.write_batch(batch)
        part.unlink()
    writer.close()
    for name in ("subscribers.csv", "hall_survey.csv", "causes.csv", "actions.csv"):
        src = ensure_sample(folder.parent / "province", 62) / name
        (folder / name).write_bytes(src.read_bytes())
    return path


def part_big(work: Path) -> list[str]:
    folder = work / "national"
    write_big(folder, 10)
    seconds, rss, rows = warm_check(folder)
    lines = [f"50 M: {rows:,} tickets; checked once in {seconds:.1f} s, peak RSS {rss / GB:.2f} GB"]
    took, job_rss = job(folder, "05_complaint_handling", work / "reports", 1)
    lines.append(f"05 job, branch {BRANCH}, on {rows:,} tickets: {took:.1f} s, peak RSS of the job "
                 f"{job_rss / GB:.2f} GB  target <= 4 GB: {'yes' if job_rss <= 4 * GB else 'NO'}")
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", default="job,csv,dask", help="job, csv, dask, big (comma-separated)")
    parser.add_argument("--work", default=None, help="folder for data and reports (default: a new temporary one)")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each job; the best is kept")
    parser.add_argument("--dask-branches", type=int, default=6, help="sample branches in the dask part")
    parser.add_argument("--dask-rounds", type=int, default=2,
                        help="runs of each executor in the dask part, alternating; the best is kept")
    args = parser.parse_args(argv)
    work = Path(args.work or tempfile.mkdtemp(prefix="cxeval-bench-province-")).resolve()
    work.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("CXEVAL_CACHE_DIR", str(work / "cache"))
    print(f"machine: {os.cpu_count()} cores, {psutil.virtual_memory().total / GB:.0f} GB; work folder {work}")
    parts = {"job": lambda: part_job(work, args.repeat), "csv": lambda: part_csv(work),
             "dask": lambda: part_dask(work, args.dask_branches, args.dask_rounds), "big": lambda: part_big(work)}
    for name in args.parts.split(","):
        for line in parts[name.strip()]():
            print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
