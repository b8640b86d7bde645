"""cxeval.text.kpi_rules: each rule of the shipped scorecards as a sentence, values with units."""

from __future__ import annotations

import re

import pytest

from cxeval import data, kpi
from cxeval.text import kpi_rules
from conftest import CONFIGS


def _card(name):
    return kpi.Scorecard.from_yaml(CONFIGS / f"{name}.yaml")


def test_quarterly_scheme_reads_as_sentences():
    table = kpi_rules.rule_table(_card("guizhou_2006_quarterly"), lang="zh").set_index("label")
    assert table.loc["第三方满意度测评", "rule"] == ("每季度测评得分 ÷ 20 × 当季分值（2006-Q2 3 分、2006-Q3 3.5 分、"
                                                 "2006-Q4 3.5 分）；不超过满分。")
    assert table.loc["中高端客户保有率", "rule"] == "达到 86.1% 得满分，81% 及以下得 0 分，其间按比例计分。"
    assert table.loc["万人投诉率", "rule"] == "分档计分：≤ 2 得 1.5 分，≤ 3 得 1 分，≤ 4 得 0.5 分，其余 0 分。"
    assert table.loc["工单超时率", "rule"] == "不高于 1% 得满分，5% 及以上得 0 分，其间按比例计分。"
    assert table.loc["投诉满意率", "rule"] == "达到 90% 得满分，否则 0 分。"
    assert table.loc["第三方满意度测评", "group"] == "第三方测评" and table.loc["万人投诉率", "max_points"] == "1.5"
    en = kpi_rules.rule_table(_card("guizhou_2006_quarterly"), lang="en")
    assert en["rule"].iloc[0].startswith("Each quarter: the score ÷ 20 × the quarter's points (2006-Q2: 3,")


@pytest.mark.parametrize("name", ["guizhou_2006_kpi", "guizhou_2007_plan", "unicom_2003_branch", "campaign_2010",
                                  "guizhou_2006_quarterly"])
def test_every_shipped_rule_is_a_sentence_not_a_field(name):
    card = _card(name)
    for lang in ("zh", "en"):
        table = kpi_rules.rule_table(card, lang=lang)
        assert len(table) == len(card.items)
        for rule in table["rule"]:
            assert rule.endswith(("。", ".")), rule
            assert not re.search(r"\b(ratio|higher|lower|scale|bands=|[a-z0-9]+_[a-z0-9_]+)\b", rule), (name, rule)
    campaign = kpi_rules.rule_table(_card("campaign_2010"), lang="zh").set_index("label")
    if name == "campaign_2010":
        assert campaign.iloc[0]["rule"] == "不低于全省一次性解决率 + 5 个百分点得满分，否则 0 分。"
        assert campaign.iloc[-1]["rule"].startswith("加分项：每发生一次得 10 分")


def test_scheme_note_says_rounding_and_a_declared_gap():
    assert kpi_rules.scheme_note(_card("guizhou_2006_quarterly")) == (
        "满分 20 分；总分由未舍入的分数相加，最后一次舍入，保留 1 位小数，四舍五入（逢五进一）。")
    assert "各项合计比满分少 6 分" in kpi_rules.scheme_note(_card("unicom_2003_branch"))


def test_values_carry_their_units(sample_dir):
    card = _card("guizhou_2006_quarterly")
    scored = card.score(data.load(sample_dir / "kpi_scores.csv", "scores"), lang="zh")
    trail = card.explain(scored, "贵阳", lang="zh")
    shown = dict(zip(trail["item"] + " " + trail["period"].astype(str), kpi_rules.value_texts(card, trail)))
    assert shown["third_party 2006-Q2"] == "15.5（满分 20）"
    assert shown["retention_rate 2006"] == "85.3%" and shown["overdue_rate 2006"] == "3.93%"
    assert shown["complaints_per_10k 2006"] == "3.66 件/万户"
    assert set(kpi_rules.value_texts(card, trail)[trail["kind"] != "item"]) == {""}   # group sums, total
    annual = _card("guizhou_2006_kpi")
    item = annual.items[0]
    assert kpi_rules.value_text(item, 9.5) == "9.5 分" and kpi_rules.value_text(item, float("nan")) == "–"
    assert kpi_rules.value_text(card.items[0], 15.5, lang="en") == "15.5 of 20"
