"""Tests of cxeval.schemas and cxeval.data: every reader, every format, every problem.

Expected values are written out by hand next to each input (the input is the reference):
e.g. "95.3%" is 0.953 by definition, and 372 satisfied of 400 responses is 372/400 = 0.93.
Input files are built in ``tmp_path`` by the tests; the committed templates in
data/templates are checked against a fresh ``write_templates`` run.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from cxeval import data, schemas
from cxeval.errors import DataError

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "data" / "templates"

SURVEY_ZH = "月份,分公司,营业厅,样本量,满意数\n" \
            "2008-01,潮安,庵埠,400,372\n" \
            "2008-02,饶平,黄冈,250,230\n"


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def write_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
    book.save(path)
    return path


def problems_of(source, kind, **kw) -> list[str]:
    with pytest.raises(DataError) as info:
        data.load(source, kind, **kw)
    assert info.value.problems, "a DataError must list its problems"
    return info.value.problems


def survey_frame(**columns) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    # one row per month: rows of a survey must not repeat their period, branch and hall
    base = {"period": [f"2008-{m:02d}" for m in range(1, n + 1)], "branch": ["潮安"] * n}
    base.update(columns)
    return pd.DataFrame(base)


# =========================================================================== schemas
BRIEF_ALIASES = [  # (header, kind, canonical): the aliases the project brief names
    ("分公司", "survey", "branch"), ("branch", "survey", "branch"), ("营业厅", "survey", "hall"),
    ("月份", "survey", "period"), ("期间", "survey", "period"), ("样本量", "survey", "responses"),
    ("调查样本", "survey", "responses"), ("满意数", "survey", "satisfied"),
    ("满意人数", "survey", "satisfied"), ("满意度", "survey", "rate"), ("满意率", "survey", "rate"),
    ("细分", "survey", "segment"), ("品牌", "survey", "segment"),
    ("工单号", "tickets", "ticket_id"), ("客户号码", "tickets", "customer_id"),
    ("用户号码", "tickets", "customer_id"), ("受理时间", "tickets", "opened_at"),
    ("提交时间", "tickets", "submitted_at"), ("派单时间", "tickets", "dispatched_at"),
    ("回复时间", "tickets", "replied_at"), ("回单时间", "tickets", "returned_at"),
    ("结案时间", "tickets", "closed_at"), ("渠道", "tickets", "channel"),
    ("投诉子项", "tickets", "category"), ("类别", "tickets", "category"),
    ("网络", "tickets", "network"), ("三网", "tickets", "network"),
    ("是否升级", "tickets", "escalated"), ("一次解决", "tickets", "first_contact_resolved"),
    ("质检合格", "tickets", "qualified"), ("摘要", "tickets", "summary"),
    ("类别", "causes", "bone"), ("骨", "causes", "bone"), ("原因", "causes", "cause"),
    ("子原因", "causes", "subcause"), ("票数", "causes", "count"), ("次数", "causes", "count"),
    ("votes", "causes", "count"), ("count", "causes", "count"), ("单位", "scores", "unit"),
    ("项目", "scores", "item"), ("指标", "scores", "item"), ("得分", "scores", "value"),
    ("值", "scores", "value"), ("用户数", "subscribers", "subscribers"),
    ("措施", "actions", "action"), ("责任人", "actions", "owner"), ("完成时间", "actions", "due"),
    ("状态", "actions", "status"), ("原因", "actions", "cause"),
]


@pytest.mark.parametrize("header, kind, canonical", BRIEF_ALIASES)
def test_brief_aliases_match(header, kind, canonical):
    assert schemas.match_header(header, kind) == canonical


@pytest.mark.parametrize("header, canonical", [
    (" Ticket ID ", "ticket_id"), ("TICKET_ID", "ticket_id"), ("ticket-id", "ticket_id"),
    ("Opened At", "opened_at"), ("First-contact resolved", "first_contact_resolved"),
    ("工单号 ", "ticket_id"), ("summary", "summary"),
])
def test_headers_match_ignoring_case_and_spaces(header, canonical):
    assert schemas.match_header(header, "tickets") == canonical


def test_header_unit_in_brackets_is_ignored():
    assert schemas.match_header("满意度(%)", "survey") == "rate"
    assert schemas.match_header("样本量（个）", "survey") == "responses"  # full-width brackets
    assert schemas.match_header("备注", "survey") is None


def test_every_column_accepts_its_name_and_labels():
    for kind, schema in schemas.SCHEMAS.items():
        for col in schema.columns:
            for header in (col.name, col.zh, col.en):
                assert schemas.match_header(header, kind) == col.name, (kind, header)


def test_label_gives_zh_and_en():
    assert schemas.label("responses", "zh") == "样本量"
    assert schemas.label("responses", "en") == "Responses"
    assert schemas.label("satisfied") == "满意数"
    assert schemas.label("opened_at", "zh") == "受理时间"
    assert schemas.label("count", "zh") == "票数"


def test_label_rejects_unknown_column_and_lang():
    with pytest.raises(ValueError, match=r"column must be a canonical column name .*got 'ci_low'"):
        schemas.label("ci_low")
    with pytest.raises(ValueError, match=r"lang must be 'zh' or 'en'; got 'fr'"):
        schemas.label("responses", "fr")


def test_schema_lists_kinds_when_unknown():
    with pytest.raises(ValueError, match=r"kind must be one of 'survey', 'tickets', 'causes', "
                                         r"'scores', 'subscribers', 'actions', 'pilots', 'charter', "
                                         r"'team', 'tasks'; got 'survy'"):
        schemas.schema("survy")


def test_alias_used_twice_in_one_kind_is_refused():
    a = schemas.Column("a", "text", "甲", "A", ("x",))
    b = schemas.Column("b", "text", "乙", "B", ("X",))
    with pytest.raises(ValueError, match=r"header alias 'X' is used by both 'a' and 'b'"):
        schemas.Schema("demo", "示例", "Demo", (a, b))


def test_contracts_of_design_md():
    # DESIGN.md "Data contracts": required columns per kind.
    assert schemas.SCHEMAS["survey"].required == ("period", "branch")
    assert schemas.SCHEMAS["survey"].one_of == ("satisfied", "rate")
    assert set(schemas.SCHEMAS["tickets"].required) == {
        "ticket_id", "customer_id", "branch", "opened_at", "channel", "category", "network",
        "escalated", "first_contact_resolved", "qualified"}
    assert schemas.SCHEMAS["causes"].required == ("bone", "cause")
    assert schemas.SCHEMAS["scores"].required == ("unit", "period", "item", "value")
    assert schemas.SCHEMAS["subscribers"].required == ("branch", "period", "subscribers")
    assert schemas.SCHEMAS["actions"].names == ("branch", "cause", "action", "owner", "due", "status")
    assert schemas.SCHEMAS["actions"].required == ("cause", "action", "owner", "due", "status")
    assert schemas.SCHEMAS["pilots"].required == ("branch", "hall", "pilot_start")


# =========================================================================== readers
EXPECTED_SURVEY = pd.DataFrame({
    "period": ["2008-01", "2008-02"], "branch": ["潮安", "饶平"], "hall": ["庵埠", "黄冈"],
    "responses": [400, 250], "satisfied": [372, 230],
    "rate": [372 / 400, 230 / 250],  # 0.93 and 0.92
}).astype({"period": "str", "branch": "str", "hall": "str"})


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings_with_chinese_headers(tmp_path, encoding):
    path = write(tmp_path / "survey.csv", SURVEY_ZH, encoding)
    pd.testing.assert_frame_equal(data.load(path, "survey"), EXPECTED_SURVEY)


def test_csv_english_headers_and_str_path(tmp_path):
    text = "Period,Branch,Hall,Responses,Satisfied\n2008-01,潮安,庵埠,400,372\n" \
           "2008-02,饶平,黄冈,250,230\n"
    path = write(tmp_path / "survey.csv", text)
    pd.testing.assert_frame_equal(data.load(str(path), "survey"), EXPECTED_SURVEY)


def test_xlsx_default_named_and_indexed_sheet(tmp_path):
    rows_zh = [["月份", "分公司", "营业厅", "样本量", "满意数"],
               ["2008-01", "潮安", "庵埠", 400, 372], ["2008-02", "饶平", "黄冈", 250, 230]]
    rows_en = [["period", "branch", "hall", "responses", "satisfied"], *rows_zh[1:]]
    path = write_xlsx(tmp_path / "survey.xlsx", {"zh": rows_zh, "en": rows_en})
    for sheet in (None, "zh", "en", 1, -1):
        pd.testing.assert_frame_equal(data.load(path, "survey", sheet=sheet), EXPECTED_SURVEY)


def test_xlsx_native_cells_dates_percent_and_title_rows(tmp_path):
    # Excel date cells as periods, rates as percent-formatted proportions, a title and a
    # blank line above the header: rows keep Excel's numbering (header = row 3).
    rows = [["2008年满意度调查"], [],
            ["月份", "分公司", "满意度"],
            [dt.datetime(2008, 1, 1), "潮安", 0.9263],
            [dt.datetime(2008, 2, 15), "潮安", 0.9172]]
    path = write_xlsx(tmp_path / "survey.xlsx", {"Sheet1": rows})
    df = data.load(path, "survey")
    assert df["period"].tolist() == ["2008-01", "2008-02"]
    assert df["rate"].tolist() == pytest.approx([0.9263, 0.9172])
    rows.append(["2008-13", "潮安", 0.95])  # sheet row 6
    write_xlsx(path, {"Sheet1": rows})
    assert problems_of(path, "survey") == [
        "survey.xlsx row 6, column 月份/period: expected a period like 2008-03, 2008年3月, "
        "2006-Q2 or 2006, found '2008-13'"]


def test_xlsx_tickets_with_datetime_cells_and_numeric_ids(tmp_path):
    header = ["工单号", "客户号码", "分公司", "受理时间", "渠道", "投诉子项", "网络", "结案时间",
              "是否升级", "一次解决", "质检合格"]
    rows = [header,
            [1001, 13800138000, "贵阳", dt.datetime(2010, 7, 1, 8, 5), "热线", "计费账单",
             "服务支撑质量", dt.datetime(2010, 7, 2, 9, 0), "否", "是", 1],
            [1002, 13900139000, "遵义", "2010/7/1 9:30", "营业厅", "信号覆盖", "产品网络质量",
             None, "是", "否", 0]]
    df = data.load(write_xlsx(tmp_path / "tickets.xlsx", {"t": rows}), "tickets")
    assert df["ticket_id"].tolist() == ["1001", "1002"]
    assert df["customer_id"].tolist() == ["13800138000", "13900139000"]
    assert df["opened_at"].tolist() == [pd.Timestamp("2010-07-01 08:05"),
                                        pd.Timestamp("2010-07-01 09:30")]
    assert df["closed_at"].iloc[0] == pd.Timestamp("2010-07-02 09:00")
    assert pd.isna(df["closed_at"].iloc[1])
    assert df["network"].tolist() == ["support", "product"]
    assert df["escalated"].tolist() == [False, True]
    assert df["qualified"].dtype == bool


def test_xlsx_missing_sheet_lists_sheets(tmp_path):
    path = write_xlsx(tmp_path / "s.xlsx", {"zh": [["a"]], "en": [["a"]]})
    with pytest.raises(DataError, match=r"s.xlsx: no sheet named '2009'; sheets: zh, en"):
        data.load(path, "survey", sheet="2009")
    with pytest.raises(DataError, match=r"sheet=5 is out of range: the workbook has 2 sheet"):
        data.load(path, "survey", sheet=5)
    with pytest.raises(TypeError, match=r"sheet must be a sheet name \(str\) or a 0-based index"):
        data.load(path, "survey", sheet=1.5)


def test_sheet_with_a_csv_is_refused(tmp_path):
    path = write(tmp_path / "survey.csv", SURVEY_ZH)
    with pytest.raises(ValueError, match=r"sheet is only used with Excel files .*survey.csv"):
        data.load(path, "survey", sheet="zh")


def test_parquet_with_native_types(tmp_path):
    frame = pd.DataFrame({
        "ticket_id": ["A1", "A2"], "customer_id": [13800138000, 13900139000],
        "branch": ["贵阳", "遵义"],
        "opened_at": pd.to_datetime(["2010-07-01 08:05", "2010-07-03 10:00"]),
        "channel": ["热线", "热线"], "category": ["计费账单", "信号覆盖"],
        "network": pd.Categorical(["support", "product"]),
        "escalated": [False, True], "first_contact_resolved": [True, False],
        "qualified": [True, True]})
    path = tmp_path / "tickets.parquet"
    frame.to_parquet(path)
    df = data.load(path, "tickets")
    assert df["customer_id"].tolist() == ["13800138000", "13900139000"]
    assert df["opened_at"].dtype == "datetime64[ns]"
    assert df["network"].tolist() == ["support", "product"]
    assert df["escalated"].tolist() == [False, True]


def test_dataframe_is_validated_the_same_way_and_keeps_its_index():
    frame = pd.DataFrame({"月份": ["2008-01", "2008-02"], "分公司": ["潮安", "饶平"],
                          "营业厅": ["庵埠", "黄冈"], "样本量": [400, 250], "满意数": [372, 230]},
                         index=[10, 11])
    df = data.load(frame, "survey")
    pd.testing.assert_frame_equal(df, EXPECTED_SURVEY.set_axis([10, 11]))
    frame.loc[11, "满意数"] = 260
    assert problems_of(frame, "survey") == [
        "<DataFrame> index 11, column 满意数/satisfied: 260 is more than 样本量/responses 250"]


def test_dataframe_input_is_not_modified():
    frame = pd.DataFrame({"月份": ["2008/1"], "分公司": [" 潮安 "], "满意度": ["95%"]})
    before = frame.copy()
    data.load(frame, "survey")
    pd.testing.assert_frame_equal(frame, before)


def test_extra_columns_are_kept_unchanged_after_canonical_ones(tmp_path):
    text = "备注,月份,分公司,样本量,满意数,调查公司\n说明,2008-01,潮安,400,372,  甲公司\n"
    df = data.load(write(tmp_path / "s.csv", text), "survey")
    assert df.columns.tolist() == ["period", "branch", "responses", "satisfied", "rate",
                                   "备注", "调查公司"]
    assert df["调查公司"].iloc[0] == "  甲公司"  # not even stripped


def test_blank_rows_are_dropped_and_rows_keep_their_line_numbers(tmp_path):
    text = "月份,分公司,样本量,满意数\n2008-01,潮安,400,372\n\n,,,\n2008-02,潮安,x,230\n"
    assert problems_of(write(tmp_path / "s.csv", text), "survey") == [
        "s.csv row 5, column 样本量/responses: expected a whole number (0 or more), found 'x'"]


# =========================================================================== conversions
@pytest.mark.parametrize("written, period", [
    ("2008-03", "2008-03"), ("2008/3", "2008-03"), ("2008-3", "2008-03"),
    ("2008年3月", "2008-03"), ("200803", "2008-03"), ("2008-03-15", "2008-03"),
    ("2008/3/15 10:20", "2008-03"), ("2008年3月15日", "2008-03"),
    ("2006Q2", "2006-Q2"), ("2006-Q2", "2006-Q2"), ("2006 Q2", "2006-Q2"), ("2006q2", "2006-Q2"),
    ("2006年第2季度", "2006-Q2"), ("2006年二季度", "2006-Q2"), ("2006年第四季度", "2006-Q4"),
    ("2006", "2006"), ("2006年", "2006"), ("２００８年３月", "2008-03"),
])
def test_period_formats(written, period):
    df = data.load(survey_frame(period=[written], rate=[0.95]), "survey")
    assert df["period"].tolist() == [period]


@pytest.mark.parametrize("cell, period", [
    (dt.datetime(2008, 3, 15), "2008-03"), (dt.date(2008, 3, 1), "2008-03"),
    (pd.Timestamp("2008-12-31 23:59"), "2008-12"), (200803, "2008-03"), (2006, "2006"),
    (pd.Period("2006Q2", freq="Q"), "2006-Q2"), (pd.Period("2008-03", freq="M"), "2008-03"),
])
def test_period_from_native_cells(cell, period):
    frame = survey_frame(period=pd.Series([cell], dtype=object), rate=[0.95])
    assert data.load(frame, "survey")["period"].tolist() == [period]


def test_period_from_datetime_column():
    frame = survey_frame(period=pd.to_datetime(["2008-01-31", "2008-02-01"]), rate=[0.9, 0.9])
    assert data.load(frame, "survey")["period"].tolist() == ["2008-01", "2008-02"]


@pytest.mark.parametrize("written", ["2008-13", "2008-00", "20081", "Q5 2006", "2006年第五季度",
                                     "next month", "2008-02-30", "1800-01"])
def test_unparseable_periods(written):
    assert problems_of(survey_frame(period=[written], rate=[0.9]), "survey") == [
        f"<DataFrame> index 0, column period: expected a period like 2008-03, 2008年3月, "
        f"2006-Q2 or 2006, found '{written}'"]


@pytest.mark.parametrize("rates, expected", [
    ([0.953, 0.9], [0.953, 0.9]),          # proportions
    ([95.3, 90], [0.953, 0.9]),            # percentages (a value > 1)
    (["95.3%", "90%"], [0.953, 0.9]),      # with the % sign
    (["95.3%", 0.9], [0.953, 0.9]),        # Excel: a text cell and a percent-formatted cell
    (["95.3", "90.0"], [0.953, 0.9]),      # CSV text
    ([1, 0], [1.0, 0.0]),                  # all <= 1: proportions
    ([100, 0], [1.0, 0.0]),
])
def test_rate_formats(rates, expected):
    frame = survey_frame(rate=pd.Series(rates, dtype=object))
    df = data.load(frame, "survey")
    assert df["rate"].tolist() == pytest.approx(expected)
    assert df["responses"].isna().all() and df["satisfied"].isna().all()


def test_rate_column_mixing_percent_and_proportions_is_a_problem():
    assert problems_of(survey_frame(rate=[95.3, 0.93, 92.0]), "survey") == [
        "<DataFrame> index 1, column rate: 0.93 looks like a proportion, but other values in this "
        "column are percentages (e.g. 95.3 in index 0); write all rates the same way"]


@pytest.mark.parametrize("rate, shown", [(120, "120"), ("-5%", "-5%"), (-0.1, "-0.1"),
                                         ("101%", "101%")])
def test_rate_outside_0_100(rate, shown):
    frame = survey_frame(rate=pd.Series([rate, 90], dtype=object))
    with pytest.raises(DataError, match=re.escape(f"column rate: {shown} is outside 0–100%")):
        data.load(frame, "survey")


def test_counts_with_thousands_separators_and_excel_floats(tmp_path):
    text = '月份,分公司,样本量,满意数\n2008-01,潮安,"1,250","1,200"\n'
    df = data.load(write(tmp_path / "s.csv", text), "survey")
    assert df["responses"].tolist() == [1250] and df["responses"].dtype == "int64"
    df = data.load(survey_frame(responses=[400.0], satisfied=[372.0]), "survey")
    assert df["satisfied"].dtype == "int64" and df["rate"].tolist() == [0.93]


@pytest.mark.parametrize("written, value", [
    ("1", True), ("0", False), ("true", True), ("FALSE", False), ("是", True), ("否", False),
    ("Y", True), ("n", False), ("yes", True), ("No", False),
])
def test_bool_words(written, value):
    df = data.load(tickets_frame(escalated=[written]), "tickets")
    assert df["escalated"].tolist() == [value] and df["escalated"].dtype == bool


def tickets_frame(**columns) -> pd.DataFrame:
    n = len(next(iter(columns.values()))) if columns else 1
    base = {"ticket_id": [f"T{i}" for i in range(n)], "customer_id": ["13800138000"] * n,
            "branch": ["贵阳"] * n, "opened_at": ["2010-07-01 08:05"] * n,
            "channel": ["热线"] * n, "category": ["计费账单"] * n, "network": ["support"] * n,
            "escalated": [0] * n, "first_contact_resolved": [1] * n, "qualified": [1] * n}
    base.update(columns)
    return pd.DataFrame(base)


@pytest.mark.parametrize("written, stamp", [
    ("2010-07-01 08:05", "2010-07-01 08:05"), ("2010-07-01T08:05:30", "2010-07-01 08:05:30"),
    ("2010/7/1 8:05", "2010-07-01 08:05"), ("2010/07/01 08:05:59", "2010-07-01 08:05:59"),
    ("2010年7月1日 8:05", "2010-07-01 08:05"), ("2010-07-01", "2010-07-01 00:00"),
    ("2010-07-01 08:05:00+08:00", "2010-07-01 08:05"),  # wall-clock time kept, zone dropped
])
def test_timestamp_text(written, stamp):
    df = data.load(tickets_frame(opened_at=[written]), "tickets")
    assert df["opened_at"].tolist() == [pd.Timestamp(stamp)]
    assert df["opened_at"].dtype == "datetime64[ns]"


def test_timestamp_excel_serial_number():
    # Excel serial 40360.25 = 2010-07-01 06:00 (days since 1899-12-30: 40360 days, 0.25 day).
    df = data.load(tickets_frame(opened_at=[40360.25]), "tickets")
    assert df["opened_at"].tolist() == [pd.Timestamp("2010-07-01 06:00")]


def test_timestamp_time_zone_aware_column_keeps_wall_clock():
    stamps = pd.to_datetime(["2010-07-01 08:05"]).tz_localize("Asia/Shanghai")
    df = data.load(tickets_frame(opened_at=stamps), "tickets")
    assert df["opened_at"].tolist() == [pd.Timestamp("2010-07-01 08:05")]


def test_network_names():
    df = data.load(tickets_frame(network=["产品网络质量", "营销渠道", "Support", "服务支撑质量"]),
                   "tickets")
    assert df["network"].tolist() == ["product", "channel", "support", "support"]


def test_bad_network_and_bool_values():
    frame = tickets_frame(network=["support", "海外"], qualified=[1, "maybe"])
    assert problems_of(frame, "tickets") == [
        "<DataFrame> index 1, column network: expected one of product (产品网络质量), "
        "channel (营销渠道质量), support (服务支撑质量), found '海外'",
        "<DataFrame> index 1, column qualified: expected yes or no (1/0, 是/否, Y/N, true/false), "
        "found 'maybe'"]


def test_scores_values_and_percent():
    frame = pd.DataFrame({"单位": ["黔东南", "黔东南", "毕节"], "期间": ["2006-Q2", "2006", "2006"],
                          "项目": ["third_party", "retention_rate", "retention_rate"],
                          "得分": ["12.0", "86.1%", 0.81]})
    df = data.load(frame, "scores")
    assert df["value"].tolist() == pytest.approx([12.0, 0.861, 0.81])
    assert df["period"].tolist() == ["2006-Q2", "2006", "2006"]


def test_causes_with_votes_and_blank_optional_cells(tmp_path):
    text = "类别,原因,子原因,votes\n人员,引导员职责未落实,,12\n方法,缺少个性化服务,客户未细分,\n"
    df = data.load(write(tmp_path / "causes.csv", text), "causes")
    assert df.columns.tolist() == ["bone", "cause", "subcause", "count"]
    assert df["count"].iloc[0] == 12 and np.isnan(df["count"].iloc[1])
    assert pd.isna(df["subcause"].iloc[0])


def test_actions_may_leave_owner_due_and_status_blank():
    frame = pd.DataFrame({"原因": ["引导员职责未落实", "服务意识不强"], "措施": ["岗位职责考核", "技能竞赛"],
                          "责任人": ["营业部经理", None], "完成时间": ["2008-07-31", None],
                          "状态": ["进行中", ""]})
    df = data.load(frame, "actions")
    assert df["due"].iloc[0] == pd.Timestamp("2008-07-31") and pd.isna(df["due"].iloc[1])
    assert pd.isna(df["owner"].iloc[1]) and pd.isna(df["status"].iloc[1])


# =========================================================================== survey forms
def test_survey_counts_add_rate():
    df = data.load(survey_frame(responses=[400, 0], satisfied=[372, 0]), "survey")
    assert df["rate"].iloc[0] == 372 / 400
    assert np.isnan(df["rate"].iloc[1])  # no responses: no rate


def test_survey_one_row_per_response_keeps_rows():
    frame = survey_frame(hall=["庵埠"] * 5, satisfied=[1, 0, "是", "满意", "不满意"])
    df = data.load(frame, "survey")
    assert len(df) == 5
    assert df["responses"].tolist() == [1] * 5
    assert df["satisfied"].tolist() == [1, 0, 1, 1, 0]
    assert df["rate"].tolist() == [1.0, 0.0, 1.0, 1.0, 0.0]
    # Summing over the group gives the counts: 3 satisfied of 5 responses.
    assert df.groupby("hall")[["responses", "satisfied"]].sum().loc["庵埠"].tolist() == [5, 3]


def test_survey_one_row_per_response_must_be_0_or_1():
    assert problems_of(survey_frame(satisfied=[1, 37]), "survey") == [
        "<DataFrame> index 1, column satisfied: expected 1 or 0 (one row per response, as there "
        "is no 样本量/responses column), found 37"]


def test_survey_rate_with_responses_keeps_satisfied_missing():
    df = data.load(survey_frame(responses=[400], rate=["92.63%"]), "survey")
    assert df["responses"].tolist() == [400] and np.isnan(df["satisfied"].iloc[0])
    assert df["rate"].tolist() == pytest.approx([0.9263])


def test_survey_rows_may_mix_counts_and_rates():
    frame = survey_frame(responses=[400, None], satisfied=[372, None], rate=[None, "95.3%"])
    df = data.load(frame, "survey")
    assert df["rate"].tolist() == pytest.approx([0.93, 0.953])
    assert df["responses"].iloc[0] == 400 and np.isnan(df["responses"].iloc[1])


def test_survey_rate_must_agree_with_counts():
    # 372 / 400 = 93.0%; a rate written as 93% or 93.0% agrees, 95.3% does not.
    data.load(survey_frame(responses=[400, 400], satisfied=[372, 372], rate=["93%", 93.0]),
              "survey")
    assert problems_of(survey_frame(responses=[400], satisfied=[372], rate=["95.3%"]),
                       "survey") == [
        "<DataFrame> index 0, column rate: 95.3% does not match satisfied ÷ responses = "
        "372/400 = 93.0%"]


def test_survey_row_without_result():
    frame = survey_frame(responses=[400, 300, None], satisfied=[372, None, None])
    assert problems_of(frame, "survey") == [
        "<DataFrame> index 1, column satisfied: blank, but responses is 300; each row needs "
        "responses and satisfied",
        "<DataFrame> index 2, column satisfied: blank; each row needs responses and satisfied"]


def test_survey_satisfied_without_responses_in_a_row():
    frame = survey_frame(responses=[400, None], satisfied=[372, 300], rate=[None, 0.9])
    assert problems_of(frame, "survey") == [
        "<DataFrame> index 1, column satisfied: 300 given without responses; each row needs "
        "responses and satisfied, or rate"]


# =========================================================================== problems
def test_satisfied_more_than_responses_message_of_style_md(tmp_path):
    # The example sentence of STYLE.md, reproduced exactly: row 14 is the 13th data row.
    lines = ["月份,分公司,营业厅,样本量,满意数"]
    lines += [f"2008-{m:02d},潮安,庵埠,400,380" for m in range(1, 13)]
    lines.append("2008-12,潮安,彩塘,400,412")
    path = write(tmp_path / "survey.csv", "\n".join(lines) + "\n")
    with pytest.raises(DataError, match=r"survey.csv is not valid survey data: 1 problem found") \
            as info:
        data.load(path, "survey")
    assert info.value.problems == [
        "survey.csv row 14, column 满意数/satisfied: 412 is more than 样本量/responses 400"]
    assert "survey.csv row 14, column 满意数/satisfied" in str(info.value)


def test_three_problems_listed_at_once_with_rows_and_columns(tmp_path):
    text = ("月份,分公司,样本量,满意数\n"
            "2008-01,潮安,400,372\n"
            "2008-02,,400,380\n"       # row 3: blank branch
            "2008-03,潮安,abc,380\n"   # row 4: non-numeric count
            "2008-14,潮安,400,390\n")  # row 5: bad period
    problems = problems_of(write(tmp_path / "survey.csv", text), "survey")
    assert problems == [
        "survey.csv row 5, column 月份/period: expected a period like 2008-03, 2008年3月, "
        "2006-Q2 or 2006, found '2008-14'",
        "survey.csv row 3, column 分公司/branch: blank, expected a value",
        "survey.csv row 4, column 样本量/responses: expected a whole number (0 or more), "
        "found 'abc'"]


def test_missing_required_column_lists_the_columns_there(tmp_path):
    path = write(tmp_path / "survey.csv", "月份,营业厅,样本量,满意数\n2008-01,庵埠,400,372\n")
    with pytest.raises(DataError, match=r"survey.csv: missing required column 分公司/branch "
                                        r"\(accepted headers include 分公司, branch, .*\); the file "
                                        r"has columns: 月份, 营业厅, 样本量, 满意数"):
        data.load(path, "survey")


def test_missing_result_column(tmp_path):
    path = write(tmp_path / "survey.csv", "月份,分公司,样本量\n2008-01,潮安,400\n")
    with pytest.raises(DataError, match=r"missing a result column: needs 满意数/satisfied or "
                                        r"满意度/rate .* the file has columns: 月份, 分公司, 样本量"):
        data.load(path, "survey")


def test_missing_column_and_cell_problems_reported_together(tmp_path):
    path = write(tmp_path / "survey.csv", "月份,样本量,满意数\n2008-01,400,-3\n")
    assert problems_of(path, "survey") == [
        "survey.csv: missing required column 分公司/branch (accepted headers include 分公司, "
        "branch, 地市, 地市分公司, 区域); the file has columns: 月份, 样本量, 满意数",
        "survey.csv row 2, column 满意数/satisfied: -3 is negative; a count must be 0 or more"]


def test_two_columns_with_the_same_meaning(tmp_path):
    path = write(tmp_path / "s.csv", "月份,分公司,满意度,rate\n2008-01,潮安,95%,0.95\n")
    with pytest.raises(DataError, match=r"s.csv: columns '满意度' and 'rate' both mean "
                                        r"满意度/rate; keep one of them"):
        data.load(path, "survey")


def test_unknown_kind_lists_the_kinds(tmp_path):
    path = write(tmp_path / "survey.csv", SURVEY_ZH)
    expected = (r"kind must be one of 'survey', 'tickets', 'causes', 'scores', 'subscribers', "
                r"'actions', 'pilots', 'charter', 'team', 'tasks'; got 'surveys'")
    with pytest.raises(DataError, match=expected):
        data.load(path, "surveys")
    with pytest.raises(ValueError, match=expected):  # also a ValueError: a bad argument
        data.load(path, "surveys")


def test_missing_file(tmp_path):
    with pytest.raises(DataError,
                       match=r"nothere.csv: file not found \(looked for .*nothere.csv\)"):
        data.load(tmp_path / "nothere.csv", "survey")


def test_folder_instead_of_file(tmp_path):
    folder = tmp_path / "x.csv"
    folder.mkdir()
    with pytest.raises(DataError, match=r"x.csv: .* is a folder, not a file"):
        data.load(folder, "survey")


@pytest.mark.parametrize("name, message", [
    ("survey.txt", r"survey.txt: unsupported file type '.txt'; save the data as .csv, .xlsx or "
                   r".parquet"),
    ("survey", r"survey: unsupported file type '\(no extension\)'"),
    ("survey.xls", r"survey.xls: old Excel .xls files are not supported; open the file in Excel "
                   r"and save it as .xlsx"),
])
def test_unsupported_extensions(tmp_path, name, message):
    path = write(tmp_path / name, SURVEY_ZH)
    with pytest.raises(DataError, match=message):
        data.load(path, "survey")


def test_source_of_wrong_type():
    with pytest.raises(TypeError, match=r"source must be a file path \(str or pathlib.Path\) or a "
                                        r"pandas DataFrame; got list"):
        data.load([1, 2], "survey")


@pytest.mark.parametrize("content, message", [
    ("", r"s.csv: the file is empty: no header row and no data rows"),
    ("月份,分公司,满意度\n", r"s.csv: no data rows: the file has a header row but nothing under it"),
    ("月份,分公司,满意度\n\n,,\n", r"s.csv: no data rows"),
])
def test_empty_csv(tmp_path, content, message):
    with pytest.raises(DataError, match=message):
        data.load(write(tmp_path / "s.csv", content), "survey")


def test_empty_xlsx_and_dataframe(tmp_path):
    path = write_xlsx(tmp_path / "s.xlsx", {"only": []})
    with pytest.raises(DataError, match=r"s.xlsx: the sheet is empty"):
        data.load(path, "survey")
    write_xlsx(path, {"only": [["月份", "分公司", "满意度"]]})
    with pytest.raises(DataError, match=r"s.xlsx: no data rows"):
        data.load(path, "survey")
    with pytest.raises(DataError, match=r"<DataFrame>: no data rows: the DataFrame is empty"):
        data.load(pd.DataFrame({"period": [], "branch": [], "rate": []}), "survey")


def test_damaged_files_give_data_errors_not_tracebacks(tmp_path):
    bad_xlsx = write(tmp_path / "s.xlsx", "not a zip")
    with pytest.raises(DataError, match=r"s.xlsx: cannot open the file as an Excel workbook"):
        data.load(bad_xlsx, "survey")
    bad_parquet = write(tmp_path / "t.parquet", "not parquet")
    with pytest.raises(DataError, match=r"t.parquet: cannot read the file as Parquet"):
        data.load(bad_parquet, "tickets")
    ragged = write(tmp_path / "r.csv", "月份,分公司\n2008-01,潮安\n2008-02,潮安,x,y\n")
    with pytest.raises(DataError, match=r"r.csv: cannot read the CSV: .*Expected 2 fields in "
                                        r"line 3, saw 4"):
        data.load(ragged, "survey")


def test_undecodable_csv_names_the_encodings(tmp_path):
    path = tmp_path / "s.csv"
    path.write_bytes("月份,分公司\n".encode("utf-8") + b"\xff\xfe\xff\n")  # neither encoding
    with pytest.raises(DataError, match=r"s.csv: cannot decode the text: it is neither UTF-8 nor "
                                        r"GB18030/GBK \(tried utf-8-sig, gb18030\)"):
        data.load(path, "survey")


def test_non_numeric_negative_and_fractional_counts():
    frame = survey_frame(responses=["four hundred", 400, 400.5], satisfied=[1, -2, 3])
    assert problems_of(frame, "survey") == [
        "<DataFrame> index 0, column responses: expected a whole number (0 or more), found "
        "'four hundred'",
        "<DataFrame> index 2, column responses: expected a whole number, found 400.5",
        "<DataFrame> index 1, column satisfied: -2 is negative; a count must be 0 or more"]


def test_blank_required_cells():
    frame = tickets_frame(customer_id=["13800138000", " "], opened_at=[None, "2010-07-01"],
                          escalated=[1, None])
    assert problems_of(frame, "tickets") == [
        "<DataFrame> index 1, column customer_id: blank, expected an id",
        "<DataFrame> index 0, column opened_at: blank, expected a date and time like "
        "2010-07-01 08:05",
        "<DataFrame> index 1, column escalated: blank, expected yes or no (1/0, 是/否, Y/N, "
        "true/false)"]


def test_unparseable_timestamps(tmp_path):
    text = ("工单号,客户号码,分公司,受理时间,渠道,投诉子项,网络,是否升级,一次解决,质检合格,结案时间\n"
            "T1,13800138000,贵阳,2010-07-01 08:05,热线,计费账单,support,0,1,1,yesterday\n"
            "T2,13800138000,贵阳,2010-13-01 08:05,热线,计费账单,support,0,1,1,\n")
    assert problems_of(write(tmp_path / "t.csv", text), "tickets") == [
        "t.csv row 3, column 受理时间/opened_at: expected a date and time like 2010-07-01 08:05, "
        "found '2010-13-01 08:05'",
        "t.csv row 2, column 结案时间/closed_at: expected a date and time like 2010-07-01 08:05, "
        "found 'yesterday'"]


def test_duplicate_ticket_ids_name_both_rows(tmp_path):
    text = ("工单号,客户号码,分公司,受理时间,渠道,投诉子项,网络,是否升级,一次解决,质检合格\n"
            "T1,13800138000,贵阳,2010-07-01 08:05,热线,计费账单,support,0,1,1\n"
            "T2,13800138000,贵阳,2010-07-01 08:05,热线,计费账单,support,0,1,1\n"
            "T1,13900139000,遵义,2010-07-02 09:00,热线,信号覆盖,product,0,1,1\n"
            "T3,13900139000,遵义,2010-07-02 09:00,热线,信号覆盖,product,0,1,1\n"
            "T3,13900139000,遵义,2010-07-02 09:00,热线,信号覆盖,product,0,1,1\n"
            "T3,13900139000,遵义,2010-07-02 09:00,热线,信号覆盖,product,0,1,1\n")
    assert problems_of(write(tmp_path / "t.csv", text), "tickets") == [
        "t.csv rows 2 and 4, column 工单号/ticket_id: ticket 'T1' appears 2 times; each must "
        "appear only once",
        "t.csv rows 5, 6 and 7, column 工单号/ticket_id: ticket 'T3' appears 3 times; each must "
        "appear only once"]


def test_duplicate_keys_of_subscribers_and_scores():
    frame = pd.DataFrame({"分公司": ["贵阳", "遵义", "贵阳"], "月份": ["2010-01", "2010-01", "2010/1"],
                          "用户数": [1250000, 800000, 1250000]})
    assert problems_of(frame, "subscribers") == [
        "<DataFrame> index 0 and 2, columns 分公司/branch, 月份/period: the combination "
        "'贵阳 / 2010-01' appears 2 times; each must appear only once"]


def test_problems_are_capped_per_column_and_problem(tmp_path):
    # 120 bad counts: 50 listed, then one line with the other 70; the blank branches are a
    # different problem and listed on their own.
    lines = ["月份,分公司,样本量,满意数"] + [f"{1990 + i // 12}-{i % 12 + 1:02d},潮安,x{i},1"
                                          for i in range(120)]
    lines += ["2008-01,,400,1"] * 3
    with pytest.raises(DataError) as info:
        data.load(write(tmp_path / "big.csv", "\n".join(lines) + "\n"), "survey")
    problems = info.value.problems
    responses = [p for p in problems if "column 样本量/responses" in p]
    assert len(responses) == 51
    assert responses[0] == ("big.csv row 2, column 样本量/responses: expected a whole number "
                            "(0 or more), found 'x0'")
    assert responses[-1] == ("big.csv, column 样本量/responses: ... and 70 more rows with the "
                             "same problem")
    assert sum("column 分公司/branch: blank" in p for p in problems) == 3
    assert info.value.summary == "big.csv is not valid survey data: 123 problems found"


def test_error_message_has_summary_then_every_problem():
    err = None
    try:
        data.load(survey_frame(responses=[400], satisfied=[500]), "survey")
    except DataError as exc:
        err = exc
    assert str(err).splitlines() == [
        "<DataFrame> is not valid survey data: 1 problem found",
        "  - <DataFrame> index 0, column satisfied: 500 is more than responses 400"]


# =========================================================================== big files
def test_200k_tickets_from_parquet(tmp_path):
    n = 200_000
    rng = np.random.default_rng(1)
    opened = pd.Timestamp("2010-01-01") + pd.to_timedelta(rng.integers(0, 365 * 86400, n), "s")
    frame = pd.DataFrame({
        "ticket_id": [f"T{i:07d}" for i in range(n)],
        "customer_id": 13800000000 + rng.integers(0, 10**8, n),
        "branch": rng.choice(["贵阳", "遵义", "潮安"], n),
        "opened_at": opened, "channel": rng.choice(["热线", "营业厅"], n),
        "category": rng.choice(["信号覆盖", "计费账单"], n),
        "network": rng.choice(["product", "support"], n),
        "closed_at": (opened + pd.Timedelta("3h")).where(rng.random(n) > 0.1),
        "escalated": rng.random(n) < 0.1, "first_contact_resolved": rng.random(n) < 0.7,
        "qualified": rng.random(n) < 0.98,
        "summary": rng.choice(["对账单有疑问", "信号差", None], n)})
    path = tmp_path / "tickets.parquet"
    frame.to_parquet(path)
    df = data.load(path, "tickets")
    assert len(df) == n
    assert df["ticket_id"].iloc[-1] == f"T{n - 1:07d}"
    assert df["customer_id"].iloc[0] == str(frame["customer_id"].iloc[0])
    assert df["closed_at"].isna().sum() == frame["closed_at"].isna().sum()
    assert df["escalated"].sum() == frame["escalated"].sum()
    assert data.describe(df, "tickets") == (
        f"tickets: 200,000 rows, 12 columns, opened {opened.min():%Y-%m-%d} … "
        f"{opened.max():%Y-%m-%d}, 3 branches, 2 categories")
    # One repeated id in the middle of 200k: both rows named (file row = position + 2).
    frame.loc[150_000, "ticket_id"] = "T0000007"
    frame.to_parquet(path)
    assert problems_of(path, "tickets") == [
        "tickets.parquet rows 9 and 150002, column ticket_id: ticket 'T0000007' appears 2 "
        "times; each must appear only once"]


# =========================================================================== describe
def test_describe_survey():
    frame = pd.DataFrame({"period": [f"2008-{m:02d}" for m in range(1, 13)] * 2,
                          "branch": ["潮安"] * 12 + ["饶平"] * 12,
                          "responses": [400] * 24, "satisfied": [380] * 24})
    df = data.load(frame, "survey")
    assert data.describe(df, "survey") == \
        "survey: 24 rows, 5 columns, 12 periods (2008-01 … 2008-12), 2 branches"


def test_describe_other_kinds():
    causes = data.load(pd.DataFrame({"bone": ["人员", "人员", "方法"], "cause": ["a", "b", "c"]}),
                       "causes")
    assert data.describe(causes, "causes") == "causes: 3 rows, 2 columns, 2 bones, 3 causes"
    subs = pd.DataFrame({"branch": ["贵阳"], "period": ["2010-01"], "subscribers": [1250000]})
    assert data.describe(subs, "subscribers") == \
        "subscribers: 1 row, 3 columns, 1 period (2010-01), 1 branch"


def test_describe_validates_its_arguments():
    with pytest.raises(TypeError, match=r"df must be a pandas DataFrame; got dict"):
        data.describe({}, "survey")
    with pytest.raises(ValueError, match=r"kind must be one of .*got 'x'"):
        data.describe(pd.DataFrame(), "x")


# =========================================================================== templates
@pytest.mark.parametrize("kind", schemas.KINDS)
def test_committed_templates_load_cleanly(kind):
    frames = [data.load(TEMPLATES / f"{kind}_zh.csv", kind),
              data.load(TEMPLATES / f"{kind}_en.csv", kind),
              data.load(TEMPLATES / f"{kind}.xlsx", kind, sheet="zh"),
              data.load(TEMPLATES / f"{kind}.xlsx", kind, sheet="en")]
    for frame in frames:
        assert len(frame) == 1
        pd.testing.assert_frame_equal(frame, frames[0])
    assert list(frames[0].columns) == list(schemas.SCHEMAS[kind].names)


def test_template_headers_are_zh_labels_and_canonical_names():
    zh = pd.read_csv(TEMPLATES / "survey_zh.csv", encoding="utf-8-sig", nrows=0).columns.tolist()
    en = pd.read_csv(TEMPLATES / "survey_en.csv", encoding="utf-8-sig", nrows=0).columns.tolist()
    assert zh == ["期间", "分公司", "营业厅", "细分", "样本量", "满意数", "满意度"]
    assert en == ["period", "branch", "hall", "segment", "responses", "satisfied", "rate"]
    assert (TEMPLATES / "survey_zh.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # BOM


def test_committed_templates_match_a_fresh_run(tmp_path):
    written = data.write_templates(tmp_path)
    assert sorted(p.name for p in written) == sorted(p.name for p in TEMPLATES.iterdir()
                                                     if p.is_file())
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == \
        (TEMPLATES / "README.md").read_text(encoding="utf-8")
    for kind in schemas.KINDS:
        for lang in ("zh", "en"):
            name = f"{kind}_{lang}.csv"
            assert (tmp_path / name).read_bytes() == (TEMPLATES / name).read_bytes(), name
            fresh = pd.read_excel(tmp_path / f"{kind}.xlsx", sheet_name=lang)
            committed = pd.read_excel(TEMPLATES / f"{kind}.xlsx", sheet_name=lang)
            pd.testing.assert_frame_equal(fresh, committed)


# =========================================================================== more edges
def test_dataframe_with_repeated_column_names():
    frame = pd.DataFrame([["2008-01", "潮安", "潮安", 0.9]],
                         columns=["period", "branch", "branch", "rate"])
    with pytest.raises(DataError, match=r"<DataFrame>: column name\(s\) used more than once: "
                                        r"branch; rename or drop the copies"):
        data.load(frame, "survey")


def test_xlsx_problems_name_the_sheet_when_there_are_several(tmp_path):
    rows = [["period", "branch", "rate"], ["2008-01", "潮安", "abc"]]
    path = write_xlsx(tmp_path / "s.xlsx", {"zh": rows, "en": rows})
    assert problems_of(path, "survey", sheet="en") == [
        "s.xlsx [en] row 2, column rate: expected a rate like 0.953, 95.3 or 95.3%, found 'abc'"]


def test_xlsx_blank_header_with_data_is_kept_as_extra_column(tmp_path):
    rows = [["period", "branch", None, "rate", None],
            ["2008-01", "潮安", "note", 0.9, None]]
    df = data.load(write_xlsx(tmp_path / "s.xlsx", {"s": rows}), "survey")
    assert df.columns.tolist() == ["period", "branch", "responses", "satisfied", "rate",
                                   "column_C"]
    assert df["column_C"].tolist() == ["note"]


def test_headers_with_spaces_are_shown_trimmed(tmp_path):
    path = write(tmp_path / "s.csv", " 月份 , 分公司 ,满意度\n2008-01,潮安,x\n")
    assert problems_of(path, "survey") == [
        "s.csv row 2, column 满意度/rate: expected a rate like 0.953, 95.3 or 95.3%, found 'x'"]
    path = write(tmp_path / "s.csv", " 月份 , 分公司 ,满意度\n2008-99,潮安,90\n")
    assert problems_of(path, "survey")[0].startswith("s.csv row 2, column 月份/period:")


def test_gbk_file_problems_read_correctly(tmp_path):
    text = "月份,分公司,样本量,满意数\n2008年1月,潮安,400,三百\n"
    assert problems_of(write(tmp_path / "s.csv", text, "gbk"), "survey") == [
        "s.csv row 2, column 满意数/satisfied: expected a whole number (0 or more), found '三百'"]


def test_sample_data_loads_cleanly(sample_dir):
    # Integration with cxeval.sample: every file it writes passes validation as its kind.
    from cxeval import sample

    for name, kind in sample.FILES.items():
        df = data.load(sample_dir / name, kind)
        assert len(df) > 0
        assert set(schemas.SCHEMAS[kind].required) <= set(df.columns), name


def test_load_input_finds_any_supported_ending(tmp_path):
    pd.DataFrame({"branch": ["潮安"], "period": ["2010-01"], "subscribers": [750000]}).to_csv(
        tmp_path / "subscribers.csv", index=False)
    assert data.locate(tmp_path, "subscribers") == tmp_path / "subscribers.csv"
    loaded = data.load_input(tmp_path, "subscribers", "subscribers")
    assert loaded["subscribers"].tolist() == [750000]
    assert data.locate(tmp_path, "tickets") is None
    assert data.load_input(tmp_path, "brand_survey", "survey", required=False) is None
    with pytest.raises(DataError, match=r"no tickets file in .* \(looked for tickets.parquet, tickets.csv, "
                                        r"tickets.xlsx\)"):
        data.load_input(tmp_path, "tickets", "tickets")


def test_branch_load_sets_aside_other_branches_broken_rows(tmp_path):
    path = tmp_path / "hall_survey.csv"
    path.write_text("月份,分公司,营业厅,样本量,满意数\n"
                    "2008-01,潮安,庵埠,300,280\n"
                    "2008-01,饶平,黄冈,300,330\n"      # row 3: 饶平's row is broken
                    "2008-01,潮安,彩塘,200,190\n", encoding="utf-8")
    with pytest.raises(DataError, match="row 3"):
        data.load(path, "survey")
    chaoan = data.load(path, "survey", branch="潮安")
    assert chaoan["hall"].tolist() == ["庵埠", "彩塘"]
    assert chaoan.attrs["excluded_rows"] == 1
    assert "row 3" in chaoan.attrs["excluded_problems"][0]
    # the branch whose rows are broken still gets the error, naming its row
    with pytest.raises(DataError, match=r"hall_survey.csv row 3, column 满意数/satisfied: 330 is more than"):
        data.load(path, "survey", branch="饶平")
    assert data.load_input(tmp_path, "hall_survey", "survey", branch="潮安")["responses"].sum() == 500


def test_branch_load_still_raises_on_file_level_problems(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("月份,分公司,样本量\n2008-01,潮安,300\n", encoding="utf-8")
    with pytest.raises(DataError, match="missing a result column"):
        data.load(path, "survey", branch="潮安")

# =========================================================================== hostile input
# Files as they come out of Excel and other systems: each must load with the right numbers
# or fail with a message naming the file, the row and what to do, never load wrong.
def test_a_header_used_twice_is_refused(tmp_path):
    text = "月份,分公司,样本量,满意数,满意数\n2008-01,潮安,400,372,300\n"
    expected = ("s.{}: the header '满意数' is used for 2 columns (D, E); keep one of them or "
                "rename the others")
    assert problems_of(write(tmp_path / "s.csv", text), "survey") == [expected.format("csv")]
    rows = [line.split(",") for line in text.splitlines()]
    assert problems_of(write_xlsx(tmp_path / "s.xlsx", {"s": rows}), "survey") == [
        expected.format("xlsx")]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_or_without_bom(tmp_path, encoding):
    path = write(tmp_path / "survey.csv", SURVEY_ZH, encoding)
    pd.testing.assert_frame_equal(data.load(path, "survey"), EXPECTED_SURVEY)


def test_binary_file_named_csv_is_refused(tmp_path):
    path = tmp_path / "s.csv"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(DataError, match=r"s.csv: cannot decode the text: .* save it from Excel as"):
        data.load(path, "survey")
    path.write_bytes(b"period,branch,rate\n2008-01,\x00,0.9\n")
    with pytest.raises(DataError, match=r"s.csv: the file holds NUL characters"):
        data.load(path, "survey")


def test_csv_title_rows_are_skipped_like_excel(tmp_path):
    text = "2008年满意度调查\n\n" + SURVEY_ZH.replace("250,230", "250,x")
    assert problems_of(write(tmp_path / "s.csv", text), "survey") == [
        "s.csv row 5, column 满意数/satisfied: expected a whole number (0 or more), found 'x'"]
    padded = "2008年满意度调查,,,,\n" + SURVEY_ZH  # as Excel pads a title row
    pd.testing.assert_frame_equal(data.load(write(tmp_path / "s.csv", padded), "survey"),
                                  EXPECTED_SURVEY)


@pytest.mark.parametrize("label", ["小计", "合计", "总计", "潮安 汇总", "潮安小计", "合计：",
                                   "Subtotal", "Grand Total", "Chaoan Total"])
def test_subtotal_rows_are_left_out_with_a_note(tmp_path, label):
    text = ("月份,分公司,营业厅,样本量,满意数\n"
            "2008-01,潮安,庵埠,400,372\n"
            "2008-01,潮安,彩塘,300,280\n"
            f"2008-01,潮安,{label},700,652\n"     # row 4: sums rows 2 and 3
            "2008-02,潮安,庵埠,400,380\n")
    df = data.load(write(tmp_path / "hall_survey.csv", text), "survey")
    assert df["responses"].sum() == 1100                   # not 1800: the subtotal is not counted
    assert df["hall"].tolist() == ["庵埠", "彩塘", "庵埠"]
    assert df.attrs["total_rows"] == [
        f"hall_survey.csv row 4: 营业厅/hall {label!r} is a total row; left out, not counted"]


def test_total_rows_in_any_key_column_and_in_excel(tmp_path):
    rows = [["分公司", "月份", "样本量", "满意数"],
            ["潮安", "2008-01", 400, 372], ["饶平", "2008-01", 250, 230],
            ["全省平均", "2008-01", 325, 301],        # row 4: an average ranked as a branch
            ["全省", "2008-01", 650, 602],            # row 5: the province, not a branch
            ["潮安", "合计", 400, 372]]               # row 6: a total over the months
    df = data.load(write_xlsx(tmp_path / "s.xlsx", {"s": rows}), "survey")
    assert df["branch"].tolist() == ["潮安", "饶平"]
    assert [n.split(":")[0] for n in df.attrs["total_rows"]] == [
        "s.xlsx row 4", "s.xlsx row 5", "s.xlsx row 6"]
    assert "月份/period '合计'" in df.attrs["total_rows"][2]


def test_total_cause_is_not_a_key_factor(tmp_path):
    text = "类别,原因,票数\n人员,引导员职责未落实,12\n方法,缺少个性化服务,5\n,合计,17\n"
    df = data.load(write(tmp_path / "causes.csv", text), "causes")
    assert df["cause"].tolist() == ["引导员职责未落实", "缺少个性化服务"]
    assert df.attrs["total_rows"] == ["causes.csv row 4: 原因/cause '合计' is a total row; "
                                      "left out, not counted"]


def test_province_unit_of_scores_is_a_benchmark_but_its_average_is_a_total():
    frame = pd.DataFrame({"unit": ["黔东南", "全省", "全省平均"], "period": ["2010-11"] * 3,
                          "item": ["fcr"] * 3, "value": [0.8, 0.74, 0.77]})
    df = data.load(frame, "scores")
    assert df["unit"].tolist() == ["黔东南", "全省"]
    assert df.attrs["total_rows"] == ["<DataFrame> index 2: unit '全省平均' is a total row; left "
                                      "out, not counted"]


@pytest.mark.parametrize("name", ["庵埠", "合计金额有误", "平均等待时间过长", "Totally", "全省营业厅",
                                  "汇总上报"])
def test_names_that_only_contain_a_total_word_are_kept(name):
    assert not schemas.is_total_label(name)


def test_a_file_of_only_total_rows_is_refused(tmp_path):
    path = write(tmp_path / "s.csv", "月份,分公司,样本量,满意数\n2008-01,合计,400,372\n")
    with pytest.raises(DataError, match=r"s.csv: no data rows: every row is a total row \(s.csv "
                                        r"row 2: 分公司/branch '合计'"):
        data.load(path, "survey")


def test_total_rows_are_noted_when_loading_for_one_branch(tmp_path):
    path = write(tmp_path / "s.csv", "月份,分公司,样本量,满意数\n2008-01,潮安,400,372\n"
                                     "2008-01,饶平,300,290\n2008-01,合计,700,662\n"
                                     "2008-02,饶平,300,310\n")
    chaoan = data.load(path, "survey", branch="潮安")
    assert chaoan["branch"].tolist() == ["潮安", "饶平"]
    assert chaoan.attrs["excluded_rows"] == 1
    assert chaoan.attrs["total_rows"] == ["s.csv row 4: 分公司/branch '合计' is a total row; "
                                          "left out, not counted"]


def test_pivot_subtotals_with_blank_keys_are_refused(tmp_path):
    text = ("分公司,营业厅,样本量,满意数\n"
            "潮安,庵埠,400,372\n"
            "潮安,彩塘,300,280\n"
            "潮安,,700,652\n"          # row 4: the branch's subtotal, hall left blank
            ",,700,652\n")             # row 5: the grand total, every key blank
    text = text.replace("\n", ",2008-01\n").replace("满意数,2008-01", "满意数,月份")
    assert problems_of(write(tmp_path / "s.csv", text), "survey") == [
        "s.csv row 4: 营业厅/hall blank in a row with figures: a subtotal or total row of a pivot "
        "table? Delete total rows (they would be counted twice); otherwise fill in 营业厅/hall",
        "s.csv row 5: 分公司/branch, 营业厅/hall blank in a row with figures: a subtotal or total "
        "row of a pivot table? Delete total rows (they would be counted twice); otherwise fill in "
        "分公司/branch and 营业厅/hall"]


def test_a_blank_name_that_adds_nothing_up_is_a_blank_cell():
    frame = survey_frame(hall=["庵埠", None], responses=[400, 300], satisfied=[372, 280])
    assert problems_of(frame, "survey") == ["<DataFrame> index 1, column hall: blank, expected "
                                            "a value"]


def test_repeated_survey_rows_are_refused_not_added():
    frame = pd.DataFrame({"period": ["2008-01"] * 3, "branch": ["潮安"] * 3,
                          "hall": ["庵埠", "庵埠", "彩塘"], "responses": [400, 400, 300],
                          "satisfied": [372, 372, 280]})
    assert problems_of(frame, "survey") == [
        "<DataFrame> index 0 and 1, columns period, branch, hall: the combination "
        "'2008-01 / 潮安 / 庵埠' appears 2 times; rows of counts are added up, so a repeated row "
        "counts twice: keep one"]


def test_repeats_of_other_branches_do_not_stop_a_branch(tmp_path):
    path = write(tmp_path / "s.csv", "月份,分公司,样本量,满意数\n2008-01,潮安,400,372\n"
                                     "2008-01,饶平,300,290\n2008-01,饶平,300,290\n")
    assert data.load(path, "survey", branch="潮安").attrs["excluded_rows"] == 2
    with pytest.raises(DataError, match="rows 3 and 4"):
        data.load(path, "survey", branch="饶平")


def test_repeats_are_the_data_when_rows_are_responses_or_votes():
    per_response = pd.DataFrame({"period": ["2008-01"] * 3, "branch": ["潮安"] * 3,
                                 "satisfied": [1, 1, 0]})
    assert data.load(per_response, "survey")["responses"].sum() == 3
    votes = pd.DataFrame({"bone": ["人员"] * 2, "cause": ["引导员职责未落实"] * 2})
    assert len(data.load(votes, "causes")) == 2
    counted = votes.assign(count=[3, 3], subcause=[None, None])
    assert problems_of(counted, "causes") == [
        "<DataFrame> index 0 and 1, columns bone, cause, subcause: the combination "
        "'人员 / 引导员职责未落实 / (blank)' appears 2 times; rows of counts are added up, so a "
        "repeated row counts twice: keep one"]


@pytest.mark.parametrize("cell, problem", [
    ("1e20", "'1e20' is too large for a count (at most 1,000,000,000,000); check the cell"),
    ("9223372036854775807", "'9223372036854775807' is too large for a count"),
    ("inf", "'inf' is not a finite number"),
    ("-Infinity", "'-Infinity' is not a finite number"),
    ("2,72", "'2,72' has a comma out of place (a thousands separator splits digits in groups of "
             "three, as in 1,250); write the number without it"),
    ("1,2,3", "'1,2,3' has a comma out of place"),
    ("218 300", "'218 300' holds two numbers, or a space inside a number; write one number per "
                "cell (thousands as 218,300 or 218300)"),
    ("50%", "expected a whole number (0 or more), found '50%'"),
])
def test_counts_that_only_look_like_numbers(tmp_path, cell, problem):
    text = f'月份,分公司,样本量,满意数\n2008-01,潮安,"{cell}",1\n'
    problems = problems_of(write(tmp_path / "s.csv", text), "survey")
    assert problems[0].startswith(f"s.csv row 2, column 样本量/responses: {problem}")


def test_overflowing_native_counts_are_refused_before_any_cast(tmp_path):
    frame = pd.DataFrame({"branch": ["潮安", "饶平", "潮州"], "period": ["2010-01"] * 3,
                          "subscribers": np.array([2**63 - 1, 750_000, 0], dtype="int64")})
    frame.to_parquet(tmp_path / "subscribers.parquet")
    assert problems_of(tmp_path / "subscribers.parquet", "subscribers") == [
        "subscribers.parquet row 2, column subscribers: 9223372036854775807 is too large for a "
        "count (at most 1,000,000,000,000); check the cell"]
    frame["subscribers"] = [float("inf"), 1e20, 5.0]
    assert problems_of(frame, "subscribers") == [
        "<DataFrame> index 0, column subscribers: inf is not a finite number",
        "<DataFrame> index 1, column subscribers: 100000000000000000000 is too large for a count "
        "(at most 1,000,000,000,000); check the cell"]


def test_numbers_with_separators_in_threes_and_full_width_digits(tmp_path):
    text = '月份,分公司,样本量,满意数,满意度\n2008-01,潮安,"1,250","１，２００",９６％\n'
    df = data.load(write(tmp_path / "s.csv", text), "survey")
    assert df["responses"].tolist() == [1250] and df["satisfied"].tolist() == [1200]
    assert df["rate"].tolist() == pytest.approx([0.96])
    scores = pd.DataFrame({"unit": ["A"], "period": ["2006"], "item": ["x"],
                           "value": ["1,234.5"]})
    assert data.load(scores, "scores")["value"].tolist() == [1234.5]


@pytest.mark.parametrize("cell", ["2008.1", "2008.10", "2008.11", "２００８．１"])
def test_periods_written_as_decimal_numbers_are_refused_with_the_fix(cell):
    assert problems_of(survey_frame(period=[cell], rate=[0.9]), "survey") == [
        f"<DataFrame> index 0, column period: {cell!r} is ambiguous: written as a number, a "
        "month loses the trailing zero of October (2008.10 becomes 2008.1, the same as "
        "January); format the period column as text and write months like 2008-10"]


def test_periods_typed_as_numbers_in_excel_are_refused(tmp_path):
    rows = [["月份", "分公司", "满意度"]] + [[2008 + m / 10, "潮安", 0.9] for m in range(1, 10)]
    rows += [[2008.1, "潮安", 0.9], [2008.11, "潮安", 0.9]]  # typed 2008.10 and 2008.11
    problems = problems_of(write_xlsx(tmp_path / "s.xlsx", {"s": rows}), "survey")
    assert len(problems) == 11
    assert problems[9].startswith("s.xlsx row 11, column 月份/period: 2008.1 is ambiguous")
    assert "format the period column as text" in problems[10]


def test_scores_written_as_percent_are_listed():
    frame = pd.DataFrame({"unit": ["黔东南", "毕节"], "period": ["2006-Q2"] * 2,
                          "item": ["third_party"] * 2, "value": ["77.5%", "15.5"]})
    df = data.load(frame, "scores")
    assert df["value"].tolist() == [0.775, 15.5]
    assert df.attrs["written_as_percent"] == {
        "value": {0: "<DataFrame> index 0, column value: '77.5%'"}}


def test_cells_quoted_in_problems_are_masked(tmp_path):
    # a phone number shifted into the date column of one branch's row
    text = ("工单号,客户号码,分公司,受理时间,渠道,投诉子项,网络,是否升级,一次解决,质检合格\n"
            "T1,13800138000,贵阳,2010-07-01 08:05,热线,计费账单,support,否,是,是\n"
            "T2,13900139000,遵义,139 0013 9000,热线,计费账单,support,否,是,是\n")
    path = write(tmp_path / "tickets.csv", text)
    problems = problems_of(path, "tickets")
    assert problems == ["tickets.csv row 3, column 受理时间/opened_at: expected a date and time "
                        "like 2010-07-01 08:05, found '139 **** 9000'"]
    noted = data.load(path, "tickets", branch="贵阳").attrs["excluded_problems"]
    assert "0013" not in noted[0] and "****" in noted[0]


def test_a_row_longer_than_the_header_is_refused_not_shifted(tmp_path):
    # pandas would take the extra cells of the first row as an index: every value one
    # column along, the period reading '400'
    text = "月份,分公司,样本量,满意数\n2008-01,潮安,400,372,9\n2008-02,潮安,400,372\n"
    with pytest.raises(DataError, match=r"s.csv: cannot read the CSV: a row has more cells than "
                                        r"the header row"):
        data.load(write(tmp_path / "s.csv", text), "survey")
    with pytest.raises(DataError, match=r"s.csv: cannot read the CSV: .*line 4, saw 5"):
        data.load(write(tmp_path / "s.csv", text.replace("372,9", "372") + "2008-03,潮安,1,1,1\n"),
                  "survey")


def test_excel_error_values_in_a_csv_are_shown_as_written(tmp_path):
    """pandas would read "#N/A" and "NULL" as blank: a broken look-up saved to CSV would pass
    as "no value" in an optional column and be called "blank" in a required one. They are
    text, reported as written, as the Excel reader reports them."""
    rows = ("period,branch,hall,responses,satisfied\n2008-01,潮安,庵埠,100,#N/A\n"
            "2008-01,潮安,枫溪,100,90\n2008-02,潮安,庵埠,NULL,80\n")
    (tmp_path / "hall_survey.csv").write_text(rows, encoding="utf-8")
    with pytest.raises(DataError) as err:
        data.load(tmp_path / "hall_survey.csv", "survey")
    assert err.value.problems == [
        "hall_survey.csv row 4, column responses: expected a whole number (0 or more), found 'NULL'",
        "hall_survey.csv row 2, column satisfied: expected a whole number (0 or more), found '#N/A'"]
    actions = ("branch,cause,action,owner,due,status\n潮安,排队久,增开窗口,#N/A,2008-07-31,完成\n"
               "潮安,态度差,培训,店长,2008-08-31,\n")
    (tmp_path / "actions.csv").write_text(actions, encoding="utf-8")
    loaded = data.load(tmp_path / "actions.csv", "actions")
    assert loaded["owner"].tolist() == ["#N/A", "店长"]           # kept, as typed
    assert loaded["status"].isna().tolist() == [False, True]     # only an empty cell is blank
