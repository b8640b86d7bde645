"""What every builder of the sample shares: checked seeds, one random stream per file, and
the arithmetic that makes counts hit a documented rate exactly."""

from __future__ import annotations

import numbers
import zlib

import numpy as np

#: Responses per hall and month are kept within these bounds.
RESPONSES_RANGE = (150, 400)


def _check_seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be a whole number >= 0, got {type(seed).__name__} {seed!r}")
    if seed < 0:
        raise ValueError(f"seed must be a whole number >= 0, got {seed}")
    return int(seed)


def _check_scale(scale) -> float:
    if isinstance(scale, bool) or not isinstance(scale, numbers.Real):
        raise TypeError(f"scale must be a positive number, got {type(scale).__name__} {scale!r}")
    if not np.isfinite(scale) or scale <= 0:
        raise ValueError(f"scale must be a positive number, got {scale}")
    return float(scale)


def _rng(seed: int, name: str) -> np.random.Generator:
    """The random stream of one file: the seed plus a fixed key derived from its name."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(zlib.crc32(name.encode()),)))


def _months(year: int) -> list[str]:
    return [f"{year}-{m:02d}" for m in range(1, 13)]


def _distribute(satisfied: np.ndarray, responses: np.ndarray, total: int) -> np.ndarray:
    """Change ``satisfied`` (per hall) to sum to ``total``, in proportion to responses."""
    satisfied = satisfied.copy()
    while (diff := total - int(satisfied.sum())) != 0:
        room = responses - satisfied if diff > 0 else satisfied
        if room.sum() == 0:
            raise ValueError(f"cannot reach {total} satisfied of {responses.sum()} responses")
        share = abs(diff) * room / room.sum()
        step = np.floor(share).astype(int)
        # Largest remainders take the units that flooring left over.
        leftover = abs(diff) - step.sum()
        step[np.argsort(-(share - step), kind="stable")[:leftover]] += 1
        step = np.minimum(step, room)
        satisfied += np.sign(diff) * step
    return satisfied


def _force_rate(responses: np.ndarray, satisfied: np.ndarray, target_pct: float):
    """Adjust one region-month so that 100 * sum(sat) / sum(resp) rounds to ``target_pct``.

    Not every total of responses admits a count of satisfied customers whose rate shows as
    the target to two decimals, so the biggest hall's responses move by the smallest
    amount that makes one possible (kept at least 0.001 pp away from a rounding boundary).
    """
    low, high = RESPONSES_RANGE
    n = int(responses.sum())
    order = np.argsort(-responses, kind="stable")
    for offset in (d * s for d in range(0, 200) for s in ((1,) if d == 0 else (1, -1))):
        hall = next((h for h in order if low <= responses[h] + offset <= high), None)
        if hall is None:
            continue
        total = n + offset
        wanted = round(target_pct * total / 100)
        if abs(100 * wanted / total - target_pct) < 0.004:
            responses = responses.copy()
            responses[hall] += offset
            satisfied = np.minimum(satisfied, responses)
            return responses, _distribute(satisfied, responses, wanted)
    raise ValueError(f"no response total near {n} gives {target_pct}%")  # pragma: no cover
