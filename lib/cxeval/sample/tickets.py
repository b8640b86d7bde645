"""The complaints of the sample: ``tickets.parquet`` (:func:`tickets`) and
``subscribers.csv`` (:func:`subscribers`), with the campaign figures they are calibrated
to (see the package docstring)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import ndtr, ndtri

from cxeval.errors import ConfigError
from cxeval.paths import CONFIG_DIR
from cxeval.sample.common import _check_scale, _check_seed, _months, _rng
from cxeval.sample.surveys import BRANCHES


# --------------------------------------------------------------------------- tickets
CHANNELS = ["1001热线", "96133总经理热线", "营业厅", "网上营业厅"]


_CHANNEL_WEIGHTS = (0.62, 0.08, 0.20, 0.10)


_CHANNEL_WEIGHTS_REPEAT = (0.70, 0.15, 0.10, 0.05)


_ESCALATION_BY_CHANNEL = (0.04, 0.16, 0.03, 0.03)


#: Subscribers per branch in January 2010 (the base of subscribers.csv).
SUBSCRIBERS_2010_01 = {
    "潮安": 750_000, "饶平": 550_000, "市区": 650_000, "贵阳": 3_600_000, "遵义": 3_200_000,
    "安顺": 1_200_000, "黔南": 1_900_000, "黔东南": 2_000_000, "铜仁": 1_600_000,
    "毕节": 2_400_000, "六盘水": 1_400_000, "黔西南": 1_500_000,
}


#: Complaints per 10,000 subscribers a month from ordinary customers (Jan..Dec), before
#: the branch propensity; repeat complainers come on top.
COMPLAINT_RATE_PER_10K = (2.3, 2.1, 2.3, 2.4, 2.5, 2.5, 2.6, 2.5, 2.3, 2.1, 2.0, 2.0)


_BRANCH_PROPENSITY = {
    "潮安": 1.10, "饶平": 0.95, "市区": 1.10, "贵阳": 1.10, "遵义": 1.00, "安顺": 0.90,
    "黔南": 0.95, "黔东南": 0.85, "铜仁": 0.90, "毕节": 1.00, "六盘水": 1.05, "黔西南": 0.90,
}


#: Complaints (Jan..Dec 2010, all branches) by customers with >= 5 complaints in the month.
REPEAT_5 = (2210, 1980, 2350, 2560, 2790, 3050, 3428, 3190, 1520, 318, 205, 176)


#: Complaints (Jan..Dec 2010, all branches) by customers with >= 10 complaints in the month.
REPEAT_10 = (470, 410, 505, 560, 615, 680, 748, 690, 240, 36, 0, 0)


JULY_REPEAT_5 = REPEAT_5[6]


JULY_REPEAT_10 = REPEAT_10[6]


_REPEAT_RANGE_5 = (5, 9)     # complaints a month of a ">= 5 but < 10" customer


_REPEAT_RANGE_10 = (10, 28)  # of a ">= 10" customer


_REPEAT_CATEGORY_WEIGHTS = {"增值业务": 30, "计费账单": 25, "信号覆盖": 15, "数据上网": 10,
                            "资费套餐": 8, "投诉处理": 7, "客服热线": 5}


CAMPAIGN_MONTHS = ("2010-09", "2010-10", "2010-11")


PROVINCIAL_FCR = 0.78


#: First-contact resolution of self-handled tickets per month (Jan..Dec), exact.
FCR_RATE = (0.755, 0.762, 0.758, 0.765, 0.760, 0.752, 0.748, 0.757, 0.805, 0.858, 0.866, 0.872)


#: First-contact resolution of repeat complainers' self-handled tickets.
FCR_REPEAT = 0.55


#: Share of tickets passing the quality check per month (Jan..Dec), exact.
QUALIFIED_RATE = (0.968, 0.972, 0.970, 0.966, 0.971, 0.969, 0.965, 0.970, 0.985, 0.995, 1.0, 1.0)


#: Time limits in seconds: step -> (start column, end column, limit). DOMAIN.md section 3.
STEP_LIMITS = {
    "submit": ("opened_at", "submitted_at", 5 * 60),
    "dispatch": ("submitted_at", "dispatched_at", 30 * 60),
    "reply": ("dispatched_at", "replied_at", 20 * 3600),
    "provincial_reply": ("dispatched_at", "replied_at", 24 * 3600),
    "return": ("dispatched_at", "returned_at", 24 * 3600),
}


#: Share of late tickets per controlled step before the campaign (times BREACH_FACTOR).
BREACH_RATE = {"submit": 0.045, "dispatch": 0.05, "reply": 0.045}


#: Month factor on BREACH_RATE (Jan..Dec): busier in summer, down in the campaign.
BREACH_FACTOR = (1.0, 0.9, 1.0, 1.05, 1.1, 1.2, 1.35, 1.25, 0.5, 0.25, 0.12, 0.12)


#: Share of escalated tickets answered late by the provincial department (Jan..Dec).
ESCALATED_BREACH_RATE = (0.03, 0.03, 0.03, 0.03, 0.035, 0.035, 0.04, 0.035,
                         0.005, 0.005, 0.005, 0.005)


# Lognormal shape (sigma) per step; the scale is set so the base breach share is the
# lognormal's upper tail beyond the limit.
_STEP_SIGMA = {"submit": 0.55, "dispatch": 0.6, "reply": 0.55, "provincial_reply": 0.45}


_AT_LIMIT_SHARE = 0.001   # tickets taking exactly the limit (at least 3 per step)


#: Share of tickets still open, per month (Jan..Dec).
OPEN_RATE = (0.006,) * 11 + (0.08,)


PHONE_IN_SUMMARY = 0.05


_HOUR_WEIGHTS = (1, 0.5, 0.3, 0.3, 0.3, 0.5, 1.5, 3, 6, 8, 9, 9, 8, 7, 8, 8, 8, 7, 7, 7, 6, 5, 3, 2)


_MOBILE_PREFIXES = (134, 135, 136, 137, 138, 139, 147, 150, 151, 152, 157, 158, 159, 182, 187, 188)


#: Category mix of ordinary complaints in January and in December (weights; linear between).
_CATEGORY_WEIGHTS = {
    "信号覆盖": (12, 11), "通话质量": (6, 6), "短信彩信": (5, 4), "数据上网": (9, 14),
    "增值业务": (20, 11), "营业厅服务": (5, 5), "代理渠道": (3, 3), "营销宣传": (4, 4),
    "资费套餐": (7, 8), "号码卡业务": (3, 3), "计费账单": (14, 12), "缴费充值": (4, 4),
    "客服热线": (3, 3), "投诉处理": (2, 2), "装维服务": (2, 3), "积分关怀": (1, 1),
}


_SUMMARIES = {
    "信号覆盖": ("家中室内信号弱，经常打不通", "新建小区没有信号，要求建站", "乡镇路段信号时有时无"),
    "通话质量": ("通话断断续续，有杂音", "通话中经常掉线", "通话时对方听不到声音"),
    "短信彩信": ("短信发送失败，提示网络错误", "收不到彩信", "收到大量垃圾短信，要求屏蔽"),
    "数据上网": ("手机上网速度很慢", "对上网流量扣费有异议", "无法连接手机上网"),
    "增值业务": ("未经同意被订购增值业务，要求退费", "手机报无法退订", "彩铃被重复扣费"),
    "营业厅服务": ("营业厅排队时间过长", "营业员服务态度差", "营业厅办理业务出错"),
    "代理渠道": ("代理点卖的号码卡无法使用", "代理商乱收费", "代理点承诺的优惠没有兑现"),
    "营销宣传": ("宣传的优惠与实际不符", "促销短信太多", "活动赠品没有发放"),
    "资费套餐": ("套餐资费不清楚，要求解释", "套餐变更没有生效", "对新资费标准不满"),
    "号码卡业务": ("补卡手续繁琐", "SIM卡损坏无法识别", "号码被停机，要求恢复"),
    "计费账单": ("话费异常偏高，要求核查", "账单明细与实际使用不符", "月租被重复收取"),
    "缴费充值": ("充值卡充值不成功", "银行代扣话费没有到账", "缴费后仍被停机"),
    "客服热线": ("热线长时间无法接通", "客服人员解答不清", "多次来电问题仍未解决"),
    "投诉处理": ("投诉后一直无人回复", "对处理结果不满意，要求升级", "回访时间与承诺不符"),
    "装维服务": ("宽带装机超时", "维修人员没有按约上门", "故障报修后迟迟未修复"),
    "积分关怀": ("积分兑换的礼品没有收到", "积分被清零有异议", "没有收到生日关怀短信"),
}


_CATEGORIES_YAML = CONFIG_DIR / "categories.yaml"


# --------------------------------------------------------------------------- subscribers
def subscribers(seed: int = 0) -> pd.DataFrame:
    """Subscribers per branch and month, 2010 (``subscribers.csv``).

    Parameters
    ----------
    seed : int, default 0
        Random seed (>= 0).

    Returns
    -------
    DataFrame
        ``branch`` (:data:`BRANCHES`), ``period`` ("2010-01".."2010-12"),
        ``subscribers`` (int): :data:`SUBSCRIBERS_2010_01` in January, then monthly
        growth drawn between 0.2% and 0.5% per branch, with noise of 0.1 pp a month.

    Raises
    ------
    TypeError, ValueError
        ``seed`` is not a whole number >= 0.

    Example
    -------
    >>> int(subscribers(0).query("period == '2010-01'").subscribers.sum())
    20750000
    """
    seed = _check_seed(seed)
    rng = _rng(seed, "subscribers")
    base = np.array([SUBSCRIBERS_2010_01[b] for b in BRANCHES], dtype=float)
    growth = rng.uniform(0.002, 0.005, len(BRANCHES))
    change = 1 + growth[:, None] + rng.normal(0, 0.001, (len(BRANCHES), 11))
    factor = np.concatenate([np.ones((len(BRANCHES), 1)), np.cumprod(change, axis=1)], axis=1)
    values = np.rint(base[:, None] * factor).astype(np.int64)
    return pd.DataFrame({
        "branch": np.repeat(BRANCHES, 12),
        "period": np.tile(_months(2010), len(BRANCHES)),
        "subscribers": values.ravel(),
    })


# --------------------------------------------------------------------------- tickets
def _categories() -> list[tuple[str, str]]:
    """(Chinese sub-item, network) pairs from data/configs/categories.yaml, in file order."""
    import yaml

    from cxeval._io import load_yaml

    try:
        config = load_yaml(_CATEGORIES_YAML.read_text(encoding="utf-8"), str(_CATEGORIES_YAML))
        pairs = [(str(c["zh"]), str(c["network"])) for c in config["categories"]]
    except (OSError, yaml.YAMLError, KeyError, TypeError) as err:
        raise ConfigError(f"{_CATEGORIES_YAML}: cannot read the complaint categories ({err})") from err
    names = [zh for zh, _ in pairs]
    if sorted(names) != sorted(_CATEGORY_WEIGHTS):
        raise ConfigError(f"{_CATEGORIES_YAML}: the sample knows the sub-items "
                          f"{', '.join(_CATEGORY_WEIGHTS)}; the file has {', '.join(names)}")
    return pairs


def _partition(total: int, low: int, high: int, rng: np.random.Generator) -> np.ndarray:
    """Random whole numbers in [low, high] that add up to ``total`` (0 gives none).

    Needs ``high >= 2 * low - 1`` so that any remainder between ``high`` and
    ``low + high`` splits into two valid parts.
    """
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    draws = rng.integers(low, high + 1, size=total // low + 1)
    cum = np.cumsum(draws)
    k = int(np.searchsorted(cum, total - low, side="right"))
    parts = list(draws[:k])
    rest = total - (int(cum[k - 1]) if k else 0)
    parts += [rest] if rest <= high else [rest // 2, rest - rest // 2]
    return np.array(parts, dtype=np.int64)


def _repeat_targets(scale: float) -> tuple[np.ndarray, np.ndarray]:
    """Monthly complaints by >= 10 and by 5..9 complainers at this scale."""
    t10 = np.rint(np.array(REPEAT_10) * scale).astype(np.int64)
    t10[t10 < _REPEAT_RANGE_10[0]] = 0
    t5_9 = np.rint(np.array(REPEAT_5) * scale).astype(np.int64) - t10
    t5_9[t5_9 < _REPEAT_RANGE_5[0]] = 0
    return t10, t5_9


def _exact_flags(group: np.ndarray, rate: np.ndarray, rng: np.random.Generator,
                 eligible: np.ndarray | None = None) -> np.ndarray:
    """True for round(rate[g] * n_g) randomly chosen eligible rows of each group g.

    Exact counts, not Bernoulli draws, so that a documented monthly rate (FCR, on-time
    share) is the rate the data shows at any scale. One pass per group (a few dozen).
    """
    flags = np.zeros(len(group), dtype=bool)
    for g, share in enumerate(np.asarray(rate, dtype=float)):
        member = group == g
        rows = np.flatnonzero(member if eligible is None else member & eligible)
        flags[rng.choice(rows, size=round(share * len(rows)), replace=False)] = True
    return flags


def _delays(late: np.ndarray, limit: int, sigma: float, base_rate: float,
            rng: np.random.Generator) -> np.ndarray:
    """Lognormal delays in whole seconds: > limit where ``late``, <= limit elsewhere.

    The lognormal's scale puts ``base_rate`` of its mass beyond the limit; each ticket
    draws from the part of the distribution on its side of the limit (inverse CDF), so
    the on-time and late shapes stay the same whatever the monthly share of late ones.
    """
    mu = np.log(limit) - sigma * ndtri(1 - base_rate)
    inside = ndtr((np.log(limit) - mu) / sigma)
    u = rng.random(len(late))
    u = np.where(late, inside + u * (1 - inside), u * inside)
    seconds = np.exp(mu + sigma * ndtri(np.clip(u, 1e-12, 1 - 1e-12)))
    return np.where(late, np.clip(np.ceil(seconds), limit + 1, 20 * limit),
                    np.clip(np.floor(seconds), 1, limit)).astype(np.int64)


def _at_limit(candidates: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A few of ``candidates`` (row numbers) that will take exactly the limit."""
    k = min(len(candidates), max(3, round(_AT_LIMIT_SHARE * len(candidates))))
    return rng.choice(candidates, size=k, replace=False)


