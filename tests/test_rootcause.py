"""Tests for cxeval.rootcause: fishbone drawing, cause prioritisation, action plan.

Independent sources: DOMAIN.md section 1 (the six bones, the causes and the six key
factors, as encoded in cxeval.sample and re-typed below) and hand computations written
out in each test.
"""

from __future__ import annotations

import itertools
import warnings

import pandas as pd
import pytest

from cxeval import rootcause, sample
from cxeval.errors import DataError
from cxeval.plots import rootcause as fishbone_plots
from cxeval.rootcause import action_plan, fishbone, prioritise

EFFECT = "服营厅综合服务能力有待提升"  # DOMAIN.md section 1

# DOMAIN.md section 1, re-typed: six bones, 21 causes; plus sub-causes so that the diagram
# carries about 25 text rows under the bones (votes illustrative).
DOMAIN_WITH_SUBCAUSES = [
    ("人员", "引导员职责未落实", "岗位职责不清", 30), ("人员", "引导员职责未落实", "缺少考核", 14),
    ("人员", "服务意识薄弱", None, 34), ("人员", "业务知识不熟悉", None, 18),
    ("人员", "行为规范不到位", None, 5),
    ("方法", "未挖掘客户需求，个性化服务少", "未细分客户需求", 20),
    ("方法", "未挖掘客户需求，个性化服务少", "无个性化服务", 8),
    ("方法", "缺乏竞争对手服务对比评估", None, 14), ("方法", "未按区域细分客户", None, 4),
    ("方法", "缺乏现场应急处理", None, 3), ("方法", "培训方式不灵活", None, 3),
    ("方法", "客户意见收集滞后", None, 2),
    ("环境", "营业面积小，秩序难维持", None, 6), ("环境", "卫生管理不及时", None, 1),
    ("环境", "功能分区不清晰", None, 2),
    ("流程", "业务办理流程长", None, 3), ("流程", "制度不完善：考核不具体，缺乏激励", None, 22),
    ("流程", "排班不合理", None, 2),
    ("系统", "系统界面操作复杂", None, 2), ("系统", "BOSS系统不稳定", None, 2),
    ("系统", "自助终端不稳定", None, 2),
    ("服务内容", "宣传展示不到位", None, 2), ("服务内容", "自助电子渠道不足", None, 1),
]


@pytest.fixture
def domain_causes():
    return pd.DataFrame(DOMAIN_WITH_SUBCAUSES, columns=["bone", "cause", "subcause", "count"])


@pytest.fixture(autouse=True)
def cjk_theme():
    from cxeval import plots

    plots.theme()


def _texts(fig, artist=None):
    from matplotlib.text import Text

    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    texts = [t for t in (artist or fig).findobj(Text) if t.get_visible() and t.get_text().strip()]
    return texts, renderer


def _assert_readable(fig, ax=None):
    """Every text inside the figure (or inside ``ax``, counting only its texts) and no two
    texts intersect."""
    texts, renderer = _texts(fig, ax)
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts]
    frame = ax.get_window_extent(renderer) if ax is not None else fig.bbox
    for text, box in boxes:
        assert (box.x0 >= frame.x0 - 0.5 and box.x1 <= frame.x1 + 0.5
                and box.y0 >= frame.y0 - 0.5 and box.y1 <= frame.y1 + 0.5), f"{text!r} outside"
    for (ta, a), (tb, b) in itertools.combinations(boxes, 2):
        assert not (a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1), \
            f"{ta!r} overlaps {tb!r}"
    return [t for t, _ in boxes]


def _no_glyph_warnings(record):
    assert not [w for w in record if "glyph" in str(w.message).lower()]


# --------------------------------------------------------------------------- fishbone
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_fishbone_of_domain_causes_is_readable(lang):
    causes = sample.causes()  # DOMAIN.md section 1: six bones, 21 causes, votes
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        ax = fishbone(causes, effect=EFFECT, lang=lang)
        texts = _assert_readable(ax.figure)
    _no_glyph_warnings(record)
    flat = [t.replace("\n", "") for t in texts]
    bones = ["人员", "方法", "环境", "流程", "系统", "服务内容"]
    if lang == "zh":
        assert all(bone in flat for bone in bones)
        for cause, votes in zip(causes["cause"], causes["count"]):
            assert any(t.startswith(cause) and t.endswith(f"（{votes}票）") for t in flat), cause
    else:
        assert all(rootcause.BONE_NAMES[bone] in flat for bone in bones)
        joined = " ".join(t.replace("\n", " ") for t in texts)
        assert "Guides' duties not fulfilled (44 votes)" in joined
    assert len(texts) == 1 + 6 + 21  # effect, bones, causes


