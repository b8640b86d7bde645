"""Tests of cxeval.kpi: rules at their boundaries, config validation, the shipped schemes.

Independent sources: the tables of DOMAIN.md §2-§4 (copied with their source line into
tests/reference/kpi_*.csv) and hand calculations written out next to each assertion.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cxeval import kpi
from cxeval.errors import ConfigError, DataError

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = ROOT / "data" / "configs"
REFERENCE = Path(__file__).resolve().parent / "reference"
FILES = Path(__file__).resolve().parent / "files"
SHIPPED = ["guizhou_2006_kpi", "guizhou_2006_quarterly", "guizhou_2007_plan",
           "unicom_2003_branch", "campaign_2010"]


def ref(name: str) -> pd.DataFrame:
    return pd.read_csv(REFERENCE / name, comment="#", dtype={"year": str, "period": str})


def scores(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["unit", "period", "item", "value"])


def card(name: str) -> kpi.Scorecard:
    return kpi.Scorecard.from_yaml(CONFIGS / f"{name}.yaml")


def minimal(**item) -> dict:
    base = {"id": "a", "label_zh": "甲", "label_en": "A", "max_points": 10, "rule": "points",
            "direction": "higher"}
    base.update(item)
    return {"name": "t", "total_points": base["max_points"], "items": [base]}


# --------------------------------------------------------------------------- rounding
def test_round_half_up_differs_from_python_round():
    # Python's round is half-even on binary floats: round(7.25, 1) == 7.2, round(2.675, 2) == 2.67.
    assert round(7.25, 1) == 7.2 and kpi.round_half_up(7.25, 1) == 7.3
    assert round(2.675, 2) == 2.67 and kpi.round_half_up(2.675, 2) == 2.68
    assert kpi.round_half_up(0.125, 2) == 0.13
    # 14 / 20 × 3.5 is 2.4499999999999997 in floating point; DOMAIN.md §4 prints 2.5.
    assert 14 / 20 * 3.5 < 2.45 and kpi.round_half_up(14 / 20 * 3.5, 1) == 2.5
    assert kpi.round_half_up(7.24, 1) == 7.2
    assert math.isnan(kpi.round_half_up(float("nan"), 1))


# --------------------------------------------------------------------------- rules
class TestRatio:
    def test_higher_boundaries(self):
        assert kpi.rule_ratio(0, 3.5, scale=20)[0] == 0
        assert kpi.rule_ratio(20, 3.5, scale=20)[0] == 3.5
        assert kpi.rule_ratio(10, 3.5, scale=20)[0] == pytest.approx(1.75)
        # 19.2 / 20 × 3.5 = 3.36 (the example explanation)
        assert kpi.rule_ratio(19.2, 3.5, scale=20) == (pytest.approx(3.36), "19.2 / 20 × 3.5 = 3.36")
        points, text = kpi.rule_ratio(20.5, 3.5, scale=20)
        assert points == 3.5 and text.endswith("capped at 3.5")
        points, text = kpi.rule_ratio(-1, 3.5, scale=20)
        assert points == 0 and text.endswith("floored at 0")

    def test_lower_boundaries(self):
        # (scale − value) / scale × max: 0 defects → full, scale → 0, 5 of 20 → 0.75 × 4 = 3
        assert kpi.rule_ratio(0, 4, scale=20, direction="lower")[0] == 4
        assert kpi.rule_ratio(20, 4, scale=20, direction="lower")[0] == 0
        assert kpi.rule_ratio(5, 4, scale=20, direction="lower") == (3.0, "(20 − 5) / 20 × 4 = 3")
        assert kpi.rule_ratio(25, 4, scale=20, direction="lower")[0] == 0

    def test_bad_direction(self):
        with pytest.raises(ValueError, match="direction must be 'higher' or 'lower', got 'up'"):
            kpi.rule_ratio(1, 1, scale=20, direction="up")


class TestLinear:
    def test_higher_boundaries(self):
        f = dict(floor=0.80, target=0.90)
        assert kpi.rule_linear(0.79, 2, **f)[0] == 0
        assert kpi.rule_linear(0.80, 2, **f)[0] == 0
        assert kpi.rule_linear(0.81, 2, **f)[0] == pytest.approx(0.2)  # 0.01 / 0.10 × 2
        assert kpi.rule_linear(0.85, 2, **f)[0] == pytest.approx(1.0)
        assert kpi.rule_linear(0.89, 2, **f)[0] == pytest.approx(1.8)
        assert kpi.rule_linear(0.90, 2, **f)[0] == 2
        assert kpi.rule_linear(0.95, 2, **f)[0] == 2
        assert kpi.rule_linear(0.90, 2, **f)[1] == "0.9 ≥ 0.9 (target) → 2"

    def test_lower_boundaries(self):
        # overdue rate: 5% or more → 0, 1% or less → full; 3% → half
        f = dict(floor=0.05, target=0.01, direction="lower")
        assert kpi.rule_linear(0.06, 1.5, **f)[0] == 0
        assert kpi.rule_linear(0.05, 1.5, **f)[0] == 0
        assert kpi.rule_linear(0.03, 1.5, **f)[0] == pytest.approx(0.75)
        assert kpi.rule_linear(0.02, 1.5, **f)[0] == pytest.approx(1.125)  # 0.03 / 0.04 × 1.5
        assert kpi.rule_linear(0.01, 1.5, **f)[0] == 1.5
        assert kpi.rule_linear(0.0, 1.5, **f)[0] == 1.5
        assert kpi.rule_linear(0.05, 1.5, **f)[1] == "0.05 ≥ 0.05 (floor) → 0"

    def test_misordered(self):
        with pytest.raises(ValueError, match="needs target above floor"):
            kpi.rule_linear(0.5, 1, floor=0.9, target=0.8)
        with pytest.raises(ValueError, match="needs target below floor"):
            kpi.rule_linear(0.5, 1, floor=0.1, target=0.2, direction="lower")


class TestThreshold:
    def test_higher(self):
        assert kpi.rule_threshold(0.99, 10, target=0.99) == (10.0, "0.99 ≥ 0.99: met → 10")
        assert kpi.rule_threshold(0.9899, 10, target=0.99) == (0.0, "0.9899 < 0.99: not met → 0")
        assert kpi.rule_threshold(1.0, 10, target=0.99)[0] == 10
        # binary noise does not decide: 0.1 + 0.2 is 0.30000000000000004, 0.7 * 3 / 7 < 0.3
        assert kpi.rule_threshold(0.7 * 3 / 7, 1, target=0.3)[0] == 1

    def test_lower(self):
        assert kpi.rule_threshold(0, 10, target=0, direction="lower") == (10.0, "0 ≤ 0: met → 10")
        assert kpi.rule_threshold(1, 10, target=0, direction="lower") == (0.0, "1 > 0: not met → 0")
        assert kpi.rule_threshold(0.019, 5, target=0.02, direction="lower")[0] == 5


class TestBands:
    BANDS_LOWER = [{"limit": 2, "points": 1.5}, {"limit": 3, "points": 1}, {"limit": 4, "points": 0.5}]
    BANDS_HIGHER = [{"limit": 0.80, "points": 1}, {"limit": 0.85, "points": 2}, {"limit": 0.90, "points": 3}]

    @pytest.mark.parametrize("value, expected", [
        (1.0, 1.5), (2.0, 1.5), (2.01, 1), (3.0, 1), (3.5, 0.5), (4.0, 0.5), (4.01, 0)])
    def test_lower(self, value, expected):
        assert kpi.rule_bands(value, 1.5, bands=self.BANDS_LOWER, direction="lower")[0] == expected

    @pytest.mark.parametrize("value, expected", [
        (0.79, 0), (0.80, 1), (0.849, 1), (0.85, 2), (0.899, 2), (0.90, 3), (0.99, 3)])
    def test_higher(self, value, expected):
        assert kpi.rule_bands(value, 3, bands=self.BANDS_HIGHER)[0] == expected

    def test_explanations(self):
        assert kpi.rule_bands(0.86, 3, bands=self.BANDS_HIGHER)[1] == "0.86 ≥ 0.85 → 2"
        assert kpi.rule_bands(0.5, 3, bands=self.BANDS_HIGHER)[1] == "0.5 < 0.8: outside every band → 0"
        assert kpi.rule_bands(5, 1.5, bands=self.BANDS_LOWER, direction="lower")[1] == \
            "5 > 4: outside every band → 0"


class TestDeduction:
    def test_lower(self):
        assert kpi.rule_deduction(0, 10, per_event=2) == (10.0, "10 − 0 × 2 = 10")
        assert kpi.rule_deduction(3, 10, per_event=2) == (4.0, "10 − 3 × 2 = 4")
        assert kpi.rule_deduction(5, 10, per_event=2)[0] == 0
        points, text = kpi.rule_deduction(6, 10, per_event=2)
        assert points == 0 and text == "10 − 6 × 2 = -2, floored at 0"

    def test_higher_is_refused(self):
        with pytest.raises(ValueError, match="direction must be 'lower' .*use rule 'per_event'"):
            kpi.rule_deduction(1, 10, per_event=2, direction="higher")

    def test_negative_count(self):
        with pytest.raises(ValueError, match="number of events cannot be negative, got -1"):
            kpi.rule_deduction(-1, 10, per_event=2)


class TestPerEvent:
    def test_higher(self):
        assert kpi.rule_per_event(0, 20, per_event=1)[0] == 0
        assert kpi.rule_per_event(19, 20, per_event=1)[0] == 19
        assert kpi.rule_per_event(20, 20, per_event=1)[0] == 20
        points, text = kpi.rule_per_event(21, 20, per_event=1)
        assert points == 20 and text == "21 × 1 = 21, capped at 20"

    def test_lower_is_refused(self):
        with pytest.raises(ValueError, match="direction must be 'higher' .*use rule 'deduction'"):
            kpi.rule_per_event(1, 10, per_event=1, direction="lower")


class TestTargetPlus:
    def test_higher(self):
        # FCR ≥ provincial 74% + 5 pp = 79%
        assert kpi.rule_target_plus(0.79, 10, benchmark=0.74, margin=0.05)[0] == 10
        assert kpi.rule_target_plus(0.7899, 10, benchmark=0.74, margin=0.05)[0] == 0
        assert kpi.rule_target_plus(0.80, 10, benchmark=0.74, margin=0.05)[1] == \
            "0.8 ≥ 0.74 + 0.05 = 0.79: met → 10"

    def test_lower(self):
        # complaint rate at least 0.5 below the provincial 3.0 → ≤ 2.5
        assert kpi.rule_target_plus(2.5, 4, benchmark=3.0, margin=0.5, direction="lower")[0] == 4
        assert kpi.rule_target_plus(2.51, 4, benchmark=3.0, margin=0.5, direction="lower") == \
            (0.0, "2.51 > 3 − 0.5 = 2.5: not met → 0")


class TestPoints:
    def test_higher(self):
        assert kpi.rule_points(9.5, 10) == (9.5, "points awarded 9.5 / 10")
        assert kpi.rule_points(10, 10)[0] == 10
        assert kpi.rule_points(0, 10)[0] == 0
        points, text = kpi.rule_points(10.5, 10)
        assert points == 10 and text.endswith("capped at 10")

    def test_lower_and_negative_refused(self):
        with pytest.raises(ValueError, match="direction must be 'higher'"):
            kpi.rule_points(1, 10, direction="lower")
        with pytest.raises(ValueError, match="points awarded cannot be negative"):
            kpi.rule_points(-1, 10)


# --------------------------------------------------------------------------- validation
def test_many_problems_each_named():
    with pytest.raises(ConfigError, match=r"kpi_many_problems.yaml: invalid scorecard \(6 problems\)") as err:
        kpi.Scorecard.from_yaml(FILES / "kpi_many_problems.yaml")
    problems = err.value.problems
    expected = [
        "kpi_many_problems.yaml: item 'third_party' field 'rule': unknown rule 'ratoi'; rules are: "
        "bands, deduction, linear, per_event, points, ratio, target_plus, threshold",
        "kpi_many_problems.yaml: item 'third_party' field 'period_weights': weights must sum to 1, "
        "they sum to 0.9",
        "kpi_many_problems.yaml: item 'retention' field 'direction': must be 'higher' or 'lower', "
        "got 'upward'",
        "kpi_many_problems.yaml: item 'retention' field 'max_points': must not be negative, got -2",
        "kpi_many_problems.yaml: item 'complaints' field 'label_zh': missing (required)",
        "kpi_many_problems.yaml: item 'complaints' field 'target': missing: rule 'linear' needs it",
    ]
    assert sorted(problems) == sorted(expected)


def test_gap_undeclared_is_an_error():
    with pytest.raises(ConfigError, match=r"field 'total_points': items add up to 94, not the stated "
                                          r"total 100; .*'declared_gap'"):
        kpi.Scorecard.from_yaml(FILES / "kpi_gap_undeclared.yaml")


def test_gap_declared_with_wrong_amount():
    cfg = minimal(max_points=94)
    cfg.update(total_points=100, declared_gap=5, gap_reason="source omits items")
    with pytest.raises(ConfigError, match="field 'declared_gap': items add up to 94: the gap to the "
                                          "stated total 100 is 6, not the declared 5"):
        kpi.Scorecard.from_dict(cfg, source="x.yaml")


def test_gap_needs_reason():
    cfg = minimal(max_points=94)
    cfg.update(total_points=100, declared_gap=6)
    with pytest.raises(ConfigError, match="field 'gap_reason': missing"):
        kpi.Scorecard.from_dict(cfg)


def test_composite_weights_and_components():
    with pytest.raises(ConfigError) as err:
        kpi.Scorecard.from_yaml(FILES / "kpi_bad_composite.yaml")
    text = str(err.value)
    assert "composite field 'weights': weights must sum to 1, they sum to 1.1" in text
    assert "unknown component 'nps'" in text


def test_not_yaml_and_missing_file(tmp_path):
    with pytest.raises(ConfigError, match=r"kpi_not_yaml.yaml line 3, column \d+: not valid YAML"):
        kpi.Scorecard.from_yaml(FILES / "kpi_not_yaml.yaml")
    with pytest.raises(ConfigError, match="scorecard file not found"):
        kpi.Scorecard.from_yaml(tmp_path / "nope.yaml")
    (tmp_path / "empty.yaml").write_text("", encoding="utf-8")
    with pytest.raises(ConfigError, match="empty.yaml: the file is empty"):
        kpi.Scorecard.from_yaml(tmp_path / "empty.yaml")


# nine levels of nine aliases: 9**9 (387 million) "lol"s once expanded
BILLION_LAUGHS = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
name: bomb
total_points: 10
items: *i
"""


