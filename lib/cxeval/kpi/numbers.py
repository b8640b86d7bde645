"""How a scorecard rounds and writes its numbers (the module docstring's "Rounding").

- :func:`round_half_up` — half up on the decimal figure, as the schemes print points;
- ``_num`` — the exact figure an explanation shows (up to 6 decimals, no trailing zeros);
- ``_ge`` / ``_le`` — comparisons that treat values within 1e-9 as equal.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

import pandas as pd

__all__ = ["round_half_up"]


# Values closer than this are treated as equal: scores are decimal figures, and a
# threshold of 0.99 must be met by a rate computed as 99 / 100 whatever the binary noise.
_SNAP = Decimal("1e-9")


def _decimal(x) -> Decimal:
    return Decimal(repr(float(x))).quantize(_SNAP, rounding=ROUND_HALF_EVEN)


def round_half_up(x, decimals: int = 1) -> float:
    """Round half up on the decimal figure: ``7.25 -> 7.3``, ``2.4499999999999997 -> 2.5``.

    Parameters
    ----------
    x : float
        The number (NaN stays NaN).
    decimals : int
        Decimal places kept.

    Returns
    -------
    float

    Notes
    -----
    Python's :func:`round` rounds half to even on the binary float (``round(7.25, 1)``
    is 7.2, ``round(2.675, 2)`` is 2.67); scorecards round half up on the decimal figure.
    The float is first snapped to 9 decimals to remove binary noise, then rounded with
    ``decimal.ROUND_HALF_UP`` (halves go away from zero).

    Examples
    --------
    >>> round_half_up(7.25, 1)
    7.3
    """
    if x is None or pd.isna(x):
        return float("nan")
    return float(_decimal(x).quantize(Decimal(1).scaleb(-int(decimals)), rounding=ROUND_HALF_UP))


def _round_even(x, decimals: int) -> float:
    if pd.isna(x):
        return float("nan")
    return float(_decimal(x).quantize(Decimal(1).scaleb(-int(decimals)), rounding=ROUND_HALF_EVEN))


def _ge(a: float, b: float) -> bool:
    return _decimal(a) >= _decimal(b)


def _le(a: float, b: float) -> bool:
    return _decimal(a) <= _decimal(b)


def _num(x) -> str:
    """Exact figure for an explanation: up to 6 decimals, no trailing zeros."""
    text = format(_decimal(x).quantize(Decimal("1e-6"), rounding=ROUND_HALF_UP), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
