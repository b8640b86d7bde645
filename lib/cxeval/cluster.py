"""Batch jobs on a dask.distributed cluster: ``cxeval run --executor dask``.

The batch (:func:`cxeval.batch.run`) plans the jobs, writes the manifest and the index as
always; only the running of the jobs moves to the cluster. Each job is one task, and on
the worker it runs exactly as the local executor runs it: :func:`run_job` forks a child
that executes :func:`cxeval.batch._execute_job` (papermill, then the HTML export) and
supervises it -- the kernel's crash or hang takes only that job down, a job over its
time limit is killed with its kernel and failed, the ``n/a`` mapping is the same.

What a cluster needs
--------------------
* Every worker has cxeval installed (the same version) and its ``python3`` kernel.
* The data, configuration, notebooks and output folders are at the same paths on every
  worker and on the machine that starts the batch (a shared file system): jobs read the
  data and write their reports into the run directory themselves.
* One job per worker thread: start workers with ``--nthreads 1`` (a job already uses a
  core: the kernel does the work).

Stopping
--------
The batch keeps a small record on the scheduler (a dask ``Variable``) that it refreshes
every few seconds and marks when it is stopped (Ctrl-C, SIGTERM). A worker checks it
while its job runs: when the batch asks it to stop, or has not been heard of for
:data:`ORPHAN_AFTER_S` seconds (killed outright, its machine gone), the job is killed
with its kernel and writes nothing more -- as a local job dies with its batch.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from cxeval.errors import BatchError

__all__ = ["run_jobs", "run_job", "check_scheduler", "ORPHAN_AFTER_S"]

#: A job whose batch has not refreshed its record for this long is stopped.
ORPHAN_AFTER_S = 60.0
_BEAT_EVERY_S = 5.0
_CHECK_EVERY_S = 2.0


def _distributed():
    try:
        import distributed
    except ImportError:  # pragma: no cover - a dependency; only a broken install lacks it
        raise BatchError("--executor dask needs the dask.distributed package: "
                         "pip install 'dask[distributed]'") from None
    return distributed


def check_scheduler(address: str, *, timeout: float = 10) -> None:
    """Connect to the scheduler at ``address`` once, so a wrong address is an error before
    any run directory is made.

    Raises
    ------
    BatchError
        No scheduler answers at ``address``.
    """
    distributed = _distributed()
    try:
        client = distributed.Client(address, timeout=f"{timeout}s", set_as_default=False)
    except (OSError, TimeoutError, ValueError) as err:
        raise BatchError(f"--scheduler {address}: no dask scheduler answers there ({err}); start one "
                         "with 'dask scheduler' and workers with 'dask worker ADDRESS'") from None
    client.close()


# --------------------------------------------------------------------------- on the worker
def _control(name: str):
    """The batch's record on the scheduler: {"beat": n, "stop": bool}, or None if gone."""
    distributed = _distributed()
    try:
        return distributed.Variable(name, client=distributed.get_client()).get(timeout=10)
    except Exception:  # noqa: BLE001 - an unreachable record is handled like a silent batch
        return None


def run_job(job_dict: dict, timeout: float | None, control: str) -> dict:
    """Run one batch job on this worker, in a forked child, and return its record.

    The same child as the local executor's (:func:`cxeval.batch._child`): it executes the
    notebook, exports the report and hands back the job's record. Here the task's thread
    supervises it: killed (with its kernel) after ``timeout`` + 30 s, or when the batch
    behind ``control`` is stopped or gone.
    """
    from cxeval import batch

    record = _control(control) or {}
    if record.get("stop"):  # queued when the batch was stopped
        return dict(job_dict, status=batch.INTERRUPTED,
                    error="interrupted: the run was stopped before this report was finished")
    batch.preload()   # once per worker: its later jobs fork with the imports done, as local ones do
    handoff = Path(tempfile.mkdtemp(prefix="cxeval-job-"))
    result_path = handoff / "record.json"
    started = time.monotonic()
    hard_limit = None if timeout is None else timeout + 30
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the job: never returns into the worker's code
        code = 0
        try:
            batch._child(job_dict, timeout, str(result_path), parent)
        except BaseException:  # noqa: BLE001
            code = 1
        finally:
            os._exit(code)
    job = batch.Job(**job_dict)
    outcome = None
    last_beat, heard = record.get("beat"), time.monotonic()
    next_check = time.monotonic() + _CHECK_EVERY_S
    try:
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            now = time.monotonic()
            if hard_limit is not None and now - started > hard_limit:
                outcome = (batch.FAILED, f"timeout: stopped after {timeout:g} s")
            elif now >= next_check:
                next_check = now + _CHECK_EVERY_S
                record = _control(control)
                if record is not None and record.get("beat") != last_beat:
                    last_beat, heard = record.get("beat"), now
                if record is not None and record.get("stop"):
                    outcome = (batch.INTERRUPTED,
                               "interrupted: the run was stopped before this report was finished")
                elif now - heard > ORPHAN_AFTER_S:
                    outcome = (batch.INTERRUPTED, "interrupted: the batch that started this job is gone")
            if outcome is not None:
                batch._kill_tree(pid)
                os.waitpid(pid, 0)
                break
            time.sleep(0.1)
        if outcome is not None:
            job.status, job.error = outcome
            job.duration_s = round(time.monotonic() - started, 3)
        elif result_path.exists():
            import json

            record = json.loads(result_path.read_text(encoding="utf-8"))
            for key in ("status", "duration_s", "error", "html", "ipynb", "results"):
                setattr(job, key, record.get(key))
        else:
            job.status = batch.FAILED
            job.duration_s = round(time.monotonic() - started, 3)
            job.error = f"the job's process died (exit code {os.waitstatus_to_exitcode(status)})"
        if job.status == batch.FAILED and not (Path(job.directory) / f"{job.notebook}.html").exists():
            batch._atomic_write_text(Path(job.directory) / f"{job.notebook}.html",
                                     batch._error_html(job, f"{job.branch} · {job.notebook}"))
            job.html = f"{job.notebook}.html"
    finally:
        shutil.rmtree(handoff, ignore_errors=True)
    return asdict(job)


