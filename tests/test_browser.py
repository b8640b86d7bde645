"""The reports as a manager sees them: headless Chromium opens the index and every report.

Needs Debian's chromium and CJK fonts (installed by scripts/ensure-browser.sh, which
`make test` runs). Screenshots are kept in .test-artifacts/screenshots/ for a person to
look at. In CI a missing browser is a failure, elsewhere a skip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from cxeval import batch
from conftest import ROOT

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / ".test-artifacts" / "screenshots"


def _browser_ready() -> str | None:
    if not os.path.exists(CHROMIUM):
        return "Debian's chromium is not installed (scripts/ensure-browser.sh installs it as root)"
    fonts = subprocess.run(["fc-list"], capture_output=True, text=True).stdout if shutil.which("fc-list") else ""
    if "Noto Sans CJK" not in fonts:
        return "fonts-noto-cjk is not installed: Chinese HTML text would render as boxes"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed"
    return None


@pytest.fixture(scope="module")
def browser():
    reason = _browser_ready()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    from cxeval import sample

    base = tmp_path_factory.mktemp("browser")
    data_dir = base / "data"
    sample.write_sample(data_dir, seed=0)

    # the sample's plan: 潮安 has the pilot, 贵阳 the scorecard, so every notebook renders once
    manifest = batch.run(plan=ROOT / "projects" / "sample.yaml", branches=["潮安", "贵阳"], data_dir=data_dir,
                         out=base / "reports", workers=2, progress=False)
    failed = [(j["branch"], j["notebook"], j["error"]) for j in manifest["jobs"]
              if j["status"] not in ("ok", "n/a")]
    assert not failed, failed
    return Path(manifest["run_dir"])


def _check_page(page, url: Path, shot: str):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    response = page.goto(url.as_uri(), wait_until="load")
    assert response is None or response.ok
    # no code cells: an input area inside a code cell means code is visible
    assert page.locator(".jp-CodeCell .jp-InputArea").count() == 0
    assert page.locator(".jp-CodeCell .jp-InputPrompt").count() == 0
    # every image has loaded and has a size
    broken = page.evaluate("() => Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0)"
                           ".map(i => i.src.slice(0, 60))")
    assert broken == []
    # no tracebacks or stray warnings in what the reader sees
    text = page.inner_text("body")
    for bad in ("Traceback", "Warning:", "DeprecationWarning", "FutureWarning", "<pandas.io.formats"):
        assert bad not in text, f"{url.name}: {bad!r} in the report"
    # Chinese text renders with a CJK font
    assert page.evaluate("() => document.fonts.check('16px \"Noto Sans CJK SC\"', '满意度')")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / shot), full_page=False)
    assert not errors, errors
    return text


def test_index_links_resolve_and_reports_render(browser, run_dir):
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    _check_page(page, run_dir / "index.html", "index.png")
    links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    # the overview, then 潮安's 01 02 03 05 06 and 贵阳's 01 02 04 05: the n/a (潮安 04, 贵阳 03
    # and 06) are never linked
    assert len(links) == 10 and links[0] == "_overview/00_overview.html"
    for href in links:
        target = (run_dir / href).resolve()
        assert target.exists(), f"index links {href}, which does not exist"
    reports = sorted({(run_dir / h).resolve() for h in links if h.endswith(".html")})
    seen_notebooks = set()
    for report in reports:
        if report.stem in seen_notebooks:
            continue
        seen_notebooks.add(report.stem)
        text = _check_page(page, report, f"{report.parent.name}-{report.stem}.png")
        # a manager's page has no code-world words: switches, config files, folders
        for word in ("explorer=True", ".yaml", "data/configs", "YAML", "DataError", "snake_case"):
            assert word not in text, f"{report.parent.name}/{report.name}: {word!r}"
    assert len(seen_notebooks) == 7   # the overview and 01-06


def test_index_is_readable_on_a_phone(browser, run_dir):
    page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    text = _check_page(page, run_dir / "index.html", "index-phone.png")
    assert "潮安" in text
    # the page itself does not scroll sideways; only the table wrapper may
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_pages_render_fully_with_the_network_blocked(browser, run_dir):
    """Behind an intranet firewall nothing outside the file may be needed: block every request."""
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    outside: list[str] = []

    def block(route):
        url = route.request.url
        if url.startswith(("file:", "data:", "blob:", "about:")):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    page.route("**/*", block)
    pages = [run_dir / "index.html", *sorted(run_dir.glob("*/*.html"))]
    assert len(pages) >= 9
    for path in pages:
        _check_page(page, path, f"offline-{path.parent.name}-{path.stem}.png")
    assert outside == [], outside[:3]


def test_overview_shows_the_source_figures_offline_and_every_report_links_back(browser, run_dir):
    """The manager's first page: opened with the network blocked, the figures the workbook
    is calibrated to are there as text, and each branch report leads back to it."""
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    outside: list[str] = []

    def block(route):
        if route.request.url.startswith(("file:", "data:", "blob:", "about:")):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", block)
    overview = run_dir / "_overview" / "00_overview.html"
    text = _check_page(page, overview, "overview.png")
    page.screenshot(path=str(ARTIFACTS / "overview-full.png"), full_page=True)
    # DOMAIN.md §1: Chaozhou Jan-Mar 2008, two decimals, as a branch x month table
    for figure in ("92.63%", "91.72%", "96.31%"):
        assert figure in text, figure
    row = page.locator("tr", has_text="92.63%").first.inner_text()
    assert "潮安" in row and row.index("92.63%") < row.index("91.72%") < row.index("96.31%")
    # DOMAIN.md §4: the satisfaction KPI 2006 / 2005 and the spread between branches
    assert "19.5" in text and "12.98" in text
    assert "相差 8.2 个百分点" in text and "黔南 15.5 个百分点" in text
    # DOMAIN.md §2: the campaign's July baseline
    assert "3,428" in text and "748" in text
    assert outside == [], outside[:3]
    # the index links it above the table; every branch report links back to it
    page.goto((run_dir / "index.html").as_uri())
    assert page.locator("section.overview a").get_attribute("href") == "_overview/00_overview.html"
    assert page.evaluate("() => document.querySelector('section.overview').getBoundingClientRect().bottom"
                         " <= document.querySelector('table').getBoundingClientRect().top")
    for report in sorted(run_dir.glob("[!_]*/*.html")):
        page.goto(report.as_uri())
        back = page.locator(".cx-meta a.cx-back").first
        assert back.inner_text() == "← 全省概览", report
        assert (report.parent / back.get_attribute("href")).resolve() == overview.resolve()


def test_sections_from_another_time_say_so(browser, run_dir):
    """01 §5 showed 2006 brand data with no year in a 2008 report; 02 compared 2010-07 with
    2010-11 tickets "before and after" an action register checked on 2008-12-31."""
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    brand = _check_page(page, run_dir / "贵阳" / "01_baseline.html", "guiyang-01-brand-year.png")
    assert "品牌调查期间：2006年第2季度至2006年第4季度（本报告的营业厅调查是 2008 年，不是同一年）。" in brand
    register = _check_page(page, run_dir / "潮安" / "02_root_cause_pareto.html", "chaoan-02-register.png")
    assert ("这里比较的是 2010-07 与 2010-11 两个月的投诉工单；措施登记表的检查日期是 2008-12-31，"
            "比所比较的月份早一年以上") in register