def test_yaml_alias_bomb_is_a_config_error_at_once(tmp_path):
    import time

    path = tmp_path / "bomb.yaml"
    path.write_text(BILLION_LAUGHS, encoding="utf-8")
    start = time.perf_counter()
    with pytest.raises(ConfigError, match=r"bomb.yaml line 1: YAML anchor &a: anchors and aliases are "
                                          r"not allowed in configuration files"):
        kpi.Scorecard.from_yaml(path)
    assert time.perf_counter() - start < 1.0


def test_yaml_merge_keys_and_aliases_are_refused(tmp_path):
    path = tmp_path / "merge.yaml"
    path.write_text("name: x\ntotal_points: 10\nitems:\n  - id: a\n    max_points: 10\n    rule: points\n"
                    "  - <<: {max_points: 10}\n    id: b\n    rule: *r\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"merge.yaml line 9: YAML alias \*r"):
        kpi.Scorecard.from_yaml(path)


def test_yaml_is_loaded_safely(tmp_path):
    path = tmp_path / "evil.yaml"
    path.write_text("name: !!python/object/apply:os.system ['echo hi']\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        kpi.Scorecard.from_yaml(path)


@pytest.mark.parametrize("change, message", [
    ({"scale": 20, "rule": "points"}, r"item 'a' field 'scale': unknown field for rule 'points'"),
    ({"rule": "ratio"}, r"item 'a' field 'scale': missing: rule 'ratio' needs it"),
    ({"rule": "ratio", "scale": 0}, r"item 'a' field 'scale': must be positive, got 0"),
    ({"rule": "deduction", "per_event": 1}, r"field 'direction': rule 'deduction' only works with "
                                            r"direction 'lower' \(use rule 'per_event'"),
    ({"rule": "linear", "floor": 0.9, "target": 0.8}, r"field 'target': must be above floor"),
    ({"rule": "target_plus", "margin": 0.05}, r"field 'benchmark': give exactly one of"),
    ({"rule": "target_plus", "margin": 0.05, "benchmark_item": "nope"},
     r"field 'benchmark_item': unknown item or input 'nope'"),
    ({"rule": "target_plus", "margin": -0.05, "benchmark": 0.7}, r"field 'margin': must not be negative"),
    ({"rule": "bands", "direction": "higher",
      "bands": [{"limit": 1, "points": 5}, {"limit": 2, "points": 3}]},
     r"field 'bands': with higher is better, a higher limit must not give fewer points"),
    ({"rule": "bands", "bands": [{"limit": 1, "points": 11}]}, r"more than max_points 10"),
    ({"group": "g"}, r"field 'group': unknown group 'g'; groups are: none declared"),
    ({"period_weights": {"2006-Q2": 0.5, "2006-Q3": 0.4}}, r"weights must sum to 1, they sum to 0.9"),
    ({"max_points": {"2006": 10}}, r"field 'max_points': points per period need top-level 'periods'"),
    ({"id": "total"}, r"field 'id': must be a name of letters"),
    ({"format": "pct"}, r"field 'format': must be 'number' or 'percent'"),
])
def test_item_problems(change, message):
    cfg = minimal(**change)
    cfg["total_points"] = 10
    with pytest.raises(ConfigError, match=message):
        kpi.Scorecard.from_dict(cfg, source="t.yaml")


def test_top_level_problems():
    cfg = minimal()
    cfg["itemz"] = []
    del cfg["name"]
    cfg["rounding"] = {"decimals": 9, "method": "bankers"}
    with pytest.raises(ConfigError) as err:
        kpi.Scorecard.from_dict(cfg, source="t.yaml")
    text = str(err.value)
    assert "t.yaml: field 'itemz': unknown field; allowed fields are" in text
    assert "t.yaml: field 'name': missing (required)" in text
    assert "rounding field 'decimals': must be a whole number from 0 to 6, got 9" in text
    assert "rounding field 'method': must be 'half_up' or 'half_even', got 'bankers'" in text


def test_group_max_points_checked():
    cfg = minimal(group="g")
    cfg["groups"] = [{"id": "g", "label_zh": "组", "label_en": "G", "max_points": 8}]
    with pytest.raises(ConfigError, match="group 'g' field 'max_points': its items add up to 10, not 8"):
        kpi.Scorecard.from_dict(cfg)


def test_duplicate_items_and_missing_group():
    cfg = minimal()
    cfg["items"].append(dict(cfg["items"][0]))
    cfg["total_points"] = 20
    with pytest.raises(ConfigError, match="item 'a' field 'id': duplicate item id"):
        kpi.Scorecard.from_dict(cfg)
    cfg = minimal()
    cfg["groups"] = [{"id": "g", "label_zh": "组", "label_en": "G"}]
    with pytest.raises(ConfigError, match="item 'a' field 'group': missing: the scorecard has groups"):
        kpi.Scorecard.from_dict(cfg)


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_configs_load(name):
    sc = card(name)
    assert sc.name and sc.items
    html = sc._repr_html_()
    assert sc.name in html and "<table" in html
    assert len(sc.describe(lang="zh")) == len(sc.items)


# --------------------------------------------------------------------------- Guizhou quarterly
QUARTERS = ["2006-Q2", "2006-Q3", "2006-Q4"]


def quarterly_scores(rows: dict) -> pd.DataFrame:
    return scores([(unit, q, "third_party", s) for unit, values in rows.items()
                   for q, s in zip(QUARTERS, values)])


def test_guizhou_quarterly_reproduces_domain_rows():
    table = ref("kpi_guizhou_quarterly_rows.csv")
    sc = card("guizhou_2006_quarterly")
    data = quarterly_scores({r.branch: (r.q2_score, r.q3_score, r.q4_score) for r in table.itertuples()})
    scored = sc.score(data)
    totals = sc.totals(scored).set_index("unit")
    for r in table.itertuples():
        rows = scored[(scored["unit"] == r.branch) & (scored["item"] == "third_party")]
        assert rows["period"].tolist() == QUARTERS
        assert rows["max_points"].tolist() == [3.0, 3.5, 3.5]
        assert rows["points_shown"].tolist() == [r.q2_points, r.q3_points, r.q4_points]
        # only third-party rows are given: the total and the group are the third-party 10 points
        assert totals.loc[r.branch, "third_party"] == r.total
        assert totals.loc[r.branch, "n_missing"] == 6  # the six process items are flagged missing
    # 黔东南: 12/20×3 = 1.8, 16.4/20×3.5 = 2.87, 17.2/20×3.5 = 3.01; 1.8 + 2.87 + 3.01 = 7.68 → 7.7
    q = scored[(scored["unit"] == "黔东南") & (scored["item"] == "third_party")]
    assert q["points"].tolist() == pytest.approx([1.8, 2.87, 3.01])
    assert q["explanation"].tolist() == ["12 / 20 × 3 = 1.8", "16.4 / 20 × 3.5 = 2.87 → 2.9",
                                         "17.2 / 20 × 3.5 = 3.01 → 3.0"]
    # 毕节: 2.7 + 2.45 + 3.325 = 8.475 → 8.5
    assert totals.loc["毕节", "total_exact"] == pytest.approx(8.475)


def test_totals_are_summed_unrounded_not_from_rounded_points():
    sc = card("guizhou_2006_quarterly")
    # Constructed row: 11.5 each quarter → 1.725, 2.0125, 2.0125 (shown 1.7, 2.0, 2.0).
    # Summing the shown points gives 5.7; the unrounded sum 5.75 rounds half up to 5.8.
    scored = sc.score(quarterly_scores({"X": (11.5, 11.5, 11.5)}))
    rows = scored[scored["item"] == "third_party"]
    assert rows["points_shown"].tolist() == [1.7, 2.0, 2.0]
    assert round(sum(rows["points_shown"]), 1) == 5.7
    assert sc.totals(scored)["third_party"].iloc[0] == 5.8
    # A row where Python's half-even round would print a different total than half up:
    # 10.5/20×3 = 1.575, 10/20×3.5 = 1.75, 10/20×3.5 = 1.75 → 5.075 → 5.1 half up.
    scored = sc.score(quarterly_scores({"Y": (10.5, 10.0, 10.0)}))
    assert sc.totals(scored)["third_party"].iloc[0] == 5.1
    # and a scheme that says "sum the displayed points" gets what it asks for
    cfg = {"name": "r", "total_points": 10, "rounding": {"decimals": 1, "sum": "rounded"},
           "items": [{"id": "third_party", "label_zh": "第三方", "label_en": "3rd", "max_points": 10,
                      "rule": "ratio", "direction": "higher", "scale": 20,
                      "period_weights": {"2006-Q2": 0.3, "2006-Q3": 0.35, "2006-Q4": 0.35}}]}
    rounded = kpi.Scorecard.from_dict(cfg)
    assert rounded.totals(rounded.score(quarterly_scores({"X": (11.5, 11.5, 11.5)})))["total"].iloc[0] == 5.7


def test_printed_scores_caveat():
    # DOMAIN.md §4: printed scores are rounded to one decimal, so a total recomputed from
    # them can differ by 0.1 from the printed total. Unrounded scores 11.46, 11.46, 11.46 give
    # 1.719 + 2.0055 + 2.0055 = 5.73 → 5.7, while the printed 11.5 each gives 5.75 → 5.8.
    # The scorecard scores what it is given: it does not guess the unrounded score.
    sc = card("guizhou_2006_quarterly")
    exact = sc.totals(sc.score(quarterly_scores({"X": (11.46, 11.46, 11.46)})))["total"].iloc[0]
    printed = sc.totals(sc.score(quarterly_scores({"X": (11.5, 11.5, 11.5)})))["total"].iloc[0]
    assert (exact, printed) == (5.7, 5.8)


def test_guizhou_quarterly_sample_gives_20_point_totals(sample_dir):
    from cxeval import data

    sc = card("guizhou_2006_quarterly")
    scored = sc.score(data.load(sample_dir / "kpi_scores.csv", "scores"))
    totals = sc.totals(scored).set_index("unit")
    assert len(totals) == 9 and (totals["n_missing"] == 0).all()
    assert (totals["max_points"] == 20).all()
    assert totals.loc["黔东南", "third_party"] == 7.7 and totals.loc["毕节", "third_party"] == 8.5
    # total = third party + process, each from unrounded points (check by hand-summing)
    for unit, part in scored.groupby("unit"):
        assert totals.loc[unit, "total"] == kpi.round_half_up(part["points"].sum(), 1)
    assert sorted(totals["rank"]) == sorted(totals["total"].rank(method="min", ascending=False).astype(int))
    assert sc.unmatched(data.load(sample_dir / "kpi_scores.csv", "scores")).empty


def test_process_items_hand_calculation():
    sc = card("guizhou_2006_quarterly")
    data = scores([
        ("U", "2006", "improvement_work", 80.0),       # 80 / 100 × 2 = 1.6
        ("U", "2006", "short_board_work", 65.0),       # 65 / 100 × 2 = 1.3
        ("U", "2006", "retention_rate", 0.8355),       # (0.8355 − 0.81) / (0.861 − 0.81) × 2 = 1.0
        ("U", "2006", "complaints_per_10k", 2.5),      # ≤ 3 → 1
        ("U", "2006", "overdue_rate", 0.03),           # (0.03 − 0.05) / (0.01 − 0.05) × 1.5 = 0.75
        ("U", "2006", "complaint_satisfaction", 0.899),  # < 90% → 0
    ])
    totals = sc.totals(sc.score(data))
    assert totals["process"].iloc[0] == kpi.round_half_up(1.6 + 1.3 + 1.0 + 1 + 0.75 + 0, 1) == 5.7
    assert totals["n_missing"].iloc[0] == 3  # the three third-party quarters


# --------------------------------------------------------------------------- Guizhou KPI 2005 / 2006
def test_guizhou_satisfaction_kpi_reproduces_2005_and_2006():
    table = ref("kpi_guizhou_satisfaction_kpi.csv")
    sc = card("guizhou_2006_kpi")
    data = scores([("全省", r.year, r.item, r.points) for r in table.itertuples()])
    scored = sc.score(data)
    assert not scored["missing"].any()
    # every item's maximum points per year as the source gives them
    got = scored.set_index(["period", "item"])["max_points"]
    for r in table.itertuples():
        assert got[(r.year, r.item)] == r.max_points
    totals = sc.totals(scored).set_index("period")
    assert totals.loc["2006", "total"] == 19.5
    assert totals.loc["2005", "total"] == 12.98
    expected = table.groupby("year")["year_total"].first()
    assert totals["total"].to_dict() == expected.to_dict()
    assert (totals["max_points"] == 20).all()


def test_guizhou_kpi_items_outside_a_year_are_not_scored():
    sc = card("guizhou_2006_kpi")
    data = scores([("全省", "2005", "brand_awareness", 2.0), ("全省", "2005", "overall_satisfaction", 6.7)])
    scored = sc.score(data)
    assert "brand_awareness" not in set(scored.loc[scored["period"] == "2005", "item"])
    assert sc.unmatched(data)["item"].tolist() == ["brand_awareness"]
    totals = sc.totals(scored).set_index("period")
    assert totals.loc["2005", "n_missing"] == 3 and totals.loc["2006", "n_missing"] == 6


# --------------------------------------------------------------------------- Guizhou 2007 plan
def test_guizhou_2007_plan_quarter_points_and_bonus():
    table = ref("kpi_guizhou_2007_plan.csv")
    sc = card("guizhou_2007_plan")
    third = next(it for it in sc.items if it.id == "third_party")
    slots = dict(sc._slots(third))
    for r in table.itertuples():
        assert slots[r.period] == r.quarter_points == 10 * r.share_of_20 / 20
    data = scores([("U", p, "third_party", 20.0) for p in table["period"]]
                  + [("U", "2007", "service_innovation", 3)])
    totals = sc.totals(sc.score(data))
    # full third-party points 10; bonus 3 × 0.5 = 1.5 on top
    assert totals["third_party"].iloc[0] == 10 and totals["bonus"].iloc[0] == 1.5
    assert totals["total"].iloc[0] == 11.5
    # 12 / 20 × 2 = 1.2 in Q1
    one = sc.score(scores([("U", "2007-Q1", "third_party", 12.0)]))
    assert one.loc[one["period"] == "2007-Q1", "points"].iloc[0] == pytest.approx(1.2)
    # innovation bonus is capped at 2
    capped = sc.totals(sc.score(scores([("U", "2007", "service_innovation", 9)])))
    assert capped["bonus"].iloc[0] == 2


# --------------------------------------------------------------------------- Unicom 2003
def test_unicom_items_and_declared_gap():
    table = ref("kpi_unicom_2003_items.csv")
    sc = card("unicom_2003_branch")
    assert [it.id for it in sc.items] == table["item"].tolist()
    assert [it.max_points for it in sc.items] == table["max_points"].astype(float).tolist()
    assert table["max_points"].sum() == 94
    assert sc.total_points == 100 and sc.declared_gap == 6 and "omits" in sc.gap_reason
    assert "Declared gap: 6" in sc._repr_html_()


def test_unicom_full_points_score_94_and_composite():
    table = ref("kpi_unicom_2003_items.csv")
    sc = card("unicom_2003_branch")
    rows = [("A", "2003-06", r.item, float(r.max_points)) for r in table.itertuples()]
    rows += [("A", "2003-06", "customer_satisfaction", 80.0)]
    rows += [("B", "2003-06", r.item, float(r.max_points) - 1) for r in table.itertuples()]
    rows += [("B", "2003-06", "customer_satisfaction", 90.0)]
    totals = sc.totals(sc.score(scores(rows))).set_index("unit")
    # every listed point earned: 94 of 100, not rescaled to 100
    assert totals.loc["A", "total"] == 94 and totals.loc["A", "max_points"] == 94
    # composite = 0.4 × 80 + 0.6 × 94 = 32 + 56.4 = 88.4
    assert totals.loc["A", "composite"] == 88.4
    # B: 94 − 9 = 85; 0.4 × 90 + 0.6 × 85 = 36 + 51 = 87.0
    assert totals.loc["B", "total"] == 85 and totals.loc["B", "composite"] == 87.0
    assert totals.loc["A", "rank"] == 1 and totals.loc["B", "rank"] == 2


def test_unicom_composite_missing_satisfaction_is_missing():
    sc = card("unicom_2003_branch")
    scored = sc.score(scores([("A", "2003-06", "hotline_1001", 30.0)]))
    inp = scored[scored["kind"] == "input"]
    assert inp["missing"].tolist() == [True] and inp["explanation"].tolist() == ["missing value"]
    assert math.isnan(sc.totals(scored)["composite"].iloc[0])


# --------------------------------------------------------------------------- campaign 2010
def campaign_rows(unit, fcr, r5, r10, esc, self_on_time, quality, sugg, top):
    p = "2010-11"
    return [(unit, p, "fcr", fcr), (unit, p, "repeat5_reduction", r5), (unit, p, "repeat10_complaints", r10),
            (unit, p, "escalated_on_time", esc), (unit, p, "self_on_time", self_on_time),
            (unit, p, "ticket_quality", quality), (unit, p, "adopted_suggestions", sugg),
            (unit, p, "top_ten_cases", top)]


def test_campaign_targets_hand_calculation():
    table = ref("kpi_campaign_2010_targets.csv")
    sc = card("campaign_2010")
    by_id = {it.id: it for it in sc.items}
    for r in table.itertuples():
        it = by_id[r.item]
        assert (it.rule, it.direction) == (r.rule, r.direction)
        if not pd.isna(r.target):
            assert it.params["target"] == r.target
        if not pd.isna(r.margin):
            assert it.params["margin"] == r.margin
        if not pd.isna(r.per_event):
            assert it.params["per_event"] == r.per_event
    # 3,428 in July, 300 in October: 1 − 300 / 3428 = 0.9125 ≥ 0.90 → met
    reduction = 1 - 300 / 3428
    rows = [("全省", "2010-11", "provincial_fcr", 0.74)]
    rows += campaign_rows("A", 0.79, reduction, 0, 0.99, 1.0, 1.0, 3, 2)
    # B: FCR 0.78 < 0.79; 0.85 reduction < 0.9; 12 complaints > 0; 98.9% < 99%; 99.5% < 100%
    rows += campaign_rows("B", 0.78, 0.85, 12, 0.989, 0.995, 1.0, 25, 0)
    scored = sc.score(scores(rows))
    assert "全省" not in set(scored["unit"])  # the benchmark unit is not scored
    totals = sc.totals(scored).set_index("unit")
    # A meets all six targets: 60; contest 3 × 1 + 2 × 10 = 23; total 83
    assert totals.loc["A", "targets"] == 60 and totals.loc["A", "contest"] == 23
    assert totals.loc["A", "total"] == 83
    # B meets only ticket quality: 10; contest min(25, 20) = 20; total 30
    assert totals.loc["B", "targets"] == 10 and totals.loc["B", "contest"] == 20
    assert totals.loc["B", "total"] == 30
    fcr = scored[(scored["unit"] == "A") & (scored["item"] == "fcr")]["explanation"].iloc[0]
    assert fcr == "79% ≥ provincial_fcr 74% + 5% = 79%: met → 10"


def test_campaign_missing_benchmark_is_flagged():
    sc = card("campaign_2010")
    scored = sc.score(scores(campaign_rows("A", 0.8, 0.95, 0, 1, 1, 1, 0, 0)))
    row = scored[scored["item"] == "fcr"].iloc[0]
    assert row["missing"] and math.isnan(row["points"])
    assert row["explanation"] == "missing benchmark provincial_fcr"
    assert sc.totals(scored)["n_missing"].iloc[0] == 1


def test_target_plus_with_fixed_benchmark():
    cfg = minimal(rule="target_plus", benchmark=0.74, margin=0.05, format="percent")
    sc = kpi.Scorecard.from_dict(cfg)
    scored = sc.score(scores([("A", "2010-11", "a", 0.80), ("B", "2010-11", "a", 0.785)]))
    assert scored["points"].tolist() == [10, 0]


# --------------------------------------------------------------------------- score / totals
def test_missing_values_are_flagged_not_zero():
    sc = card("guizhou_2006_quarterly")
    data = quarterly_scores({"A": (12.0, 16.4, 17.2)})
    data.loc[1, "value"] = np.nan
    scored = sc.score(data, lang="zh")
    row = scored[(scored["item"] == "third_party") & (scored["period"] == "2006-Q3")].iloc[0]
    assert row["missing"] and math.isnan(row["points"]) and row["explanation"] == "缺失值"
    en = sc.score(data)
    assert en.loc[en["missing"], "explanation"].unique().tolist() == ["missing value"]
    totals = sc.totals(scored)
    assert totals["n_missing"].iloc[0] == 7 and totals["n_items"].iloc[0] == 9
    assert totals["third_party"].iloc[0] == 4.8  # 1.8 + 3.01 = 4.81 → 4.8, flagged incomplete
    explain = sc.explain(scored, "A", lang="en")
    total_row = explain[explain["kind"] == "total"].iloc[0]
    assert total_row["explanation"].endswith("; 7 missing")


def test_rank_ties_share_the_better_rank():
    cfg = minimal(rule="ratio", scale=20)
    sc = kpi.Scorecard.from_dict(cfg)
    # 15.01 → 7.505 → 7.5 and 15.0 → 7.5: tied at the displayed precision
    data = scores([("A", "x", "a", 16.0), ("B", "x", "a", 15.01), ("C", "x", "a", 15.0), ("D", "x", "a", 2.0),
                   ("E", "x", "a", np.nan)])
    totals = sc.totals(sc.score(data)).set_index("unit")
    assert totals["total"].tolist()[:4] == [8.0, 7.5, 7.5, 1.0]
    assert totals["rank"].tolist()[:4] == [1, 2, 2, 4]
    assert pd.isna(totals.loc["E", "rank"]) and math.isnan(totals.loc["E", "total"])


def test_score_input_problems():
    sc = card("guizhou_2006_quarterly")
    with pytest.raises(DataError, match="scores lack column.*value; columns are: unit, period, item, score"):
        sc.score(pd.DataFrame(columns=["unit", "period", "item", "score"]))
    dup = scores([("A", "2006-Q2", "third_party", 12.0), ("A", "2006-Q2", "third_party", 13.0)])
    with pytest.raises(DataError, match="unit A, item third_party, period 2006-Q2: two values"):
        sc.score(dup)
    several = scores([("A", "2006", "retention_rate", 0.85), ("A", "2007", "retention_rate", 0.86)])
    with pytest.raises(DataError, match="unit A, item retention_rate: values for several periods"):
        sc.score(several)
    neg = kpi.Scorecard.from_dict(minimal(rule="deduction", direction="lower", per_event=2))
    with pytest.raises(DataError, match="unit A, item a, period x: number of events cannot be negative"):
        neg.score(scores([("A", "x", "a", -1.0)]))
    with pytest.raises(TypeError, match="scores must be a DataFrame"):
        sc.score([1, 2])
    with pytest.raises(DataError, match="scored must be a Scorecard.score result"):
        sc.totals(pd.DataFrame({"unit": ["A"]}))


def test_score_columns_contract():
    sc = card("guizhou_2006_quarterly")
    scored = sc.score(quarterly_scores({"A": (12.0, 16.4, 17.2)}))
    for col in ["unit", "item", "value", "points", "max_points", "explanation", "group", "period",
                "label", "missing"]:
        assert col in scored.columns
    assert scored["points"].dtype == float and scored["missing"].dtype == bool


def test_explain_audit_trail():
    sc = card("guizhou_2006_quarterly")
    scored = sc.score(quarterly_scores({"黔东南": (12.0, 16.4, 17.2)}))
    trail = sc.explain(scored, "黔东南")
    group = trail[(trail["kind"] == "group") & (trail["item"] == "third_party")].iloc[0]
    assert group["explanation"] == "1.8 + 2.87 + 3.01 = 7.68 → 7.7 (sum of unrounded points)"
    assert group["points"] == 7.7
    assert trail["kind"].tolist()[-1] == "total"
    with pytest.raises(ValueError, match="unit '潮安' has no scores; units with scores: 黔东南"):
        sc.explain(scored, "潮安")


def test_short_boards_what_if_and_trend():
    sc = card("guizhou_2006_quarterly")
    data = pd.concat([quarterly_scores({"A": (12.0, 16.4, 17.2), "B": (18.0, 14.0, 19.0)}), scores([
        (u, "2006", item, v) for u, vals in {"A": (80, 60, 0.861, 1.5, 0.03, 0.95),
                                             "B": (100, 100, 0.861, 1.5, 0.01, 0.95)}.items()
        for item, v in zip(["improvement_work", "short_board_work", "retention_rate",
                            "complaints_per_10k", "overdue_rate", "complaint_satisfaction"], vals)])])
    scored = sc.score(data)
    # A lost: third party 10 − 7.68 = 2.32; improvement 2 − 1.6 = 0.4; short board 2 − 1.2 = 0.8;
    # overdue 1.5 − 0.75 = 0.75; others 0. All lost: 4.27.
    boards = sc.short_boards(scored, unit="A", n=2)
    assert boards["item"].tolist() == ["third_party", "short_board_work"]
    assert boards["share_of_lost"].tolist() == pytest.approx([2.32 / 4.27, 0.8 / 4.27])
    assert boards["lost_rate"].tolist() == pytest.approx([0.232, 0.4])
    totals = sc.totals(scored).set_index("unit")
    assert totals.loc["A", "total_exact"] == pytest.approx(20 - 4.27)  # 15.73 → 15.7
    assert totals.loc["B", "total_exact"] == pytest.approx(8.475 + 10)  # 18.475 → 18.5
    what = sc.what_if(scored, unit="A").set_index("item")
    # third party at target: 15.73 + 2.32 = 18.05 → 18.1 (rank 2 of 2: B has 18.5)
    assert what.loc["third_party", "gain"] == pytest.approx(2.32)
    assert what.loc["third_party", "total_if"] == 18.1 and what.loc["third_party", "rank_if"] == 2
    assert what.index[0] == "third_party"
    # a given value: short-board work at 90 → 1.8 points, gain 0.6, total 16.33 → 16.3
    tried = sc.what_if(scored, unit="A", values={"short_board_work": 90}).iloc[0]
    assert tried["gain"] == pytest.approx(0.6) and tried["total_if"] == 16.3
    assert tried["explanation"] == "90 / 100 × 2 = 1.8"
    with pytest.raises(ValueError, match="values names unknown items nope"):
        sc.what_if(scored, unit="A", values={"nope": 1})
    trend = sc.period_trend(scored, unit="A")
    # A: 1.8/3 = 0.6, 2.87/3.5 = 0.82, 3.01/3.5 = 0.86; B: 0.9, 0.7, 0.95
    assert trend["attainment"].tolist() == pytest.approx([0.6, 0.82, 0.86])
    assert trend["mean_attainment"].tolist() == pytest.approx([0.75, 0.76, 0.905])
    assert trend["rank"].tolist() == [2, 1, 2]
    assert sc.period_trend(scored, unit="潮安").empty
    assert sc.item_summary(scored, unit="潮安").empty


def test_score_file_and_cli_exit(tmp_path):
    path = tmp_path / "scores.csv"
    quarterly_scores({"黔东南": (12.0, 16.4, 17.2), "毕节": (18.0, 14.0, 19.0)}).to_csv(path, index=False)
    out = kpi.score_file(CONFIGS / "guizhou_2006_quarterly.yaml", path)
    assert out.columns.tolist() == ["unit", "total", "third_party", "process", "rank"]
    assert out.set_index("unit")["third_party"].to_dict() == {"黔东南": 7.7, "毕节": 8.5}
    assert out.attrs["n_missing"] == 12  # six process items for each of the two units
    with pytest.raises(ConfigError):
        kpi.score_file(FILES / "kpi_many_problems.yaml", path)
    from cxeval import cli

    assert cli.main(["score", "--config", str(FILES / "kpi_many_problems.yaml"), "--input", str(path)]) == 2


# --------------------------------------------------------------------------- plots
def test_plots_draw_without_missing_glyphs():
    import matplotlib

    from cxeval import plots

    plots.theme()
    sc = card("guizhou_2006_quarterly")
    scored = sc.score(quarterly_scores({"黔东南": (12.0, 16.4, 17.2), "毕节": (18.0, 14.0, 19.0)}), lang="zh")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing CJK glyph is a UserWarning
        ax = plots.plot_points_lost(sc.item_summary(scored, unit="黔东南"), title="黔东南 各项得分")
        ax.figure.canvas.draw()
        assert isinstance(ax, matplotlib.axes.Axes)
        labels = [t.get_text() for t in ax.get_yticklabels()]
        assert any("第三方" in t for t in labels)
        ax = plots.plot_rank(sc.totals(scored), unit="黔东南", max_points=20)
        ax.figure.canvas.draw()
        bars = [p.get_height() for p in ax.patches]
        assert bars == [8.5, 7.7]
        ax = plots.plot_period_trend(sc.period_trend(scored, unit="黔东南"))
        ax.figure.canvas.draw()
        assert ax.lines[0].get_ydata().tolist() == pytest.approx([60, 82, 86])
        empty = plots.plot_points_lost(sc.item_summary(scored, unit="潮安"))
        assert empty.texts[0].get_text() == "无数据"


def test_plots_reject_wrong_table():
    from cxeval import plots

    with pytest.raises(DataError, match="missing columns: label.*columns are: x"):
        plots.plot_points_lost(pd.DataFrame({"x": [1]}))


def test_unit_summary_and_periods():
    sc = card("guizhou_2006_quarterly")
    scored = sc.score(quarterly_scores({"黔东南": (12.0, 16.4, 17.2), "毕节": (18.0, 14.0, 19.0)}))
    summary = sc.unit_summary(scored, unit="黔东南")
    # third-party only: 7.68 → 7.7 of the 10 points that have values; 毕节 8.475 → 8.5 is first
    assert summary["has_data"] and summary["total"] == 7.7 and summary["rank"] == 2
    assert summary["n_units"] == 2 and summary["best_unit"] == "毕节" and summary["best_total"] == 8.5
    assert summary["groups"] == {"third_party": 7.7, "process": None}
    assert summary["points_lost"] == 2.3 and summary["n_missing"] == 6  # 10 − 7.68 = 2.32 → 2.3
    assert summary["short_boards"] == ["third_party"]
    empty = sc.unit_summary(scored, unit="潮安")
    assert not empty["has_data"] and empty["total"] is None and empty["short_boards"] == []
    with pytest.raises(ValueError, match="period is only for scorecards with 'periods'"):
        sc.item_summary(scored, unit="黔东南", period="2006")

    kpi_card = card("guizhou_2006_kpi")
    table = ref("kpi_guizhou_satisfaction_kpi.csv")
    scored = kpi_card.score(scores([("全省", r.year, r.item, r.points) for r in table.itertuples()]))
    # default period: the latest the unit has values for
    assert kpi_card.unit_summary(scored, unit="全省")["total"] == 19.5
    assert kpi_card.unit_summary(scored, unit="全省", period="2005")["total"] == 12.98
    assert kpi_card.totals(scored, period="2005")["total"].tolist() == [12.98]
    # 2005 short boards: overall 10 − 6.7 = 3.3, new services 4 − 1.71 = 2.29, ...
    assert kpi_card.short_boards(scored, unit="全省", period="2005")["item"].tolist() == \
        ["overall_satisfaction", "new_services", "billing_info"]
    what = kpi_card.what_if(scored, unit="全省", period="2005").set_index("item")
    assert what.loc["overall_satisfaction", "total_if"] == kpi.round_half_up(12.98 + 3.3, 2) == 16.28
    assert "brand_awareness" not in what.index  # not part of the 2005 scheme
    with pytest.raises(ValueError, match="period must be one of the scorecard's periods: 2005, 2006; got '2007'"):
        kpi_card.totals(scored, period="2007")


def test_column_labels_and_point_columns():
    sc = card("unicom_2003_branch")
    assert sc.point_columns == ["total", "composite"]
    labels = sc.column_labels("en")
    assert labels["composite"].startswith("Half-year / annual score") and labels["points"] == "Points"
    sc = card("guizhou_2006_quarterly")
    assert sc.point_columns == ["total", "third_party", "process"]
    assert sc.column_labels("zh")["third_party"] == "第三方测评"
    with pytest.raises(ValueError, match="lang must be 'zh' or 'en', got 'fr'"):
        sc.column_labels("fr")


# --------------------------------------------------------------------------- report text
# Every sentence of notebook 04, checked word for word in both languages. The numbers are
# the hand calculations of test_short_boards_what_if_and_trend (黔东南 = unit A there, 毕节
# = unit B, DOMAIN.md §4's third-party rows plus hand-made process values).
PROCESS_ITEMS = ["improvement_work", "short_board_work", "retention_rate", "complaints_per_10k",
                 "overdue_rate", "complaint_satisfaction"]


@pytest.fixture(scope="module")
def two_units():
    sc = card("guizhou_2006_quarterly")
    data = pd.concat([quarterly_scores({"黔东南": (12.0, 16.4, 17.2), "毕节": (18.0, 14.0, 19.0)}), scores([
        (u, "2006", item, v) for u, vals in {"黔东南": (80, 60, 0.861, 1.5, 0.03, 0.95),
                                             "毕节": (100, 100, 0.861, 1.5, 0.01, 0.95)}.items()
        for item, v in zip(PROCESS_ITEMS, vals)])])
    return sc, {lang: sc.score(data, lang=lang) for lang in ("zh", "en")}


def test_score_none_is_an_empty_scorecard():
    # data.load_input(..., required=False) gives None when there is no kpi_scores file
    sc = card("guizhou_2006_quarterly")
    scored = sc.score(None)
    assert scored.empty and scored.columns.tolist()[:4] == ["unit", "period", "item", "label"]
    assert sc.totals(scored).empty and sc.period_trend(scored, unit="潮安").empty
    summary = sc.unit_summary(scored, unit="潮安")
    assert summary["has_data"] is False and summary["n_units"] == 0
    assert sc.unmatched(None).empty


def test_describe_card_with_period_and_declared_gap():
    sc = card("guizhou_2006_quarterly")
    assert kpi.describe_card(sc, lang="zh") == "考核方案：贵州移动 2006 年满意度考核 (第三方测评 + 过程考核)，满分 20 分。"
    assert kpi.describe_card(sc, lang="en") == "Scorecard: 贵州移动 2006 年满意度考核 (第三方测评 + 过程考核), 20 points."
    gap = kpi.Scorecard.from_dict({"name": "甲方案", "total_points": 10, "declared_gap": 4, "gap_reason": "来源漏列两项",
                                   "items": [{"id": "a", "label_zh": "甲", "label_en": "A", "max_points": 6,
                                              "rule": "points", "direction": "higher"}]})
    # 10 stated − 4 declared gap = 6 listed
    assert kpi.describe_card(gap, period="2006", lang="zh") == \
        "考核方案：甲方案，满分 10 分（2006 年度）。方案所列项目合计 6 分，比满分少 4 分：来源漏列两项"
    assert kpi.describe_card(gap, period="2006", lang="en") == \
        "Scorecard: 甲方案, 10 points (2006). The listed items add up to 6 points, 4 short of the stated total: 来源漏列两项"
    with pytest.raises(ValueError, match="lang must be 'zh' or 'en', got 'fr'"):
        kpi.describe_card(sc, lang="fr")


def test_headline_cards_and_sentence(two_units):
    sc, scored = two_units
    # 黔东南: 15.73 → 15.7 of 20, rank 2 of 2 (毕节 18.475 → 18.5); lost 4.27 → 4.3, most on
    # third party (2.32), short-board work (0.8), overdue rate (0.75).
    zh = sc.unit_summary(scored["zh"], unit="黔东南")
    assert kpi.headline_cards(sc, zh, lang="zh") == [
        {"label": "总分", "value": "15.7", "detail": "满分 20"},
        {"label": "排名", "value": "2 / 2", "status": "warn"},   # of 2 units, neither third
        {"label": "失分", "value": "4.3", "status": "warn"},
        {"label": "最大短板", "value": "第三方满意度测评"},
        {"label": "缺失数据", "value": "0", "status": "good"},
    ]
    assert kpi.headline_sentence(sc, zh, branch="黔东南", lang="zh") == (
        "黔东南得 15.7 分（满分 20），在 2 个单位中排第 2；第一名毕节 18.5 分。"
        "共失 4.3 分，失分最多的是：第三方满意度测评、短板提升工作、工单超时率。")
    en = sc.unit_summary(scored["en"], unit="黔东南")
    assert kpi.headline_sentence(sc, en, branch="黔东南", lang="en") == (
        "黔东南 scores 15.7 of 20 points, rank 2 of 2 units; the best, 毕节, has 18.5. 4.3 points "
        "were lost, most on: Third-party satisfaction survey, Short-board improvement work, "
        "Ticket overdue rate.")
    best = sc.unit_summary(scored["en"], unit="毕节")
    # 毕节 lost 10 − 8.475 = 1.525 → 1.5, all on the third-party survey
    assert kpi.headline_cards(sc, best, lang="en")[1] == {"label": "Rank", "value": "1 / 2", "status": "good"}
    assert kpi.headline_sentence(sc, best, branch="毕节", lang="en") == (
        "毕节 scores 18.5 of 20 points, rank 1 of 2 units. 1.5 points were lost, most on: "
        "Third-party satisfaction survey.")
    html = kpi.headline(sc, zh, branch="黔东南", lang="zh")._repr_html_()
    assert "黔东南得 15.7 分（满分 20）" in html and 'cx-card warn' in html


def test_headline_with_missing_values_and_without_data():
    sc = card("guizhou_2006_quarterly")
    # third party only: 7.68 → 7.7 of the 20 points its items could earn; the six process
    # items are missing (not scored as zero), so 2.32 → 2.3 is all that is known to be lost
    scored = sc.score(quarterly_scores({"黔东南": (12.0, 16.4, 17.2)}))
    summary = sc.unit_summary(scored, unit="黔东南")
    assert kpi.headline_sentence(sc, summary, branch="黔东南", lang="zh") == (
        "黔东南得 7.7 分（满分 20），在 1 个单位中排第 1。共失 2.3 分，失分最多的是：Third-party "
        "satisfaction survey。有 6 项数据缺失，未计分，总分不完整。")
    assert kpi.headline_sentence(sc, summary, branch="黔东南", lang="en").endswith(
        " 6 values are missing and not scored: the total is incomplete.")
    assert kpi.headline_cards(sc, summary, lang="en")[4] == {"label": "Missing values", "value": "6",
                                                              "status": "bad"}
    empty = sc.unit_summary(scored, unit="潮安")
    html = kpi.headline(sc, empty, branch="潮安", units=["黔东南"], lang="en")._repr_html_()
    assert "No scorecard data for this branch: kpi_scores has no rows for 潮安 (units with data: 黔东南)." in html
    with pytest.raises(ValueError, match="summary of unit '潮安' has no scores: show no_data_note"):
        kpi.headline_cards(sc, empty, lang="zh")
    with pytest.raises(ValueError, match="summary of unit '潮安' has no scores"):
        kpi.headline_sentence(sc, empty, branch="潮安", lang="zh")
    all_missing = sc.unit_summary(sc.score(scores([("六盘水", "2006", "improvement_work", None)])),
                                  unit="六盘水")
    assert kpi.headline_sentence(sc, all_missing, branch="六盘水", lang="zh") == \
        "六盘水的 9 项考核数据全部缺失，无法计算总分。"
    assert kpi.index_entry(sc, all_missing)["status"] == "none"


def test_no_data_and_not_applicable_notes():
    assert kpi.no_data_note(["贵阳", "遵义"], branch="潮安", lang="zh") == \
        "潮安没有考核计分数据：kpi_scores 中没有这个单位（有数据的单位：贵阳、遵义）。以下各节不适用。"
    assert kpi.no_data_note(["贵阳", "遵义"], branch="潮安", lang="en") == (
        "No scorecard data for this branch: kpi_scores has no rows for 潮安 (units with data: "
        "贵阳, 遵义). The sections below do not apply.")
    assert kpi.no_data_note([], branch="潮安", lang="zh") == \
        "潮安没有考核计分数据：kpi_scores 文件不存在或为空。以下各节不适用。"
    assert kpi.no_data_note([], branch="潮安", source="scores_2006", lang="en") == (
        "No scorecard data for this branch: the scores_2006 file is missing or empty. "
        "The sections below do not apply.")
    assert kpi.not_applicable_note("zh") == "本节不适用：该分公司没有考核计分数据。"
    assert kpi.not_applicable_note("en") == "Does not apply: no scorecard data for this branch."


def test_describe_rank(two_units):
    sc, scored = two_units
    me, best = (sc.unit_summary(scored["zh"], unit=u) for u in ("黔东南", "毕节"))
    # displayed totals 18.5 − 15.7 = 2.8
    assert kpi.describe_rank(sc, me, branch="黔东南", lang="zh") == "黔东南排第 2（共 2 个单位），比第一名毕节少 2.8 分。"
    assert kpi.describe_rank(sc, me, branch="黔东南", lang="en") == "黔东南 ranks 2 of 2, 2.8 points behind the best, 毕节."
    assert kpi.describe_rank(sc, best, branch="毕节", lang="zh") == "毕节排第 1（共 2 个单位），排名第一。"
    assert kpi.describe_rank(sc, best, branch="毕节", lang="en") == "毕节 ranks 1 of 2: the best of all units."
    none = sc.unit_summary(scored["zh"], unit="潮安")
    assert kpi.describe_rank(sc, none, branch="潮安", lang="en") == "Does not apply: no scorecard data for this branch."


def test_describe_trend(two_units):
    sc, scored = two_units
    # 黔东南 1.8/3 = 60%, 3.01/3.5 = 86%; 毕节 2.7/3 = 90%, 3.325/3.5 = 95%: Q4 mean 90.5%
    trend = sc.period_trend(scored["zh"], unit="黔东南")
    assert kpi.describe_trend(trend, lang="zh") == (
        "第三方满意度测评得分率从 2006-Q2 的 60.0%（第 2 名，共 2 个）变为 2006-Q4 的 86.0%（第 2 名，"
        "共 2 个）；2006-Q4 各单位平均为 90.5%。")
    trend = sc.period_trend(scored["en"], unit="黔东南")
    assert kpi.describe_trend(trend, lang="en") == (
        "Third-party satisfaction survey: 60.0% of the points in 2006-Q2 (rank 2 of 2), 86.0% in "
        "2006-Q4 (rank 2 of 2); the mean of all units in 2006-Q4 is 90.5%.")
    one = pd.DataFrame({"item": ["a"], "label": ["甲"], "period": ["2006-Q2"], "attainment": [0.6],
                        "mean_attainment": [0.75], "rank": [2], "n_units": [2]})
    assert kpi.describe_trend(one, lang="zh") == "甲在 2006-Q2 的得分率为 60.0%（第 2 名，共 2 个）；2006-Q2 各单位平均为 75.0%。"
    assert kpi.describe_trend(one, lang="en") == \
        "甲: 60.0% of the points in 2006-Q2 (rank 2 of 2); the mean of all units in 2006-Q2 is 75.0%."
    assert kpi.describe_trend(one.iloc[0:0], lang="zh") == "这个考核方案没有分季度计分的项目。"
    assert kpi.describe_trend(one.iloc[0:0], lang="en") == "This scorecard has no item scored quarter by quarter."


def test_describe_short_boards_and_what_if(two_units):
    sc, scored = two_units
    boards = sc.short_boards(scored["zh"], unit="黔东南")
    # third party lost 2.32 → 2.3 of all 4.27 lost: 54.3%
    assert kpi.describe_short_boards(sc, boards, lang="zh") == "最大短板是「第三方满意度测评」：失 2.3 分，占全部失分的 54.3%。"
    boards = sc.short_boards(scored["en"], unit="黔东南")
    assert kpi.describe_short_boards(sc, boards, lang="en") == (
        'The biggest short board is "Third-party satisfaction survey": 2.3 points lost, 54.3% of all points lost.')
    assert kpi.describe_short_boards(sc, boards.iloc[0:0], lang="zh") == "没有失分的项目：没有短板。"
    assert kpi.describe_short_boards(sc, boards.iloc[0:0], lang="en") == "No item lost points: there is no short board."
    # third party at target: 15.73 + 2.32 = 18.05 → 18.1, still behind 毕节's 18.5
    what = sc.what_if(scored["zh"], unit="黔东南", lang="zh")
    assert kpi.describe_what_if(sc, what, lang="zh") == "若「第三方满意度测评」达标，可多得 2.3 分，总分 18.1，排名不变（第 2）。"
    what = sc.what_if(scored["en"], unit="黔东南", lang="en")
    assert kpi.describe_what_if(sc, what, lang="en") == (
        'If "Third-party satisfaction survey" reached its target, the branch would gain 2.3 points: '
        "total 18.1, rank unchanged at 2.")
    moved = pd.DataFrame({"label": ["甲"], "gain": [2.32], "total_if": [17.63], "rank": [7], "rank_if": [1]})
    assert kpi.describe_what_if(sc, moved, lang="zh") == "若「甲」达标，可多得 2.3 分，总分 17.6，排名从第 7 变为第 1。"
    assert kpi.describe_what_if(sc, moved, lang="en") == \
        'If "甲" reached its target, the branch would gain 2.3 points: total 17.6, rank 1 instead of 7.'
    full = moved.assign(gain=[0.0])
    assert kpi.describe_what_if(sc, full, lang="zh") == "所有项目均已达标：没有可增加的分数。"
    assert kpi.describe_what_if(sc, full, lang="en") == "Every item is at its target: there are no points to gain."
    assert kpi.describe_what_if(sc, moved.iloc[0:0], lang="en") == "There is no item to try."


def test_index_entry_thirds_and_no_data(two_units):
    sc, scored = two_units
    assert kpi.index_entry(sc, sc.unit_summary(scored["zh"], unit="黔东南")) == \
        {"headline": "15.7 分，第 2/2 名", "headline_en": "15.7 points, rank 2 of 2", "status": "warn",
         "reason": "排名居中（2 个单位的中间三分之一）", "reason_en": "middle third of the 2 units"}
    assert kpi.index_entry(sc, sc.unit_summary(scored["zh"], unit="毕节"))["status"] == "good"
    # Nine units: ranks 1-3 are the top third, 7-9 the bottom third (DOMAIN.md's nine Guizhou branches)
    statuses = [kpi.index_entry(sc, {"has_data": True, "total": 15.3, "rank": r, "n_units": 9})["status"]
                for r in range(1, 10)]
    assert statuses == ["good"] * 3 + ["warn"] * 3 + ["bad"] * 3
    assert kpi.index_entry(sc, {"has_data": True, "total": 15.3, "rank": 7, "n_units": 9}) == \
        {"headline": "15.3 分，第 7/9 名", "headline_en": "15.3 points, rank 7 of 9", "status": "bad",
         "reason": "排名靠后（9 个单位的后三分之一）", "reason_en": "bottom third of the 9 units"}
    # ties share the better rank: two units tied first of three are both top third
    assert kpi.index_entry(sc, {"has_data": True, "total": 18.0, "rank": 1, "n_units": 3})["status"] == "good"
    assert kpi.index_entry(sc, {"has_data": True, "total": 12.0, "rank": 3, "n_units": 3})["status"] == "bad"
    assert kpi.index_entry(sc, sc.unit_summary(sc.score(None), unit="潮安")) == \
        {"headline": "无考核数据", "headline_en": "no scorecard data", "status": "none"}


def test_table_formats_and_scheme_labels():
    from cxeval import report

    sc = card("guizhou_2006_quarterly")
    zh = sc.table_formats("zh")
    # points as the scorecard rounds them (half up): 2.87 → 2.9, 2.45 → 2.5
    assert zh["points"](2.87) == "2.9" and zh["points_lost"](2.45) == "2.5" and zh["total"](15.73) == "15.7"
    assert zh["third_party"](7.68) == "7.7"
    assert zh["value"](16.4) == "16.4" and zh["max_points"](3.5) == "3.5" and zh["value"](0.8355) == "0.8355"
    assert zh["max_points"]("2005: 4; 2006: 2") == "2005: 4; 2006: 2"   # describe() keeps text
    assert zh["lost_rate"] == "pct" and zh["n_missing"] == "int"
    assert (zh["bonus"](True), zh["bonus"](False)) == ("是", "")
    assert sc.table_formats("en")["bonus"](True) == "yes"
    labels = sc.column_labels("en")
    assert [labels[c] for c in ("direction", "parameters", "period_weights", "bonus")] == \
        ["Direction", "Parameters", "Period weights", "Bonus"]
    styled = report.table(sc.describe(lang="zh"), formats=zh, labels=sc.column_labels("zh")).to_html()
    assert "季度权重" in styled and "2006-Q2: 0.3" in styled
    with pytest.raises(ValueError, match="lang must be 'zh' or 'en', got 'de'"):
        sc.table_formats("de")


def test_percent_on_a_point_valued_item_is_refused(tmp_path):
    from cxeval import data

    path = tmp_path / "kpi_scores.csv"
    path.write_text("unit,period,item,value\n黔东南,2006-Q2,third_party,77.5%\n"
                    "黔东南,2006-Q3,third_party,16.4\n黔东南,2006-Q4,third_party,17.2\n", encoding="utf-8")
    quarterly = card("guizhou_2006_quarterly")
    with pytest.raises(DataError, match=r"kpi_scores.csv row 2, column value: '77.5%' is a percentage, but "
                                        r"item third_party takes a plain number \(read as 0.775\); write the "
                                        r"value without %"):
        quarterly.score(data.load(path, "scores"))
    # once fixed it scores; a rate item (format: percent) may be written with %
    text = path.read_text(encoding="utf-8").replace("77.5%", "15.5") + "黔东南,2006,retention_rate,86.1%\n"
    path.write_text(text, encoding="utf-8")
    scored = quarterly.score(data.load(path, "scores")).set_index(["item", "period"])
    assert scored.loc[("retention_rate", "2006"), "value"] == pytest.approx(0.861)
    assert scored.loc[("third_party", "2006-Q2"), "value"] == 15.5
