"""Tests for cxeval.pareto and cxeval.plots.pareto.

Independent sources: the qcc ``pareto.chart`` documentation example
(tests/reference/pareto_qcc_defect.csv), Newcombe (1998) Table II
(tests/reference/pareto_newcombe1998.json), hand computations written out below, and
scipy.stats.chi2_contingency as a second method for the chi-square test.
"""

from __future__ import annotations

import itertools
import json
import math
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cxeval import pareto
from cxeval.errors import DataError
from cxeval.pareto import describe_pareto, describe_shift, pareto_shift, pareto_table

from conftest import CONFIGS, REFERENCE

COLUMNS = ["category", "count", "percent", "cum_percent", "vital_few"]


@pytest.fixture(scope="module")
def qcc():
    return pd.read_csv(REFERENCE / "pareto_qcc_defect.csv", comment="#")


@pytest.fixture(scope="module")
def qcc_input():
    # The example's input in its original (unsorted) order.
    return pd.DataFrame({"cause": ["price code", "schedule date", "supplier code", "contact num.",
                                   "part num."], "n": [80, 27, 66, 94, 33]})


@pytest.fixture(scope="module")
def subitems():
    import yaml

    with open(CONFIGS / "categories.yaml", encoding="utf-8") as fh:
        return [c["zh"] for c in yaml.safe_load(fh)["categories"]]


