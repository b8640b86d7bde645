"""Batch runs: every notebook for every branch, executed by papermill, exported to HTML.

One *job* is one (branch, notebook) pair. :func:`run` executes the jobs with up to
``workers`` at a time and writes, inside a new run directory that no later run
touches::

    <out>/<run-id>/<branch>/<notebook>.ipynb   executed notebook (with the error cell on failure)
    <out>/<run-id>/<branch>/<notebook>.html    report, code hidden, images embedded
    <out>/<run-id>/<branch>/<notebook>.json    the numbers the notebook recorded
    <out>/<run-id>/_overview/<notebook>.html    a run-scope notebook (the overview), made once
    <out>/<run-id>/index.html                  links to every report, a summary per branch
    <out>/<run-id>/manifest.json               status, duration, error, parameters per job

A notebook whose parameters cell declares ``scope: str = "run"`` is made once per run,
not per branch (:func:`cxeval.plan.notebook_scope`): its job's ``branch`` is
:data:`~cxeval.plan.RUN_BRANCH`, it receives the run's branch list as ``branches``, its
pages go to ``_overview/``, the index links it above the table and every branch report
links back to it.

How jobs run, and why:

* Each job runs in a forked child process of the batch, which already imported papermill
  and nbconvert: the job pays neither the CLI start-up nor the import again. The child is
  a process of its own so a kernel that hangs or dies takes only its job down; the parent
  kills the child and its kernel (the whole process tree, with psutil) at the timeout.
* Kernels talk to the child over IPC (Unix sockets in a private temporary folder) rather
  than TCP: no ports to clash between parallel kernels (papermill issues #511, #624:
  "Address already in use", "Kernel didn't respond"), and no "running over TCP without
  encryption" warning in every report.
* Every file is written to a temporary name in its final folder and renamed into place, so
  an interrupted run leaves no half-written report.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import html
import json
import multiprocessing
import os
import re
import shutil
import signal
import tempfile
import time
import traceback
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from cxeval import __version__
from cxeval._io import atomic_write_text as _atomic_write_text
from cxeval.errors import BatchError, NotApplicable
from cxeval.paths import CONFIG_DIR, NOTEBOOKS_DIR, SAMPLE_DIR
from cxeval.plan import RUN_BRANCH, RUN_SCOPE, notebook_scope
from cxeval.report.index import (_NOTEBOOK_TITLES, FAILED, INDEX_STATUSES, INTERRUPTED,  # noqa: F401
                                 NOT_APPLICABLE, OK, OVERVIEW_DIR, error_summary, render_index,
                                 status_counts, summary_line, write_index)

__all__ = [
    "Job", "run", "plan_jobs", "status_counts", "summary_line", "discover_branches", "discover_notebooks", "safe_name",
    "notebook_parameters", "export_html", "write_index", "render_index", "ipc_kernel_manager_class",
    "kernel_environment", "DEFAULT_NOTEBOOKS_DIR",
]

DEFAULT_NOTEBOOKS_DIR = NOTEBOOKS_DIR
DEFAULT_CONFIG_DIR = CONFIG_DIR
DEFAULT_DATA_DIR = SAMPLE_DIR
#: nbconvert template of the report pages (lib/cxeval/templates/cxeval_report).
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
REPORT_TEMPLATE = "cxeval_report"

# Parameters every notebook must declare, and optional ones passed only when declared.
REQUIRED_PARAMETERS = ("branch", "data_dir", "results_path")
OPTIONAL_PARAMETERS = ("config_dir", "lang")
#: Values the batch sets for notebook-specific switches when the notebook declares them.
BATCH_OVERRIDES = {"explorer": False}
#: Outputs a run can write besides the executed notebooks.
FORMATS = ("html", "xlsx", "pdf")

_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
             *(f"LPT{i}" for i in range(1, 10))}


# --------------------------------------------------------------------------- names and discovery
def safe_name(name: str) -> str:
    """Turn a branch name into a safe directory name, keeping Chinese characters.

    Path separators, ``..``, control and shell-special characters become ``_``; Windows
    reserved device names (``CON``, ``NUL``, ``COM1`` ...) get a leading ``_``; an empty
    result becomes ``_``. The result never contains a path separator and is never
    ``.`` or ``..``.

    Examples
    --------
    >>> safe_name("../../etc")
    '_.._etc'
    >>> safe_name("CON")
    '_CON'
    >>> safe_name("潮安")
    '潮安'
    """
    text = str(name).strip()
    text = re.sub(r'[\x00-\x1f\x7f<>:"/\\|?*]', "_", text)
    text = text.strip(" .")
    if text.startswith(".."):
        text = "_" + text
    if not text or set(text) <= {"."}:
        text = "_"
    if text.split(".")[0].upper() in _RESERVED:
        text = "_" + text
    return text[:120]


def discover_notebooks(notebooks_dir: str | os.PathLike | None = None,
                       selected: Sequence[str] | None = None) -> list[Path]:
    """The notebooks to run, in name order; ``selected`` by stem or prefix (``"01"``)."""
    directory = Path(notebooks_dir or DEFAULT_NOTEBOOKS_DIR)
    found = sorted(p for p in directory.glob("*.ipynb") if not p.name.startswith("."))
    if not found:
        raise BatchError(f"no notebooks in {directory}")
    if not selected:
        return found
    chosen = []
    for want in selected:
        stem = Path(want).stem
        matches = [p for p in found if p.stem == stem] or [p for p in found if p.stem.startswith(stem)]
        if not matches:
            raise BatchError(f"unknown notebook {want!r}: choose from {', '.join(p.stem for p in found)}")
        chosen.extend(m for m in matches if m not in chosen)
    return chosen


def discover_branches(data_dir: str | os.PathLike) -> list[str]:
    """Branches named in a data folder's files (:func:`cxeval.data.find_branches`).

    Raises
    ------
    BatchError
        The folder does not exist or names no branch.
    """
    from cxeval import data as cxdata

    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise BatchError(f"data folder {data_dir} does not exist")
    branches = cxdata.find_branches(data_dir)
    if not branches:
        raise BatchError(f"no branches found in {data_dir}: expected files such as hall_survey.csv "
                         "or tickets.parquet with a branch (分公司) column")
    return branches


def notebook_parameters(path: str | os.PathLike) -> dict:
    """Parameters a notebook declares in its ``parameters`` cell (papermill.inspect_notebook)."""
    import papermill as pm

    return pm.inspect_notebook(str(path))


# --------------------------------------------------------------------------- jobs
@dataclass
class Job:
    """One notebook executed for one branch."""

    branch: str
    notebook: str
    source: str
    directory: str
    parameters: dict
    status: str = "pending"
    duration_s: float | None = None
    error: str | None = None
    html: str | None = None
    ipynb: str | None = None
    results: dict = field(default_factory=dict)
    input_hashes: dict = field(default_factory=dict)
    version: str = __version__
    attempts: int = 0
    #: "branch" (one job per branch) or "run" (one job per run: the overview).
    scope: str = "branch"
    #: A branch job's link to the run's overview page, relative to its own folder.
    overview_html: str | None = None

    def manifest_entry(self, run_dir: Path) -> dict:
        entry = asdict(self)
        entry.pop("source")
        entry.pop("directory")
        return entry


def _hash_inputs(data_dir: Path) -> dict:
    from cxeval.data import INPUT_SUFFIXES, file_hash

    hashes = {}
    for path in sorted(data_dir.iterdir()) if data_dir.is_dir() else []:
        if path.is_file() and path.suffix in INPUT_SUFFIXES:
            hashes[path.name] = file_hash(path)  # remembered per version: a province file is big
    return hashes


def plan_jobs(run_dir: Path, branches: Sequence[str], notebooks: Sequence[Path], *, data_dir: Path,
              config_dir: Path, lang: str, specs=None) -> list[Job]:
    """One job per branch and notebook, with the parameters each notebook declares.

    A run-scope notebook (``scope: str = "run"``) gets one job for the whole run instead,
    listed first, with ``branch`` :data:`~cxeval.plan.RUN_BRANCH`, the folder
    ``_overview`` and the parameter ``branches`` (the run's branches); each branch job
    then carries ``overview_html``, the link its page shows back to the overview.

    ``specs`` (from :func:`cxeval.plan.resolve`) adds each job's plan and ``-p``
    parameters, and marks the notebooks a plan leaves out as ``n/a`` with the reason;
    without it every branch gets every notebook with its defaults.

    Raises
    ------
    BatchError
        A notebook lacks a required parameter (``branch``, ``data_dir``, ``results_path``):
        papermill would only warn and run it with its defaults, reporting the wrong branch.
    """
    hashes = _hash_inputs(data_dir)
    # No branch may take the overview's folder.
    used_dirs: dict[str, str] = {OVERVIEW_DIR: RUN_BRANCH}
    jobs = []
    declared = {nb: notebook_parameters(nb) for nb in notebooks}
    for nb, params in declared.items():
        missing = [p for p in REQUIRED_PARAMETERS if p not in params]
        if missing:
            raise BatchError(f"notebook {nb.name} does not declare parameter(s) {', '.join(missing)} "
                             f"in its parameters cell (it declares: {', '.join(params) or 'none'})")
    by_job = {(s.branch, Path(s.notebook)): s for s in specs or ()}
    run_notebooks = [nb for nb in notebooks if notebook_scope(declared[nb]) == RUN_SCOPE]

    def make_job(branch: str, nb: Path, directory: Path, extra: dict, scope: str) -> Job:
        params = {"branch": branch, "data_dir": str(data_dir), "config_dir": str(config_dir),
                  "lang": lang, "results_path": str(directory / f"{nb.stem}.json"), **extra}
        params = {k: v for k, v in params.items()
                  if k in REQUIRED_PARAMETERS or k in declared[nb]}
        params.update({k: v for k, v in BATCH_OVERRIDES.items() if k in declared[nb]})
        spec = by_job.get((branch, Path(nb)))
        job = Job(branch=branch, notebook=nb.stem, source=str(nb), directory=str(directory),
                  parameters=params, input_hashes=hashes, scope=scope)
        if spec is not None:
            params.update(spec.parameters)
            if spec.not_applicable:
                _mark_not_applicable(job, *spec.not_applicable, lang=lang)
        return job

    overview_html = None
    for nb in run_notebooks:
        job = make_job(RUN_BRANCH, nb, run_dir / OVERVIEW_DIR, {"branches": list(branches)}, RUN_SCOPE)
        if job.status != NOT_APPLICABLE and overview_html is None:
            overview_html = f"../{OVERVIEW_DIR}/{nb.stem}.html"
        jobs.append(job)
    for branch in branches:
        dirname = safe_name(branch)
        # Two branch names that clean to the same folder name must not share it.
        if dirname in used_dirs and used_dirs[dirname] != branch:
            dirname = f"{dirname}_{hashlib.sha1(branch.encode()).hexdigest()[:6]}"
        used_dirs[dirname] = branch
        directory = run_dir / dirname
        if directory.resolve().parent != run_dir.resolve():
            raise BatchError(f"branch {branch!r} would write outside the run directory")
        for nb in notebooks:
            if nb in run_notebooks:
                continue
            job = make_job(branch, nb, directory, {}, "branch")
            job.overview_html = overview_html
            jobs.append(job)
    return jobs


def _mark_not_applicable(job: Job, zh: str, en: str, *, lang: str) -> None:
    """Record a job as ``n/a``: the reason in ``error`` (run language) and in both languages."""
    job.status = NOT_APPLICABLE
    job.error = en if lang == "en" else zh
    job.results = {"status": NOT_APPLICABLE, "headline": zh, "headline_en": en}
    job.html = None


def _not_applicable_reason(exc: BaseException) -> tuple[str, str] | None:
    """(zh, en) when a notebook stopped with :class:`cxeval.errors.NotApplicable`."""
    if getattr(exc, "ename", None) != "NotApplicable" and not isinstance(exc, NotApplicable):
        return None
    text = str(getattr(exc, "evalue", None) or exc).strip()
    zh, _, en = text.partition("\n")
    return zh.strip(), (en.strip() or zh.strip())


# --------------------------------------------------------------------------- HTML export
_TOC_STYLE = (
    "<style>.cx-toc{border:1px solid #d5dde7;border-radius:8px;padding:8px 16px;margin:8px 0 16px;"
    "background:#fbfcfe}.cx-toc ol{margin:4px 0;padding-left:4px;list-style:none}.cx-toc a{text-decoration:none}"
    ".cx-meta{color:#5b6675;font-size:.85em;margin:4px 0 12px}"
    "body{max-width:1100px;margin:auto}img{max-width:100%;height:auto}"
    ".jp-RenderedHTMLCommon table{font-size:.92em}</style>"
)


def _prepare_for_export(nb, *, title: str, meta: str, links: Sequence[tuple[str, str]] = ()):
    """Drop stderr streams, add anchors and a table of contents after the first heading.

    ``links`` (text, href) go into the meta line: a branch report links back to the run's
    overview and index.
    """
    import nbformat

    headings = []
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.get("outputs", [])
                            if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
        elif cell.cell_type == "markdown":
            lines = cell.source.splitlines()
            for i, line in enumerate(lines):
                m = re.match(r"^(#{2,3})\s+(.*)$", line)
                if m:
                    anchor = f"sec-{len(headings)}"
                    headings.append((len(m.group(1)), m.group(2).strip(), anchor))
                    lines[i] = f'{line} <a id="{anchor}"></a>'
            cell.source = "\n".join(lines)
    toc = "".join(
        f'<li style="margin-left:{(level - 2) * 14}px"><a href="#{anchor}">{html.escape(text)}</a></li>'
        for level, text, anchor in headings
    )
    nav = "".join(f' · <a class="cx-back" href="{html.escape(href, quote=True)}">{html.escape(text)}</a>'
                  for text, href in links)
    block = (_TOC_STYLE + f'<div class="cx-meta">{html.escape(meta)}{nav}</div>'
             + (f'<nav class="cx-toc"><b>目录 Contents</b><ol>{toc}</ol></nav>' if headings else ""))
    insert_at = 1 if nb.cells and nb.cells[0].cell_type == "markdown" else 0
    nb.cells.insert(insert_at, nbformat.v4.new_markdown_cell(block))
    nb.metadata["title"] = title
    return nb


def export_html(nb_path: str | os.PathLike, html_path: str | os.PathLike, *, title: str,
                meta: str = "", links: Sequence[tuple[str, str]] = ()) -> None:
    """Export an executed notebook to self-contained HTML with no code cells.

    ``links``: (text, href) pairs shown in the meta line under the title (the way back
    to the run's overview and index).

    The page fetches nothing from any host (no CDN script, font or style: the
    ``cxeval_report`` template drops what the lab template loads) and prints on A4
    without cutting a chart or a table row.
    """
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(str(nb_path), as_version=4)
    nb = _prepare_for_export(nb, title=title, meta=meta, links=links)
    exporter = HTMLExporter(template_name=REPORT_TEMPLATE, extra_template_basedirs=[str(TEMPLATES_DIR)],
                            exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True, embed_images=True)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    _atomic_write_text(Path(html_path), body)


_CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


def find_chromium() -> str | None:
    """The path of a headless-capable Chromium or Chrome on this machine, or None."""
    override = os.environ.get("CXEVAL_CHROMIUM")
    if override:
        return override if shutil.which(override) or Path(override).exists() else None
    for name in _CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def export_pdf(html_path: str | os.PathLike, pdf_path: str | os.PathLike, *, chromium: str | None = None,
               timeout: float = 120) -> Path:
    """Print a report page to an A4 PDF with headless Chromium (the page's print stylesheet).

    Raises
    ------
    BatchError
        No Chromium is installed, or it failed or produced no file.
    """
    import subprocess

    chromium = chromium or find_chromium()
    if chromium is None:
        raise BatchError("--format pdf needs headless Chromium, which is not installed "
                         "(Debian/Ubuntu: apt-get install chromium; or set CXEVAL_CHROMIUM to its path)")
    pdf_path = Path(pdf_path)
    with tempfile.TemporaryDirectory(prefix="cxpdf-") as profile:
        tmp = pdf_path.with_name(f".{pdf_path.name}.partial")
        # The flags keep a headless run offline and quiet: no first-run, sync or update traffic.
        cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={profile}", "--no-pdf-header-footer", f"--print-to-pdf={tmp}",
               Path(html_path).resolve().as_uri()]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except (OSError, subprocess.TimeoutExpired) as err:
            raise BatchError(f"Chromium could not print {Path(html_path).name}: {err}") from None
        if not tmp.exists() or tmp.stat().st_size == 0:
            tail = (done.stderr or "").strip().splitlines()[-1:] or [f"exit code {done.returncode}"]
            raise BatchError(f"Chromium could not print {Path(html_path).name}: {tail[0]}")
        os.replace(tmp, pdf_path)
    return pdf_path


def _job_title(job: Job, lang: str = "zh") -> str:
    """A report's title: "潮安 · 01_baseline", or the overview's name for a run-scope job."""
    from cxeval.report import tr

    if job.scope == RUN_SCOPE:
        return tr(*_NOTEBOOK_TITLES.get(job.notebook, ("全省概览", "Overview")), lang)
    return f"{job.branch} · {job.notebook}"


def _back_links(job: Job, lang: str = "zh") -> list[tuple[str, str]]:
    """The links of a report's meta line: the run's overview (branch reports) and index."""
    from cxeval.report import tr

    links = []
    if job.scope != RUN_SCOPE and job.overview_html:
        links.append((tr("← 全省概览", "← Overview", lang), job.overview_html))
    links.append((tr("全部报告", "All reports", lang), "../index.html"))
    return links


def _not_applicable_html(job: Job, title: str, lang: str) -> str:
    """A page for an overview that does not apply, so branch reports never link to nothing."""
    from cxeval.report import tr

    return (
        f"<!DOCTYPE html><html lang='{'zh-CN' if lang == 'zh' else 'en'}'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title></head><body style='font-family:sans-serif;max-width:900px;"
        f"margin:2em auto'><h1>{html.escape(title)}</h1><p>{html.escape(tr('不适用：', 'Not applicable: ', lang))}"
        f"{html.escape(job.error or '')}</p><p><a href='../index.html'>"
        f"{html.escape(tr('全部报告', 'All reports', lang))}</a></p></body></html>"
    )


def _error_html(job: Job, title: str) -> str:
    return (
        "<!DOCTYPE html><html lang='zh'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title></head><body style='font-family:sans-serif;max-width:900px;"
        "margin:2em auto'>"
        f"<h1>{html.escape(title)}</h1><p style='color:#c0392b;font-weight:600'>报告生成失败 "
        f"Report failed ({html.escape(job.status)})</p><pre style='white-space:pre-wrap;background:#f7f7f7;"
        f"padding:1em'>{html.escape(job.error or '')}</pre>"
        f"<p>Executed notebook: <a href='{html.escape(Path(job.ipynb or '').name)}'>"
        f"{html.escape(Path(job.ipynb or '').name)}</a></p></body></html>"
    )


# --------------------------------------------------------------------------- one job
def ipc_kernel_manager_class(socket_dir: str):
    """A kernel manager class whose kernels use IPC sockets in ``socket_dir``.

    Pass it to ``papermill.execute_notebook(..., kernel_manager_class=...)``.
    """
    from jupyter_client.manager import AsyncKernelManager

    class IPCKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            kwargs.setdefault("transport", "ipc")
            kwargs.setdefault("ip", os.path.join(socket_dir, "kernel"))
            super().__init__(**kwargs)

    return IPCKernelManager


def kernel_environment() -> None:
    """Prepare this process's environment for the kernels it starts.

    No MPLBACKEND: a non-inline backend (Agg, common in CI) would silently drop every
    chart from the report. One BLAS thread per kernel: parallel jobs already use the
    cores, and oversubscribed BLAS threads slowed small regressions many times over.
    """
    os.environ.pop("MPLBACKEND", None)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def _short_error(exc: BaseException) -> str:
    """The error of a job for the manifest and the index, personal data masked."""
    from cxeval.report import mask_text

    name = type(exc).__name__
    ename = getattr(exc, "ename", None)
    evalue = getattr(exc, "evalue", None)
    if ename:
        text = f"{ename}: {evalue}"
        cell = getattr(exc, "exec_count", None)
        return mask_text(f"{text} (cell {cell})" if cell else text)
    return mask_text(f"{name}: {exc}")


def _execute_job(job_dict: dict, timeout: float | None) -> dict:
    """Run one job: papermill into a temporary file, rename, export HTML. Returns the job."""
    import papermill as pm

    job = Job(**job_dict)
    kernel_environment()
    directory = Path(job.directory)
    directory.mkdir(parents=True, exist_ok=True)
    final_nb = directory / f"{job.notebook}.ipynb"
    final_html = directory / f"{job.notebook}.html"
    results_path = Path(job.parameters["results_path"])
    if results_path.exists():
        results_path.unlink()
    tmp_nb = directory / f".{job.notebook}.partial.ipynb"
    socket_dir = tempfile.mkdtemp(prefix="cxk-")
    _JOB_SOCKETS.append(socket_dir)
    lang = job.parameters.get("lang", "zh")
    title = _job_title(job, lang)
    start = time.perf_counter()
    error: BaseException | None = None
    try:
        pm.execute_notebook(
            job.source, str(tmp_nb), parameters=job.parameters, kernel_name="python3",
            progress_bar=False, cwd=str(Path(job.source).parent), execution_timeout=timeout,
            kernel_manager_class=ipc_kernel_manager_class(socket_dir),
        )
    except BaseException as exc:  # noqa: BLE001 - any failure is this job's, reported in the manifest
        error = exc
    finally:
        shutil.rmtree(socket_dir, ignore_errors=True)
    job.duration_s = round(time.perf_counter() - start, 3)
    if tmp_nb.exists():
        os.replace(tmp_nb, final_nb)
        job.ipynb = final_nb.name
    reason = _not_applicable_reason(error) if error is not None else None
    if reason is not None:
        # Not a report: nothing to export, and the index shows the reason instead of a link.
        _mark_not_applicable(job, *reason, lang=lang)
        error = None
        if job.scope == RUN_SCOPE:   # branch reports link here: say why there is no overview
            _atomic_write_text(final_html, _not_applicable_html(job, title, lang))
    elif error is None:
        try:
            results = json.loads(results_path.read_text(encoding="utf-8")) if results_path.exists() else {}
            # key tables stay in the sidecar (for --format xlsx), not in the manifest
            results.pop("tables", None)
            if results.get("status") == NOT_APPLICABLE:
                _mark_not_applicable(job, results.get("headline", ""), results.get("headline_en", ""),
                                     lang=lang)
            else:
                job.results = results
                meta = f"cxeval {__version__} · {_dt.datetime.now():%Y-%m-%d %H:%M}"
                export_html(final_nb, final_html, title=title, meta=meta, links=_back_links(job, lang))
                job.status = OK
                job.html = final_html.name
        except BaseException as exc:  # noqa: BLE001
            error = exc
    if error is not None:
        job.status = "failed"
        job.error = _short_error(error)
        _atomic_write_text(final_html, _error_html(job, title))
        job.html = final_html.name
    job.duration_s = round(time.perf_counter() - start, 3)
    return asdict(job)


def _die_with_parent(parent_pid: int) -> None:
    """Make this job's process end when the batch process ends, however it ends.

    A forked job whose batch was killed (SIGKILL, a closed terminal) went on running its
    kernel to the end and wrote complete-looking reports into a run the manifest
    listed as pending. On Linux ``prctl(PR_SET_PDEATHSIG)`` sends this process SIGTERM
    when its parent dies, and the SIGTERM handler takes the kernel down with it. The
    job also leaves the terminal's process group (``setsid``), so Ctrl-C reaches only
    the batch, which stops the jobs itself and records them as interrupted.
    """
    import psutil  # noqa: F401 - imported now: the SIGTERM handler must not import mid-way

    try:
        os.setsid()
    except OSError:
        pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop_job)
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)   # 1 = PR_SET_PDEATHSIG (linux/prctl.h)
    except (OSError, AttributeError):   # not Linux: the parent's own cleanup still applies
        pass
    if os.getppid() != parent_pid:     # the batch died before the prctl took effect
        _stop_job(signal.SIGTERM, None)


#: The kernel socket folder of the job running in this process (removed when it is stopped).
_JOB_SOCKETS: list[str] = []


def _stop_job(signum, frame) -> None:  # noqa: ARG001 - signal handler signature
    """SIGTERM in a job: end its kernel and everything it started, remove its sockets, exit.

    Whatever happens while cleaning up, the process ends here: an exception escaping a
    signal handler would surface in papermill, which would then write a report.
    """
    try:
        _kill_tree(os.getpid(), include_self=False)
        for folder in _JOB_SOCKETS:
            shutil.rmtree(folder, ignore_errors=True)
    finally:
        os._exit(128 + signum)


def preload() -> None:
    """Import what every job uses, in the process that forks the jobs (the batch, or a
    dask worker), so that each forked child starts with it instead of importing it again."""
    import nbconvert  # noqa: F401
    import papermill  # noqa: F401
    from nbconvert import HTMLExporter  # noqa: F401

    from cxeval import report  # noqa: F401


def _child(job_dict: dict, timeout: float | None, result_path: str, parent_pid: int) -> None:
    """Entry point of the forked child: run the job and hand back its record as JSON."""
    _die_with_parent(parent_pid)
    try:
        record = _execute_job(job_dict, timeout)
    except BaseException as exc:  # noqa: BLE001
        record = dict(job_dict, status="failed", error=f"{type(exc).__name__}: {exc}\n"
                      + traceback.format_exc(limit=3))
    Path(result_path).write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")


def _kill_tree(pid: int, *, include_self: bool = True) -> None:
    """Kill a process and every process it started (kernels included)."""
    import psutil

    try:
        parent = psutil.Process(pid)
        procs = parent.children(recursive=True) + ([parent] if include_self else [])
    except psutil.NoSuchProcess:
        return
    for proc in procs:
        try:
            proc.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(procs, timeout=5)


# --------------------------------------------------------------------------- manifest and index
def _write_manifest(run_dir: Path, run_id: str, jobs: Sequence[Job], extra: dict) -> None:
    manifest = {"run_id": run_id, "version": __version__, **extra,
                "jobs": [j.manifest_entry(run_dir) for j in jobs]}
    _atomic_write_text(run_dir / "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))


def export_xlsx(run_dir: str | os.PathLike, jobs: Sequence[Job], *, lang: str = "zh") -> list[Path]:
    """One Excel workbook per branch (and one for the overview) with the key tables its
    notebooks recorded, as a reader of the run's language expects them.

    Tables come from each job's results sidecar (:func:`cxeval.report.record_table`).
    Sheets are named ``<notebook number> <title>`` (the title the notebook gave, else the
    table's name; Excel allows 31 characters). Headers are the labels the notebook showed
    the table with, else :func:`cxeval.report.header` in ``lang``; numeric cells stay
    numbers with the Excel number format of their display (``0.0%``, ``0.00``,
    ``#,##0``; per-cent points scaled by 100 with a ``pp`` format), never raw floats such
    as 0.9174649963. Text is masked and kept from running as a formula
    (:func:`cxeval.report.safe_table`).
    """
    import pandas as pd

    from cxeval._io import atomic_write
    from cxeval.report import header, safe_table, tr

    by_branch: dict[str, list[Job]] = {}
    for job in jobs:
        by_branch.setdefault(job.directory, []).append(job)
    written = []
    for directory, branch_jobs in by_branch.items():
        sheets: dict[str, tuple[pd.DataFrame, list]] = {}
        for job in branch_jobs:
            sidecar = Path(job.parameters["results_path"])
            if job.status != OK or not sidecar.exists():
                continue
            tables = json.loads(sidecar.read_text(encoding="utf-8")).get("tables", {})
            for name, table in tables.items():
                title = table.get("title") or name
                sheet = re.sub(r"[\\/*?:\[\]]", "_", f"{job.notebook[:2]} {title}")[:31]
                while sheet in sheets:
                    sheet = sheet[:29] + f"~{len(sheets) % 10}"
                frame = pd.DataFrame(table["rows"], columns=table["columns"])
                formats = table.get("formats", {})
                for col, spec in formats.items():
                    if col in frame and spec.get("scale", 1) != 1:
                        frame[col] = pd.to_numeric(frame[col], errors="coerce") * spec["scale"]
                for col in frame.columns:   # True / False read as 是 / 否 in a Chinese workbook
                    if frame[col].map(lambda v: isinstance(v, bool) or v is None).all() and frame[col].notna().any():
                        frame[col] = frame[col].map({True: tr("是", "yes", lang), False: tr("否", "no", lang)})
                labels = table.get("labels", {})
                number_formats = [formats.get(col, {}).get("number_format") for col in frame.columns]
                frame.columns = [labels.get(col) or header(col, lang) for col in frame.columns]
                sheets[sheet] = (safe_table(frame), number_formats)
        if not sheets:
            continue
        path = Path(directory) / f"{Path(directory).name}.xlsx"

        def write(tmp, sheets=sheets):
            with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
                for sheet, (frame, number_formats) in sheets.items():
                    frame.to_excel(writer, sheet_name=sheet, index=False)
                    ws = writer.sheets[sheet]
                    for j, number_format in enumerate(number_formats, start=1):
                        width = max([len(str(frame.columns[j - 1])) * 2] + [8])
                        ws.column_dimensions[ws.cell(row=1, column=j).column_letter].width = min(width, 40)
                        if not number_format:
                            continue
                        for row in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                            for cell in row:
                                if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                                    cell.number_format = number_format

        written.append(atomic_write(path, write))
    return written


class BatchInterrupted(BatchError):
    """The run was stopped (Ctrl-C or SIGTERM); its unfinished jobs are marked interrupted."""

    def __init__(self, run_dir: Path, n_jobs: int):
        self.run_dir = run_dir
        self.n_jobs = n_jobs
        super().__init__(f"interrupted: {n_jobs} report(s) not finished; "
                         f"cxeval run --only-failed {run_dir} completes the run")


class _sigterm_as_interrupt:
    """Within the block, SIGTERM to the batch stops it as Ctrl-C does (main thread only)."""

    def __enter__(self):
        import threading

        self.previous = None
        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGTERM, self._raise)
        return self

    @staticmethod
    def _raise(signum, frame):
        raise KeyboardInterrupt

    def __exit__(self, *exc):
        if self.previous is not None:
            signal.signal(signal.SIGTERM, self.previous)
        return False


def _output_folder(out) -> Path:
    """The folder for run directories, created; a BatchError (one line) when it cannot be."""
    from cxeval._io import folder_problem

    folder = Path(out).resolve()
    problem = folder_problem(folder)
    if problem:
        raise BatchError(f"--out {out}: {problem}")
    return folder


def _new_run_dir(out: Path) -> tuple[str, Path]:
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    for i in range(1000):
        run_id = stamp if i == 0 else f"{stamp}-{i}"
        run_dir = out / run_id
        try:
            run_dir.mkdir()  # never reuse an earlier run's directory
            return run_id, run_dir
        except FileExistsError:
            continue
        except OSError as err:
            raise BatchError(f"cannot create a run directory in {out}: {err.strerror or err}") from None
    raise BatchError(f"could not create a new run directory in {out}")


# --------------------------------------------------------------------------- run
def run(*, branches: Sequence[str] | None = None, notebooks: Sequence[str] | None = None,
        data_dir: str | os.PathLike | None = None, out: str | os.PathLike = "reports",
        workers: int | None = None, timeout: float | None = 600, only_failed: str | os.PathLike | None = None,
        config_dir: str | os.PathLike | None = None, notebooks_dir: str | os.PathLike | None = None,
        lang: str | None = None, progress: bool = True, formats: Sequence[str] = ("html",),
        plan=None, parameters: dict | None = None, executor: str = "local",
        scheduler: str | None = None) -> dict:
    """Execute every notebook for every branch and export the reports.

    Parameters
    ----------
    branches : sequence of str, optional
        Branches to report on (names trimmed); default: the plan's, else every branch
        found in ``data_dir``. A name found in no input file is an error, raised before
        any job starts, with the closest names.
    notebooks : sequence of str, optional
        Notebook stems or prefixes (``"01_baseline"``, ``"03"``); default: all.
    data_dir, config_dir : path
        Input data and configuration folders, passed to every notebook; default the
        plan's, else ``data/sample`` and ``data/configs``.
    out : path
        Folder in which a new run directory ``<run-id>`` is created.
    workers : int, optional
        Jobs run at once; default the number of cores.
    timeout : float, optional
        Seconds one job may take; a job over it is stopped (its kernel killed) and failed.
    only_failed : path, optional
        An earlier run directory: rerun its failed jobs there, keep its successful ones.
    lang : {"zh", "en"}
        Language of labels in notebooks and in the index page; default the plan's, else zh.
    progress : bool
        Show a progress bar over jobs.
    formats : sequence of {"html", "xlsx", "pdf"}
        Outputs besides the executed notebooks: HTML reports (always); with "xlsx" one
        Excel workbook per branch with the key tables of its reports; with "pdf" each
        report printed to A4 by headless Chromium (an error before the run if none is
        installed).
    plan : cxeval.plan.Plan or path, optional
        A run plan: branches, groups, parameters, which notebooks apply where.
    parameters : dict, optional
        Notebook parameters given on the command line (``-p NAME VALUE``), applied last;
        each name must be declared by a selected notebook, values are converted to the
        declared type.
    executor : {"local", "dask"}
        Where the jobs run: "local" (default), forked processes of this one, at most
        ``workers`` at once; "dask", tasks on a dask.distributed cluster
        (:mod:`cxeval.cluster`), as many at once as the cluster has worker threads. The
        manifest records which (``executor``).
    scheduler : str, optional
        With ``executor="dask"``: the scheduler's address (``tcp://host:8786``); default a
        cluster of ``workers`` local worker processes started for this run.

    Returns
    -------
    dict
        The manifest: ``run_id``, ``run_dir``, ``jobs`` (one entry per job with branch,
        notebook, status, duration_s, error, html, parameters, results, input_hashes).
        ``status`` is ``ok``, ``n/a`` (the notebook does not apply to the branch; the
        reason is in ``error``), ``failed`` or ``interrupted``.

    Raises
    ------
    BatchError
        Bad arguments (missing folders, unknown notebooks, unknown branches or parameter
        names, no branches, bad language, an unknown executor, no scheduler at
        ``scheduler``).
    """
    from cxeval import plan as cxplan

    if plan is not None and not isinstance(plan, cxplan.Plan):
        plan = cxplan.load(plan)
    if lang is None:
        lang = (plan.lang if plan is not None else None) or "zh"
    if lang not in ("zh", "en"):
        raise BatchError(f"lang must be 'zh' or 'en', got {lang!r}")
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise BatchError(f"formats must be among {', '.join(FORMATS)}, got {', '.join(unknown)}")
    if "pdf" in formats and find_chromium() is None:
        export_pdf("", "")   # raises the message that says what to install
    if workers is None:
        workers = os.cpu_count() or 1
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise BatchError(f"workers must be a whole number of at least 1, got {workers!r}")
    if timeout is not None and timeout <= 0:
        raise BatchError(f"timeout must be positive seconds, got {timeout}")
    if executor not in ("local", "dask"):
        raise BatchError(f"executor must be 'local' or 'dask', got {executor!r}")
    if scheduler is not None and executor != "dask":
        raise BatchError("a scheduler is only used with the dask executor (--executor dask)")
    if scheduler is not None:
        from cxeval import cluster

        cluster.check_scheduler(scheduler)
    preload()

    if only_failed:
        run_dir = Path(only_failed).resolve()
        manifest_path = run_dir / "manifest.json"
        if not manifest_path.exists():
            raise BatchError(f"{run_dir} is not a run directory (no manifest.json)")
        previous = json.loads(manifest_path.read_text(encoding="utf-8"))
        run_id = previous["run_id"]
        data_dir = Path(previous.get("data_dir", data_dir))
        lang = previous.get("lang", lang)
        formats = previous.get("formats", formats)
        all_jobs = []
        nb_dir = Path(previous.get("notebooks_dir") or notebooks_dir or DEFAULT_NOTEBOOKS_DIR)
        for entry in previous["jobs"]:
            source = nb_dir / f"{entry['notebook']}.ipynb"
            directory = Path(entry["parameters"]["results_path"]).parent
            all_jobs.append(Job(source=str(source), directory=str(directory), **{
                k: v for k, v in entry.items() if k in Job.__dataclass_fields__}))
        todo = [j for j in all_jobs if j.status not in (OK, NOT_APPLICABLE)]
        for job in todo:
            job.status = "pending"
            job.input_hashes = _hash_inputs(Path(data_dir))
        extra = {k: v for k, v in previous.items() if k not in ("run_id", "version", "jobs")}
    else:
        data_dir = Path(data_dir or (plan.data_dir if plan is not None else None) or DEFAULT_DATA_DIR).resolve()
        if not data_dir.is_dir():
            raise BatchError(f"data folder {data_dir} does not exist")
        config_dir = Path(config_dir or (plan.config_dir if plan is not None else None)
                          or DEFAULT_CONFIG_DIR).resolve()
        nb_paths = discover_notebooks(notebooks_dir, notebooks)
        found = discover_branches(data_dir)
        if plan is not None:
            # Every branch the plan names must exist, even one not selected for this run.
            cxplan.match_branches(plan.named_branches(), found, source=f"plan {plan.path}")
        requested = branches or (plan.branches if plan is not None else None)
        branch_list = cxplan.match_branches(requested, found) if requested else found
        declared = {nb: notebook_parameters(nb) for nb in nb_paths}
        # A plan is written for every notebook of the folder; a run may select some.
        every = discover_notebooks(notebooks_dir, None) if plan is not None and notebooks else nb_paths
        available = {nb: declared.get(nb) or notebook_parameters(nb) for nb in every}
        specs = cxplan.resolve(plan, branch_list, nb_paths, declared, parameters, available=available)
        out_dir = _output_folder(out)
        # Absolute: notebooks run with the notebooks folder as their working directory,
        # so a relative results path would land beside the notebooks.
        run_id, run_dir = _new_run_dir(out_dir)
        all_jobs = plan_jobs(run_dir, branch_list, nb_paths, data_dir=data_dir, config_dir=config_dir,
                             lang=lang, specs=specs)
        todo = [j for j in all_jobs if j.status == "pending"]
        extra = {"data_dir": str(data_dir), "config_dir": str(config_dir), "lang": lang,
                 "formats": list(formats),
                 "notebooks_dir": str(Path(nb_paths[0]).parent), "branches": branch_list,
                 "plan": str(plan.path) if plan is not None and plan.path else None,
                 "command_parameters": dict(parameters or {}),
                 "started": _dt.datetime.now().isoformat(timespec="seconds")}
    extra["executor"] = executor
    for job in todo:
        Path(job.directory).mkdir(parents=True, exist_ok=True)
    _write_manifest(run_dir, run_id, all_jobs, extra)

    # A run killed outright leaves its job folder behind: the next rerun clears it.
    handoff = run_dir / ".jobs"
    shutil.rmtree(handoff, ignore_errors=True)
    try:
        with _sigterm_as_interrupt():
            if executor == "dask":
                from cxeval import cluster

                cluster.run_jobs(todo, scheduler=scheduler, workers=workers, timeout=timeout,
                                 progress=progress,
                                 on_done=lambda: _write_manifest(run_dir, run_id, all_jobs, extra))
            else:
                _run_jobs(todo, workers=workers, timeout=timeout, progress=progress,
                          on_done=lambda: _write_manifest(run_dir, run_id, all_jobs, extra), handoff=handoff)
    except KeyboardInterrupt:
        extra["interrupted"] = _dt.datetime.now().isoformat(timespec="seconds")
        _write_manifest(run_dir, run_id, all_jobs, extra)
        write_index(run_dir, lang=lang)
        raise BatchInterrupted(run_dir, sum(j.status == INTERRUPTED for j in all_jobs)) from None
    if "xlsx" in formats:
        export_xlsx(run_dir, all_jobs, lang=lang)
    if "pdf" in formats:
        for job in all_jobs:
            if job.status == OK and job.html:
                try:
                    export_pdf(Path(job.directory) / job.html, Path(job.directory) / f"{job.notebook}.pdf")
                except BatchError as err:   # a page that does not print is said, the run goes on
                    job.error = str(err)
    extra["finished"] = _dt.datetime.now().isoformat(timespec="seconds")
    _write_manifest(run_dir, run_id, all_jobs, extra)
    write_index(run_dir, lang=lang)
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    manifest["run_dir"] = str(run_dir)
    return manifest


def _run_jobs(jobs: list[Job], *, workers: int, timeout: float | None, progress: bool, on_done,
              handoff: Path) -> None:
    """Run jobs in forked children, at most ``workers`` at once, killing any over ``timeout``.

    On KeyboardInterrupt (Ctrl-C, or SIGTERM to the batch) every running job is killed
    with its kernel, and the jobs not finished are marked ``interrupted`` before the
    exception goes on to the caller.
    """
    from tqdm.auto import tqdm

    ctx = multiprocessing.get_context("fork")
    pending = list(jobs)
    running: dict = {}
    handoff.mkdir(parents=True, exist_ok=True)
    bar = tqdm(total=len(jobs), desc="reports", unit="job", disable=not progress, leave=True)
    # The hard limit leaves papermill time to stop the cell itself and save the error cell.
    hard_limit = None if timeout is None else timeout + 30
    try:
        while pending or running:
            while pending and len(running) < workers:
                job = pending.pop(0)
                job.attempts += 1
                job.status = "running"
                result_path = handoff / f"{len(running)}-{time.monotonic_ns()}.json"
                proc = ctx.Process(target=_child, args=(asdict(job), timeout, str(result_path), os.getpid()))
                proc.start()
                running[proc] = (job, result_path, time.monotonic())
            time.sleep(0.05)
            for proc in list(running):
                job, result_path, started = running[proc]
                overdue = hard_limit is not None and time.monotonic() - started > hard_limit
                if proc.is_alive() and not overdue:
                    continue
                if overdue and proc.is_alive():
                    _kill_tree(proc.pid)
                    proc.join(5)
                    job.status = "failed"
                    job.duration_s = round(time.monotonic() - started, 3)
                    job.error = f"timeout: stopped after {timeout:g} s"
                else:
                    proc.join()
                    if result_path.exists():
                        record = json.loads(result_path.read_text(encoding="utf-8"))
                        for key in ("status", "duration_s", "error", "html", "ipynb", "results"):
                            setattr(job, key, record.get(key))
                    else:
                        job.status = "failed"
                        job.duration_s = round(time.monotonic() - started, 3)
                        job.error = f"the job's process died (exit code {proc.exitcode})"
                if job.status == FAILED and not (Path(job.directory) / f"{job.notebook}.html").exists():
                    _atomic_write_text(Path(job.directory) / f"{job.notebook}.html",
                                       _error_html(job, _job_title(job, job.parameters.get("lang", "zh"))))
                    job.html = f"{job.notebook}.html"
                del running[proc]
                bar.update(1)
                bar.set_postfix_str(f"{job.branch}/{job.notebook}: {job.status}")
                on_done()
    except KeyboardInterrupt:
        for job in [*pending, *(j for j, _, _ in running.values())]:
            job.status = INTERRUPTED
            job.error = "interrupted: the run was stopped before this report was finished"
        raise
    finally:
        for proc in running:
            _kill_tree(proc.pid)
        bar.close()
        shutil.rmtree(handoff, ignore_errors=True)
