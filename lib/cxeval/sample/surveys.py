"""The satisfaction surveys of the sample: ``hall_survey.csv`` (:func:`hall_survey`) and
``brand_survey.csv`` (:func:`brand_survey`), with the branches, halls and calibration
figures they are built on (see the package docstring for the calibration)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cxeval.sample.common import (RESPONSES_RANGE, _check_seed, _distribute, _force_rate, _months,
                                  _rng)


# --------------------------------------------------------------------------- branches, halls
CHAOZHOU = ["潮安", "饶平", "市区"]


GUIZHOU = ["贵阳", "遵义", "安顺", "黔南", "黔东南", "铜仁", "毕节", "六盘水", "黔西南"]


BRANCHES = CHAOZHOU + GUIZHOU


#: Halls per branch: (name, baseline satisfaction, typical responses a month).
HALLS: dict[str, list[tuple[str, float, int]]] = {
    "潮安": [("庵埠", 0.936, 330), ("彩塘", 0.944, 290), ("金石", 0.938, 240),
             ("浮洋", 0.935, 220), ("枫溪", 0.942, 260)],
    "饶平": [("黄冈", 0.930, 320), ("钱东", 0.924, 240), ("三饶", 0.920, 200),
             ("浮滨", 0.928, 190)],
    "市区": [("西湖", 0.962, 340), ("新桥", 0.958, 280), ("城西", 0.964, 300),
             ("枫春", 0.956, 220)],
    "贵阳": [("贵阳中华路厅", 0.940, 380), ("贵阳延安路厅", 0.925, 340),
             ("贵阳花果园厅", 0.905, 300), ("贵阳小河厅", 0.915, 220), ("贵阳白云厅", 0.930, 200)],
    "遵义": [("遵义丁字口厅", 0.930, 340), ("遵义汇川厅", 0.920, 280),
             ("遵义红花岗厅", 0.910, 240), ("遵义仁怀厅", 0.895, 200)],
    "安顺": [("安顺塔山厅", 0.920, 260), ("安顺西秀厅", 0.905, 220), ("安顺平坝厅", 0.890, 180)],
    "黔南": [("都匀剑江厅", 0.925, 260), ("都匀广惠厅", 0.910, 220), ("福泉厅", 0.900, 180),
             ("瓮安厅", 0.895, 170)],
    "黔东南": [("凯里营盘坡厅", 0.915, 260), ("凯里大十字厅", 0.905, 230), ("镇远厅", 0.888, 170),
               ("黎平厅", 0.895, 160)],
    "铜仁": [("铜仁中山路厅", 0.935, 250), ("铜仁锦江厅", 0.920, 210), ("松桃厅", 0.900, 170)],
    "毕节": [("毕节七星关厅", 0.920, 280), ("大方厅", 0.900, 190), ("黔西厅", 0.905, 200),
             ("威宁厅", 0.885, 170)],
    "六盘水": [("六盘水钟山厅", 0.925, 260), ("水城厅", 0.905, 200), ("盘县厅", 0.895, 180)],
    "黔西南": [("兴义桔山厅", 0.945, 250), ("兴义瑞金路厅", 0.935, 220), ("安龙厅", 0.915, 170),
               ("兴仁厅", 0.910, 160)],
}


#: DOMAIN.md section 1: hall satisfaction (%) per Chaozhou region, 2008-01, 02, 03.
BASELINE_2008 = {
    "潮安": (92.63, 91.72, 96.31),
    "饶平": (91.39, 91.72, 92.31),
    "市区": (94.50, 94.54, 97.31),
}


PILOT_BRANCH = "潮安"


PILOT_HALL = "庵埠"


PILOT_START = "2008-08"


ROLLOUT_START = "2008-09"


PILOT_EFFECT = 0.03


COMMON_SHOCK = 0.015


#: Standard deviation of the hall-month random effect on the satisfaction probability.
HALL_MONTH_SD = 0.008


# --------------------------------------------------------------------------- brand survey
OWN_SEGMENTS = ["全球通", "动感地带", "神州行"]


COMPETITOR_SEGMENTS = ["C网", "G网", "小灵通"]


LEAD_TARGET = 0.16


#: DOMAIN.md section 4's table, pooled over 2006-Q2..Q4, per branch, in the segment order
#: OWN_SEGMENTS + COMPETITOR_SEGMENTS: the rates (%) as printed, the responses and the
#: satisfied counts. Counts were solved (a linear programme, then whole numbers) so that
#: every branch's own and competitor totals are the table's to within 0.05 pp (黔西南 78.6,
#: 黔南 70.4: spread 8.2; 黔南 leads by 15.5), the pooled province is 74.7 / 55.0 and its
#: segment rates are the 全省 row's to within 0.1 pp. Each cell's count is its rate times
#: its responses, but for the largest cell of each group, nudged to land the totals.
BRAND_2006: dict[str, tuple[tuple[float, ...], tuple[int, ...], tuple[int, ...]]] = {
    "贵阳": ((71.0, 70.8, 77.7, 66.4, 53.6, 58.3), (338, 338, 2012, 418, 469, 2000),
          (240, 239, 1564, 278, 251, 1166)),
    "遵义": ((76.6, 77.5, 68.0, 64.1, 48.6, 58.3), (300, 410, 1307, 210, 443, 230),
          (230, 318, 888, 135, 215, 134)),
    "安顺": ((79.0, 76.3, 73.5, 56.7, 43.1, 52.3), (263, 450, 1525, 210, 573, 395),
          (208, 343, 1121, 119, 247, 207)),
    "黔南": ((70.0, 73.4, 70.3, 57.9, 52.9, 57.9), (398, 100, 1235, 210, 480, 113),
          (279, 73, 868, 122, 254, 65)),
    "黔东南": ((68.0, 81.0, 75.8, 52.1, 50.5, 56.7), (300, 101, 1100, 210, 1036, 100),
           (204, 82, 834, 109, 523, 57)),
    "铜仁": ((74.3, 76.7, 78.4, 59.9, 61.5, 55.3), (285, 115, 1100, 100, 1079, 100),
          (212, 88, 862, 60, 664, 55)),
    "毕节": ((70.6, 71.8, 77.6, 53.1, 41.9, 58.5), (300, 450, 2004, 348, 785, 100),
          (212, 323, 1555, 185, 329, 58)),
    "六盘水": ((71.9, 76.2, 73.7, 70.0, 47.1, 56.7), (300, 102, 1100, 273, 418, 270),
           (216, 78, 810, 191, 197, 153)),
    "黔西南": ((75.8, 72.3, 79.8, 63.8, 58.3, 62.2), (252, 100, 1100, 210, 389, 100),
           (191, 72, 878, 134, 227, 62)),
}


_BRAND_QUARTERS = ("2006-Q2", "2006-Q3", "2006-Q4")


# Quarter deviation from the year: satisfaction improved through 2006 (+7.8 pp on 2005).
_BRAND_TREND = (-0.012, 0.0, 0.012)


# --------------------------------------------------------------------------- hall survey
def _hall_baselines(branch: str) -> tuple[list[str], np.ndarray, np.ndarray]:
    names, base, size = zip(*HALLS[branch])
    return list(names), np.array(base), np.array(size)


def _jan_mar_effect() -> np.ndarray:
    """Seasonal dip of Jan-Mar: the Chaozhou table's mean deviation from the halls' levels."""
    dev = []
    for region, table in BASELINE_2008.items():
        _, base, size = _hall_baselines(region)
        level = float(np.average(base, weights=size))
        dev.append(np.array(table) / 100 - level)
    return np.mean(dev, axis=0)


def hall_survey(seed: int = 0) -> pd.DataFrame:
    """Monthly hall satisfaction surveys, 2008, 12 branches (``hall_survey.csv``).

    Parameters
    ----------
    seed : int, default 0
        Random seed (>= 0).

    Returns
    -------
    DataFrame
        ``period`` ("2008-01".."2008-12"), ``branch``, ``hall``, ``responses``,
        ``satisfied`` (int): one row per hall and month, branches in :data:`BRANCHES`
        order. Calibration: see the module docstring.

    Raises
    ------
    TypeError, ValueError
        ``seed`` is not a whole number >= 0.

    Example
    -------
    >>> df = hall_survey(0)
    >>> jan = df[(df.branch == "潮安") & (df.period == "2008-01")]
    >>> round(100 * float(jan.satisfied.sum() / jan.responses.sum()), 2)
    92.63
    """
    seed = _check_seed(seed)
    rng = _rng(seed, "hall_survey")
    periods = _months(2008)
    month = np.arange(12)
    pilot_m = periods.index(PILOT_START)
    rollout_m = periods.index(ROLLOUT_START)
    jan_mar = _jan_mar_effect()
    low, high = RESPONSES_RANGE
    frames = []
    for branch in BRANCHES:
        names, base, size = _hall_baselines(branch)
        n_halls = len(names)
        responses = np.clip(np.rint(size[:, None] * (1 + rng.normal(0, 0.12, (n_halls, 12)))),
                            low, high).astype(np.int64)
        effect = np.zeros((n_halls, 12))
        if branch in BASELINE_2008:
            # Each region's own Jan-Mar level; the totals are forced to the table below.
            level = np.average(base, weights=size)
            effect[:, :3] = np.array(BASELINE_2008[branch]) / 100 - level
        else:
            effect[:, :3] = jan_mar
        effect[:, pilot_m:] += COMMON_SHOCK
        if branch == PILOT_BRANCH:
            pilot = names.index(PILOT_HALL)
            effect[pilot, pilot_m:] += PILOT_EFFECT
            effect[np.arange(n_halls) != pilot, rollout_m:] += PILOT_EFFECT

        def draw(columns):
            p = base[:, None] + effect[:, columns] + rng.normal(0, HALL_MONTH_SD, (n_halls, len(columns)))
            return rng.binomial(responses[:, columns], np.clip(p, 0.5, 0.995))

        satisfied = draw(month)
        if branch in BASELINE_2008:
            for m, target in enumerate(BASELINE_2008[branch]):
                responses[:, m], satisfied[:, m] = _force_rate(responses[:, m], satisfied[:, m], target)
        if branch == PILOT_BRANCH:
            after = month[pilot_m:]
            for _ in range(1000):
                pilot_rate = satisfied[pilot, after] / responses[pilot, after]
                county_rate = satisfied[:, after].sum(0) / responses[:, after].sum(0)
                if (pilot_rate >= 0.95).all() and (county_rate > 0.95).all():
                    break
                satisfied[:, after] = draw(after)
            else:  # pragma: no cover - the expected rates are 3 pp above the bar
                raise RuntimeError("could not draw the documented pilot and rollout results")
        frames.append(pd.DataFrame({
            "period": np.tile(periods, n_halls),
            "branch": branch,
            "hall": np.repeat(names, 12),
            "responses": responses.ravel(),
            "satisfied": satisfied.ravel(),
        }))
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["period"], kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- brand survey
def brand_survey(seed: int = 0) -> pd.DataFrame:
    """Quarterly satisfaction by brand, Guizhou 2006-Q2..Q4 (``brand_survey.csv``).

    Parameters
    ----------
    seed : int, default 0
        Random seed (>= 0); it moves responses and satisfied between quarters only, the
        pooled figures are the same for every seed.

    Returns
    -------
    DataFrame
        ``period`` ("2006-Q2".."2006-Q4"), ``branch`` (:data:`GUIZHOU`), ``segment``
        (:data:`OWN_SEGMENTS` then :data:`COMPETITOR_SEGMENTS`), ``responses``,
        ``satisfied`` (int). Pooled over quarters each cell holds :data:`BRAND_2006`'s counts.

    Raises
    ------
    TypeError, ValueError
        ``seed`` is not a whole number >= 0.

    Example
    -------
    >>> df = brand_survey(0)
    >>> gy = df[(df.branch == "贵阳") & (df.segment == "全球通")]
    >>> round(100 * float(gy.satisfied.sum() / gy.responses.sum()), 1)
    71.0
    """
    seed = _check_seed(seed)
    rng = _rng(seed, "brand_survey")
    segments = OWN_SEGMENTS + COMPETITOR_SEGMENTS
    rows = []
    for branch in GUIZHOU:
        rates, totals, counts = BRAND_2006[branch]
        for segment, rate, total, wanted in zip(segments, rates, totals, counts):
            share = np.full(3, 1 / 3) * (1 + rng.normal(0, 0.06, 3))
            resp = np.rint(total * share / share.sum()).astype(np.int64)
            resp[-1] = total - resp[:-1].sum()
            q_rate = rate / 100 + np.array(_BRAND_TREND) + rng.normal(0, 0.008, 3)
            sat = np.minimum(np.rint(q_rate * resp).astype(np.int64), resp)
            sat = _distribute(sat, resp, wanted)
            for period, r, s in zip(_BRAND_QUARTERS, resp, sat):
                rows.append((period, branch, segment, int(r), int(s)))
    out = pd.DataFrame(rows, columns=["period", "branch", "segment", "responses", "satisfied"])
    return out.sort_values("period", kind="stable").reset_index(drop=True)