def _mobile_numbers(index: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Distinct 11-digit mobile numbers (int64) for distinct indices below 10**8.

    An affine map modulo 10**8 with a multiplier coprime to 10 is a bijection, so
    different customers never share a number; the prefix is a plain mobile prefix.
    """
    mult = int(rng.integers(10**6, 10**7)) * 10 + int(rng.choice([1, 3, 7, 9]))
    shift = int(rng.integers(0, 10**8))
    suffix = (index.astype(np.int64) * mult + shift) % 10**8
    prefix = np.array(_MOBILE_PREFIXES, dtype=np.int64)[(index * 7 + shift) % len(_MOBILE_PREFIXES)]
    return prefix * 10**8 + suffix


def tickets(seed: int = 0, scale: float = 1.0) -> pd.DataFrame:
    """Complaint tickets, 2010, 12 branches (``tickets.parquet``).

    Built with vectorised numpy (no loop per ticket): five million tickets
    (``scale=62``) take well under a minute.

    Parameters
    ----------
    seed : int, default 0
        Random seed (>= 0).
    scale : float, default 1.0
        Multiplies the ticket volume, the repeat-complaint targets and the customer pool
        (about 81,000 tickets at 1).

    Returns
    -------
    DataFrame
        ``ticket_id``, ``customer_id``, ``branch``, ``opened_at``, ``channel``,
        ``category``, ``network``, ``submitted_at``, ``dispatched_at``, ``replied_at``,
        ``returned_at``, ``closed_at`` (datetime64[ms], NaT = not reached), ``escalated``,
        ``first_contact_resolved``, ``qualified`` (bool), ``summary`` (text); sorted by
        ``opened_at``. Calibration: see the module docstring.

    Raises
    ------
    TypeError, ValueError
        ``seed`` is not a whole number >= 0, or ``scale`` is not a positive number.
    ConfigError
        ``data/configs/categories.yaml`` is missing, unreadable or has other sub-items.

    Example
    -------
    >>> t = tickets(0)
    >>> july = t[t.opened_at.dt.month == 7]
    >>> n = july.groupby("customer_id").ticket_id.transform("size")
    >>> int((n >= 5).sum()), int((n >= 10).sum())
    (3428, 748)
    """
    seed = _check_seed(seed)
    scale = _check_scale(scale)
    import pyarrow as pa
    import pyarrow.compute as pc

    rng = _rng(seed, "tickets")
    categories = _categories()
    cat_names = [zh for zh, _ in categories]
    n_branches = len(BRANCHES)

    # ---- ordinary complaints: Poisson counts per branch and month
    subs = subscribers(seed)["subscribers"].to_numpy().reshape(n_branches, 12)
    propensity = np.array([_BRANCH_PROPENSITY[b] for b in BRANCHES])
    expected = subs / 1e4 * np.array(COMPLAINT_RATE_PER_10K)[None, :] * propensity[:, None] * scale
    counts = rng.poisson(expected)
    branch_grid, month_grid = np.meshgrid(np.arange(n_branches), np.arange(12), indexing="ij")
    o_branch = np.repeat(branch_grid.ravel(), counts.ravel())
    o_month = np.repeat(month_grid.ravel(), counts.ravel())
    n_ordinary = len(o_branch)

    # Customers: a pool per branch sized so that a few complain twice or three times a
    # month; anyone past 4 in a month is replaced by a new customer below.
    branch_volume = counts.sum(axis=1)
    pool_size = np.maximum(1, np.rint(0.55 * branch_volume)).astype(np.int64)
    pool_start = np.concatenate([[0], np.cumsum(pool_size)[:-1]])
    o_customer = pool_start[o_branch] + (rng.random(n_ordinary) * pool_size[o_branch]).astype(np.int64)
    n_pool = int(pool_size.sum())

    # ---- repeat complainers: exact monthly totals, drawn from a pool of frequent callers
    t10, t5_9 = _repeat_targets(scale)
    per_month = [np.concatenate([_partition(int(t10[m]), *_REPEAT_RANGE_10, rng),
                                 _partition(int(t5_9[m]), *_REPEAT_RANGE_5, rng)]) for m in range(12)]
    heavy_pool = max(1, max(len(c) for c in per_month), int(0.45 * sum(len(c) for c in per_month)))
    weight = (subs[:, 6] * propensity) / (subs[:, 6] * propensity).sum()
    heavy_branch = rng.choice(n_branches, size=heavy_pool, p=weight)
    repeat_cats = [cat_names.index(c) for c in _REPEAT_CATEGORY_WEIGHTS]
    repeat_w = np.array(list(_REPEAT_CATEGORY_WEIGHTS.values()), dtype=float)
    heavy_category = np.array(repeat_cats)[rng.choice(len(repeat_cats), size=heavy_pool,
                                                      p=repeat_w / repeat_w.sum())]
    who = [rng.choice(heavy_pool, size=len(c), replace=False) for c in per_month]
    h_person = np.concatenate([np.repeat(w, c) for w, c in zip(who, per_month)]).astype(np.int64)
    h_month = np.repeat(np.arange(12), [int(c.sum()) for c in per_month])
    n_heavy = len(h_person)

    # ---- all tickets
    branch = np.concatenate([o_branch, heavy_branch[h_person]])
    month = np.concatenate([o_month, h_month])
    customer = np.concatenate([o_customer, n_pool + h_person])
    repeat = np.concatenate([np.zeros(n_ordinary, bool), np.ones(n_heavy, bool)])
    n = n_ordinary + n_heavy

    # Cap ordinary customers at 4 complaints a month (the 5th onwards: new customers).
    key = month * (n_pool + heavy_pool) + customer
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    run_start = np.flatnonzero(np.r_[True, sorted_key[1:] != sorted_key[:-1]])
    run_id = np.cumsum(np.r_[True, sorted_key[1:] != sorted_key[:-1]]) - 1
    rank = np.arange(n) - run_start[run_id]
    over = order[(rank >= 4) & ~repeat[order]]
    customer[over] = n_pool + heavy_pool + np.arange(len(over))

    # Category: the ordinary mix drifts from January's weights to December's.
    w0 = np.array([_CATEGORY_WEIGHTS[c][0] for c in cat_names], dtype=float)
    w1 = np.array([_CATEGORY_WEIGHTS[c][1] for c in cat_names], dtype=float)
    frac = np.arange(12)[:, None] / 11
    cum = np.cumsum((w0 / w0.sum()) * (1 - frac) + (w1 / w1.sum()) * frac, axis=1)
    u = rng.random(n_ordinary)
    o_category = np.empty(n_ordinary, dtype=np.int64)
    for m in range(12):  # twelve vectorised draws, one per month's mix
        rows = o_month == m
        o_category[rows] = np.searchsorted(cum[m], u[rows], side="right")
    o_category = np.minimum(o_category, len(cat_names) - 1)
    category = np.concatenate([o_category, heavy_category[h_person]])

    channel = np.where(repeat,
                       rng.choice(len(CHANNELS), size=n, p=_CHANNEL_WEIGHTS_REPEAT),
                       rng.choice(len(CHANNELS), size=n, p=_CHANNEL_WEIGHTS))
    escalated = rng.random(n) < np.array(_ESCALATION_BY_CHANNEL)[channel]

    # ---- when: a day of the month, an hour weighted to office hours, a second in it
    month_start = np.array([np.datetime64(f"2010-{m:02d}-01T00:00:00", "s") for m in range(1, 13)]
                           + [np.datetime64("2011-01-01T00:00:00", "s")]).astype(np.int64)
    days = (month_start[1:] - month_start[:-1]) // 86400
    hour_p = np.array(_HOUR_WEIGHTS) / sum(_HOUR_WEIGHTS)
    opened = (month_start[month] + (rng.random(n) * days[month]).astype(np.int64) * 86400
              + rng.choice(24, size=n, p=hour_p) * 3600 + rng.integers(0, 3600, size=n))

    # ---- step timestamps, with exact shares of late tickets per step and month
    factor = np.array(BREACH_FACTOR)
    submit_late = _exact_flags(month, BREACH_RATE["submit"] * factor, rng)
    dispatch_late = _exact_flags(month, BREACH_RATE["dispatch"] * factor, rng)
    reply_group = month * 2 + escalated
    reply_rate = np.empty(24)
    reply_rate[0::2] = BREACH_RATE["reply"] * factor
    reply_rate[1::2] = ESCALATED_BREACH_RATE
    reply_late = _exact_flags(reply_group, reply_rate, rng)

    d_submit = _delays(submit_late, STEP_LIMITS["submit"][2], _STEP_SIGMA["submit"],
                       BREACH_RATE["submit"], rng)
    d_dispatch = _delays(dispatch_late, STEP_LIMITS["dispatch"][2], _STEP_SIGMA["dispatch"],
                         BREACH_RATE["dispatch"], rng)
    d_reply = np.where(
        escalated,
        _delays(reply_late, STEP_LIMITS["provincial_reply"][2], _STEP_SIGMA["provincial_reply"],
                ESCALATED_BREACH_RATE[0], rng),
        _delays(reply_late, STEP_LIMITS["reply"][2], _STEP_SIGMA["reply"], BREACH_RATE["reply"], rng))
    for delay, late, step in ((d_submit, submit_late, "submit"), (d_dispatch, dispatch_late, "dispatch")):
        delay[_at_limit(np.flatnonzero(~late), rng)] = STEP_LIMITS[step][2]
    for esc, step in ((False, "reply"), (True, "provincial_reply")):
        delay_rows = np.flatnonzero(~reply_late & (escalated == esc))
        d_reply[_at_limit(delay_rows, rng)] = STEP_LIMITS[step][2]
    # The city returns the ticket after the reply; the return limit counts from dispatch.
    d_return = d_reply + np.rint(np.exp(np.log(45 * 60) + 0.8 * rng.standard_normal(n))).astype(np.int64)
    return_limit = STEP_LIMITS["return"][2]
    fits = np.flatnonzero(d_reply < return_limit)
    d_return[_at_limit(fits, rng)] = return_limit
    d_close = np.rint(np.exp(np.log(2 * 3600) + 0.7 * rng.standard_normal(n))).astype(np.int64)

    submitted = opened + d_submit
    dispatched = submitted + d_dispatch
    replied = dispatched + d_reply
    returned = dispatched + d_return
    closed = returned + d_close

    # Open tickets: later steps not reached yet (the stage from which data is missing).
    is_open = rng.random(n) < np.array(OPEN_RATE)[month]
    stage = np.where(is_open, rng.choice(4, size=n, p=[0.1, 0.2, 0.3, 0.4]), 4)
    nat = np.iinfo(np.int64).min
    dispatched = np.where(stage > 0, dispatched, nat)
    replied = np.where(stage > 1, replied, nat)
    returned = np.where(stage > 2, returned, nat)
    closed = np.where(stage > 3, closed, nat)

    # ---- first-contact resolution: exact monthly rate among self-handled tickets; the
    # repeat complainers' share is lower, the ordinary tickets make up the difference.
    eligible = ~escalated & (replied != nat)
    self_handled = ~escalated
    n_self = np.bincount(month[self_handled], minlength=12)
    n_rep = np.bincount(month[eligible & repeat], minlength=12)
    n_ord = np.bincount(month[eligible & ~repeat], minlength=12)
    k_rep = np.rint(FCR_REPEAT * n_rep)
    k_ord = np.rint(np.array(FCR_RATE) * n_self) - k_rep
    fcr_rate = np.empty(24)
    fcr_rate[0::2] = np.clip(k_ord / np.maximum(n_ord, 1), 0, 1)
    fcr_rate[1::2] = FCR_REPEAT
    fcr = _exact_flags(month * 2 + repeat, fcr_rate, rng, eligible=eligible)
    qualified = _exact_flags(month, np.array(QUALIFIED_RATE), rng)

    # ---- summary text: a sentence per category, some with a contact number
    template = category * 3 + rng.integers(0, 3, size=n)
    has_phone = rng.random(n) < PHONE_IN_SUMMARY
    contact = np.zeros(n, dtype=np.int64)
    contact[has_phone] = _mobile_numbers(rng.integers(0, 10**8, size=int(has_phone.sum())), rng)
    phone = _mobile_numbers(customer, rng)

    # ---- assemble in time order (ties keep generation order: deterministic)
    order = np.argsort(opened, kind="stable")
    width = max(8, len(str(n)))
    ticket_id = pc.binary_join_element_wise(
        "TS", pc.utf8_lpad(pa.array(np.arange(1, n + 1)).cast(pa.string()), width, padding="0"), "")
    texts = pa.array([s for c in cat_names for s in _SUMMARIES[c]])
    phone_rows = has_phone[order]
    suffix = pc.if_else(pa.array(phone_rows),
                        pc.binary_join_element_wise("，联系电话：", pa.array(contact[order]).cast(pa.string()), ""),
                        "")
    summary = pc.binary_join_element_wise(pc.take(texts, pa.array(template[order])), suffix, "")

    def text(values) -> pd.Series:
        return pd.Series(values, dtype="str")

    def names(labels, codes: np.ndarray) -> pd.Series:
        return text(pc.take(pa.array(labels), pa.array(codes[order])))

    def when(seconds: np.ndarray) -> np.ndarray:
        return seconds[order].view("datetime64[s]").astype("datetime64[ms]")

    networks = [net for _, net in categories]
    return pd.DataFrame({
        "ticket_id": text(ticket_id),
        "customer_id": text(pa.array(phone[order]).cast(pa.string())),
        "branch": names(BRANCHES, branch),
        "opened_at": when(opened),
        "channel": names(CHANNELS, channel),
        "category": names(cat_names, category),
        "network": names(networks, category),
        "submitted_at": when(submitted),
        "dispatched_at": when(dispatched),
        "replied_at": when(replied),
        "returned_at": when(returned),
        "closed_at": when(closed),
        "escalated": escalated[order],
        "first_contact_resolved": fcr[order],
        "qualified": qualified[order],
        "summary": text(summary),
    })