def test_fishbone_with_subcauses_about_25_rows(domain_causes):
    ax = fishbone(domain_causes, effect=EFFECT)
    texts = [t.replace("\n", "") for t in _assert_readable(ax.figure)]
    assert len(texts) == 1 + 6 + 21 + 4
    # A cause's weight is the sum over its sub-cause rows: 30 + 14 = 44.
    assert "引导员职责未落实（44票）" in texts
    assert "· 岗位职责不清（30）" in texts


def test_fishbone_fits_a_small_given_axes():
    import matplotlib.pyplot as plt

    fig, (_, right) = plt.subplots(1, 2, figsize=(12, 4))
    ax = fishbone(sample.causes(), effect=EFFECT, ax=right)
    assert ax is right and not ax.axison
    texts = _assert_readable(fig, ax=ax)
    assert len(texts) == 1 + 6 + 21
    assert min(t.get_fontsize() for t in ax.texts) >= 4


def test_fishbone_weights_and_highlight():
    from matplotlib.colors import to_hex

    from cxeval.plots import PALETTE

    causes = sample.causes()
    ax = fishbone(causes, effect=EFFECT, highlight=sample.KEY_FACTORS)
    ticks = [line for line in ax.lines if len(line.get_xdata()) == 2 and line.get_ydata()[0] == line.get_ydata()[1]
             and line.get_ydata()[0] != 0]
    widths = sorted(line.get_linewidth() for line in ticks)
    # Hand: width = 0.9 + 2.6 * votes / 44; thickest 3.5 (44 votes), thinnest 0.9 + 2.6/44.
    assert widths[-1] == pytest.approx(3.5)
    assert widths[0] == pytest.approx(0.9 + 2.6 * 1 / 44)
    highlighted = [t.get_text().replace("\n", "") for t in ax.texts
                   if to_hex(t.get_color()) == fishbone_plots._HIGHLIGHT_TEXT]
    assert len(highlighted) == 6
    assert sum(to_hex(line.get_color()) == PALETTE["highlight"] for line in ticks) == 6


def test_fishbone_validation():
    causes = sample.causes()
    with pytest.raises(DataError, match=r"causes is missing column\(s\) bone; columns are: cause"):
        fishbone(causes[["cause"]], effect=EFFECT)
    with pytest.raises(ValueError, match="effect must be a non-empty text"):
        fishbone(causes, effect=" ")
    with pytest.raises(ValueError, match="lang must be 'zh' or 'en'"):
        fishbone(causes, effect=EFFECT, lang="fr")
    with pytest.raises(TypeError, match="highlight must be a list of causes"):
        fishbone(causes, effect=EFFECT, highlight="引导员职责未落实")
    with pytest.raises(DataError, match=r"causes column 'cause' is empty in row\(s\) \[2\]"):
        fishbone(pd.DataFrame({"bone": ["人员", "人员"], "cause": ["a", " "]}), effect=EFFECT)
    with pytest.raises(DataError, match=r"causes column 'count' must be a number >= 0; bad in row\(s\) \[1\]"):
        fishbone(pd.DataFrame({"bone": ["人员"], "cause": ["a"], "count": [-1]}), effect=EFFECT)


def test_balanced_wrap_breaks_at_the_comma():
    assert fishbone_plots._wrap("营业面积小，秩序难维持", 10).split("\n") == ["营业面积小，", "秩序难维持"]
    assert fishbone_plots._wrap("服营厅综合服务能力有待提升", 8).split("\n") == ["服营厅综合服务", "能力有待提升"]
    assert fishbone_plots._wrap("排班不合理", 10) == "排班不合理"


# --------------------------------------------------------------------------- prioritise
def test_prioritise_domain_votes_gives_the_six_key_factors():
    table = prioritise(sample.causes())
    assert list(table.columns) == ["rank", "bone", "cause", "cause_en", "votes", "score", "cum_score",
                                   "key_factor"]
    # DOMAIN.md section 1: the Pareto over the causes picked these six, in this order.
    assert table.loc[table["key_factor"], "cause"].tolist() == sample.KEY_FACTORS
    # Hand: votes 44 34 28 22 18 14 of 200 -> cumulative 160 / 200 = 0.8 exactly at the 6th.
    assert table["score"].head(6).tolist() == pytest.approx([0.22, 0.17, 0.14, 0.11, 0.09, 0.07])
    assert table["cum_score"].iloc[5] == pytest.approx(0.8)
    assert table["votes"].sum() == 200
    assert table["rank"].tolist() == list(range(1, 22))