# --------------------------------------------------------------------------- in the batch
class _Heartbeat(threading.Thread):
    """Refreshes the batch's record on the scheduler while the jobs run."""

    def __init__(self, variable):
        super().__init__(daemon=True, name="cxeval-heartbeat")
        self.variable = variable
        self.beat = 0
        self.done = threading.Event()
        self.variable.set({"beat": 0, "stop": False})

    def run(self):
        while not self.done.wait(_BEAT_EVERY_S):
            self.beat += 1
            try:
                self.variable.set({"beat": self.beat, "stop": False})
            except Exception:  # noqa: BLE001 - a missed beat is retried; the limit is generous
                pass

    def stop_jobs(self):
        self.done.set()
        self.variable.set({"beat": self.beat + 1, "stop": True})


def run_jobs(jobs: Sequence, *, scheduler: str | None, workers: int, timeout: float | None,
             progress: bool, on_done) -> None:
    """Run batch jobs as tasks on a dask.distributed cluster; the local executor's contract.

    ``scheduler`` is the scheduler's address (``tcp://host:8786``); None starts a
    ``LocalCluster`` of ``workers`` single-threaded worker processes for this run. Each
    finished job updates its :class:`cxeval.batch.Job` and calls ``on_done``. On
    KeyboardInterrupt (Ctrl-C, or SIGTERM to the batch) the running jobs are stopped on
    their workers, the unfinished jobs are marked ``interrupted`` and the exception goes
    on to the caller.
    """
    import logging

    from tqdm.auto import tqdm

    from cxeval import batch

    distributed = _distributed()
    cluster = None
    if scheduler is None:
        cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                           dashboard_address=None, silence_logs=logging.ERROR)
    client = distributed.Client(cluster if cluster is not None else scheduler, set_as_default=False)
    name = f"cxeval-run-{uuid.uuid4().hex}"
    heartbeat = _Heartbeat(distributed.Variable(name, client=client))
    heartbeat.start()
    bar = tqdm(total=len(jobs), desc="reports", unit="job", disable=not progress, leave=True)
    futures = {}
    stopped = threading.Event()  # every job has ended: the record may go
    try:
        for job in jobs:
            job.attempts += 1
            job.status = "running"
            futures[client.submit(run_job, asdict(job), timeout, name, pure=False)] = job
        for future in distributed.as_completed(list(futures), loop=client.loop):
            job = futures.pop(future)
            try:
                record = future.result()
            except Exception as err:  # noqa: BLE001 - the task itself failed (e.g. a broken worker)
                job.status = batch.FAILED
                job.error = f"the job could not run on the cluster: {type(err).__name__}: {err}"
            else:
                for key in ("status", "duration_s", "error", "html", "ipynb", "results"):
                    setattr(job, key, record.get(key))
            bar.update(1)
            bar.set_postfix_str(f"{job.branch}/{job.notebook}: {job.status}")
            on_done()
        stopped.set()
    except KeyboardInterrupt:
        heartbeat.stop_jobs()
        # The running jobs end themselves within a few seconds of the stop; the queued
        # ones are cancelled. Either way nothing of theirs is kept.
        deadline = time.monotonic() + _CHECK_EVERY_S * 5
        while time.monotonic() < deadline and not all(f.done() for f in futures):
            time.sleep(0.1)
        if all(f.done() for f in futures):
            stopped.set()
        for future, job in futures.items():
            record = future.result() if future.status == "finished" else {}
            if record.get("status") in (batch.OK, batch.NOT_APPLICABLE):  # done just in time
                for key in ("status", "duration_s", "error", "html", "ipynb", "results"):
                    setattr(job, key, record.get(key))
            else:
                job.status = batch.INTERRUPTED
                job.error = "interrupted: the run was stopped before this report was finished"
        raise
    finally:
        heartbeat.done.set()
        bar.close()
        client.cancel(list(futures))
        if stopped.is_set():  # else jobs still running must find the stop
            try:
                distributed.Variable(name, client=client).delete()
            except Exception:  # noqa: BLE001
                pass
        client.close()
        if cluster is not None:
            cluster.close()
