"""JupyterLab as the team uses it: open notebook 02, run it, move a widget, see the explorer redraw.

Starts ``jupyter lab`` on 127.0.0.1 with a random token in a temporary copy of the
notebooks and the sample data, drives it with headless Chromium (Debian's, as
test_browser.py) and always stops the server and its kernels. Needs Debian's chromium and
CJK fonts (scripts/ensure-browser.sh); in CI a missing browser is a failure, elsewhere a
skip. The screenshots are kept in .test-artifacts/screenshots/.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import ROOT
from test_browser import ARTIFACTS, CHROMIUM, _browser_ready

pytestmark = pytest.mark.browser

STEP = 120_000   # ms: the longest any one step may take
NOTEBOOK = "02_root_cause_pareto.ipynb"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _stop(proc: subprocess.Popen) -> None:
    """Stop the server and every process it started (its kernels), by process id."""
    import psutil

    try:
        children = psutil.Process(proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        children = []
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)
    for child in children:
        try:
            child.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(children, timeout=10)


@pytest.fixture
def lab(tmp_path):
    """A running JupyterLab over a copy of the notebooks and the sample data: (url, token, log)."""
    reason = _browser_ready()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    root = tmp_path / "lab"
    (root / "notebooks").mkdir(parents=True)
    shutil.copy(ROOT / "notebooks" / NOTEBOOK, root / "notebooks" / NOTEBOOK)
    shutil.copytree(ROOT / "data" / "sample", root / "data" / "sample")
    shutil.copytree(ROOT / "data" / "configs", root / "data" / "configs")
    port, token = _free_port(), secrets.token_hex(16)
    log = tmp_path / "lab.log"
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "config"), "OPENBLAS_NUM_THREADS": "1",
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    env.pop("MPLBACKEND", None)
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root", f"--port={port}",
             "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
             "--ServerApp.port_retries=0", "--LabApp.news_url=", "--LabApp.check_for_updates_class="
             "jupyterlab.NeverCheckForUpdate"], stdout=out, stderr=subprocess.STDOUT, env=env, cwd=root)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + STEP / 1000
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("JupyterLab did not start:\n" + log.read_text(errors="replace")[-3000:])
            time.sleep(0.5)
        yield url, token, log
    finally:
        _stop(proc)


def _explorer_output(page) -> str:
    """What the explorer's output area shows: its images and its text."""
    return page.evaluate("""() => {
        const area = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .widget-output');
        if (!area) return '';
        const images = Array.from(area.querySelectorAll('img')).map(i => i.src.slice(-200));
        return images.join('|') + '#' + area.innerText;
    }""")


def test_explorer_in_jupyterlab_redraws_when_a_widget_changes(lab):
    from playwright.sync_api import sync_playwright

    url, token, log = lab
    outside: list[str] = []

    def only_local(route):
        if route.request.url.startswith(url) or route.request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                                           "--disable-background-networking", "--disable-component-update",
                                           "--disable-sync"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(STEP)
            page.route("**/*", only_local)
            page.goto(f"{url}/lab/tree/notebooks/{NOTEBOOK}?token={token}")
            page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for()
            # JupyterLab may ask which kernel to start: the notebook's own (python3)
            dialog = page.locator(".jp-Dialog", has_text="Select Kernel")
            try:
                dialog.wait_for(timeout=15_000)
                dialog.get_by_role("button", name="Select", exact=True).click()
            except Exception:   # no dialog: the kernel started by itself
                pass
            # the kernel is up before anything runs
            page.wait_for_function("() => { const k = document.querySelector("
                                   "'.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator');"
                                   " return k && k.getAttribute('data-status') === 'idle'; }")
            page.get_by_role("menuitem", name="Run", exact=True).click()
            page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
            # the explorer: its controls, then its first drawing
            by = page.locator(".widget-dropdown", has_text="排序对象").locator("select")
            by.wait_for()
            page.wait_for_function("() => { const a = document.querySelector("
                                   "'.jp-NotebookPanel:not(.lm-mod-hidden) .widget-output'); "
                                   "return a && a.querySelector('img') !== null; }")
            page.wait_for_function("() => document.querySelector("
                                   "'.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator')"
                                   ".getAttribute('data-status') === 'idle'")
            before = _explorer_output(page)
            assert "子项" in before and "卡方检验" in before       # the Pareto of sub-items and the shift test
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            by.scroll_into_view_if_needed()
            page.screenshot(path=str(ARTIFACTS / "lab-02-before.png"))
            errors = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output[data-mime-type="
                                  "'application/vnd.jupyter.stderr']")
            assert errors.count() == 0, errors.first.inner_text()
            by.select_option(label="三网")
            page.wait_for_function("(old) => { const a = document.querySelector("
                                   "'.jp-NotebookPanel:not(.lm-mod-hidden) .widget-output'); if (!a) return false; "
                                   "const now = Array.from(a.querySelectorAll('img')).map(i => i.src.slice(-200))"
                                   ".join('|') + '#' + a.innerText; return now !== old && a.querySelector('img') "
                                   "&& a.innerText.trim().length > 0; }",
                                   arg=before)
            # the callback draws the chart, then its tables: read once the kernel is idle
            page.wait_for_function("() => document.querySelector("
                                   "'.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator')"
                                   ".getAttribute('data-status') === 'idle'")
            after = _explorer_output(page)
            page.screenshot(path=str(ARTIFACTS / "lab-02-after.png"))
            assert after != before
            assert "网络" in after and "子项" not in after.split("#", 1)[1]   # now ranked by network
        except Exception:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "lab-02-failure.png"), full_page=True)
            raise
        finally:
            browser.close()
    assert not outside, outside[:3]