def test_prioritise_combines_votes_and_evidence_by_shares():
    causes = pd.DataFrame({"bone": ["人员", "方法", "环境"], "cause": ["a", "b", "c"], "count": [6, 3, 1]})
    evidence = pd.DataFrame({"cause": ["b", "c", "c"], "complaints": [30, 50, 20]})
    # Shares by hand: votes .6 .3 .1; complaints 0 .3 .7.
    equal = prioritise(causes, evidence, threshold=0.7)
    # Equal weights: a .30, b .30, c .40 -> c first; a and b tie, a first by name.
    assert equal["cause"].tolist() == ["c", "a", "b"]
    assert equal["score"].tolist() == pytest.approx([0.4, 0.3, 0.3])
    assert equal["complaints"].tolist() == [70, 0, 30]
    assert equal["key_factor"].tolist() == [True, True, False]  # .4, .7 reaches 0.7
    weighted = prioritise(causes, evidence, weights={"votes": 3, "complaints": 1})
    # votes 3/4, complaints 1/4: a .45, b .30, c .25.
    assert weighted["cause"].tolist() == ["a", "b", "c"]
    assert weighted["score"].tolist() == pytest.approx([0.45, 0.30, 0.25])
    top = prioritise(causes, evidence, top=1)
    assert top["key_factor"].tolist() == [True, False, False]


def test_prioritise_sums_subcause_rows(domain_causes):
    table = prioritise(domain_causes).set_index("cause")
    assert table.loc["引导员职责未落实", "votes"] == 44
    assert table.loc["未挖掘客户需求，个性化服务少", "votes"] == 28
    assert len(table) == 21


def test_prioritise_validation():
    causes = pd.DataFrame({"bone": ["人员"], "cause": ["a"]})
    with pytest.raises(DataError, match="no evidence to rank causes by"):
        prioritise(causes)
    with pytest.raises(DataError, match="evidence names causes that are not in causes: zz"):
        prioritise(causes, pd.DataFrame({"cause": ["zz"], "complaints": [1]}))
    with pytest.raises(DataError, match="clash with the causes table"):
        prioritise(causes.assign(count=[1]), pd.DataFrame({"cause": ["a"], "votes": [1]}))
    with pytest.raises(DataError, match="must hold numbers >= 0"):
        prioritise(causes, pd.DataFrame({"cause": ["a"], "complaints": [-3]}))
    with pytest.raises(ValueError, match=r"weights must map evidence columns \(votes\)"):
        prioritise(causes.assign(count=[1]), weights={"minutes": 1})
    with pytest.raises(ValueError, match="top must be a whole number >= 1"):
        prioritise(causes.assign(count=[1]), top=0)
    with pytest.raises(ValueError, match="threshold must be a share greater than 0 and at most 1"):
        prioritise(causes.assign(count=[1]), threshold=80)


def test_describe_and_show_priorities():
    table = prioritise(sample.causes())
    assert rootcause.describe_priorities(table, lang="zh") == (
        "21 个原因中的 6 个为要因，合计占全部票数的 80.0%：" + "、".join(sample.KEY_FACTORS) + "。")
    english = rootcause.describe_priorities(table, lang="en")
    assert english.startswith("6 of 21 causes are key factors, with 80.0% of all votes: "
                              "Guides' duties not fulfilled, Weak service awareness")
    html = rootcause.show_priorities(table, lang="en").to_html()
    assert "Guides&#39; duties not fulfilled" in html  # English names, HTML-escaped
    assert ">People<" in html and "人员" not in html
    assert "22.0%" in html
    # a vote share is not a "score" (得分)
    zh = rootcause.show_priorities(table, lang="zh").to_html()
    assert "得票占比" in zh and "累计占比" in zh and ">得分<" not in zh


# --------------------------------------------------------------------------- action plan
def test_action_plan_on_the_sample_register():
    plan = action_plan(prioritise(sample.causes()), sample.actions(), as_of="2008-12-01")
    assert list(plan.columns) == ["rank", "cause", "cause_en", "key_factor", "action", "owner", "due",
                                  "status", "no_action", "overdue"]
    assert len(plan) == 10 and plan["key_factor"].all() and not plan["no_action"].any()
    assert plan["rank"].is_monotonic_increasing
    # By hand from actions.csv: due before 2008-12-01 and not 完成 -> the 2008-11-30 contest
    # (进行中) and the 2008-10-31 "3-minute" standard (进行中).
    overdue = plan.loc[plan["overdue"].to_numpy(dtype=bool), "action"].tolist()
    assert overdue == ["开展“环境优、规范优、团队优、满意度优”竞赛", "推行“3分钟办结”业务标准"]


