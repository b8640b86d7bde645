"""Tests of cxeval.sample: determinism, file format, and the calibration to DOMAIN.md.

Every calibration target is recomputed here with plain pandas from the generated data and
compared with the figure printed in the source document (DOMAIN.md, quoted inline with its
section) or with a hand calculation written out in the test.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
import yaml

from cxeval import sample

CAMPAIGN = [9, 10, 11]
PRE_CAMPAIGN = list(range(1, 9))


# --------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def halls():
    df = sample.hall_survey(0)
    return df.assign(month=df["period"].str[5:].astype(int))


@pytest.fixture(scope="module")
def brands():
    return sample.brand_survey(0)


@pytest.fixture(scope="module")
def tickets():
    df = sample.tickets(0)
    return df.assign(month=df["opened_at"].dt.month)


def _rate(df):
    return df["satisfied"].sum() / df["responses"].sum()


def _repeat(tickets, threshold):
    """Complaints per month by customers with >= threshold complaints in that month."""
    per_customer = tickets.groupby(["month", "customer_id"]).size()
    heavy = per_customer[per_customer >= threshold]
    return heavy.groupby(level="month").sum().reindex(range(1, 13), fill_value=0)


# --------------------------------------------------------------------------- files
def test_write_sample_is_deterministic_to_the_byte(sample_dir, tmp_path):
    paths = sample.write_sample(tmp_path, seed=0)
    assert [p.name for p in paths] == list(sample.FILES)
    for path in paths:
        assert path.read_bytes() == (sample_dir / path.name).read_bytes(), path.name


def test_another_seed_changes_the_random_files(sample_dir, tmp_path):
    sample.write_sample(tmp_path, seed=1)
    for name in ("hall_survey.csv", "brand_survey.csv", "tickets.parquet", "subscribers.csv",
                 "kpi_scores.csv"):
        assert (tmp_path / name).read_bytes() != (sample_dir / name).read_bytes(), name
    for name in ("causes.csv", "actions.csv"):  # fixed tables from the document
        assert (tmp_path / name).read_bytes() == (sample_dir / name).read_bytes(), name


def test_write_sample_touches_nothing_else(tmp_path):
    out = tmp_path / "new" / "sample"
    out.mkdir(parents=True)
    keep = out / "notes.txt"
    keep.write_text("mine", encoding="utf-8")
    (out / "hall_survey.csv").write_text("old", encoding="utf-8")
    sample.write_sample(out, seed=0, scale=0.05)
    assert keep.read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in out.iterdir()) == sorted([*sample.FILES, "notes.txt"])
    assert (out / "hall_survey.csv").read_text(encoding="utf-8").startswith("period,")


def test_csv_files_are_utf8_without_bom_with_canonical_headers(sample_dir):
    headers = {
        "hall_survey.csv": "period,branch,hall,responses,satisfied",
        "brand_survey.csv": "period,branch,segment,responses,satisfied",
        "causes.csv": "bone,cause,cause_en,count",
        "actions.csv": "branch,cause,action,owner,due,status",
        "pilots.csv": "branch,hall,pilot_start,rollout_start",
        "subscribers.csv": "branch,period,subscribers",
        "kpi_scores.csv": "unit,period,item,value",
    }
    for name, header in headers.items():
        raw = (sample_dir / name).read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf"), name
        text = raw.decode("utf-8")
        assert text.split("\n", 1)[0] == header, name
        assert "\r" not in text, name


def test_tickets_parquet_round_trips(sample_dir, tickets):
    back = pd.read_parquet(sample_dir / "tickets.parquet")
    pd.testing.assert_frame_equal(back, tickets.drop(columns="month"), check_dtype=False)


def test_module_docstring_documents_every_file():
    for name in sample.FILES:
        assert f"``{name}``" in sample.__doc__, name


def test_every_file_loads_with_the_data_layer(sample_dir):
    data = pytest.importorskip("cxeval.data")
    expected = {"hall_survey.csv": 564, "brand_survey.csv": 162, "causes.csv": 21,
                "actions.csv": 10, "pilots.csv": 1, "charter.csv": 1, "team.csv": 7, "tasks.csv": 19,
                "subscribers.csv": 144, "kpi_scores.csv": 81,
                "kpi_annual.csv": 10, "kpi_unicom.csv": 50, "kpi_campaign.csv": 97}
    for name, kind in sample.FILES.items():
        df = data.load(sample_dir / name, kind)
        assert len(df) == expected.get(name, len(sample.tickets(0))), name


@pytest.mark.parametrize("kwargs, error, match", [
    ({"seed": -1}, ValueError, r"seed must be a whole number >= 0, got -1"),
    ({"seed": 1.5}, TypeError, r"seed must be a whole number >= 0, got float 1.5"),
    ({"seed": True}, TypeError, r"seed must be a whole number >= 0, got bool True"),
    ({"scale": 0}, ValueError, r"scale must be a positive number, got 0"),
    ({"scale": "2"}, TypeError, r"scale must be a positive number, got str '2'"),
])
def test_write_sample_validates_its_arguments(tmp_path, kwargs, error, match):
    with pytest.raises(error, match=match):
        sample.write_sample(tmp_path, **kwargs)
    assert list(tmp_path.iterdir()) == []


def test_write_sample_refuses_a_file_as_folder(tmp_path):
    target = tmp_path / "file.csv"
    target.write_text("x", encoding="utf-8")
    with pytest.raises(ValueError, match=r"out must be a folder, got the file .*file\.csv"):
        sample.write_sample(target)
    with pytest.raises(TypeError, match=r"out must be a folder path, got int 3"):
        sample.write_sample(3)


# --------------------------------------------------------------------------- hall survey
def test_hall_survey_shape(halls):
    assert list(halls["branch"].unique()) == sample.BRANCHES
    assert sorted(halls["period"].unique()) == [f"2008-{m:02d}" for m in range(1, 13)]
    per_branch = halls.groupby("branch")["hall"].nunique()
    assert per_branch.between(3, 6).all()
    assert halls.groupby(["branch", "hall"]).size().eq(12).all()
    assert halls["responses"].between(150, 400).all()
    assert (halls["satisfied"] >= 0).all() and (halls["satisfied"] <= halls["responses"]).all()
    assert set(halls.loc[halls["branch"] == "潮安", "hall"]) == {"庵埠", "彩塘", "金石", "浮洋", "枫溪"}


def test_chaozhou_baseline_matches_the_document(halls):
    # DOMAIN.md section 1, baseline table: hall satisfaction (%) per region, Jan, Feb, Mar 2008.
    table = {"潮安": [92.63, 91.72, 96.31], "饶平": [91.39, 91.72, 92.31], "市区": [94.50, 94.54, 97.31]}
    for region, values in table.items():
        for month, value in zip((1, 2, 3), values):
            cell = halls[(halls["branch"] == region) & (halls["month"] == month)]
            assert round(100 * _rate(cell), 2) == value, (region, month)


def test_pilot_hall_and_county_above_95_percent_from_august(halls):
    # DOMAIN.md section 1: pilot 庵埠 >= 95% every month Aug-Dec; 潮安 county > 95% Aug-Dec.
    chaoan = halls[(halls["branch"] == "潮安") & (halls["month"] >= 8)]
    for month, cell in chaoan.groupby("month"):
        assert _rate(cell[cell["hall"] == "庵埠"]) >= 0.95, month
        assert _rate(cell) > 0.95, month


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_pilot_results_hold_for_other_seeds(seed):
    df = sample.hall_survey(seed)
    chaoan = df[(df["branch"] == "潮安") & (df["period"] >= "2008-08")]
    for _, cell in chaoan.groupby("period"):
        assert _rate(cell[cell["hall"] == "庵埠"]) >= 0.95
        assert _rate(cell) > 0.95


def test_common_shock_and_rollout_effect_are_in_the_data(halls):
    # Hand difference-in-differences on pooled rates, Apr-Jul (before) vs Sep-Dec (after):
    # branches other than 潮安 move by the common shock only (+1.5 pp); the rolled-out 潮安
    # halls (not the pilot) by shock + effect, so their excess over the others is +3.0 pp.
    before = halls["month"].between(4, 7)
    after = halls["month"].between(9, 12)
    others = halls["branch"] != "潮安"
    rollout = (halls["branch"] == "潮安") & (halls["hall"] != "庵埠")
    shock = _rate(halls[others & after]) - _rate(halls[others & before])
    rolled = _rate(halls[rollout & after]) - _rate(halls[rollout & before])
    assert shock == pytest.approx(sample.COMMON_SHOCK, abs=0.005)
    assert rolled - shock == pytest.approx(sample.PILOT_EFFECT, abs=0.01)
    assert (sample.PILOT_EFFECT, sample.COMMON_SHOCK) == (0.03, 0.015)
    assert (sample.PILOT_START, sample.ROLLOUT_START) == ("2008-08", "2008-09")


def test_hall_months_are_overdispersed_for_laney(halls):
    # Laney (2002, Quality Engineering 14:4) p' chart: sigma_z, the spread of the
    # standardised rates z = (p - pbar) / sqrt(pbar (1 - pbar) / n), is 1 for pure binomial
    # data and > 1 under over-dispersion. Hall-month random effect sd 0.8 pp against a
    # binomial sd of about 1.6 pp (p 0.93, n 250) gives sigma_z ~ sqrt(1 + 0.25) ~ 1.1.
    # Stable blocks only (Apr-Jul, Sep-Dec), outside the pilot branch; each hall-block
    # centred on its own pooled rate (degrees of freedom: months minus blocks).
    d = halls[(halls["branch"] != "潮安") & (halls["month"].between(4, 7) | halls["month"].between(9, 12))]
    d = d.assign(block=(d["month"] > 8).astype(int))
    g = d.groupby(["hall", "block"])
    pbar = g["satisfied"].transform("sum") / g["responses"].transform("sum")
    z = (d["satisfied"] / d["responses"] - pbar) / np.sqrt(pbar * (1 - pbar) / d["responses"])
    sigma_z = np.sqrt((z ** 2).sum() / (len(z) - g.ngroups))
    assert 1.04 < sigma_z < 1.3


def test_guizhou_hall_baselines_are_88_to_96_percent():
    for branch in sample.GUIZHOU:
        assert all(0.88 <= base <= 0.96 for _, base, _ in sample.HALLS[branch]), branch
        assert all(name.endswith("厅") for name, _, _ in sample.HALLS[branch]), branch


# --------------------------------------------------------------------------- brand survey
def _brand_rates(df):
    """Pooled rates (%) per segment plus own and competitor totals."""
    seg = df.groupby("segment")[["responses", "satisfied"]].sum()
    out = (100 * seg["satisfied"] / seg["responses"]).to_dict()
    own = seg.loc[sample.OWN_SEGMENTS].sum()
    comp = seg.loc[sample.COMPETITOR_SEGMENTS].sum()
    out["own"] = 100 * own["satisfied"] / own["responses"]
    out["comp"] = 100 * comp["satisfied"] / comp["responses"]
    return out


# DOMAIN.md section 4, "Satisfaction by branch and brand, 2006 (%)".
_DOC_BRAND = {
    "全省": {"own": 74.7, "全球通": 72.8, "动感地带": 74.6, "神州行": 75.2,
             "comp": 55.0, "C网": 60.8, "G网": 51.2, "小灵通": 57.4},
    "贵阳": {"own": 76.0, "全球通": 71.0, "动感地带": 70.8, "神州行": 77.7,
             "comp": 58.7, "C网": 66.4, "G网": 53.6, "小灵通": 58.3},
}


def test_brand_survey_shape(brands):
    assert sorted(brands["period"].unique()) == ["2006-Q2", "2006-Q3", "2006-Q4"]
    assert list(brands["branch"].unique()) == sample.GUIZHOU
    assert list(brands["segment"].unique()) == sample.OWN_SEGMENTS + sample.COMPETITOR_SEGMENTS
    assert len(brands) == 3 * 9 * 6
    assert (brands["responses"] > 0).all() and (brands["satisfied"] <= brands["responses"]).all()


def test_guiyang_and_province_match_the_document(brands):
    guiyang = _brand_rates(brands[brands["branch"] == "贵阳"])
    province = _brand_rates(brands)
    for key, value in _DOC_BRAND["贵阳"].items():
        assert guiyang[key] == pytest.approx(value, abs=0.5), key
    for key, value in _DOC_BRAND["全省"].items():
        assert province[key] == pytest.approx(value, abs=1.0), key


# DOMAIN.md section 4, every branch's own and competitor totals (%).
_DOC_TOTALS = {"贵阳": (76.0, 58.7), "遵义": (71.2, 54.8), "安顺": (74.7, 48.6), "黔南": (70.4, 54.9),
               "黔东南": (74.6, 51.2), "铜仁": (77.5, 60.9), "毕节": (75.9, 46.4), "六盘水": (73.5, 56.3),
               "黔西南": (78.6, 60.5)}


def test_every_branch_total_is_the_documents_and_the_spread_is_8_2(brands):
    rates = {b: _brand_rates(d) for b, d in brands.groupby("branch")}
    for branch, (own, comp) in _DOC_TOTALS.items():   # as a report prints them, to one decimal
        assert f"{rates[branch]['own']:.1f}" == f"{own:.1f}", branch
        assert f"{rates[branch]['comp']:.1f}" == f"{comp:.1f}", branch
    own = {b: r["own"] for b, r in rates.items()}
    assert max(own, key=own.get) == "黔西南" and min(own, key=own.get) == "黔南"
    assert round(max(own.values()) - min(own.values()), 1) == 8.2


def test_one_branch_misses_the_lead_the_review_claims_for_all(brands):
    # the review says every branch leads by 16 pp; by its own table 黔南 leads by 15.5
    leads = {b: (r := _brand_rates(d))["own"] - r["comp"] for b, d in brands.groupby("branch")}
    assert round(leads["黔南"], 1) == 15.5
    assert [b for b, lead in leads.items() if lead < 100 * sample.LEAD_TARGET] == ["黔南"]
    assert sample.LEAD_TARGET == 0.16


def test_quarters_show_the_years_improvement(brands):
    by_quarter = brands.groupby("period").apply(_rate, include_groups=False)
    assert by_quarter["2006-Q2"] < by_quarter["2006-Q3"] < by_quarter["2006-Q4"]


# --------------------------------------------------------------------------- tickets
def test_ticket_columns_and_types(tickets):
    assert list(tickets.columns[:-1]) == [
        "ticket_id", "customer_id", "branch", "opened_at", "channel", "category", "network",
        "submitted_at", "dispatched_at", "replied_at", "returned_at", "closed_at",
        "escalated", "first_contact_resolved", "qualified", "summary"]
    assert tickets["ticket_id"].is_unique
    assert tickets["customer_id"].str.fullmatch(r"1[3-9]\d{9}").all()
    for col in ("escalated", "first_contact_resolved", "qualified"):
        assert tickets[col].dtype == bool, col
    for col in ("opened_at", "submitted_at", "closed_at"):
        assert pd.api.types.is_datetime64_dtype(tickets[col]), col
    assert (tickets["opened_at"].dt.year == 2010).all()
    assert tickets["opened_at"].is_monotonic_increasing
    assert set(tickets["branch"]) == set(sample.BRANCHES)
    assert set(tickets["channel"]) == set(sample.CHANNELS) == {
        "1001热线", "96133总经理热线", "营业厅", "网上营业厅"}


def test_categories_and_networks_follow_the_config(tickets, configs_dir):
    config = yaml.safe_load((configs_dir / "categories.yaml").read_text(encoding="utf-8"))
    network_of = {c["zh"]: c["network"] for c in config["categories"]}
    assert set(tickets["category"]) == set(network_of)
    assert (tickets["category"].map(network_of) == tickets["network"]).all()


def test_volume_peaks_in_july_and_rate_per_10k(tickets):
    volume = tickets.groupby("month").size()
    assert volume.idxmax() == 7
    subs = sample.subscribers(0)
    counts = (tickets.assign(period=tickets["opened_at"].dt.strftime("%Y-%m"))
              .groupby(["branch", "period"]).size().rename("complaints").reset_index())
    merged = counts.merge(subs, on=["branch", "period"], validate="one_to_one")
    assert len(merged) == 144
    per_10k = merged["complaints"] / merged["subscribers"] * 1e4
    assert per_10k.between(1, 5.5).all()


def test_repeat_complaints_match_the_campaign_document(tickets):
    # DOMAIN.md section 2: in July, complaints from customers with >= 5 complaints in the
    # month were 3,428 and from those with >= 10, 748; -90% within three months (October),
    # >= 10 at zero in November.
    five, ten = _repeat(tickets, 5), _repeat(tickets, 10)
    assert (five[7], ten[7]) == (3428, 748) == (sample.JULY_REPEAT_5, sample.JULY_REPEAT_10)
    assert five[10] <= 0.1 * five[7]
    assert ten[11] == 0
    assert (np.diff(five.loc[7:11]) < 0).all()
    assert (np.diff(ten.loc[7:11]) < 0).all()
    assert five.tolist() == list(sample.REPEAT_5)
    assert ten.tolist() == list(sample.REPEAT_10)


def test_repeat_targets_scale_with_volume():
    half = sample.tickets(0, scale=0.5)
    half = half.assign(month=half["opened_at"].dt.month)
    assert (_repeat(half, 5)[7], _repeat(half, 10)[7]) == (1714, 374)  # round(3428 / 2), 748 / 2
    assert len(half) == pytest.approx(len(sample.tickets(0)) / 2, rel=0.05)


_STEPS = {  # step: (start, end, limit in seconds) -- DOMAIN.md section 3
    "submit": ("opened_at", "submitted_at", 5 * 60),
    "dispatch": ("submitted_at", "dispatched_at", 30 * 60),
    "reply": ("dispatched_at", "replied_at", 20 * 3600),
    "return": ("dispatched_at", "returned_at", 24 * 3600),
}


def test_step_breaches_2_to_8_percent_falling_in_the_campaign(tickets):
    for step, (start, end, limit) in _STEPS.items():
        rows = tickets[tickets[end].notna()]
        if step == "reply":
            rows = rows[~rows["escalated"]]
        seconds = (rows[end] - rows[start]).dt.total_seconds()
        late = (seconds > limit).groupby(rows["month"]).mean()
        assert late.loc[PRE_CAMPAIGN].between(0.02, 0.08).all(), step
        assert (late.loc[CAMPAIGN] < late.loc[PRE_CAMPAIGN].min()).all(), step
        assert late.loc[9] > late.loc[11], step
        assert (seconds == limit).sum() >= 1, step  # exactly at the limit (on time)
        assert (seconds > 0).all(), step


def test_escalated_tickets_on_time_from_september(tickets):
    # DOMAIN.md section 2 target 3: escalated tickets handled on time >= 99% (HQ target);
    # the provincial department replies within 24 h (section 3).
    assert tickets["escalated"].mean() == pytest.approx(0.05, abs=0.01)
    esc = tickets[tickets["escalated"] & tickets["replied_at"].notna()]
    on_time = ((esc["replied_at"] - esc["dispatched_at"]).dt.total_seconds() <= 24 * 3600)
    by_month = on_time.groupby(esc["month"]).mean()
    assert (by_month.loc[9:12] >= 0.99).all()
    assert (by_month.loc[PRE_CAMPAIGN] < 0.99).all()


def test_first_contact_resolution_of_self_handled_tickets(tickets):
    # DOMAIN.md section 2 target 1: FCR of self-handled complaints >= provincial + 5 pp.
    self_handled = tickets[~tickets["escalated"]]
    fcr = self_handled.groupby("month")["first_contact_resolved"].mean()
    assert fcr.loc[PRE_CAMPAIGN].mean() == pytest.approx(0.76, abs=0.01)
    assert (fcr.loc[[10, 11, 12]] >= 0.85).all()
    assert (fcr.loc[[10, 11, 12]] >= sample.PROVINCIAL_FCR + 0.05).all()
    assert sample.PROVINCIAL_FCR == 0.78
    assert not tickets.loc[tickets["escalated"], "first_contact_resolved"].any()
    assert not tickets.loc[tickets["replied_at"].isna(), "first_contact_resolved"].any()


def test_quality_pass_rate_rises_to_100_percent(tickets):
    qualified = tickets.groupby("month")["qualified"].mean()
    assert qualified.loc[PRE_CAMPAIGN].between(0.96, 0.98).all()
    assert (qualified.loc[[11, 12]] == 1.0).all()


def test_open_tickets_miss_their_later_steps(tickets):
    open_ = tickets["closed_at"].isna()
    assert open_.mean() == pytest.approx(0.01, abs=0.005)
    assert tickets["submitted_at"].notna().all()
    # a missing step means every later step is missing too
    steps = ["dispatched_at", "replied_at", "returned_at", "closed_at"]
    missing = tickets[steps].isna().to_numpy()
    assert (np.diff(missing.astype(int), axis=1) >= 0).all()
    done = tickets[~open_]
    for earlier, later in zip(["opened_at", *steps[:-1]], ["submitted_at", *steps[1:]]):
        if later == "returned_at":
            earlier = "replied_at"
        assert (done[later] >= done[earlier]).all(), later


def test_summaries_are_chinese_and_some_hold_a_phone_number(tickets):
    assert tickets["summary"].str.len().between(4, 40).all()
    assert tickets["summary"].str.contains(r"[\u4e00-\u9fff]").all()
    with_phone = tickets["summary"].str.contains(r"(?<!\d)1[3-9]\d{9}(?!\d)")
    assert with_phone.mean() == pytest.approx(0.05, abs=0.01)
    assert re.search(r"联系电话：1[3-9]\d{9}$", tickets.loc[with_phone, "summary"].iloc[0])


# --------------------------------------------------------------------------- causes, actions
# DOMAIN.md section 1: the fishbone's causes (English as printed there), bone by bone.
_DOC_FISHBONE = {
    "人员": ["Guides' duties not fulfilled", "Weak service awareness",
             "Unfamiliar with business knowledge", "Behaviour standards not met"],
    "方法": ["No mining of customer needs", "No comparison with competitors' service",
             "Customers not segmented by area", "No on-site emergency handling",
             "No flexible training", "Customer feedback collected late"],
    "环境": ["Small area, order hard to keep", "Hygiene not managed in time", "Unclear functional zones"],
    "流程": ["Long business procedures", "assessment not specific, no incentives",
             "Unreasonable shift scheduling"],
    "系统": ["Complicated system screens", "Unstable BOSS billing system", "Unstable self-service machines"],
    "服务内容": ["Promotion displays", "self-service e-channels"],
}


def test_causes_cover_the_documents_fishbone():
    df = sample.causes()
    assert list(df["bone"].unique()) == ["人员", "方法", "环境", "流程", "系统", "服务内容"]
    for bone, causes in _DOC_FISHBONE.items():
        english = df.loc[df["bone"] == bone, "cause_en"].tolist()
        assert len(english) == len(causes), bone
        for cause in causes:
            assert any(cause.lower() in e.lower() for e in english), (bone, cause)
    assert df["cause"].str.contains(r"[\u4e00-\u9fff]").all()
    assert df["cause"].is_unique
    assert (df["count"] > 0).all()


def test_pareto_vital_few_are_the_six_key_factors():
    # Hand Pareto: sort by votes, cumulative share; the vital few are the causes up to the
    # one where the cumulative share reaches 80% -- and, equally, those with cumulative
    # share <= 80% (the six hold exactly 160 of 200 votes).
    df = sample.causes().sort_values("count", ascending=False, kind="stable")
    cum = df["count"].cumsum() / df["count"].sum()
    reach = int(np.argmax(cum.to_numpy() >= 0.8)) + 1
    assert df["cause"].iloc[:reach].tolist() == sample.KEY_FACTORS
    assert df.loc[cum <= 0.8, "cause"].tolist() == sample.KEY_FACTORS
    # DOMAIN.md section 1's six key factors, in its order.
    english = df.set_index("cause").loc[sample.KEY_FACTORS, "cause_en"].str.lower().tolist()
    for text, key in zip(english, ["guides' duties", "service awareness", "personalised service",
                                   "incomplete rules", "business knowledge", "competitive evaluation"]):
        assert key in text


def test_pareto_module_agrees_on_the_vital_few():
    pareto = pytest.importorskip("cxeval.pareto")
    table = pareto.pareto_table(sample.causes(), "cause", count="count")
    assert table.loc[table["vital_few"], "category"].tolist() == sample.KEY_FACTORS


def test_action_register():
    df = sample.actions()
    assert set(df["cause"]) == set(sample.KEY_FACTORS)
    assert set(df["cause"]) <= set(sample.causes()["cause"])
    due = pd.to_datetime(df["due"], format="%Y-%m-%d")
    assert (due.dt.year == 2008).all()
    assert set(df["status"]) <= {"完成", "进行中", "未开始"}
    assert df["owner"].str.len().gt(0).all() and df["action"].str.len().gt(0).all()
    # DOMAIN.md's practices appear in the register
    for practice in ("三道防线", "3分钟", "竞赛", "分流", "考核"):
        assert df["action"].str.contains(practice).any(), practice


# --------------------------------------------------------------------------- subscribers, KPI
def test_subscribers_grow_slowly_within_range():
    df = sample.subscribers(0)
    assert len(df) == 144 and df["subscribers"].dtype == np.int64
    assert df["subscribers"].between(300_000, 4_000_000).all()
    wide = df.pivot(index="branch", columns="period", values="subscribers")
    growth = wide["2010-12"] / wide["2010-01"] - 1
    assert growth.between(0.0, 0.08).all()


def test_kpi_scores_reproduce_the_document():
    df = sample.kpi_scores(0)
    third = df[df["item"] == "third_party"].pivot(index="unit", columns="period", values="value")
    # DOMAIN.md section 4, third-party scores on a 20-point scale, Q2 / Q3 / Q4 2006.
    assert third.loc["黔东南"].tolist() == [12.0, 16.4, 17.2]
    assert third.loc["毕节"].tolist() == [18.0, 14.0, 19.0]
    assert third.stack().between(0, 20).all() and len(third) == 9
    # Hand calculation of DOMAIN's totals: score / 20 x quarter weight (3, 3.5, 3.5),
    # summed unrounded, rounded once half up: 黔东南 1.8 + 2.87 + 3.01 = 7.68 -> 7.7;
    # 毕节 2.7 + 2.45 + 3.325 = 8.475 -> 8.5.
    weights = pd.Series([3, 3.5, 3.5], index=["2006-Q2", "2006-Q3", "2006-Q4"])
    totals = (third / 20 * weights).sum(axis=1)
    assert totals["黔东南"] == pytest.approx(7.68)
    assert totals["毕节"] == pytest.approx(8.475)
    process = df[df["period"] == "2006"].pivot(index="unit", columns="item", values="value")
    assert sorted(process.columns) == sorted(["improvement_work", "short_board_work", "retention_rate",
                                              "complaints_per_10k", "overdue_rate",
                                              "complaint_satisfaction"])
    assert process.notna().all().all() and len(process) == 9
    for rate in ("retention_rate", "overdue_rate", "complaint_satisfaction"):
        assert process[rate].between(0, 1).all(), rate
    for score in ("improvement_work", "short_board_work"):
        assert process[score].between(0, 100).all(), score


# --------------------------------------------------------------------------- the project
def test_project_files_are_the_chaozhou_project(sample_dir):
    """DOMAIN.md section 1: SMART goal >= 95%, pilot 庵埠 in August, rollout September-November."""
    from cxeval import data
    from cxeval.sample import project as sample_project

    charter = data.load(sample_dir / "charter.csv", "charter")
    assert charter[["branch", "target"]].values.tolist() == [["潮安", 0.95]]
    assert "95%" in charter["goal"].iloc[0] and "庵埠" in charter["scope"].iloc[0]
    tasks = data.load(sample_dir / "tasks.csv", "tasks")
    phases = tasks.groupby("phase", sort=False).agg(start=("start", "min"), end=("end", "max"))
    assert phases.index.tolist() == ["现状调查", "方案制定", "试点", "优化推广", "巩固"]
    spans = {p: (f"{r.start:%m-%d}", f"{r.end:%m-%d}") for p, r in phases.iterrows()}
    assert spans == {"现状调查": ("06-20", "07-10"), "方案制定": ("07-11", "07-31"), "试点": ("08-01", "09-05"),
                     "优化推广": ("09-01", "11-30"), "巩固": ("12-01", "12-31")}
    assert int(tasks["milestone"].sum()) == 5 and tasks["risk"].notna().sum() == 4
    team = data.load(sample_dir / "team.csv", "team")
    assert {"项目发起人", "项目组长", "试点负责人"} <= set(team["role"])
    assert set(tasks["owner"]) <= set(team["name"])           # every task has an owner from the team
    assert sample_project.OVERDUE_TASKS == tasks.loc[(tasks["end"] < "2008-12-31") & (tasks["status"] != "完成"),
                                                     "task"].tolist()
