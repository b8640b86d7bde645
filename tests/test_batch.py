"""Batch runs on tiny purpose-built notebooks (tests/notebooks/): isolation, safety, reruns."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from cxeval import batch
from cxeval.errors import BatchError
from conftest import ROOT

TEST_NOTEBOOKS = ROOT / "tests" / "notebooks"


def _data_naming(folder, branches):
    """A data folder whose subscribers file names ``branches`` (the batch checks names against it)."""
    import pandas as pd

    pd.DataFrame({"branch": list(branches), "period": "2010-01", "subscribers": 1000}).to_csv(
        Path(folder) / "subscribers.csv", index=False)


def _run(tmp_path, branches, notebooks, **kwargs):
    kwargs.setdefault("workers", 2)
    _data_naming(tmp_path, branches)
    return batch.run(branches=branches, notebooks=notebooks, data_dir=tmp_path, out=tmp_path / "reports",
                     notebooks_dir=TEST_NOTEBOOKS, config_dir=tmp_path, progress=False, **kwargs)


def _jobs(manifest):
    return {(j["branch"], j["notebook"]): j for j in manifest["jobs"]}


def test_safe_name_examples():
    assert batch.safe_name("潮安") == "潮安"
    assert batch.safe_name("../../etc") == "_.._etc"
    assert batch.safe_name("CON") == "_CON"
    assert batch.safe_name("com1.txt") == "_com1.txt"
    assert batch.safe_name("..") == "_"
    assert batch.safe_name("a/b\\c:d") == "a_b_c_d"
    assert "/" not in batch.safe_name("/abs/path")


def test_failed_branch_does_not_stop_others(tmp_path):
    manifest = _run(tmp_path, ["潮安", "bad", "贵阳"], ["ok", "fail_on_bad"])
    jobs = _jobs(manifest)
    assert len(jobs) == 6
    assert jobs[("bad", "fail_on_bad")]["status"] == "failed"
    assert "broken data for bad" in jobs[("bad", "fail_on_bad")]["error"]
    others = [j for k, j in jobs.items() if k != ("bad", "fail_on_bad")]
    assert all(j["status"] == "ok" for j in others)
    run_dir = Path(manifest["run_dir"])
    # the failed job keeps its executed notebook with the error cell, and an error page
    executed = json.loads((run_dir / "bad" / "fail_on_bad.ipynb").read_text(encoding="utf-8"))
    errors = [o for c in executed["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors and errors[0]["ename"] == "ValueError"
    page = (run_dir / "bad" / "fail_on_bad.html").read_text(encoding="utf-8")
    assert "broken data for bad" in page
    # numbers come from the sidecar, not from the HTML
    assert jobs[("潮安", "ok")]["results"]["headline"] == "潮安 ok"
    index = (run_dir / "index.html").read_text(encoding="utf-8")
    assert "broken data for bad" in index and "潮安 ok" in index
    # manifest fields of DESIGN.md
    for job in manifest["jobs"]:
        for key in ("branch", "notebook", "status", "duration_s", "error", "html", "parameters",
                    "input_hashes", "version"):
            assert key in job


def test_cli_exit_codes_and_only_failed(tmp_path, monkeypatch):
    from cxeval import cli

    monkeypatch.setattr(batch, "DEFAULT_NOTEBOOKS_DIR", TEST_NOTEBOOKS)
    _data_naming(tmp_path, ["潮安", "bad"])
    args = ["run", "--branches", "潮安", "bad", "--notebooks", "fail_on_bad", "--data", str(tmp_path),
            "--out", str(tmp_path / "reports"), "--workers", "2", "--no-progress"]
    assert cli.main(args) == 1
    (run_dir,) = (tmp_path / "reports").iterdir()
    first = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    ok_mtime = (run_dir / "潮安" / "fail_on_bad.html").stat().st_mtime_ns
    # "fix the data" = make the notebook no longer fail for that branch: rename it in the manifest
    for job in first["jobs"]:
        if job["branch"] == "bad":
            job["parameters"]["branch"] = "fixed"
    (run_dir / "manifest.json").write_text(json.dumps(first, ensure_ascii=False), encoding="utf-8")
    assert cli.main(["run", "--only-failed", str(run_dir), "--no-progress"]) == 0
    second = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert all(j["status"] == "ok" for j in second["jobs"])
    # the job that had succeeded was not rerun
    assert (run_dir / "潮安" / "fail_on_bad.html").stat().st_mtime_ns == ok_mtime
    assert [j["attempts"] for j in second["jobs"]] == [1, 2]
    assert len(list((tmp_path / "reports").iterdir())) == 1


def test_bad_arguments_exit_2(tmp_path, capsys):
    from cxeval import cli

    assert cli.main(["run", "--data", str(tmp_path / "missing"), "--out", str(tmp_path)]) == 2
    assert "does not exist" in capsys.readouterr().err
    with pytest.raises(BatchError, match="unknown notebook 'nope'"):
        batch.discover_notebooks(TEST_NOTEBOOKS, ["nope"])


def test_notebook_without_required_parameters_is_refused(tmp_path):
    with pytest.raises(BatchError, match="does not declare parameter"):
        _run(tmp_path, ["潮安"], ["noparams"])


def test_unsafe_branch_names_stay_inside_run_dir(tmp_path):
    manifest = _run(tmp_path, ["../../etc", "CON", "潮安/饶平"], ["ok"])
    run_dir = Path(manifest["run_dir"]).resolve()
    for job in manifest["jobs"]:
        assert job["status"] == "ok"
        folder = Path(job["parameters"]["results_path"]).parent.resolve()
        assert folder.parent == run_dir
    names = sorted(p.name for p in run_dir.iterdir() if p.is_dir())
    assert names == ["_.._etc", "_CON", "潮安_饶平"]
    assert not (tmp_path.parent / "etc").exists()


def test_new_run_never_reuses_a_directory(tmp_path):
    a = _run(tmp_path, ["潮安"], ["ok"])
    b = _run(tmp_path, ["潮安"], ["ok"])
    assert a["run_dir"] != b["run_dir"]
    assert Path(a["run_dir"], "潮安", "ok.html").exists()


def test_html_has_no_code_and_escapes_text(tmp_path):
    manifest = _run(tmp_path, ["<script>alert(1)</script>"], ["ok"])
    (job,) = manifest["jobs"]
    folder = Path(job["parameters"]["results_path"]).parent
    page = (folder / "ok.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(page, "html.parser")
    code_cells = soup.select(".jp-CodeCell")
    assert code_cells, "expected output cells"
    for cell in code_cells:
        assert not cell.select(".jp-InputArea"), "a code cell shows its input"
    assert "&lt;b&gt;escaped" in page and "<b>escaped" not in page
    assert "<script>alert(1)</script>" not in page
    index = (Path(manifest["run_dir"]) / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in index
    assert "目录" in page  # table of contents


def test_timeout_and_dead_kernel_fail_only_their_job(tmp_path):
    manifest = _run(tmp_path, ["slow", "dead", "fine"], ["hang", "die"], timeout=5)
    jobs = _jobs(manifest)
    assert jobs[("slow", "hang")]["status"] == "failed"
    assert "timeout" in jobs[("slow", "hang")]["error"].lower() or "Timeout" in jobs[("slow", "hang")]["error"]
    assert jobs[("dead", "die")]["status"] == "failed"
    assert jobs[("fine", "hang")]["status"] == "ok" and jobs[("fine", "die")]["status"] == "ok"
    assert jobs[("slow", "die")]["status"] == "ok" and jobs[("dead", "hang")]["status"] == "ok"


def test_many_parallel_jobs_are_reliable(tmp_path):
    branches = [f"b{i:02d}" for i in range(16)]
    manifest = _run(tmp_path, branches, ["ok"], workers=4)
    statuses = [j["status"] for j in manifest["jobs"]]
    assert statuses == ["ok"] * 16, [j["error"] for j in manifest["jobs"] if j["status"] != "ok"]
    for job in manifest["jobs"]:
        assert job["results"]["branch"] == job["branch"]
        page = (Path(job["parameters"]["results_path"]).parent / "ok.html").read_text(encoding="utf-8")
        assert "TCP" not in page and "Traceback" not in page


def test_xlsx_export_collects_key_tables_masked(tmp_path):
    import openpyxl

    manifest = _run(tmp_path, ["潮安"], ["ok", "fail_on_bad"], formats=("html", "xlsx"))
    path = Path(manifest["run_dir"]) / "潮安" / "潮安.xlsx"
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["ok customers"]
    rows = list(book["ok customers"].values)
    assert rows == [("客户号码", "n"), ("138****1234", 5)]   # a Chinese run: a reader's header
    assert "tables" not in manifest["jobs"][0]["results"]
    with pytest.raises(BatchError, match="formats must be among html, xlsx, pdf, got docx"):
        _run(tmp_path, ["潮安"], ["ok"], formats=("docx",))


def test_parameters_reach_notebooks_as_values_not_code(tmp_path):
    tricky = ['\\" + str(__import__("os").getpid()) + "\\', "'; raise SystemExit('", "潮安\\"]
    manifest = _run(tmp_path, tricky, ["ok"])
    for job in manifest["jobs"]:
        assert job["status"] == "ok", job["error"]
        assert job["results"]["branch"] == job["branch"]


def test_relative_output_folder_keeps_results_in_the_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _data_naming(tmp_path, ["潮安"])
    manifest = batch.run(branches=["潮安"], notebooks=["ok"], data_dir=".", out="reports",
                         notebooks_dir=TEST_NOTEBOOKS, config_dir=".", workers=1, progress=False)
    (job,) = manifest["jobs"]
    assert job["results"]["headline"] == "潮安 ok"
    assert Path(manifest["run_dir"]).is_absolute()
    assert (Path(manifest["run_dir"]) / "潮安" / "ok.json").exists()
    assert not (TEST_NOTEBOOKS / "reports").exists()


# --------------------------------------------------------------------------- interrupts
_RUNNER = """
import sys
from cxeval import batch, cli
batch.DEFAULT_NOTEBOOKS_DIR = batch.Path(sys.argv[1])
sys.exit(cli.main(sys.argv[2:]))
"""


def _start_hanging_run(tmp_path):
    """A batch in its own process whose one job hangs in its kernel; returns it once the kernel runs."""
    import subprocess
    import sys
    import time

    import psutil

    _data_naming(tmp_path, ["slow"])
    proc = subprocess.Popen(
        [sys.executable, "-c", _RUNNER, str(TEST_NOTEBOOKS), "run", "--branches", "slow", "--notebooks", "hang",
         "--data", str(tmp_path), "--out", str(tmp_path / "reports"), "--no-progress", "--workers", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        family = psutil.Process(proc.pid).children(recursive=True)
        if any("ipykernel" in " ".join(p.cmdline()) for p in family if p.is_running()):
            time.sleep(2)   # the cell with the sleep is running
            return proc, psutil.Process(proc.pid).children(recursive=True)
        time.sleep(0.2)
    proc.kill()
    pytest.fail("the kernel did not start")


def _all_gone(procs, seconds=20):
    import psutil

    _, alive = psutil.wait_procs(procs, timeout=seconds)
    return [p for p in alive if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]


def test_killed_batch_takes_its_jobs_and_kernels_with_it(tmp_path):
    import signal

    proc, family = _start_hanging_run(tmp_path)
    assert len(family) >= 2                      # the job and its kernel
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    assert _all_gone(family) == [], "jobs or kernels outlived the batch"
    (run_dir,) = (tmp_path / "reports").iterdir()
    assert not (run_dir / "slow" / "hang.html").exists()   # nothing written after the kill
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["jobs"][0]["status"] != "ok"


def test_ctrl_c_stops_cleanly_and_only_failed_reruns_the_interrupted(tmp_path):
    import signal

    from cxeval import cli

    proc, family = _start_hanging_run(tmp_path)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert err.startswith("cxeval run: interrupted: 1 report(s) not finished; cxeval run --only-failed ")
    assert _all_gone(family) == []
    (run_dir,) = (tmp_path / "reports").iterdir()
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["jobs"][0]["status"] == "interrupted" and "interrupted" in manifest
    assert not (run_dir / ".jobs").exists()
    assert "已中断" in (run_dir / "index.html").read_text(encoding="utf-8")
    # the rerun picks up the interrupted job ("fixing" it: the branch no longer hangs)
    manifest["jobs"][0]["parameters"]["branch"] = "fine"
    (run_dir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    assert cli.main(["run", "--only-failed", str(run_dir), "--no-progress"]) == 0
    again = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert again["jobs"][0]["status"] == "ok" and again["jobs"][0]["attempts"] == 2


def test_output_folder_and_worker_problems_are_one_line_exit_2(tmp_path, capsys):
    from cxeval import cli

    _data_naming(tmp_path, ["潮安"])
    a_file = tmp_path / "file.txt"
    a_file.write_text("x", encoding="utf-8")
    base = ["run", "--data", str(tmp_path), "--no-progress"]
    assert cli.main(base + ["--out", str(a_file)]) == 2
    assert capsys.readouterr().err.strip() == f"cxeval run: --out {a_file}: is a file, not a folder"
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    import os

    if os.geteuid() != 0:   # root may write anywhere
        assert cli.main(base + ["--out", str(locked / "reports")]) == 2
        assert "cannot create the folder" in capsys.readouterr().err
    assert cli.main(base + ["--out", str(a_file / "below")]) == 2
    assert "Traceback" not in capsys.readouterr().err
    assert cli.main(base + ["--workers", "0"]) == 2
    assert capsys.readouterr().err.strip() == "cxeval run: workers must be a whole number of at least 1, got 0"


def test_pdf_of_each_report_or_a_clear_message(tmp_path, monkeypatch):
    if batch.find_chromium() is None:
        pytest.skip("no Chromium on this machine (make test installs Debian's chromium)")
    manifest = _run(tmp_path, ["潮安"], ["ok"], formats=("html", "pdf"))
    pdf = Path(manifest["run_dir"]) / "潮安" / "ok.pdf"
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 1000
    monkeypatch.setenv("CXEVAL_CHROMIUM", str(tmp_path / "no-such-browser"))
    with pytest.raises(BatchError, match="--format pdf needs headless Chromium, which is not installed"):
        _run(tmp_path, ["潮安"], ["ok"], formats=("html", "pdf"))


def test_report_pages_fetch_nothing_from_other_hosts(tmp_path):
    manifest = _run(tmp_path, ["潮安"], ["ok"])
    page = (Path(manifest["run_dir"]) / "潮安" / "ok.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(page, "html.parser")
    external = [tag.get("src") or tag.get("href") for tag in soup.find_all(["script", "link", "img", "iframe"])
                if (tag.get("src") or tag.get("href") or "").startswith(("http:", "https:", "//"))]
    assert external == []
    assert "@media print" in page and "size: A4" in page


def test_run_scope_notebook_runs_once_per_run_and_every_page_links_to_it(tmp_path):
    from bs4 import BeautifulSoup as Soup

    manifest = _run(tmp_path, ["潮安", "贵阳"], ["overview", "ok"])
    run_dir = Path(manifest["run_dir"])
    assert [(j["branch"], j["notebook"], j["scope"]) for j in manifest["jobs"]] == [
        ("全部 All", "overview", "run"), ("潮安", "ok", "branch"), ("贵阳", "ok", "branch")]
    overview = manifest["jobs"][0]
    assert overview["status"] == "ok", overview["error"]
    assert overview["parameters"]["branches"] == ["潮安", "贵阳"]
    assert overview["results"]["branches"] == ["潮安", "贵阳"]
    assert (run_dir / "_overview" / "overview.html").exists()
    index = Soup((run_dir / "index.html").read_text(encoding="utf-8"), "html.parser")
    link = index.select_one("section.overview a")
    assert link["href"] == "_overview/overview.html" and "2 个分公司" in index.select_one("section.overview").get_text()
    # above the table, and not a row or a column of it; branches counted without it
    assert str(index).index('class="overview"') < str(index).index("<table")
    assert [td.get_text() for td in index.select("td.branch")] == ["潮安", "贵阳"]
    assert "2 个分公司，3 项" in index.select_one(".meta").get_text()
    # every branch report links back to the overview (and the index); the links resolve
    page = Soup((run_dir / "潮安" / "ok.html").read_text(encoding="utf-8"), "html.parser")
    hrefs = [a["href"] for a in page.select(".cx-meta a.cx-back")]
    assert hrefs == ["../_overview/overview.html", "../index.html"]
    assert all((run_dir / "潮安" / h).resolve().exists() for h in hrefs)


def test_run_scope_notebook_not_applicable_leaves_no_dead_link(tmp_path):
    from bs4 import BeautifulSoup as Soup

    manifest = _run(tmp_path, ["潮安", "none"], ["overview", "ok"])
    run_dir = Path(manifest["run_dir"])
    overview = manifest["jobs"][0]
    assert overview["status"] == "n/a" and overview["error"] == "没有任何数据。"
    index = Soup((run_dir / "index.html").read_text(encoding="utf-8"), "html.parser")
    block = index.select_one("section.overview")
    assert not block.select("a") and "没有任何数据。" in block.get_text()
    # branch pages were planned with the link: it opens a page that says why
    page = Soup((run_dir / "潮安" / "ok.html").read_text(encoding="utf-8"), "html.parser")
    target = run_dir / "潮安" / page.select_one("a.cx-back")["href"]
    assert "没有任何数据。" in target.resolve().read_text(encoding="utf-8")


def test_failed_job_in_the_index_reads_in_the_run_language_and_in_full():
    long_problem = "survey.csv row 14, column 满意数/satisfied: 412 is more than 样本量/responses 400" + "，另见说明" * 80
    error = ("DataError: survey.csv is not valid survey data: 2 problems found\n  - " + long_problem
             + "\n  - survey.csv row 15, column responses: -3 is negative; 联系 13812345678 (cell 4)")
    text = batch.error_summary(error, lang="zh")
    assert text.startswith("输入数据有误，报告未生成：survey.csv is not valid survey data: 2 problems found — ")
    assert long_problem in text and text.endswith("另有 1 个问题，见报告")
    assert "DataError" not in text and "(cell" not in text
    en = batch.error_summary("ValueError: broken data for bad (cell 3)", lang="en")
    assert en == "The report could not be made: broken data for bad"
    masked = batch.error_summary("DataError: 客户 13812345678 的工单有误 (cell 2)")
    assert "138****5678" in masked and "13812345678" not in masked
    manifest = {"run_id": "x", "jobs": [{"branch": "安顺", "notebook": "01_baseline", "status": "failed",
                                        "error": error, "html": "01_baseline.html", "results": {},
                                        "parameters": {"results_path": "/r/安顺/01_baseline.json"}}]}
    soup = BeautifulSoup(batch.render_index(manifest, lang="zh"), "html.parser")
    assert soup.select_one(".err").get_text() == text


def test_xlsx_speaks_the_run_language_with_number_formats(tmp_path):
    """Headers as the report shows them, numbers kept numeric with Excel formats, never raw floats."""
    import openpyxl
    import pandas as pd

    from cxeval import report

    directory = tmp_path / "潮安"
    directory.mkdir()
    sidecar = directory / "01_baseline.json"
    table = pd.DataFrame({"period": ["2008-01", "2008-02"], "responses": [1300, 1280],
                          "rate": [0.9174649963, 0.9263], "gap_to_target": [-0.0325, -0.0237],
                          "hall": ["=HYPERLINK(1)", "庵埠"], "meets_target": [False, True]})
    report.record_table(sidecar, "monthly_rates", table, labels={"rate": "满意度", "period": "月份"},
                        formats={"rate": "pct2"}, title="月度满意度")
    job = batch.Job(branch="潮安", notebook="01_baseline", source="", directory=str(directory),
                    parameters={"results_path": str(sidecar)}, status="ok")
    (path,) = batch.export_xlsx(tmp_path, [job], lang="zh")
    sheet = openpyxl.load_workbook(path)["01 月度满意度"]
    rows = list(sheet.values)
    assert rows[0] == ("月份", "样本量", "满意度", "与目标差距", "营业厅", "达标")
    assert [r[5] for r in rows[1:]] == ["否", "是"]
    rate, gap, n = sheet["C2"], sheet["D2"], sheet["B2"]
    assert rate.value == pytest.approx(0.9174649963) and rate.number_format == "0.00%"
    assert n.value == 1300 and n.number_format == "#,##0"
    # per-cent points: Excel has no such format, so the cell holds -3.3 shown as "-3.3 pp"
    assert gap.value == pytest.approx(-3.25) and gap.number_format == '+0.0" pp";-0.0" pp";0.0" pp"'.replace("+", "")
    assert sheet["E2"].value == "'=HYPERLINK(1)"            # still kept from running as a formula
    (path,) = batch.export_xlsx(tmp_path, [job], lang="en")
    assert list(openpyxl.load_workbook(path)["01 月度满意度"].values)[0][1] == "Responses"