def test_action_plan_flags_gaps_and_keeps_other_actions():
    key = pd.DataFrame({"rank": [2, 1, 3], "cause": ["b", "a", "c"], "key_factor": [True, True, False]})
    actions = pd.DataFrame({
        "cause": ["a", "a", "c"], "action": ["x1", "x2", "y"], "owner": ["o", None, "p"],
        "due": ["2008-08-31", None, "2008-07-01"], "status": ["完成", "进行中", "未开始"],
    })
    plan = action_plan(key, actions, as_of="2008-09-30")
    # Key factors in rank order: a (two actions), b (none); then c's action (not a key factor).
    assert plan["cause"].tolist() == ["a", "a", "b", "c"]
    assert plan["action"].isna().tolist() == [False, False, True, False]
    assert plan["no_action"].tolist() == [False, False, True, False]
    # x1 is finished; x2 has no due date; c's action is late and not started.
    assert plan["overdue"].tolist() == [False, False, False, True]
    assert plan["key_factor"].tolist() == [True, True, True, False]
    assert pd.isna(plan["rank"].iloc[-1])
    unknown = action_plan(key, actions)
    assert unknown["overdue"].isna().all()
    assert rootcause.describe_action_plan(plan, lang="en", as_of="2008-09-30") == (
        "1 of 2 key factors have actions; no action yet for: b. 1 action overdue as of 2008-09-30: y.")
    assert rootcause.describe_action_plan(plan, lang="zh", as_of="2008-09-30") == (
        "2 个要因中 1 个已有措施，尚无措施：b。截至 2008-09-30 有 1 项措施逾期：y。")
    html = rootcause.show_action_plan(plan, lang="en").to_html()
    assert "2008-08-31" in html and "none" in html


def test_action_plan_validation():
    key = pd.DataFrame({"cause": ["a"]})
    actions = pd.DataFrame({"cause": ["a"], "action": ["x"], "owner": ["o"], "due": ["soon"],
                            "status": [""]})
    with pytest.raises(DataError, match=r"actions column 'due' has dates that cannot be read in row\(s\) \[1\]"):
        action_plan(key, actions)
    with pytest.raises(DataError, match=r"actions is missing column\(s\) status; columns are: cause, action"):
        action_plan(key, actions.drop(columns="status"))
    with pytest.raises(ValueError, match="as_of must be a date such as '2008-12-31', got 'next week'"):
        action_plan(key, actions.assign(due=["2008-01-01"]), as_of="next week")
    with pytest.raises(TypeError, match="actions must be a pandas DataFrame"):
        action_plan(key, None)


def test_describe_fishbone():
    causes = sample.causes()
    # DOMAIN.md section 1 by hand: 人员 4, 方法 6, 环境 3, 流程 3, 系统 3, 服务内容 2 = 21.
    assert rootcause.describe_fishbone(causes, lang="zh", highlight=sample.KEY_FACTORS) == (
        "6 类共 21 个原因（人员 4、方法 6、环境 3、流程 3、系统 3、服务内容 2）；橙色标出 6 个要因。")
    assert rootcause.describe_fishbone(causes, lang="en") == (
        "21 causes under 6 bones (People 4, Method 6, Environment 3, Process 3, Systems 3, "
        "Service content 2).")


def test_fishbone_english_vote_counts_are_singular_for_one():
    causes = pd.DataFrame({"bone": ["人员", "人员"], "cause": ["a", "b"], "count": [1, 2]})
    ax = fishbone(causes, effect="effect", lang="en")
    texts = {t.get_text() for t in ax.texts}
    assert {"a (1 vote)", "b (2 votes)"} <= texts


def test_docstring_examples_run():
    import doctest

    from cxeval.text import rootcause as rootcause_text

    for module in (rootcause, rootcause_text, fishbone_plots):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0, module.__name__


def test_priorities_with_other_evidence_say_combined_share():
    causes = pd.DataFrame({"bone": ["人员", "方法"], "cause": ["a", "b"], "count": [3, 1]})
    table = prioritise(causes, pd.DataFrame({"cause": ["a", "b"], "complaints": [10, 30]}), threshold=0.7)
    assert "按票数与其他证据综合计算，合计占" in rootcause.describe_priorities(table, lang="zh")
    assert "综合占比" in rootcause.show_priorities(table, lang="zh").to_html()
