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
