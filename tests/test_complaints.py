"""Tests for cxeval.complaints.

Every expected number is worked out by hand in the test from small ticket tables built
here (the arithmetic is written next to the assertion), or checked against a second
method: DuckDB SQL (the benchmark's queries) and pandas' own groupby quantile.
"""

from __future__ import annotations

import importlib.util
import math
import warnings

import numpy as np
import pandas as pd
import pytest
import yaml

from cxeval import complaints as c
from cxeval.complaints import duck
from cxeval.errors import ConfigError, DataError

from conftest import CONFIGS, REFERENCE, ROOT

SLA = CONFIGS / "sla.yaml"
CATEGORIES = CONFIGS / "categories.yaml"
O = pd.Timestamp("2010-03-01 09:00:00")  # opening time of the hand-built SLA tickets
M, S, H = pd.Timedelta(minutes=1), pd.Timedelta(seconds=1), pd.Timedelta(hours=1)
SEC = 1 / 60  # one second in minutes


def ticket(tid, *, customer="13800000001", branch="潮安", opened=O, sub=None, disp=None,
           rep=None, ret=None, escalated=False, fcr=True, qualified=True, category="信号覆盖",
           network="product", summary=""):
    """One ticket row; step times given as offsets (Timedelta) from the previous step."""
    opened = pd.Timestamp(opened)
    submitted = opened + sub if sub is not None else pd.NaT
    dispatched = submitted + disp if disp is not None else pd.NaT
    return {"ticket_id": tid, "customer_id": customer, "branch": branch, "opened_at": opened,
            "channel": "热线", "category": category, "network": network,
            "submitted_at": submitted, "dispatched_at": dispatched,
            "replied_at": dispatched + rep if rep is not None else pd.NaT,
            "returned_at": dispatched + ret if ret is not None else pd.NaT,
            "closed_at": pd.NaT, "escalated": escalated, "first_contact_resolved": fcr,
            "qualified": qualified, "summary": summary}


def frame(rows) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    for col in ("opened_at", "submitted_at", "dispatched_at", "replied_at", "returned_at",
                "closed_at"):
        df[col] = pd.to_datetime(df[col])
    return df


@pytest.fixture
def limits():
    return c.load_limits(SLA)


@pytest.fixture
def sla_tickets():
    """Six tickets at and around every step limit (DOMAIN.md section 3 limits).

    t1 self-handled: every step exactly at its limit  -> all on time
    t2 self-handled: every step one second over       -> all late
    t3 escalated: submit 4 min, dispatch 10 min, reply 20 h 1 s (on time: the provincial
       limit is 24 h), return exactly 24 h
    t4 escalated: submit 1 min, dispatch 20 min, reply 24 h 1 s (late), return missing (open)
    t5 self-handled: never submitted                   -> submit open, nothing else reached
    t6 self-handled: submitted after 2 min, never dispatched; a reply time without a
       dispatch time does not make the reply step reached
    """
    rows = [
        ticket("t1", sub=5 * M, disp=30 * M, rep=20 * H, ret=24 * H),
        ticket("t2", sub=5 * M + S, disp=30 * M + S, rep=20 * H + S, ret=24 * H + S),
        ticket("t3", sub=4 * M, disp=10 * M, rep=20 * H + S, ret=24 * H, escalated=True),
        ticket("t4", sub=1 * M, disp=20 * M, rep=24 * H + S, escalated=True),
        ticket("t5"),
        ticket("t6", sub=2 * M),
    ]
    df = frame(rows)
    df.loc[5, "replied_at"] = O + 3 * H
    return df


# =========================================================================== limits
def test_shipped_limits_are_the_domain_table(limits):
    # DOMAIN.md section 3: submit 5 min, dispatch 30 min, follow-up 3 h, city reply 20 h,
    # provincial reply 24 h, city return 24 h.
    got = {s["id"]: s["limit_minutes"] for s in limits["steps"]}
    assert got == {"submit": 5, "dispatch": 30, "follow_up": 180, "reply": 1200,
                   "provincial_reply": 1440, "return": 1440}
    assert [s["when"] for s in limits["steps"] if s["id"] in ("reply", "provincial_reply")] == \
        [{"escalated": False}, {"escalated": True}]
    targets = {t["id"]: t for t in limits["campaign"]["targets"]}
    assert limits["campaign"]["baseline"] == "2010-07"
    assert (targets["repeat_5"]["reduction"], targets["repeat_5"]["due"]) == (0.9, "2010-10")
    assert (targets["repeat_10"]["reduction"], targets["repeat_10"]["due"]) == (1.0, "2010-11")
    assert (targets["fcr"]["benchmark"], targets["fcr"]["margin"]) == ("provincial_fcr", 0.05)
    assert targets["escalated_on_time"]["goal"] == 0.99
    assert targets["self_handled_on_time"]["goal"] == targets["quality_pass"]["goal"] == 1.0


def test_limits_accept_path_raw_mapping_and_parsed(sla_tickets, limits):
    raw = yaml.safe_load(SLA.read_text(encoding="utf-8"))
    by_path = c.sla(sla_tickets, SLA)
    pd.testing.assert_frame_equal(by_path, c.sla(sla_tickets, raw))
    pd.testing.assert_frame_equal(by_path, c.sla(sla_tickets, limits))


@pytest.mark.parametrize("limit, message", [
    (5, r"limit 5 has no unit; write it with a unit, e.g. '5 min'"),
    ("five minutes please", r"limit 'five minutes please' is not a duration"),
    ("-5 min", r"limit must be positive, got '-5 min'"),
])
def test_bad_limit_is_a_config_error(limit, message):
    raw = {"steps": [{"id": "submit", "start": "opened_at", "end": "submitted_at", "limit": limit}]}
    with pytest.raises(ConfigError, match=message):
        c.sla(frame([ticket("a")]), raw)