# --------------------------------------------------------------------------- pareto_table
def test_reproduces_qcc_defect_example(qcc, qcc_input):
    table = pareto_table(qcc_input, "cause", count="n")
    assert list(table.columns) == COLUMNS
    assert table["category"].tolist() == qcc["category"].tolist()
    assert table["count"].tolist() == qcc["frequency"].tolist()
    assert table["count"].cumsum().tolist() == qcc["cum_freq"].tolist()
    np.testing.assert_allclose(table["percent"], qcc["percentage"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(table["cum_percent"], qcc["cum_percent"], rtol=0, atol=1e-9)
    # cum_percent is exactly 80 at "supplier code": reaching the threshold counts.
    assert table["vital_few"].tolist() == [True, True, True, False, False]


def test_raw_rows_give_the_same_table_as_counts(qcc_input):
    raw = pd.DataFrame({"cause": np.repeat(qcc_input["cause"].to_numpy(), qcc_input["n"].to_numpy())})
    raw = raw.sample(frac=1.0, random_state=3)  # order of rows must not matter
    pd.testing.assert_frame_equal(pareto_table(raw, "cause"), pareto_table(qcc_input, "cause", count="n"))


def test_threshold_moves_the_vital_few(qcc_input):
    # Cumulative shares 31.3, 58.0, 80.0, 91.0, 100: just above 80% needs a fourth row.
    assert pareto_table(qcc_input, "cause", count="n", threshold=0.81)["vital_few"].sum() == 4
    assert pareto_table(qcc_input, "cause", count="n", threshold=0.5)["vital_few"].sum() == 2
    assert pareto_table(qcc_input, "cause", count="n", threshold=1.0)["vital_few"].sum() == 5
    assert pareto_table(qcc_input, "cause", count="n").attrs["threshold"] == 0.8


def test_ties_are_broken_by_name():
    # Input order b, c, a with b and a tied: documented order is count desc, then name.
    df = pd.DataFrame({"c": ["b", "c", "a"], "n": [5, 2, 5]})
    table = pareto_table(df, "c", count="n")
    assert table["category"].tolist() == ["a", "b", "c"]
    # Chinese names by code point: 投 (U+6295) before 计 (U+8BA1).
    df = pd.DataFrame({"c": ["计费账单", "投诉处理"], "n": [3, 3]})
    assert pareto_table(df, "c", count="n")["category"].tolist() == ["投诉处理", "计费账单"]
    # Hand: 10 rows a=5 b=5: shares 50, 50; 0.5 is reached by the first row alone.
    table = pareto_table(pd.DataFrame({"c": list("ababababab")}), "c", threshold=0.5)
    assert table["vital_few"].tolist() == [True, False]


def test_all_zero_counts_give_undefined_shares_and_no_vital_few():
    df = pd.DataFrame({"c": ["z", "a", "m"], "n": [0, 0, 0]})
    table = pareto_table(df, "c", count="n")
    assert table["category"].tolist() == ["a", "m", "z"]
    assert table["count"].tolist() == [0, 0, 0]
    assert table["percent"].isna().all() and table["cum_percent"].isna().all()
    assert not table["vital_few"].any()
    assert pareto.vital_few_summary(table)["n_vital"] == 0
    assert math.isnan(pareto.vital_few_summary(table)["share"])


def test_empty_input_gives_empty_table():
    table = pareto_table(pd.DataFrame({"c": pd.Series([], dtype="str")}), "c")
    assert list(table.columns) == COLUMNS and len(table) == 0
    assert describe_pareto(table, lang="en") == "No cases to rank (total 0)."
    assert describe_pareto(table, lang="zh") == "没有可排序的数据（共 0 件）。"


def test_zero_count_categories_are_kept_last_and_never_vital():
    df = pd.DataFrame({"c": ["a", "b", "c"], "n": [3, 0, 1]})
    table = pareto_table(df, "c", count="n", threshold=1.0)
    assert table["category"].tolist() == ["a", "c", "b"]
    assert table["percent"].tolist() == [75.0, 25.0, 0.0]
    assert table["vital_few"].tolist() == [True, True, False]


def test_fold_tail_into_other_after_a_cumulative_percentage(qcc_input):
    # Cum. 31.3, 58.0, 80.0 | 91.0, 100: after 80%, part num. + schedule date = 33 + 27.
    table = pareto_table(qcc_input, "cause", count="n", other_after=0.8, other_label="Other")
    assert table["category"].tolist() == ["contact num.", "price code", "supplier code", "Other"]
    assert table["count"].tolist() == [94, 80, 66, 60]
    assert table["percent"].iloc[-1] == pytest.approx(20.0)
    assert table["cum_percent"].iloc[-1] == pytest.approx(100.0)
    assert table["vital_few"].tolist() == [True, True, True, False]
    assert table.attrs["other_label"] == "Other"
    # After 90% only "schedule date" is left: a one-category tail is not renamed.
    kept = pareto_table(qcc_input, "cause", count="n", other_after=0.9)
    assert kept["category"].tolist()[-1] == "schedule date"


def test_fold_puts_other_last_even_when_larger_and_merges_an_existing_other():
    # a=50 b=20 c=5 d=5 其他=20 (an existing catch-all). Without 其他, cum shares of
    # a, b are 50% and 70%; other_after=0.7 keeps a, b; 其他 = 20 + c + d = 30, last.
    df = pd.DataFrame({"c": ["a", "b", "c", "d", "其他"], "n": [50, 20, 5, 5, 20]})
    table = pareto_table(df, "c", count="n", threshold=0.7, other_after=0.7)
    assert table["category"].tolist() == ["a", "b", "其他"]
    assert table["count"].tolist() == [50, 20, 30]
    assert table["cum_percent"].tolist() == pytest.approx([50.0, 70.0, 100.0])
    # Without folding, 其他 is ranked like any category.
    assert pareto_table(df, "c", count="n")["category"].tolist() == ["a", "b", "其他", "c", "d"]


def test_fold_must_not_hide_vital_categories(qcc_input):
    with pytest.raises(ValueError, match=r"other_after must be at least threshold \(0.8\)"):
        pareto_table(qcc_input, "cause", count="n", other_after=0.5)


def test_pareto_by_a_second_variable_stacks_one_table_per_group():
    df = pd.DataFrame({
        "network": ["product"] * 6 + ["channel"] * 4,
        "category": ["信号覆盖"] * 4 + ["通话质量"] * 2 + ["营业厅服务"] * 1 + ["资费套餐"] * 3,
    })
    table = pareto_table(df, "category", by="network")
    assert list(table.columns) == ["network", *COLUMNS]
    assert table["network"].tolist() == ["channel", "channel", "product", "product"]
    assert table["category"].tolist() == ["资费套餐", "营业厅服务", "信号覆盖", "通话质量"]
    # Shares within group, by hand: channel 3/4, 1/4; product 4/6, 2/6.
    assert table["percent"].tolist() == pytest.approx([75.0, 25.0, 400 / 6, 200 / 6])
    for network, part in table.groupby("network"):
        alone = pareto_table(df[df["network"] == network], "category")
        pd.testing.assert_frame_equal(part.drop(columns="network").reset_index(drop=True), alone)


def test_pareto_by_keeps_categorical_group_order():
    df = pd.DataFrame({"network": pd.Categorical(["support", "product"],
                                                 categories=["product", "channel", "support"]),
                       "category": ["计费账单", "信号覆盖"]})
    assert pareto_table(df, "category", by="network")["network"].tolist() == ["product", "support"]


def test_validation_messages():
    df = pd.DataFrame({"category": ["a", "b"], "n": [1, 2]})
    with pytest.raises(DataError, match=r"category='cat' is not a column of df; columns are: category, n"):
        pareto_table(df, "cat")
    with pytest.raises(DataError, match=r"count='m' is not a column of df; columns are: category, n"):
        pareto_table(df, "category", count="m")
    with pytest.raises(ValueError, match=r"threshold must be a share greater than 0 and at most 1 "
                                         r"\(e.g. 0.8 for 80%\), got 80.0"):
        pareto_table(df, "category", threshold=80)
    with pytest.raises(TypeError, match="df must be a pandas DataFrame, got list"):
        pareto_table([1, 2], "category")
    with pytest.raises(DataError, match=r"column 'n' must not be negative; negative in row\(s\) \[2\]"):
        pareto_table(pd.DataFrame({"category": ["a", "b"], "n": [1, -2]}), "category", count="n")
    with pytest.raises(DataError, match=r"column 'category' is empty in 1 row\(s\) \(first rows: \[2\]\)"):
        pareto_table(pd.DataFrame({"category": ["a", None]}), "category")
    with pytest.raises(DataError, match=r"column 'n' must hold numbers; 1 row\(s\)"):
        pareto_table(pd.DataFrame({"category": ["a", "b"], "n": [1, "x"]}), "category", count="n")
    with pytest.raises(ValueError, match=r"by must differ from category"):
        pareto_table(df, "category", by="category")


def test_weights_with_decimals_are_summed():
    # Pareto of cost: hand 2.5 + 1.5 = 4 for a, 4.0 for b -> tie, a first by name.
    df = pd.DataFrame({"c": ["a", "b", "a"], "cost": [2.5, 4.0, 1.5]})
    table = pareto_table(df, "c", count="cost")
    assert table["count"].tolist() == [4.0, 4.0]
    assert table["category"].tolist() == ["a", "b"]


def test_vital_few_summary_and_sentence(qcc_input):
    table = pareto_table(qcc_input, "cause", count="n")
    summary = pareto.vital_few_summary(table)
    assert summary == {"categories": ["contact num.", "price code", "supplier code"], "n_vital": 3,
                       "n_categories": 5, "share": pytest.approx(0.8), "total": 300}
    assert describe_pareto(table, lang="en") == (
        "3 of 5 categories (60%) make up 80.0% of 300 cases: contact num., price code, supplier code.")
    assert describe_pareto(table, lang="zh", item="子项", unit="张工单") == (
        "5 个子项中的 3 个（60%）占全部 300 张工单的 80.0%：contact num.、price code、supplier code。")
    with pytest.raises(ValueError, match="lang must be 'zh' or 'en'"):
        describe_pareto(table, lang="fr")


# --------------------------------------------------------------------------- select_tickets
def test_select_tickets_by_branch_and_period():
    tickets = pd.DataFrame({
        "branch": ["潮安", "潮安", "潮安", "饶平"],
        "opened_at": pd.to_datetime(["2010-06-30 23:59", "2010-07-01 00:00", "2010-09-30 23:00",
                                     "2010-07-05 08:00"]),
    })
    assert len(pareto.select_tickets(tickets, branch="潮安", period="2010-07")) == 1
    assert len(pareto.select_tickets(tickets, branch="潮安", period="2010-Q3")) == 2
    assert len(pareto.select_tickets(tickets, period="2010")) == 4
    assert len(pareto.select_tickets(tickets, branch="不存在")) == 0
    assert len(pareto.select_tickets(tickets, branch="潮安", period="")) == 3
    with pytest.raises(ValueError, match=r"period must be 'YYYY-MM', 'YYYY-Qn' or 'YYYY', got 'July'"):
        pareto.select_tickets(tickets, period="July")
    with pytest.raises(DataError, match="columns are: branch, opened_at"):
        pareto.select_tickets(tickets, period="2010-07", timestamp="closed_at")
    as_text = tickets.assign(opened_at=tickets["opened_at"].astype(str))
    with pytest.raises(DataError, match="tickets column 'opened_at' must hold dates and times"):
        pareto.select_tickets(as_text, period="2010-07")


# --------------------------------------------------------------------------- pareto_shift
def _rows(counts: dict) -> pd.DataFrame:
    return pd.DataFrame({"category": [k for k, n in counts.items() for _ in range(n)]})


BEFORE = {"信号覆盖": 120, "计费账单": 80, "营业厅服务": 50, "客服热线": 30}
AFTER = {"信号覆盖": 60, "计费账单": 85, "营业厅服务": 40, "客服热线": 35, "积分关怀": 5}


def test_shift_p_value_agrees_with_scipy_on_the_same_table():
    shift = pareto_shift(_rows(BEFORE), _rows(AFTER), "category")
    cats = sorted(set(BEFORE) | set(AFTER))
    observed = np.array([[BEFORE.get(c, 0) for c in cats], [AFTER.get(c, 0) for c in cats]])
    reference = stats.chi2_contingency(observed)  # k = 5 > 2: scipy applies no correction anyway
    assert shift.p_value == pytest.approx(reference.pvalue, rel=1e-12)
    assert shift.statistic == pytest.approx(reference.statistic, rel=1e-12)
    assert shift.dof == reference.dof == 4
    # Third method, by hand: Pearson X^2 = sum (O - E)^2 / E, E = row total * column total / N.
    expected = observed.sum(1, keepdims=True) * observed.sum(0, keepdims=True) / observed.sum()
    x2 = ((observed - expected) ** 2 / expected).sum()
    assert shift.statistic == pytest.approx(x2, rel=1e-12)
    assert shift.p_value == pytest.approx(stats.chi2.sf(x2, 4), rel=1e-12)
    assert shift.min_expected == pytest.approx(expected.min())
    assert (shift.n_before, shift.n_after) == (280, 225)


def test_shift_with_two_categories_uses_no_yates_correction():
    before, after = _rows({"a": 60, "b": 40}), _rows({"a": 40, "b": 60})
    shift = pareto_shift(before, after, "category")
    observed = np.array([[60, 40], [40, 60]])
    # Hand: E = 50 everywhere, X^2 = 4 * 10^2 / 50 = 8, p = P(chi2_1 > 8).
    assert shift.statistic == pytest.approx(8.0)
    assert shift.p_value == pytest.approx(stats.chi2_contingency(observed, correction=False).pvalue)
    assert shift.p_value != pytest.approx(stats.chi2_contingency(observed, correction=True).pvalue)


def test_shift_interval_reproduces_newcombe_1998_method_10():
    ref = json.loads((REFERENCE / "pareto_newcombe1998.json").read_text(encoding="utf-8"))
    for ex in ref["examples"]:
        # The category's share is x2/n2 before and x1/n1 after; change = after - before.
        before = pd.DataFrame({"c": ["x", "y"], "n": [ex["x2"], ex["n2"] - ex["x2"]]})
        after = pd.DataFrame({"c": ["x", "y"], "n": [ex["x1"], ex["n1"] - ex["x1"]]})
        row = pareto_shift(before, after, "c", count="n").table.set_index("category").loc["x"]
        assert row["change"] == pytest.approx(ex["diff"])
        assert abs(row["ci_low"] - ex["ci_low"]) <= ref["tolerance"], ex["label"]
        assert abs(row["ci_high"] - ex["ci_high"]) <= ref["tolerance"], ex["label"]


def _wilson(x, n, z):
    # Wilson (1927) score interval, closed form (Newcombe 1998, method 3).
    p = x / n
    centre = 2 * n * p + z ** 2
    half = z * math.sqrt(z ** 2 + 4 * n * p * (1 - p))
    return (centre - half) / (2 * (n + z ** 2)), (centre + half) / (2 * (n + z ** 2))


def test_shift_interval_matches_a_hand_computation_of_method_10():
    shift = pareto_shift(_rows(BEFORE), _rows(AFTER), "category", conf=0.90)
    z = stats.norm.ppf(0.95)
    for category in ("信号覆盖", "客服热线", "积分关怀"):
        x1, n1 = AFTER.get(category, 0), sum(AFTER.values())    # after
        x2, n2 = BEFORE.get(category, 0), sum(BEFORE.values())  # before
        p1, p2 = x1 / n1, x2 / n2
        l1, u1 = _wilson(x1, n1, z)
        l2, u2 = _wilson(x2, n2, z)
        # Newcombe (1998) method 10: L = d - sqrt((p1-l1)^2 + (u2-p2)^2), U = d + sqrt((u1-p1)^2 + (p2-l2)^2)
        low = (p1 - p2) - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
        high = (p1 - p2) + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
        row = shift.table.set_index("category").loc[category]
        assert row["change"] == pytest.approx(p1 - p2, abs=1e-12)
        assert row["ci_low"] == pytest.approx(low, abs=1e-12)
        assert row["ci_high"] == pytest.approx(high, abs=1e-12)


def test_shift_table_counts_shares_and_ranks():
    shift = pareto_shift(_rows(BEFORE), _rows(AFTER), "category")
    table = shift.table
    assert list(table.columns) == ["category", "before", "after", "before_share", "after_share", "change",
                                   "ci_low", "ci_high", "before_rank", "after_rank", "rank_change"]
    # Sorted as the after Pareto: 计费账单 85, 信号覆盖 60, 营业厅服务 40, 客服热线 35, 积分关怀 5.
    assert table["category"].tolist() == ["计费账单", "信号覆盖", "营业厅服务", "客服热线", "积分关怀"]
    row = table.set_index("category")
    assert row.loc["信号覆盖", "before_share"] == pytest.approx(120 / 280)
    assert row.loc["信号覆盖", "after_share"] == pytest.approx(60 / 225)
    # Ranks by hand: before 信号覆盖 1, 计费账单 2, 营业厅服务 3, 客服热线 4; 积分关怀 absent.
    assert row.loc["计费账单", "before_rank"] == 2 and row.loc["计费账单", "after_rank"] == 1
    assert row.loc["计费账单", "rank_change"] == 1      # climbed one place
    assert row.loc["信号覆盖", "rank_change"] == -1
    assert row.loc["营业厅服务", "rank_change"] == 0
    assert pd.isna(row.loc["积分关怀", "before_rank"]) and row.loc["积分关怀", "after_rank"] == 5
    assert pd.isna(row.loc["积分关怀", "rank_change"])
    assert row.loc["积分关怀", "before"] == 0


def test_shift_with_an_empty_period_reports_no_test():
    empty = pd.DataFrame({"category": pd.Series([], dtype="str")})
    shift = pareto_shift(empty, _rows(AFTER), "category")
    assert math.isnan(shift.p_value) and shift.dof == 0
    assert shift.table["change"].isna().all()
    assert shift.table["after_share"].sum() == pytest.approx(1.0)
    assert describe_shift(shift, lang="en", before="2010-07", after="2010-11") == (
        "No data for 2010-07: the two periods cannot be compared.")
    assert describe_shift(shift, lang="zh", before="2010-07", after="2010-11") == (
        "2010-07没有数据，无法比较前后分布。")
    assert "Not enough data" in shift.summary()


def test_shift_with_a_single_category_has_no_test():
    shift = pareto_shift(_rows({"a": 3}), _rows({"a": 5}), "category")
    assert math.isnan(shift.p_value)
    assert describe_shift(shift, lang="en").startswith("Only one category occurs")


def test_shift_rejects_decimal_counts_and_bad_conf():
    df = pd.DataFrame({"c": ["a", "b"], "n": [1.5, 2.0]})
    with pytest.raises(DataError, match="must hold whole-number counts"):
        pareto_shift(df, df, "c", count="n")
    with pytest.raises(ValueError, match=r"conf must be a confidence level between 0 and 1 \(e.g. 0.95\), got 95"):
        pareto_shift(_rows(BEFORE), _rows(AFTER), "category", conf=95)
    with pytest.raises(DataError, match="is not a column of after"):
        pareto_shift(_rows(BEFORE), pd.DataFrame({"x": [1]}), "category")


def test_describe_shift_reads_the_numbers():
    before, after = _rows({"a": 60, "b": 40}), _rows({"a": 40, "b": 60})
    shift = pareto_shift(before, after, "category")
    a = shift.table.set_index("category").loc["a"]
    interval = f"{a['ci_low'] * 100:+.1f} pp ~ {a['ci_high'] * 100:+.1f} pp"
    text = describe_shift(shift, lang="en", before="Jul", after="Nov")
    assert text.startswith("From Jul to Nov the mix changed (chi-square test, p = 0.005).")
    assert f"Largest fall: a (60.0% → 40.0%, -20.0 pp, 95% CI {interval})." in text
    assert "Largest rise: b (40.0% → 60.0%, +20.0 pp" in text
    zh = describe_shift(shift, lang="zh", before="7月", after="11月")
    assert zh.startswith("从7月到11月，投诉结构发生了显著变化（卡方检验，p = 0.005）。")
    assert "占比下降最多的是a（60.0% → 40.0%，-20.0 pp，95%区间" in zh
    # No detectable change: hand 52/48 vs 50/50, X^2 = 0.08, p = 0.78.
    calm = pareto_shift(_rows({"a": 52, "b": 48}), _rows({"a": 50, "b": 50}), "category")
    assert "showed no detectable change (chi-square test, p = 0.777)" in describe_shift(calm, lang="en")
    assert "interval includes 0" in describe_shift(calm, lang="en")


def test_shift_summary_and_html():
    shift = pareto_shift(_rows(BEFORE), _rows(AFTER), "category")
    from cxeval import report

    text = shift.summary()
    assert f"chi2 = {shift.statistic:.2f}, df = 4, {report.fmt_p(shift.p_value)}" in text
    html = shift._repr_html_()
    assert "<table" in html and "信号覆盖" in html and "chi2" in html
    styled = pareto.show_shift(shift, lang="en").to_html()
    assert "Share before" in styled and "-16.2 pp" in styled  # 60/225 - 120/280 = -0.1619


# --------------------------------------------------------------------------- plot_pareto
def _glyph_warnings(record):
    return [w for w in record if "glyph" in str(w.message).lower()]


def _boxes(texts, renderer):
    return [t.get_window_extent(renderer) for t in texts if t.get_visible() and t.get_text()]


def _overlapping(boxes):
    return [(a, b) for a, b in itertools.combinations(boxes, 2)
            if a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1]


def test_plot_pareto_draws_bars_line_threshold_and_vital_few(qcc_input):
    from cxeval import plots
    from cxeval.plots import PALETTE
    from matplotlib.colors import to_hex

    plots.theme()
    table = pareto_table(qcc_input, "cause", count="n")
    ax = plots.plot_pareto(table, lang="en")
    bars = ax.patches
    assert [b.get_height() for b in bars] == [94, 80, 66, 33, 27]
    assert [to_hex(b.get_facecolor()) for b in bars] == [PALETTE["highlight"]] * 3 + [PALETTE["primary"]] * 2
    twin = [a for a in ax.figure.axes if a is not ax][0]
    line = twin.get_lines()[0]
    np.testing.assert_allclose(line.get_ydata(), table["cum_percent"])
    assert any(np.allclose(l.get_ydata(), [80, 80]) for l in twin.get_lines()[1:])
    assert ax.get_ylim()[1] == pytest.approx(300 * 1.05)  # left axis = total, so line and bars agree
    assert twin.get_ylim() == (0, 105)


def test_plot_pareto_long_chinese_labels_never_overlap(subitems):
    from cxeval import plots

    plots.theme()
    long_names = [name + "问题反映较多" for name in subitems]  # 16 labels of 9-11 characters
    df = pd.DataFrame({"category": long_names, "n": np.arange(160, 0, -10)})
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        ax = plots.plot_pareto(pareto_table(df, "category", count="n"))
        ax.figure.canvas.draw()
    assert not _glyph_warnings(record)
    renderer = ax.figure.canvas.get_renderer()
    labels = ax.get_xticklabels()
    assert len([t for t in labels if t.get_text()]) == 16
    assert not _overlapping(_boxes(labels, renderer))


def test_plot_pareto_wraps_short_chinese_labels_instead_of_rotating(subitems):
    from cxeval import plots

    plots.theme()
    df = pd.DataFrame({"category": subitems, "n": np.arange(16, 0, -1)})
    ax = plots.plot_pareto(pareto_table(df, "category", count="n"))
    ax.figure.canvas.draw()
    labels = ax.get_xticklabels()
    assert all(t.get_rotation() == 0 for t in labels)
    assert not _overlapping(_boxes(labels, ax.figure.canvas.get_renderer()))


def test_plot_pareto_greys_the_folded_other_bar(qcc_input):
    from cxeval import plots
    from cxeval.plots import PALETTE
    from matplotlib.colors import to_hex

    table = pareto_table(qcc_input, "cause", count="n", other_after=0.8)
    ax = plots.plot_pareto(table)
    assert to_hex(ax.patches[-1].get_facecolor()) == PALETTE["neutral"]


def test_plot_pareto_empty_and_grouped_tables():
    from cxeval import plots

    empty = pareto_table(pd.DataFrame({"c": pd.Series([], dtype="str")}), "c")
    ax = plots.plot_pareto(empty, lang="en")
    assert [t.get_text() for t in ax.texts] == ["No data"]
    grouped = pareto_table(pd.DataFrame({"g": ["x", "y"], "c": ["a", "b"]}), "c", by="g")
    with pytest.raises(ValueError, match=r"table holds several groups of \['g'\]; plot one group at a time"):
        plots.plot_pareto(grouped)
    with pytest.raises(DataError, match="missing columns: vital_few"):
        plots.plot_pareto(pd.DataFrame({"category": [], "count": [], "percent": [], "cum_percent": []}))


def test_plot_pareto_draws_on_a_given_axes(qcc_input):
    import matplotlib.pyplot as plt

    from cxeval import plots

    _, axes = plt.subplots(1, 2)
    ax = plots.plot_pareto(pareto_table(qcc_input, "cause", count="n"), ax=axes[1], title="T")
    assert ax is axes[1] and ax.get_title() == "T"


# --------------------------------------------------------------------------- labels, headline
@pytest.fixture(scope="module")
def catalogue():
    from cxeval import complaints

    return complaints.load_categories(CONFIGS / "categories.yaml")


def test_category_labels_from_the_catalogue(catalogue):
    english = pareto.category_labels(catalogue, lang="en")
    assert len(english) == 16 and english["计费账单"] == "Billing and bills"
    assert pareto.category_labels(catalogue, lang="zh")["计费账单"] == "计费账单"
    assert pareto.category_labels(catalogue, lang="zh", kind="network") == {
        "product": "产品网络质量", "channel": "营销渠道质量", "support": "服务支撑质量"}
    with pytest.raises(ValueError, match="kind must be 'category' or 'network', got 'net'"):
        pareto.category_labels(catalogue, kind="net")
    with pytest.raises(DataError, match="categories is missing column"):
        pareto.category_labels(catalogue[["zh"]], lang="en")


def test_labels_rename_before_counting(catalogue):
    df = pd.DataFrame({"network": ["product", "support", "product", "other"]})
    names = pareto.category_labels(catalogue, lang="en", kind="network")
    table = pareto_table(df, "network", labels=names)
    # Unmapped values are kept as they are.
    assert table["category"].tolist() == ["Product / network quality", "Service-support quality", "other"]
    assert table["count"].tolist() == [2, 1, 1]
    # Two values given one label are counted together.
    merged = pareto_table(df, "network", labels={"support": "product"})
    assert merged["count"].tolist() == [3, 1]
    shift = pareto_shift(df, df, "network", labels=names)
    assert "Product / network quality" in shift.table["category"].tolist()
    with pytest.raises(TypeError, match="labels must be a mapping of category value to label, got list"):
        pareto_table(df, "network", labels=["x"])


def test_headline_cards_and_sentence():
    before, after = _rows(BEFORE), _rows(AFTER)
    table = pareto_table(before, "category")
    shift = pareto_shift(before, after, "category")
    html = pareto.headline(table, shift, branch="潮安", before="2010-07", after="2010-11",
                           lang="en")._repr_html_()
    # Hand: before 280, after 225 (-19.6%); 信号覆盖 120 + 计费账单 80 + 营业厅服务 50 = 250 of
    # 280 = 89.3% >= 80% after three of four sub-items.
    for text in ("Tickets 2010-07", ">280<", ">3 / 4<", ">89.3%<", "Tickets 2010-11", ">225<",
                 "-19.6% on 2010-07", "threshold 80%",
                 "3 of 4 sub-items (75%) make up 89.3% of 280 tickets: 信号覆盖, 计费账单, 营业厅服务."):
        assert text in html, text
    empty = pd.DataFrame({"category": pd.Series([], dtype="str")})
    none = pareto.headline(pareto_table(empty, "category"), pareto_shift(empty, empty, "category"),
                           branch="X", before="2010-07", after="2010-11", lang="zh")._repr_html_()
    assert "X在 2010-07 没有投诉工单，无法做帕累托分析。" in none


def test_show_tables_say_when_there_is_no_data():
    empty = pd.DataFrame({"category": pd.Series([], dtype="str")})
    note = pareto.show_pareto(pareto_table(empty, "category"), lang="zh")._repr_html_()
    assert "没有可显示的数据。" in note
    note = pareto.show_shift(pareto_shift(empty, empty, "category"), lang="en")._repr_html_()
    assert "Nothing to show: there is no data." in note
    html = pareto.show_pareto(pareto_table(_rows(BEFORE), "category"), lang="en").to_html()
    # 120 / 280 = 42.857...% shown as 42.9%; vital rows ticked.
    assert "42.9%" in html and "Vital few" in html and "✔" in html


def test_plot_pareto_shift_draws_changes_with_intervals():
    from matplotlib.colors import to_hex

    from cxeval import plots
    from cxeval.plots import PALETTE

    plots.theme()
    shift = pareto_shift(_rows(BEFORE), _rows(AFTER), "category")
    ax = plots.plot_pareto_shift(shift, lang="en")
    ticks = sorted(ax.get_yticklabels(), key=lambda t: -t.get_position()[1])
    assert [t.get_text() for t in ticks] == shift.table["category"].tolist()  # top row first
    offsets = ax.collections[1].get_offsets()
    np.testing.assert_allclose(offsets[:, 0], shift.table["change"] * 100)
    # 信号覆盖: 120/280 -> 60/225, a clear fall (interval below zero): primary colour.
    row = shift.table.index[shift.table["category"] == "信号覆盖"][0]
    assert shift.table.loc[row, "ci_high"] < 0
    assert to_hex(ax.collections[1].get_facecolors()[row]) == PALETTE["primary"]
    ax.figure.canvas.draw()
    assert not _overlapping(_boxes(ax.get_yticklabels(), ax.figure.canvas.get_renderer()))
    empty = pd.DataFrame({"category": pd.Series([], dtype="str")})
    ax = plots.plot_pareto_shift(pareto_shift(empty, empty, "category"), lang="zh")
    assert [t.get_text() for t in ax.texts] == ["无数据"]
    with pytest.raises(TypeError, match="shift must be a pareto_shift result"):
        plots.plot_pareto_shift(shift.table)


def test_index_entry_vital_few_and_shift_status():
    before, after = _rows(BEFORE), _rows(AFTER)
    table = pareto_table(before, "category")
    shift = pareto_shift(before, after, "category")
    # second method: scipy's chi-square on the 2 x 5 table says the mix changed (p < 0.05)
    cats = sorted(set(BEFORE) | set(AFTER))
    observed = np.array([[BEFORE.get(c, 0) for c in cats], [AFTER.get(c, 0) for c in cats]])
    assert stats.chi2_contingency(observed).pvalue < 0.05
    # Hand: 120 + 80 + 50 = 250 of 280 = 89.3% after three of the four sub-items with tickets
    # A Pareto has no target: the index shows it without a colour, the shift in words.
    assert pareto.index_entry(table, shift) == {"headline": "关键少数 3/4 项占 89.3%，措施后分布有变化",
                                                "headline_en": "vital few: 3 of 4 sub-items, 89.3%, mix "
                                                               "changed after the actions",
                                                "status": "none"}
    same = pareto_shift(before, _rows(BEFORE), "category")   # identical mix: p = 1
    assert same.p_value == pytest.approx(1.0)
    assert pareto.index_entry(table, same)["headline"].endswith("措施后分布无明显变化")
    empty = pd.DataFrame({"category": pd.Series([], dtype="str")})
    no_after = pareto_shift(before, empty, "category")        # no test without tickets after
    assert math.isnan(no_after.p_value)
    assert pareto.index_entry(table, no_after)["headline_en"].endswith("no clear change after the actions")
    assert pareto.index_entry(pareto_table(empty, "category"), pareto_shift(empty, empty, "category")) == \
        {"headline": "无投诉工单", "headline_en": "no complaint tickets", "status": "none"}
    with pytest.raises(ValueError, match=r"alpha must be a share greater than 0 and at most 1 \(e.g. 0.05 for 5%\), got 5.0"):
        pareto.index_entry(table, shift, alpha=5)


def test_docstring_examples_run():
    import doctest

    from cxeval.report import pareto as pareto_report
    from cxeval.text import pareto as pareto_text

    for module in (pareto, pareto_text, pareto_report):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0, module.__name__
