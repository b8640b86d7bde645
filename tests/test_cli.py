"""The `cxeval` command: exit codes and what it prints (DESIGN.md "Command line")."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import pandas as pd
import pytest

from cxeval import cli
from conftest import CONFIGS, ROOT


def _digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_sample_twice_same_bytes(tmp_path, capsys):
    assert cli.main(["sample", "--out", str(tmp_path / "a"), "--seed", "3"]) == 0
    assert cli.main(["sample", "--out", str(tmp_path / "b"), "--seed", "3"]) == 0
    a, b = _digest(tmp_path / "a"), _digest(tmp_path / "b")
    assert a == b and len(a) >= 7
    assert "hall_survey.csv" in capsys.readouterr().out


def test_sample_rejects_bad_scale(capsys, tmp_path):
    assert cli.main(["sample", "--out", str(tmp_path), "--scale", "0"]) == 2
    assert "--scale must be positive" in capsys.readouterr().err


def test_validate_gbk_chinese_headers(tmp_path, capsys):
    path = tmp_path / "满意度.csv"
    frame = pd.DataFrame({"月份": ["2008年1月", "2008年2月"], "分公司": ["潮安", "潮安"],
                          "营业厅": ["庵埠", "庵埠"], "样本量": [300, 280], "满意数": [280, 262]})
    frame.to_csv(path, index=False, encoding="gbk")
    assert cli.main(["validate", str(path), "--kind", "survey"]) == 0
    out = capsys.readouterr().out
    assert "OK" in out and "2 rows" in out


def test_validate_lists_three_problems_exit_2(tmp_path, capsys):
    path = tmp_path / "survey.csv"
    path.write_text(
        "月份,分公司,营业厅,样本量,满意数\n"
        "2008-01,潮安,庵埠,300,280\n"
        "2008-13,潮安,彩塘,300,280\n"      # row 3: bad period
        "2008-02,潮安,金石,abc,280\n"      # row 4: non-numeric count
        "2008-02,潮安,浮洋,400,412\n",     # row 5: satisfied > responses
        encoding="utf-8")
    assert cli.main(["validate", str(path), "--kind", "survey"]) == 2
    err = capsys.readouterr().err
    assert "row 3" in err and "row 4" in err and "row 5" in err
    assert "样本量/responses" in err and "满意数/satisfied" in err and "月份/period" in err
    assert "412" in err and "abc" in err


def test_score_prints_and_writes_totals(tmp_path, capsys):
    scores = tmp_path / "scores.csv"
    pd.DataFrame({"unit": ["黔东南"] * 3 + ["毕节"] * 3, "period": ["2006-Q2", "2006-Q3", "2006-Q4"] * 2,
                  "item": ["third_party"] * 6, "value": [12.0, 16.4, 17.2, 18.0, 14.0, 19.0]}).to_csv(
        scores, index=False)
    out = tmp_path / "totals.csv"
    code = cli.main(["score", "--config", str(CONFIGS / "guizhou_2006_quarterly.yaml"), "--input", str(scores),
                     "--out", str(out)])
    printed = capsys.readouterr().out
    assert code == 0, printed
    totals = pd.read_csv(out, encoding="utf-8-sig")
    assert list(totals.columns[:2]) == ["unit", "total"] and "rank" in totals.columns
    assert "黔东南" in printed


def test_score_malformed_config_exit_2(tmp_path, capsys):
    config = tmp_path / "bad.yaml"
    config.write_text("name: bad\ntotal: 10\nitems:\n  - id: a\n    max_points: -1\n    rule: magic\n",
                      encoding="utf-8")
    scores = tmp_path / "s.csv"
    scores.write_text("unit,period,item,value\nA,2006,a,1\n", encoding="utf-8")
    assert cli.main(["score", "--config", str(config), "--input", str(scores)]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml" in err


def test_score_refuses_to_overwrite_its_input(tmp_path, capsys):
    scores = tmp_path / "s.csv"
    scores.write_text("unit,period,item,value\n黔东南,2006-Q2,third_party,12\n", encoding="utf-8")
    before = scores.read_bytes()
    code = cli.main(["score", "--config", str(CONFIGS / "guizhou_2006_quarterly.yaml"), "--input", str(scores),
                     "--out", str(scores)])
    assert code == 2 and scores.read_bytes() == before


def test_console_script_help():
    result = subprocess.run([sys.executable, "-m", "cxeval.cli", "--help"], capture_output=True, text=True,
                            cwd=ROOT)
    assert result.returncode == 0
    for command in ("sample", "validate", "score", "run"):
        assert command in result.stdout


def test_unknown_kind_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["validate", "x.csv", "--kind", "nope"])
    assert exc.value.code == 2


def test_score_out_keeps_formula_like_unit_names_as_text(tmp_path):
    scores = tmp_path / "scores.csv"
    units = ['=HYPERLINK("http://x.example","点此")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-1+1"]
    pd.DataFrame({"unit": units, "period": ["2006-Q2"] * 4, "item": ["third_party"] * 4,
                  "value": [12.0, 16.4, 17.2, 18.0]}).to_csv(scores, index=False)
    out = tmp_path / "totals.csv"
    code = cli.main(["score", "--config", str(CONFIGS / "guizhou_2006_quarterly.yaml"), "--input",
                     str(scores), "--out", str(out)])
    assert code == 0
    totals = pd.read_csv(out, encoding="utf-8-sig")
    assert sorted(totals["unit"]) == sorted("'" + u for u in units)
    assert totals["total"].dtype == float and totals["rank"].dtype == "int64"


# Hostile input files, as messy real-world exports come: (file name, kind, builder, exit code).
# Each must give exit 0 (with the right numbers) or exit 2 with the problems, never a traceback.
_SURVEY = "月份,分公司,营业厅,样本量,满意数\n"


def _text(body, encoding="utf-8"):
    return lambda path: path.write_bytes(body.encode(encoding))


def _xlsx(rows):
    def build(path):
        import openpyxl

        book = openpyxl.Workbook()
        for row in rows:
            book.active.append(row)
        book.save(path)
    return build


def _parquet(frame):
    return lambda path: frame.to_parquet(path)


HOSTILE = [
    ("subtotal.csv", "survey", _text(_SURVEY + "2008-01,潮安,庵埠,400,372\n2008-01,潮安,小计,400,372\n"
                                     "2008-01,全省平均,,400,372\n"), 0),
    ("pivot.csv", "survey", _text(_SURVEY + "2008-01,潮安,庵埠,400,372\n2008-01,潮安,,400,372\n,,,400,372\n"), 2),
    ("repeated_rows.csv", "survey", _text(_SURVEY + "2008-01,潮安,庵埠,400,372\n" * 2), 2),
    ("repeated_header.csv", "survey", _text("月份,分公司,样本量,满意数,满意数\n2008-01,潮安,400,372,1\n"), 2),
    ("overflow.csv", "survey", _text(_SURVEY + "2008-01,潮安,庵埠,1e20,9223372036854775807\n"
                                     "2008-02,潮安,庵埠,inf,-inf\n2008-03,潮安,庵埠,NaN,1e400\n"), 2),
    ("separators.csv", "survey", _text(_SURVEY + '2008-01,潮安,庵埠,"2,72",1\n2008-02,潮安,庵埠,218 300,1\n'
                                       '2008-03,潮安,庵埠,50%,0x10\n'), 2),
    ("decimal_periods.csv", "survey", _text(_SURVEY + "2008.1,潮安,庵埠,400,372\n2008.10,潮安,庵埠,400,372\n"), 2),
    ("decimal_periods.xlsx", "survey", _xlsx([["月份", "分公司", "满意度"], [2008.1, "潮安", 0.9],
                                              [2008.11, "潮安", 0.9]]), 2),
    ("utf16.csv", "survey", _text(_SURVEY + "2008-01,潮安,庵埠,400,372\n", "utf-16-le"), 0),
    ("utf16_bom.csv", "survey", _text(_SURVEY + "2008-01,潮安,庵埠,400,372\n", "utf-16"), 0),
    ("title_row.csv", "survey", _text("2008年满意度调查\n" + _SURVEY + "2008-01,潮安,庵埠,400,372\n"), 0),
    ("full_width.csv", "survey", _text(_SURVEY + "２００８－０１,潮安,庵埠,４００,３７２\n"), 0),
    ("formulas.csv", "survey", _text(_SURVEY + '2008-01,=HYPERLINK("http://x"),@SUM(1),400,372\n'
                                     "2008-01,+cmd|' /C calc'!A0,-2+3,400,372\n"), 0),
    ("pii_in_cells.csv", "survey", _text(_SURVEY + "138 1234 5678,潮安,庵埠,400,372\n"
                                         "2008-01,潮安,庵埠,11010519491231002X,zhang@example.com\n"), 2),
    ("binary.csv", "survey", lambda path: path.write_bytes(bytes(range(256)) * 8), 2),
    ("nul.csv", "survey", lambda path: path.write_bytes(b"period,branch,rate\n2008-01,\x00\x00,0.9\n"), 2),
    ("empty.csv", "survey", _text(""), 2),
    ("header_only.csv", "survey", _text(_SURVEY), 2),
    ("ragged.csv", "survey", _text(_SURVEY + '2008-01,潮安,庵埠,400,372,9,9,9\n"2008-02,"潮安,x\n'), 2),
    ("damaged.xlsx", "survey", lambda path: path.write_bytes(b"PK\x03\x04 not a workbook"), 2),
    ("totals.xlsx", "survey", _xlsx([["2008年满意度"], ["月份", "分公司", "样本量", "满意数"],
                                     ["2008-01", "潮安", 400, 372], ["2008-01", "总计", 400, 372]]), 0),
    ("tickets.csv", "tickets", _text(
        "工单号,客户号码,分公司,受理时间,渠道,投诉子项,网络,是否升级,一次解决,质检合格,摘要\n"
        "T1,13800138000,贵阳,2010-07-01 08:05,热线,=1+1,support,否,是,是,联系 138-1234-5678\n"
        "T1,13900139000,遵义,13912345678,热线,计费账单,support,否,是,是,\n"
        "合计：2 条,,,,,,,,,,\n"), 2),
    ("scores.csv", "scores", _text("unit,period,item,value\n黔东南,2006-Q2,third_party,77.5%\n"
                                   "全省平均,2006-Q2,third_party,15\n毕节,2006-Q2,third_party,inf\n"), 2),
    ("subscribers.parquet", "subscribers", _parquet(pd.DataFrame(
        {"branch": ["潮安", "饶平"], "period": ["2010-01", "2010-01"],
         "subscribers": [2**63 - 1, -(2**63)]})), 2),
    ("inf.parquet", "survey", _parquet(pd.DataFrame(
        {"period": ["2008-01"], "branch": ["潮安"], "rate": [float("inf")]})), 2),
    ("causes.csv", "causes", _text("类别,原因,票数\n人员,引导员职责未落实,12\n,合计,12\n"), 0),
]


@pytest.mark.parametrize("name, kind, build, code", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_validate_hostile_files_without_traceback(tmp_path, capsys, name, kind, build, code):
    import re

    path = tmp_path / name
    build(path)
    assert cli.main(["validate", str(path), "--kind", kind]) == code
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert (out if code == 0 else err).startswith(f"{path}: ")
    # no personal number unmasked (the masked form keeps the first 3 and last 4 digits)
    assert not re.search(r"(?<!\d)(1[3-9]\d[ -]?\d{4}[ -]?\d{4}|\d{17}[\dX])(?!\d)|zhang@", out + err)


def test_score_and_branch_discovery_see_no_total_rows(tmp_path, capsys):
    from cxeval import batch

    scores = tmp_path / "kpi_scores.csv"
    scores.write_text("unit,period,item,value\n黔东南,2006-Q2,third_party,12\n毕节,2006-Q2,third_party,14\n"
                      "全省平均,2006-Q2,third_party,13\n合计,2006-Q2,third_party,26\n", encoding="utf-8")
    assert cli.main(["score", "--config", str(CONFIGS / "guizhou_2006_quarterly.yaml"), "--input",
                     str(scores)]) == 0
    printed = capsys.readouterr().out
    assert "黔东南" in printed and "全省平均" not in printed and "合计" not in printed
    (tmp_path / "hall_survey.csv").write_text(
        "月份,分公司,营业厅,样本量,满意数\n2008-01,潮安,庵埠,400,372\n2008-01,全省,,400,372\n"
        "2008-01,合计,,400,372\n", encoding="utf-8")
    assert batch.discover_branches(tmp_path) == ["潮安", "黔东南", "毕节"]


@pytest.mark.parametrize("config, inputs, expected", [
    # DOMAIN.md §4: the satisfaction KPI, 19.5 of 20 in 2006 and 12.98 in 2005
    ("guizhou_2006_kpi", "kpi_annual.csv", {("贵州移动", "2005"): 12.98, ("贵州移动", "2006"): 19.5}),
    # DOMAIN.md §4: 黔东南 7.7 and 毕节 8.5 third-party points
    ("guizhou_2006_quarterly", "kpi_scores.csv", {"黔东南": 7.7, "毕节": 8.5}),
])
def test_every_shipped_scorecard_scores_its_sample_input(sample_dir, tmp_path, capsys, config, inputs, expected):
    out = tmp_path / "totals.csv"
    code = cli.main(["score", "--config", str(CONFIGS / f"{config}.yaml"), "--input", str(sample_dir / inputs),
                     "--out", str(out)])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    totals = pd.read_csv(out, encoding="utf-8-sig", dtype={"period": str})
    assert not totals["total"].isna().any()
    for key, value in expected.items():
        if isinstance(key, tuple):
            row = totals[(totals["unit"] == key[0]) & (totals["period"] == key[1])]
            assert row["total"].iloc[0] == value
        else:
            assert totals.loc[totals["unit"] == key, "third_party"].iloc[0] == value
    assert "Scorecard.explain" not in printed.err


def test_unicom_and_campaign_sample_inputs_score_completely(sample_dir, capsys):
    from cxeval import kpi

    for config, inputs in (("unicom_2003_branch", "kpi_unicom.csv"), ("campaign_2010", "kpi_campaign.csv")):
        assert cli.main(["score", "--config", str(CONFIGS / f"{config}.yaml"),
                         "--input", str(sample_dir / inputs)]) == 0
        assert "missing" not in capsys.readouterr().err
    totals = kpi.score_file(CONFIGS / "unicom_2003_branch.yaml", sample_dir / "kpi_unicom.csv")
    raw = pd.read_csv(sample_dir / "kpi_unicom.csv")
    sat = raw[raw["item"] == "customer_satisfaction"].set_index("unit")["value"]
    points = raw[raw["item"] != "customer_satisfaction"].groupby("unit")["value"].sum()
    for row in totals.itertuples():   # by hand: satisfaction 40% + scorecard 60%, one decimal half up
        assert row.total == kpi.round_half_up(points[row.unit], 1)
        assert row.composite == kpi.round_half_up(0.4 * sat[row.unit] + 0.6 * points[row.unit], 1)


def test_score_prints_one_precision_and_says_what_is_missing_in_words(tmp_path, capsys):
    scores = tmp_path / "s.csv"
    pd.DataFrame({"unit": ["甲", "甲", "乙", "乙", "乙"], "period": ["2006-Q2", "2006-Q3", "2006-Q2", "2006-Q3", "2006-Q4"],
                  "item": "third_party", "value": [20.0, 20.0, 20.0, 20.0, 20.0]}).to_csv(scores, index=False)
    assert cli.main(["score", "--config", str(CONFIGS / "guizhou_2006_quarterly.yaml"), "--input", str(scores)]) == 0
    captured = capsys.readouterr()
    assert " 6.5 " in captured.out and " 10.0 " in captured.out   # 3 + 3.5, and 3 + 3.5 + 3.5: one decimal each
    assert "value(s) missing, not scored" in captured.err and "甲 2006-Q4 third_party" in captured.err
    # nothing in the file fits the scorecard: exit 2 with both lists of items
    other = tmp_path / "o.csv"
    pd.DataFrame({"unit": ["甲"], "period": ["2006"], "item": ["overal_satisfaction"], "value": [9.5]}).to_csv(
        other, index=False)
    assert cli.main(["score", "--config", str(CONFIGS / "guizhou_2006_kpi.yaml"), "--input", str(other)]) == 2
    err = capsys.readouterr().err
    assert "no value in" in err and "overall_satisfaction" in err and "overal_satisfaction" in err