def test_config_aliases_are_refused_with_file_and_line(tmp_path):
    path = tmp_path / "sla.yaml"
    path.write_text("base: &five 5 min\nsteps:\n  - {id: a, start: opened_at, end: submitted_at, "
                    "limit: *five}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"sla.yaml line 1: YAML anchor &five: anchors and aliases"):
        c.load_limits(path)
    path = tmp_path / "categories.yaml"
    path.write_text(CATEGORIES.read_text(encoding="utf-8") + "extra: &x [1]\nmore: *x\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"categories.yaml line \d+: YAML anchor &x"):
        c.load_categories(path)


def test_config_errors_list_every_problem(tmp_path):
    path = tmp_path / "sla.yaml"
    path.write_text("steps:\n  - {id: a, start: opened_at, limit: 5 min}\n"
                    "  - {id: b, start: opened_at, end: submitted_at, limit: 5 min,"
                    " when: {escalated: maybe}}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        c.load_limits(path)
    text = str(err.value)
    assert "step 'a': missing field(s) end" in text
    assert "step 'b': 'when' must map a true/false column to true or false" in text
    with pytest.raises(ConfigError, match="nope.yaml: file not found"):
        c.load_limits(tmp_path / "nope.yaml")
    with pytest.raises(TypeError, match="limits must be a path to sla.yaml or its parsed mapping, got int"):
        c.sla(frame([ticket("a")]), 5)


# =========================================================================== sla
def test_sla_step_boundaries_and_open_tickets(sla_tickets, limits):
    got = c.sla(sla_tickets, limits).set_index("step")
    # follow_up is optional and the table has no followed_up_at: left out.
    assert list(got.index) == ["submit", "dispatch", "reply", "provincial_reply", "return"]
    cols = ["tickets", "on_time", "late", "open", "invalid"]
    # submit: all 6 reached; on time t1 (5:00 exactly), t3, t4, t6; late t2 (5:01); open t5
    assert got.loc["submit", cols].tolist() == [6, 4, 1, 1, 0]
    # dispatch: reached by the 5 submitted; t1 (30:00) t3 t4 on time, t2 (30:01) late, t6 open
    assert got.loc["dispatch", cols].tolist() == [5, 3, 1, 1, 0]
    # reply (self-handled, 20 h): t1 exactly 20 h on time, t2 late; t5, t6 not dispatched
    assert got.loc["reply", cols].tolist() == [2, 1, 1, 0, 0]
    # provincial reply (escalated, 24 h): t3 at 20 h 1 s on time, t4 at 24 h 1 s late
    assert got.loc["provincial_reply", cols].tolist() == [2, 1, 1, 0, 0]
    # return (24 h): t1 and t3 exactly 24 h on time, t2 late, t4 open
    assert got.loc["return", cols].tolist() == [4, 2, 1, 1, 0]
    assert got["on_time_rate"].tolist() == pytest.approx([4 / 6, 3 / 5, 1 / 2, 1 / 2, 2 / 4])
    assert got["limit_minutes"].tolist() == [5, 30, 1200, 1440, 1440]


def test_sla_median_and_p90_by_hand(sla_tickets, limits):
    got = c.sla(sla_tickets, limits).set_index("step")
    # Linear interpolation between order statistics, position q * (n - 1) (numpy default).
    # submit durations: 1, 2, 4, 5, 5+1s -> median 4; p90 at 3.6: 5 + 0.6 * (1 s)
    assert got.loc["submit", "median_minutes"] == pytest.approx(4)
    assert got.loc["submit", "p90_minutes"] == pytest.approx(5 + 0.6 * SEC)
    # dispatch: 10, 20, 30, 30+1s -> median (20 + 30) / 2; p90 at 2.7: 30 + 0.7 s
    assert got.loc["dispatch", "median_minutes"] == pytest.approx(25)
    assert got.loc["dispatch", "p90_minutes"] == pytest.approx(30 + 0.7 * SEC)
    # reply: 1200, 1200+1s -> median 1200 + 0.5 s; p90 1200 + 0.9 s
    assert got.loc["reply", "median_minutes"] == pytest.approx(1200 + 0.5 * SEC)
    assert got.loc["reply", "p90_minutes"] == pytest.approx(1200 + 0.9 * SEC)
    # provincial reply: 1200+1s, 1440+1s -> median 1320+1s; p90 1200+1s + 0.9 * 240
    assert got.loc["provincial_reply", "median_minutes"] == pytest.approx(1320 + SEC)
    assert got.loc["provincial_reply", "p90_minutes"] == pytest.approx(1416 + SEC)
    # return: 1440, 1440, 1440+1s (t4 open, no duration) -> median 1440; p90 at 1.8
    assert got.loc["return", "median_minutes"] == pytest.approx(1440)
    assert got.loc["return", "p90_minutes"] == pytest.approx(1440 + 0.8 * SEC)


def test_sla_by_branch_and_period_month_boundary(limits):
    rows = [
        # 23:59:59 on 31 July is July; 00:00:00 on 1 August is August
        ticket("a", branch="潮安", opened="2010-07-31 23:59:59", sub=5 * M),
        ticket("b", branch="潮安", opened="2010-08-01 00:00:00", sub=5 * M + S),
        ticket("c", branch="饶平", opened="2010-08-31 23:59:59", sub=1 * M),
        ticket("d", branch="饶平", opened="2010-09-01 00:00:00"),
    ]
    got = c.sla(frame(rows), limits, by=["branch", "period"])
    submit = got[got["step"] == "submit"]
    assert submit[["branch", "period", "tickets", "on_time", "late", "open"]].values.tolist() == [
        ["潮安", "2010-07", 1, 1, 0, 0], ["潮安", "2010-08", 1, 0, 1, 0],
        ["饶平", "2010-08", 1, 1, 0, 0], ["饶平", "2010-09", 1, 0, 0, 1]]
    # Every group keeps every step, even one no ticket reached (rate NaN, not dropped).
    assert len(got) == 4 * 5
    dispatch = got[got["step"] == "dispatch"].set_index(["branch", "period"])
    assert dispatch.loc[("饶平", "2010-09"), "tickets"] == 0
    assert math.isnan(dispatch.loc[("饶平", "2010-09"), "on_time_rate"])
    quarters = c.sla(frame(rows), limits, by="period", freq="Q")
    assert quarters[quarters["step"] == "submit"][["period", "tickets"]].values.tolist() == [
        ["2010-Q3", 4]]


def test_sla_naive_string_and_time_zone_timestamps(sla_tickets, limits):
    naive = c.sla(sla_tickets, limits)
    # Timestamps typed in by hand as text give the same result.
    text = sla_tickets.copy()
    for col in ("opened_at", "submitted_at", "dispatched_at", "replied_at", "returned_at"):
        text[col] = text[col].dt.strftime("%Y-%m-%d %H:%M:%S").astype("object")
        text.loc[sla_tickets[col].isna(), col] = None
    pd.testing.assert_frame_equal(c.sla(text, limits), naive)
    # All aware in one zone: same durations, same numbers.
    aware = sla_tickets.copy()
    for col in ("opened_at", "submitted_at", "dispatched_at", "replied_at", "returned_at"):
        aware[col] = aware[col].dt.tz_localize("Asia/Shanghai")
    pd.testing.assert_frame_equal(c.sla(aware, limits), naive)
    # Mixed zones are converted to opened_at's zone: 16:05 UTC is 00:05 in Shanghai, 5 min
    # after opening, on time; and the month is Shanghai's (1 August), not UTC's (31 July).
    mixed = frame([ticket("a", opened="2010-08-01 00:00:00")])
    mixed["opened_at"] = mixed["opened_at"].dt.tz_localize("Asia/Shanghai")
    mixed["submitted_at"] = pd.Series([pd.Timestamp("2010-07-31 16:05:00", tz="UTC")])
    got = c.sla(mixed, limits, by="period")
    assert got[got["step"] == "submit"][["period", "on_time"]].values.tolist() == [["2010-08", 1]]
    half = sla_tickets.copy()
    half["submitted_at"] = half["submitted_at"].dt.tz_localize("Asia/Shanghai")
    with pytest.raises(DataError, match="'submitted_at' has a time zone \\(Asia/Shanghai\\) but "
                                        "'opened_at' is naive"):
        c.sla(half, limits)
    bad = text.copy()
    bad.loc[1, "submitted_at"] = "yesterday-ish"
    with pytest.raises(DataError, match="'submitted_at': 1 value\\(s\\) are not dates, e.g. 'yesterday-ish'"):
        c.sla(bad, limits)


def test_sla_end_before_start_is_invalid_not_on_time(limits):
    df = frame([ticket("a", sub=-2 * M), ticket("b", sub=2 * M)])
    got = c.sla(df, limits).set_index("step").loc["submit"]
    assert got[["tickets", "on_time", "late", "open", "invalid"]].tolist() == [2, 1, 0, 0, 1]
    assert got["median_minutes"] == 2  # the invalid duration is not in the quantiles


def test_optional_follow_up_step_and_missing_required_column(sla_tickets, limits):
    df = sla_tickets.copy()
    # follow-up (督办) within 3 h of dispatch: t1 exactly 3 h, t2 3 h 1 s; others missing
    df["followed_up_at"] = pd.NaT
    df.loc[0, "followed_up_at"] = df.loc[0, "dispatched_at"] + 3 * H
    df.loc[1, "followed_up_at"] = df.loc[1, "dispatched_at"] + 3 * H + S
    got = c.sla(df, limits).set_index("step").loc["follow_up"]
    # reached: dispatched t1..t4 = 4; on time t1, late t2, open t3, t4
    assert got[["tickets", "on_time", "late", "open"]].tolist() == [4, 1, 1, 2]
    with pytest.raises(DataError, match="tickets is missing column\\(s\\) 'returned_at' needed for "
                                        "SLA step 'return'; columns present: ticket_id, customer_id"):
        c.sla(sla_tickets.drop(columns="returned_at"), limits)
    with pytest.raises(DataError, match="missing column\\(s\\) 'region'; columns present: ticket_id"):
        c.sla(sla_tickets, limits, by="region")


def test_missing_escalated_value_is_reported(sla_tickets, limits):
    df = sla_tickets.copy()
    df["escalated"] = df["escalated"].astype("boolean")
    df.loc[2, "escalated"] = pd.NA
    with pytest.raises(DataError, match="'escalated' has 1 missing value\\(s\\); SLA step 'reply' needs it"):
        c.sla(df, limits)


def test_group_quantiles_match_pandas_groupby():
    # Second method: pandas' groupby quantile (linear interpolation as well).
    rng = np.random.default_rng(7)
    values = rng.exponential(30, 2000)
    codes = rng.integers(0, 13, 2000)
    codes[codes == 5] = 6  # an empty group
    from cxeval.complaints.tickets import _group_quantiles

    got = _group_quantiles(values, codes, 13, (0.5, 0.9))
    expected = pd.Series(values).groupby(codes).quantile([0.5, 0.9]).unstack().reindex(range(13))
    np.testing.assert_allclose(got, expected.to_numpy(), equal_nan=True)
    assert np.isnan(got[5]).all()


# =========================================================================== ticket-level rates
def test_ticket_status_overdue_and_on_time_rates(sla_tickets, limits):
    status = c.ticket_status(sla_tickets, limits)
    # t1 and t3: every step on time. t2: late at every step. t4: reply late and return open.
    # t5: submit open. t6: dispatch open.
    assert status["on_time"].tolist() == [True, False, True, False, False, False]
    assert status["overdue"].tolist() == [False, True, False, True, False, False]
    assert status["open"].tolist() == [False, False, False, True, True, True]
    assert status["steps_reached"].tolist() == [4, 4, 4, 4, 1, 2]
    overdue = c.overdue_rate(sla_tickets, limits, by=None)
    assert overdue[["tickets", "overdue"]].values.tolist() == [[6, 2]]
    assert overdue["overdue_rate"].iloc[0] == pytest.approx(2 / 6)
    esc = c.escalated_on_time_rate(sla_tickets, limits, by="branch")
    assert esc[["branch", "tickets", "on_time"]].values.tolist() == [["潮安", 2, 1]]  # t3 of t3, t4
    assert esc["on_time_rate"].iloc[0] == 0.5
    own = c.on_time_rate(sla_tickets, limits, escalated=False, by=None)
    assert own[["tickets", "on_time"]].values.tolist() == [[4, 1]]  # t1 of t1, t2, t5, t6
    everyone = c.on_time_rate(sla_tickets, limits, by=None)
    assert everyone[["tickets", "on_time"]].values.tolist() == [[6, 2]]
    with pytest.raises(ValueError, match="escalated must be True, False or None, got 'yes'"):
        c.on_time_rate(sla_tickets, limits, escalated="yes")


@pytest.fixture
def rate_tickets():
    """潮安 July: 4 self-handled (3 resolved at first contact), 1 escalated; 饶平 July: 1
    self-handled with an unknown outcome; 潮安 August: 1 self-handled, not resolved."""
    rows = [
        ticket("a", opened="2010-07-01 08:00", fcr=True, qualified=True),
        ticket("b", opened="2010-07-05 08:00", fcr=True, qualified=True),
        ticket("c", opened="2010-07-09 08:00", fcr=True, qualified=False),
        ticket("d", opened="2010-07-31 23:59:59", fcr=False, qualified=None),
        ticket("e", opened="2010-07-20 08:00", fcr=True, escalated=True, qualified=True),
        ticket("f", opened="2010-07-20 08:00", branch="饶平", fcr=None, qualified=True),
        ticket("g", opened="2010-08-01 00:00:00", fcr=False, qualified=True),
    ]
    df = frame(rows)
    df["first_contact_resolved"] = df["first_contact_resolved"].astype("boolean")
    df["qualified"] = df["qualified"].astype("boolean")
    return df


def test_first_contact_resolution_by_branch_and_period(rate_tickets):
    got = c.first_contact_resolution(rate_tickets)
    # 潮安 July: self-handled a, b, c, d -> 3 of 4; e is escalated and left out.
    # 潮安 August: g -> 0 of 1. 饶平 July: f's outcome unknown -> 0 tickets, rate NaN.
    assert got[["branch", "period", "tickets", "resolved"]].values.tolist() == [
        ["潮安", "2010-07", 4, 3], ["潮安", "2010-08", 1, 0], ["饶平", "2010-07", 0, 0]]
    assert got["fcr"].tolist()[:2] == [0.75, 0.0]
    assert math.isnan(got["fcr"].iloc[2])
    province = c.first_contact_resolution(rate_tickets, by="period")
    assert province[["period", "tickets", "resolved"]].values.tolist() == [
        ["2010-07", 4, 3], ["2010-08", 1, 0]]


def test_quality_pass_rate_excludes_unchecked(rate_tickets):
    got = c.quality_pass_rate(rate_tickets, by="branch")
    # 潮安: a, b, e, g pass, c fails, d not checked -> 4 of 5; 饶平: f -> 1 of 1
    assert got[["branch", "tickets", "qualified"]].values.tolist() == [["潮安", 5, 4], ["饶平", 1, 1]]
    assert got["pass_rate"].tolist() == [0.8, 1.0]


def test_complaint_rate_per_10k(rate_tickets):
    subs = pd.DataFrame({"branch": ["潮安"] * 3 + ["饶平"] * 3,
                         "period": ["2010-07", "2010-08", "2010-09"] * 2,
                         "subscribers": [20_000, 22_000, 24_000, 8_000, 8_000, 8_000]})
    got = c.complaint_rate(rate_tickets, subs)
    # 潮安 July 5 complaints / 20,000 * 10,000 = 2.5; August 1 / 22,000 * 10,000 = 0.4545...
    # 饶平 July 1 / 8,000 * 10,000 = 1.25
    assert got[["branch", "period", "complaints", "subscribers"]].values.tolist() == [
        ["潮安", "2010-07", 5, 20_000], ["潮安", "2010-08", 1, 22_000], ["饶平", "2010-07", 1, 8_000]]
    assert got["per_10k"].tolist() == pytest.approx([2.5, 10_000 / 22_000, 1.25])
    # Province by month: July 6 / (20,000 + 8,000) * 10,000 = 2.142857
    province = c.complaint_rate(rate_tickets, subs, by="period")
    assert province["per_10k"].tolist() == pytest.approx([60_000 / 28_000, 10_000 / 30_000])
    # Quarter: 潮安's base is the mean of Jul-Sep, 22,000: 6 / 22,000 * 10,000 = 2.7272...
    quarter = c.complaint_rate(rate_tickets, subs, freq="Q")
    assert quarter[["branch", "period", "complaints", "subscribers"]].values.tolist()[0] == \
        ["潮安", "2010-Q3", 6, 22_000]
    assert quarter["per_10k"].iloc[0] == pytest.approx(60_000 / 22_000)
    # Whole table: 7 complaints against the mean monthly total (28,000 + 30,000 + 32,000) / 3
    whole = c.complaint_rate(rate_tickets, subs, by=None)
    assert whole[["complaints", "subscribers"]].values.tolist() == [[7, 30_000]]
    assert whole["per_10k"].iloc[0] == pytest.approx(70_000 / 30_000)
    # A branch without subscribers gets NaN, not an error or a drop.
    only = c.complaint_rate(rate_tickets, subs[subs["branch"] == "潮安"], by="branch")
    assert only["branch"].tolist() == ["潮安", "饶平"]
    assert math.isnan(only["per_10k"].iloc[1])
    with pytest.raises(DataError, match="by can only use 'branch' and 'period'"):
        c.complaint_rate(rate_tickets, subs, by="category")
    with pytest.raises(DataError, match="subscribers is missing column\\(s\\) 'subscribers'; "
                                        "columns present: branch, period"):
        c.complaint_rate(rate_tickets, subs[["branch", "period"]])


def test_rate_family_validation(rate_tickets):
    with pytest.raises(ValueError, match=r"freq must be one of \['M', 'Q'\] \(month, quarter\), got 'W'"):
        c.first_contact_resolution(rate_tickets, freq="W")
    with pytest.raises(DataError, match="tickets is missing column\\(s\\) 'qualified'"):
        c.quality_pass_rate(rate_tickets.drop(columns="qualified"))
    odd = rate_tickets.assign(qualified=["yes"] * len(rate_tickets))
    with pytest.raises(DataError, match="'qualified' must be true/false"):
        c.quality_pass_rate(odd)
    # 0/1 integers are read as false/true.
    ints = rate_tickets.assign(qualified=[1, 1, 0, 1, 1, 1, 1])
    assert c.quality_pass_rate(ints, by=None)["qualified"].tolist() == [6]


# =========================================================================== repeat complaints
def _repeat_table():
    """July 2010 customers (one ticket = one complaint):

    B 10 complaints; D 9 in July plus one at 00:00:00 on 1 August; A exactly 5;
    E 4 plus one at 23:59:59 on 31 July (5 in July); C 4; F 1 in 饶平.
    """
    rows = []

    def add(customer, n, day0=1, branch="潮安", category="信号覆盖"):
        for i in range(n):
            rows.append(ticket(f"{customer}-{len(rows)}", customer=customer, branch=branch,
                               opened=pd.Timestamp(f"2010-07-{day0 + i:02d} 10:00"),
                               category=category))

    add("13900000010", 10)                  # B
    add("13900000009", 9, category="计费账单")  # D
    rows.append(ticket("D-aug", customer="13900000009", opened="2010-08-01 00:00:00"))
    add("13900000005", 5)                   # A
    add("13900000105", 4)                   # E
    rows.append(ticket("E-edge", customer="13900000105", opened="2010-07-31 23:59:59"))
    add("13900000004", 4)                   # C
    add("15000000001", 1, branch="饶平")     # F
    return frame(rows)


def test_repeat_complaints_thresholds_and_month_boundaries():
    got = c.repeat_complaints(_repeat_table())
    # July >= 5: B (10), D (9), A (5), E (5) -> 4 customers, 10 + 9 + 5 + 5 = 29 complaints.
    # July >= 10: B -> 1 customer, 10 complaints (B is also in the >= 5 row).
    # August: D's single complaint -> zero rows, kept.
    assert got.values.tolist() == [
        ["2010-07", 5, 4, 29], ["2010-07", 10, 1, 10],
        ["2010-08", 5, 0, 0], ["2010-08", 10, 0, 0]]
    assert list(got.columns) == ["period", "threshold", "customers", "complaints"]
    by_branch = c.repeat_complaints(_repeat_table(), thresholds=(1,), by="branch")
    # >= 1 counts every complainer: 潮安 July B D A E C = 5 customers, 10+9+5+5+4 = 33
    assert by_branch.values.tolist() == [
        ["潮安", "2010-07", 1, 5, 33], ["潮安", "2010-08", 1, 1, 1], ["饶平", "2010-07", 1, 1, 1]]
    quarter = c.repeat_complaints(_repeat_table(), thresholds=(10,), freq="Q")
    # Q3: D has 9 + 1 = 10 -> B and D, 20 complaints
    assert quarter.values.tolist() == [["2010-Q3", 10, 2, 20]]


def test_repeat_complaints_validation():
    with pytest.raises(ValueError, match=r"thresholds must be whole numbers >= 1, e.g. \(5, 10\), got \(0, 5\)"):
        c.repeat_complaints(_repeat_table(), thresholds=(0, 5))
    with pytest.raises(ValueError, match="thresholds must be whole numbers"):
        c.repeat_complaints(_repeat_table(), thresholds=(5.5,))
    with pytest.raises(ValueError, match="by must not include 'period'"):
        c.repeat_complaints(_repeat_table(), by="period")
    df = _repeat_table()
    df.loc[3, "customer_id"] = None
    with pytest.raises(DataError, match="1 ticket\\(s\\) have no customer_id"):
        c.repeat_complaints(df)


def test_top_repeaters_are_masked_and_ranked():
    df = _repeat_table()
    got = c.top_repeaters(df, period="2010-07", n=4)
    # B 10, D 9, then A and E tie at 5: ties in order of the (unmasked) id, ...0005 < ...0105
    assert got[["rank", "customer_id", "complaints"]].values.tolist() == [
        [1, "139****0010", 10], [2, "139****0009", 9], [3, "139****0005", 5], [4, "139****0105", 5]]
    assert got["top_category"].tolist() == ["信号覆盖", "计费账单", "信号覆盖", "信号覆盖"]
    assert got["branch"].tolist() == ["潮安"] * 4
    assert got["first_opened"].iloc[0] == pd.Timestamp("2010-07-01 10:00")
    assert got["last_opened"].iloc[0] == pd.Timestamp("2010-07-10 10:00")
    assert got["last_opened"].iloc[3] == pd.Timestamp("2010-07-31 23:59:59")  # E's edge ticket
    # No unmasked id leaves the function, in any cell.
    text = got.astype("str").to_string()
    for raw in df["customer_id"].unique():
        assert raw not in text
    assert c.top_repeaters(df, period="2010-08", n=10)["complaints"].tolist() == [1]
    assert c.top_repeaters(df, period="2011-01").empty
    with pytest.raises(ValueError, match="period must be a month 'YYYY-MM' or a quarter 'YYYY-Qn', got '2010/07'"):
        c.top_repeaters(df, period="2010/07")
    with pytest.raises(ValueError, match="n must be a whole number >= 1, got 0"):
        c.top_repeaters(df, period="2010-07", n=0)


def test_overdue_tickets_masks_ids_and_phone_numbers(sla_tickets, limits):
    df = sla_tickets.copy()
    df["customer_id"] = "13712345678"
    df.loc[3, "summary"] = "<b>客户</b>要求回电 13812345678"
    got = c.overdue_tickets(df, limits, n=5)
    # Late tickets: t2 (each step 1 s over, worst = 1 s) and t4 (provincial reply 1 s over);
    # equal overshoot -> table order (t2 first).
    assert got["ticket_id"].tolist() == ["t2", "t4"]
    assert got["step"].tolist() == ["submit", "provincial_reply"]
    assert got["over_minutes"].tolist() == pytest.approx([SEC, SEC])
    assert got["customer_id"].tolist() == ["137****5678"] * 2
    assert got["summary"].iloc[1] == "<b>客户</b>要求回电 138****5678"
    assert "13812345678" not in got.to_string() and "13712345678" not in got.to_string()


# =========================================================================== campaign
def _actual():
    """Monthly measures; statuses worked out in test_campaign_statuses."""
    return pd.DataFrame({
        "period": ["2010-06", "2010-07", "2010-08", "2010-09", "2010-10", "2010-11"],
        "repeat_5": [3000, 3428, 2500, 1371, 342, 343],
        "repeat_10": [700, 748, 561, 400, 0, 0],
        "fcr": [0.80, 0.82, 0.84, 0.85, 0.83, 0.99],
        "provincial_fcr": [0.80, 0.80, 0.80, 0.80, 0.80, 0.97],
        "escalated_on_time_rate": [0.95, 0.95, 0.99, 0.985, 0.987, np.nan],
        "self_handled_on_time_rate": [0.90, 0.96, 0.97, 0.96, 1.0, 1.0],
        "pass_rate": [0.99, 0.99, 0.995, 1.0, 0.999, 0.9995],
    })


def test_campaign_trajectory_matches_reference(limits):
    ref = pd.read_csv(REFERENCE / "complaints_campaign_2010.csv", comment="#", dtype={"period": str})
    got = c.campaign(_actual(), limits).table
    reduce = got[got["kind"] == "reduce"].merge(ref, on=["period", "target"])
    assert len(reduce) == len(ref) == 8
    np.testing.assert_allclose(reduce["goal"], reduce["expected_goal"], rtol=0, atol=1e-9)


def test_campaign_statuses(limits):
    result = c.campaign(_actual(), limits)
    table = result.table
    # Only months after the July baseline are tracked.
    assert sorted(table["period"].unique()) == ["2010-08", "2010-09", "2010-10", "2010-11"]
    status = table.pivot(index="target", columns="period", values="status")
    # repeat_5 (goals 2,399.6 / 1,371.2 / 342.8 / 342.8; end goal 342.8):
    #   2,500 > 2,399.6 off; 1,371 <= 1,371.2 on track; 342 <= 342.8 met; 343 > 342.8 off
    assert status.loc["repeat_5"].tolist() == ["off_track", "on_track", "met", "off_track"]
    # repeat_10 (561 / 374 / 187 / 0): 561 = goal on track; 400 > 374 off; 0 met; 0 met
    assert status.loc["repeat_10"].tolist() == ["on_track", "off_track", "met", "met"]
    # fcr, goal province + 5 pp = 85% (Nov: 97% + 5 pp capped at 100%):
    #   Aug 84%, gap 1 pp < July's 3 pp -> on track; Sep 85% met; Oct 83%, gap 2 pp > 0 -> off;
    #   Nov 99% vs 100%, gap 1 pp < 2 pp -> on track
    assert status.loc["fcr"].tolist() == ["on_track", "met", "off_track", "on_track"]
    assert table.query("target == 'fcr' and period == '2010-11'")["goal"].iloc[0] == 1.0
    # escalated >= 99%: Aug 99% met; Sep 98.5% (gap .5 pp, was 0) off; Oct 98.7% (gap .3 pp
    # < .5 pp) on track; Nov missing -> no data
    assert status.loc["escalated_on_time"].tolist() == ["met", "off_track", "on_track", "no_data"]
    # self-handled 100%: Aug 97% (gap 3 pp < 4 pp) on; Sep 96% (4 > 3) off; Oct, Nov met
    assert status.loc["self_handled_on_time"].tolist() == ["on_track", "off_track", "met", "met"]
    # quality 100%: Aug 99.5% (.5 < 1) on; Sep met; Oct 99.9% (.1 > 0) off; Nov 99.95% on
    assert status.loc["quality_pass"].tolist() == ["on_track", "met", "off_track", "on_track"]
    latest = result.latest()
    assert latest["target"].tolist() == ["repeat_5", "repeat_10", "fcr", "escalated_on_time",
                                         "self_handled_on_time", "quality_pass"]
    # escalated has no November value: its latest month with data is October
    assert latest["period"].tolist() == ["2010-11"] * 3 + ["2010-10"] + ["2010-11"] * 2
    assert result.counts() == {"met": 2, "on_track": 3, "off_track": 1, "no_data": 0}
    assert "重复投诉（月内≥5次客户），2010-11：343 件，当月目标不超过 343 件（基线 3,428 件）：进度落后。" \
        in result.summary("zh")
    assert result._repr_html_().startswith("<style")


def test_campaign_without_baseline_month_and_bad_input(limits):
    later = _actual()[_actual()["period"] >= "2010-08"]
    table = c.campaign(later, limits).table
    assert set(table.query("kind == 'reduce'")["status"]) == {"no_data"}
    with pytest.raises(DataError, match="actual is missing column\\(s\\) 'pass_rate'; columns present: period"):
        c.campaign(_actual().drop(columns="pass_rate"), limits)
    with pytest.raises(DataError, match="period must be months 'YYYY-MM', got '2010-Q3'"):
        c.campaign(_actual().assign(period=["2010-Q3"] * 6), limits)
    with pytest.raises(ConfigError, match="kind must be 'reduce' or 'at_least', got 'more'"):
        c.campaign(_actual(), {"baseline": "2010-07",
                               "targets": [{"id": "x", "measure": "fcr", "kind": "more"}]})
    with pytest.raises(ConfigError, match="due must be a month 'YYYY-MM' after the baseline 2010-07"):
        c.campaign(_actual(), {"baseline": "2010-07", "targets": [
            {"id": "x", "measure": "repeat_5", "kind": "reduce", "reduction": 0.9, "due": "2010-06"}]})


def test_campaign_actuals_from_tickets(rate_tickets, limits):
    got = c.campaign_actuals(rate_tickets, limits, branch="潮安")
    assert got["period"].tolist() == ["2010-07", "2010-08"]
    assert got["tickets"].tolist() == [5, 1]
    assert got["repeat_5"].tolist() == [5, 0]  # customer 13800000001 made all 5 July tickets
    assert got["repeat_10"].tolist() == [0, 0]
    assert got["fcr"].tolist() == [0.75, 0.0]
    # Province July: 潮安 3 of 4 plus 饶平's unknown outcome (left out) -> 0.75
    assert got["provincial_fcr"].tolist() == [0.75, 0.0]
    # no step times at all: every ticket's submit step is open -> nothing on time
    assert got["self_handled_on_time_rate"].tolist() == [0.0, 0.0]
    assert got["escalated_on_time_rate"].iloc[0] == 0.0
    assert math.isnan(got["escalated_on_time_rate"].iloc[1])  # no escalated ticket in August
    assert got["pass_rate"].tolist() == [0.75, 1.0]  # July a b e pass, c fails, d unchecked


# =========================================================================== categories
def test_load_categories_shipped_file():
    cats = c.load_categories(CATEGORIES)
    assert len(cats) == 16  # DOMAIN.md section 3: 16 sub-items
    assert cats["network"].value_counts().to_dict() == {"support": 6, "product": 5, "channel": 5}
    assert cats.set_index("zh").loc["信号覆盖", "network_zh"] == "产品网络质量"


def test_bad_categories_file(tmp_path):
    path = tmp_path / "categories.yaml"
    path.write_text("networks: {product: {zh: 产品, en: Product}}\ncategories:\n"
                    "  - {id: a, zh: 甲, en: A, network: product}\n"
                    "  - {id: b, zh: 甲, en: B, network: space}\n"
                    "  - {id: c, zh: 丙, en: C, network: product}\n"
                    "  - {id: c, zh: 丁, en: D}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        c.load_categories(path)
    text = str(err.value)
    assert "category 'b': network 'space' is not one of ['product']" in text
    assert "category 'c': missing network" in text


def test_unknown_categories_are_reported_not_dropped():
    df = frame([ticket("a", category="信号覆盖"), ticket("b", category="信号不好", summary="回电13912345678"),
                ticket("c", category="信号不好"), ticket("d", category=None),
                ticket("e", category="billing", network="support"),
                ticket("f", category="计费账单", network="product")])
    check = c.check_categories(df, CATEGORIES)
    assert (check.total, check.count) == (6, 3)  # b, c (unknown name), d (missing)
    assert check.examples.values.tolist() == [["信号不好", 2], ["<missing>", 1]]
    assert check.rows["ticket_id"].tolist() == ["b", "c", "d"]
    assert check.rows["customer_id"].tolist() == ["138****0001"] * 3
    assert check.rows["summary"].iloc[0] == "回电139****5678"
    assert check.network_mismatch == 1  # f: 计费账单 is a support sub-item, ticket says product
    assert not check.ok
    assert check.summary("en").startswith("3 tickets (50.0%) have a sub-item not in the list "
                                          "(e.g. 信号不好, <missing>)")
    assert c.check_categories(df.iloc[:1], CATEGORIES).summary("zh") == \
        "全部 1 张工单的投诉子项均在 16 个子项目录中。"


# =========================================================================== sentences
def test_sla_sentence(sla_tickets, limits):
    table = c.sla(sla_tickets, limits)
    # Rates: submit 4/6, dispatch 3/5, reply 1/2, provincial reply 1/2, return 2/4.
    # Lowest (50%) is a three-way tie, broken by more tickets -> return (4 tickets);
    # its p90 is 1440 min + 0.8 s = 24.0 h. Best: submit 66.7%. Open: 1 + 1 + 1 = 3.
    assert c.sla_sentence(table, lang="en") == (
        "Weakest step: City returns the ticket, 50.0% on time within 24.0 h; 90% took at most "
        "24.0 h. Best: Front desk submits (66.7%). 3 step(s) are still open "
        "(counted as not on time).")
    assert c.sla_sentence(table, lang="zh").startswith("时限最薄弱的环节是「地市回单」：50.0% 在 24.0 小时 内完成")
    with pytest.raises(ValueError, match="lang must be 'zh' or 'en', got 'fr'"):
        c.sla_sentence(table, lang="fr")


def test_repeat_and_fcr_sentences(rate_tickets, limits):
    table = c.repeat_complaints(_repeat_table())
    assert c.repeat_sentence(table, baseline="2010-07", lang="en") == (
        "Complaints from customers with 5+ a month: 29 in 2010-07, 0 in 2010-08 (-100.0%); "
        "complaints from customers with 10+ a month: 10 in 2010-07, 0 in 2010-08 (-100.0%).")
    assert c.repeat_sentence(table, baseline="2010-07", lang="zh").startswith(
        "月内投诉≥5 次客户的投诉量 2010-07 为 29 件，2010-08 为 0 件（-100.0%）；")
    actual = c.campaign_actuals(rate_tickets, limits, branch="潮安")
    # August: branch 0%, province 0% -> target 5%, 5.0 pp short
    assert c.fcr_sentence(actual, lang="en") == (
        "First-contact resolution in 2010-08: 0.0% against a provincial 0.0%; the target "
        "(province + 5.0 pp) is 5.0%: 5.0 pp short of the target.")
    assert c.fcr_sentence(actual.iloc[:1], lang="zh") == (
        "2010-07 自处理投诉一次性解决率 75.0%，全省 75.0%，目标（全省 + 5.0 pp）80.0%："
        "距目标还差 5.0 pp。")


def test_status_and_campaign_sentences(limits):
    row = {"period": "2010-10", "target": "repeat_5", "label_en": "Repeat", "label_zh": "重复投诉",
           "kind": "reduce", "baseline": 3428.0, "actual": 300.0, "goal": 342.8,
           "final_goal": 342.8, "status": "met"}
    assert c.status_sentence(row, lang="en") == \
        "Repeat, 2010-10: 300 against a goal of at most 343 (3,428 in the baseline month): met."
    rate = dict(row, kind="at_least", actual=0.987, goal=0.99, status="on_track", label_zh="转办及时率")
    assert c.status_sentence(rate, lang="zh") == "转办及时率，2010-10：98.7%，目标不低于 99.0%：未达标但进度正常。"
    with pytest.raises(ValueError, match="status must be one of"):
        c.status_sentence(dict(row, status="great"))
    result = c.campaign(_actual(), limits)
    assert c.campaign_sentence(result, lang="en") == \
        "In 2010-11, 2 of 6 campaign targets are met, 3 on track and 1 off track."
    assert c.campaign_sentence(result, lang="zh") == \
        "截至 2010-11，6 项活动目标中 2 项已达标、3 项进度正常、1 项进度落后。"


# =========================================================================== DuckDB cross-check
def _bench():
    spec = importlib.util.spec_from_file_location("bench_complaints",
                                                  ROOT / "benchmarks" / "bench_complaints.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def random_tickets():
    """3,000 random tickets over 2 branches and 3 months, with open, late and odd steps."""
    rng = np.random.default_rng(11)
    n = 3000
    opened = pd.Timestamp("2010-06-01") + pd.to_timedelta(rng.integers(0, 92 * 86400, n), "s")
    def step(prev, scale, p_missing):
        gap = pd.to_timedelta(rng.exponential(scale, n).round(), "s")
        out = prev + gap
        return out.where(rng.random(n) > p_missing)
    submitted = step(pd.Series(opened), 200, 0.02)
    dispatched = step(submitted, 1500, 0.03)
    df = pd.DataFrame({
        "ticket_id": [f"T{i}" for i in range(n)],
        "customer_id": [f"138{x:08d}" for x in rng.integers(0, 400, n)],
        "branch": rng.choice(["潮安", "饶平"], n),
        "opened_at": opened,
        "category": rng.choice(["信号覆盖", "计费账单", "未知子项"], n),
        "network": rng.choice(["product", "support"], n),
        "submitted_at": submitted, "dispatched_at": dispatched,
        "replied_at": step(dispatched, 50_000, 0.05), "returned_at": step(dispatched, 60_000, 0.05),
        "escalated": rng.random(n) < 0.2,
        "first_contact_resolved": pd.array(np.where(rng.random(n) < 0.05, None, rng.random(n) < 0.7),
                                           dtype="boolean"),
        "qualified": pd.array(np.where(rng.random(n) < 0.05, None, rng.random(n) < 0.95),
                              dtype="boolean"),
    })
    # One exact-limit submit and one end-before-start, so both edges are compared too.
    df.loc[0, "submitted_at"] = df.loc[0, "opened_at"] + 5 * M
    df.loc[1, "submitted_at"] = df.loc[1, "opened_at"] - 5 * M
    return df


def test_functions_agree_with_duckdb_sql(random_tickets, limits):
    import duckdb

    bench = _bench()
    subs = pd.DataFrame({"branch": ["潮安"] * 3 + ["饶平"] * 3,
                         "period": ["2010-06", "2010-07", "2010-08"] * 2,
                         "subscribers": [1000, 1100, 1200, 900, 950, 1000]})
    cats = c.load_categories(CATEGORIES)
    con = duckdb.connect()
    con.register("tickets", random_tickets)
    con.register("subscribers", subs)
    con.register("categories", bench.category_names(cats))
    queries = bench.sql_queries(limits, random_tickets.columns)
    calls = bench.pandas_calls(limits, subs, cats)
    assert set(queries) == set(calls)
    keys = {"sla": ["branch", "period", "step"], "repeat_complaints": ["period", "threshold"]}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name, call in calls.items():
            ours, sql = call(random_tickets), con.sql(queries[name]).df()
            if name == "check_categories":
                unknown = sql[sql["unknown"]]
                assert ours.count == int(unknown["tickets"].sum()) == \
                    (random_tickets["category"] == "未知子项").sum()
                assert ours.examples.values.tolist() == unknown[["category", "tickets"]].values.tolist()
                assert ours.network_mismatch == int(sql["network_mismatch"].sum()) > 0
                continue
            if name == "top_repeaters":
                assert ours["complaints"].tolist() == sql["complaints"].tolist()
                assert ours["customer_id"].tolist() == sql["customer_id"].map(
                    lambda s: s[:3] + "****" + s[-4:]).tolist()
                continue
            on = keys.get(name, ["branch", "period"])
            merged = ours.merge(sql, on=on, suffixes=("", "_sql"), validate="one_to_one")
            assert len(merged) == len(ours) == len(sql), name
            for col in sql.columns:
                if col in on:
                    continue
                np.testing.assert_allclose(merged[col].astype(float), merged[f"{col}_sql"].astype(float),
                                           rtol=1e-9, equal_nan=True, err_msg=f"{name}.{col}")


def test_benchmark_smoke_run(capsys):
    pytest.importorskip("cxeval.sample")
    bench = _bench()
    assert bench.main(["--tickets", "20000", "--no-memory"]) == 0
    out = capsys.readouterr().out
    assert "worst ratio:" in out and "sla" in out and "process peak RSS" in out


# =========================================================================== sample calibration
def test_repeat_complaints_reproduce_the_campaign_figures_in_the_sample():
    # DOMAIN.md section 2: 3,428 complaints from >= 5-time and 748 from >= 10-time
    # complainers in July 2010; the sample generator builds its customers to hit these
    # (and its other monthly figures, cxeval.sample.REPEAT_5 / REPEAT_10) exactly.
    sample = pytest.importorskip("cxeval.sample")
    got = c.repeat_complaints(sample.tickets(0))
    wide = got.pivot(index="period", columns="threshold", values="complaints")
    assert wide.loc["2010-07"].tolist() == [3428, 748]
    assert wide[5].tolist() == list(sample.REPEAT_5)
    assert wide[10].tolist() == list(sample.REPEAT_10)
    limits = c.load_limits(SLA)
    result = c.campaign(c.campaign_actuals(sample.tickets(0), limits), limits)
    # Province: Oct 318 <= 342.8 met; Nov >= 10 at 0 met (DOMAIN.md targets reached).
    status = result.table.pivot(index="target", columns="period", values="status")
    assert status.loc["repeat_5", "2010-10"] == "met"
    assert status.loc["repeat_10", "2010-11"] == "met"
    assert status.loc["repeat_5", "2010-08"] == "off_track"  # 3,190 > 2,399.6


# =========================================================================== display helpers
def test_campaign_actuals_context_columns(rate_tickets, limits):
    subs = pd.DataFrame({"branch": ["潮安", "潮安", "饶平"], "period": ["2010-07", "2010-08", "2010-07"],
                         "subscribers": [20_000, 10_000, 5_000]})
    got = c.campaign_actuals(rate_tickets, limits, branch="潮安", subscribers=subs)
    # 潮安: July 5 complaints / 20,000 -> 2.5 per 10k; August 1 / 10,000 -> 1.0
    assert got["per_10k"].tolist() == pytest.approx([2.5, 1.0])
    assert got["overdue_rate"].tolist() == [0.0, 0.0]  # no step completed, none late


def test_campaign_goals_and_summary_filter(limits):
    assert c.campaign_goals(limits) == {"escalated_on_time_rate": 0.99,
                                        "self_handled_on_time_rate": 1.0, "pass_rate": 1.0}
    result = c.campaign(_actual(), limits)
    assert result.statuses()["repeat_10"] == "met"
    assert result.summary("en", targets=["quality_pass"]) == (
        # 99.95% would round to 100.0% and hide the shortfall: shown with two decimals
        "Ticket quality pass rate, 2010-11: 99.95% against a goal of at least 100.00%: "
        "not yet met, on track.")
    with pytest.raises(ValueError, match=r"targets must be among \['repeat_5'.*got \['nope'\]"):
        result.summary("en", targets=["nope"])
    empty = c.campaign(_actual().iloc[:0], limits)
    assert empty.summary("en", targets=["fcr"]) == "No month after the baseline."


def test_root_cause_pointer():
    table = pd.DataFrame({"category": ["计费账单", "增值业务", "信号覆盖"], "count": [50, 30, 20],
                          "percent": [50.0, 30.0, 20.0], "cum_percent": [50.0, 80.0, 100.0]})
    assert c.root_cause_pointer(table, n=2, lang="en") == (
        "The top 2 sub-items (计费账单, 增值业务) make 80.0% of the complaints; their causes, the "
        "vital few and the actions are in the root-cause and Pareto report (02_root_cause_pareto).")
    assert c.root_cause_pointer(table, n=2, lang="zh").startswith(
        "投诉量最多的 2 个子项（计费账单、增值业务）占本分公司投诉的 80.0%；")
    assert c.root_cause_pointer(table.iloc[:0], lang="en") == "This branch has no complaint tickets to rank."


def test_display_tables_escape_and_mask(sla_tickets, limits, rate_tickets):
    df = sla_tickets.copy()
    df["customer_id"] = "13712345678"
    df.loc[1, "summary"] = "<script>alert(1)</script> 请回电 13812345678"
    html = c.show_overdue(c.overdue_tickets(df, limits), lang="en").to_html()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "13812345678" not in html and "13712345678" not in html and "138****5678" in html
    # show_top_repeaters masks again even if handed raw ids.
    raw = pd.DataFrame({"rank": [1], "customer_id": ["13912345678"], "complaints": [7],
                        "branch": ["潮安"], "top_category": ["计费账单"],
                        "first_opened": [pd.Timestamp("2010-07-01")], "last_opened": [pd.Timestamp("2010-07-09")]})
    html = c.show_top_repeaters(raw, lang="zh").to_html()
    assert "13912345678" not in html and "139****5678" in html
    html = c.show_sla(c.sla(sla_tickets, limits), lang="en").to_html()
    assert "Front desk submits" in html and "66.7%" in html and "5 min" in html
    html = c.show_campaign(c.campaign(_actual(), limits), lang="en").to_html()
    assert "≤ 343" in html and "off track" in html
    actual = c.campaign_actuals(rate_tickets, limits, branch="潮安")
    assert "75.0%" in c.show_monthly(actual, lang="en").to_html()
    cards = c.headline(actual, c.campaign(actual, limits), branch="潮安", lang="en")._repr_html_()
    assert "Tickets" in cards and ">6<" in cards  # 5 + 1 tickets


# =========================================================================== plots
def test_plots_return_axes_without_missing_glyphs(sla_tickets, limits, rate_tickets):
    import matplotlib.pyplot as plt

    from cxeval import plots

    plots.theme()
    actual = c.campaign_actuals(rate_tickets, limits, branch="潮安")
    result = c.campaign(_actual(), limits)
    repeats = c.repeat_complaints(_repeat_table())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        axes = [plots.plot_sla_funnel(c.sla(sla_tickets, limits)),
                plots.plot_on_time_trend(_actual(), targets=c.campaign_goals(limits)),
                plots.plot_fcr_trend(_actual(), lang="en"),
                plots.plot_repeat_trend(repeats, campaign_table=result.table),
                plots.plot_campaign_status(result.table)]
        for ax in axes:
            ax.figure.canvas.draw()
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)
               or "Glyph" in str(w.message)]
    assert not missing, missing
    funnel = axes[0]
    # stacked bars: on time, late, open per step (5 steps); the first step's bars sum to 6
    assert len(funnel.patches) == 15
    assert sum(p.get_width() for p in funnel.patches[::5]) == 6
    status = axes[4]
    assert len(status.patches) == 6 * 4  # targets x tracked months
    fig, ax = plt.subplots()
    assert plots.plot_fcr_trend(actual.iloc[:0], ax=ax, lang="en") is ax
    assert ax.texts[0].get_text() == "No data"
    with pytest.raises(ValueError, match="one row per step: pass sla\\(...\\) without by="):
        plots.plot_sla_funnel(pd.concat([c.sla(sla_tickets, limits)] * 2))


def test_latest_period_and_default_top_repeaters():
    df = _repeat_table()
    assert c.latest_period(df) == "2010-08"  # D's ticket at 00:00 on 1 August
    assert c.latest_period(df, freq="Q") == "2010-Q3"
    assert c.latest_period(df.iloc[:0]) is None
    assert c.top_repeaters(df, period=None)["customer_id"].tolist() == ["139****0009"]
    assert c.top_repeaters(df.iloc[:0], period=None).empty


def test_index_entry(limits):
    # _actual's latest statuses: 2 met, 3 on track, 1 off track -> bad
    entry = c.index_entry(c.campaign(_actual(), limits))
    off = c.campaign(_actual(), limits).latest().query("status == 'off_track'")
    assert len(off) == 1
    assert entry == {"headline": "2/6 项活动目标达标", "headline_en": "2 of 6 campaign targets met", "status": "bad",
                     "reason": "进度落后：" + off["label_zh"].iloc[0], "reason_en": "off track: " + off["label_en"].iloc[0]}
    assert c.index_entry(c.campaign(_actual().iloc[:0], limits)) == {
        "headline": "无投诉数据", "headline_en": "no complaint data", "status": "none"}


# =========================================================================== DuckDB under the functions
@pytest.mark.parametrize("freq", ["M", "Q"])
def test_duckdb_path_gives_the_numpy_numbers(random_tickets, limits, monkeypatch, freq):
    # Long tables are aggregated by DuckDB; the numbers, keys, order and types must be the
    # numpy path's, with missing branches as a group of their own and every edge (a step
    # exactly at its limit, end before start, open steps) counted the same way.
    tickets = random_tickets.copy()
    tickets["branch"] = tickets["branch"].astype("str")
    tickets["customer_id"] = tickets["customer_id"].astype("str")
    tickets.loc[[5, 6, 7], "branch"] = None
    tickets["qualified"] = tickets["qualified"].astype("boolean")
    tickets["first_contact_resolved"] = tickets["first_contact_resolved"].astype("boolean")
    tickets["category"] = tickets["category"].astype("str")
    tickets.loc[8, "category"] = None
    subscribers = pd.DataFrame({"branch": ["潮安"] * 3 + ["饶平"] * 3,
                                "period": ["2010-06", "2010-07", "2010-08"] * 2,
                                "subscribers": [1000, 1100, 1200, 900, 950, 1000]})
    calls = {
        "overdue": lambda t, by: c.overdue_rate(t, limits, by=by, freq=freq),
        "escalated": lambda t, by: c.escalated_on_time_rate(t, limits, by=by, freq=freq),
        "self_handled": lambda t, by: c.on_time_rate(t, limits, escalated=False, by=by, freq=freq),
        "all": lambda t, by: c.on_time_rate(t, limits, by=by, freq=freq),
        "quality": lambda t, by: c.quality_pass_rate(t, by=by, freq=freq),
        "repeat": lambda t, by: c.repeat_complaints(t, freq=freq, thresholds=(2, 5, 10),
                                                    by=[b for b in by if b != "period"] or None),
        "fcr": lambda t, by: c.first_contact_resolution(t, by=by, freq=freq),
        "rate": lambda t, by: c.complaint_rate(t, subscribers, by=by, freq=freq),
        "top": lambda t, by: c.top_repeaters(t, period="2010-07" if freq == "M" else "2010-Q3", n=7),
        "top_no_branch": lambda t, by: c.top_repeaters(t.drop(columns="branch"), period="2010-08", n=3),
    }
    queries, tops = [], []
    original, original_top = duck.query, duck.top_repeaters
    monkeypatch.setattr(duck, "query", lambda *a: queries.append(a) or original(*a))
    monkeypatch.setattr(duck, "top_repeaters", lambda *a: tops.append(original_top(*a)) or tops[-1])
    for by in (["branch", "period"], ["period"], ["branch"], []):
        for name, call in calls.items():
            monkeypatch.setattr(duck, "MIN_ROWS", 10**12)
            expected = call(tickets, by)
            monkeypatch.setattr(duck, "MIN_ROWS", 0)
            got = call(tickets, by)
            pd.testing.assert_frame_equal(got, expected, check_exact=True, obj=f"{name} by {by}")
    assert len(queries) == 4 * (len(calls) - 2)   # every call above went through DuckDB
    assert len(tops) == 8 * 2 and all(t is not None for t in tops[1::2])


def test_duckdb_path_steps_aside_for_tables_it_does_not_take(random_tickets, limits, monkeypatch):
    monkeypatch.setattr(duck, "MIN_ROWS", 0)
    odd = random_tickets.assign(escalated=random_tickets["escalated"].astype(object))
    odd.loc[3, "escalated"] = None
    with pytest.raises(DataError, match="'escalated' has 1 missing"):
        c.overdue_rate(odd, limits)
    with pytest.raises(ValueError, match="by must not include 'period'"):
        c.repeat_complaints(random_tickets, by="period")
