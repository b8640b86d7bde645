"""What every explorer shares: the output area, redrawing, and errors shown as notes."""

from __future__ import annotations

from cxeval import report
from cxeval.errors import CxevalError

__all__ = ["WidgetExplorer", "month_range", "months_between"]


def months_between(months: list[str], first: str, last: str) -> list[str]:
    """The months of ``months`` (sorted ``YYYY-MM``) from ``first`` to ``last`` inclusive.

    Raises
    ------
    ValueError
        ``first`` or ``last`` is not one of ``months``, or ``first`` comes after ``last``.
    """
    for name, value in (("first", first), ("last", last)):
        if value not in months:
            raise ValueError(f"{name} month must be one of {', '.join(months[:3])} … {months[-1]}, "
                             f"got {value!r}" if months else f"there are no months to choose from, "
                             f"got {value!r}")
    i, j = months.index(first), months.index(last)
    if i > j:
        raise ValueError(f"the first month ({first}) comes after the last ({last})")
    return months[i:j + 1]


def month_range(period: str) -> tuple[str, str]:
    """First and last month of a month, quarter or year label.

    Examples
    --------
    >>> month_range("2010-07"), month_range("2010-Q3"), month_range("2010")
    (('2010-07', '2010-07'), ('2010-07', '2010-09'), ('2010-01', '2010-12'))
    """
    import pandas as pd

    from cxeval.pareto import _period_bounds

    start, end = _period_bounds(period)
    return str(pd.Period(start, "M")), str(pd.Period(end, "M"))


class WidgetExplorer:
    """Base of the explorers: controls, an output area, and a view function redrawn on change.

    Subclasses build their controls, then call :meth:`_wire`; they implement
    :meth:`values` (the widget values as keyword arguments of their ``view`` function),
    :meth:`compute` (call ``view``) and :meth:`show` (what to display from its result).
    A choice the data cannot support (a :class:`~cxeval.errors.CxevalError` or
    ``ValueError`` from the library) is shown as a note instead of a traceback.

    Attributes
    ----------
    widget : ipywidgets.VBox
        Controls and output; display it in a notebook cell.
    result : dict or None
        The latest view (None when the last choice raised; ``error`` holds the message).
    """

    lang = "zh"

    def _wire(self, rows, controls) -> None:
        import ipywidgets as w

        self.output = w.Output()
        self.result: dict | None = None
        self.error: str | None = None
        self._holding = False
        for control in controls:
            control.observe(self._on_change, names="value")
        self.widget = w.VBox([*rows, self.output])
        self.refresh()

    def values(self) -> dict:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def compute(self, **values) -> dict:  # pragma: no cover
        raise NotImplementedError

    def show(self, result: dict) -> list:  # pragma: no cover
        raise NotImplementedError

    def _on_change(self, change) -> None:
        if not self._holding:
            self.refresh()

    def hold(self):
        """Context manager: change several controls, redraw once at the end."""
        import contextlib

        @contextlib.contextmanager
        def held():
            self._holding = True
            try:
                yield
            finally:
                self._holding = False
            self.refresh()

        return held()

    def refresh(self) -> dict | None:
        """Recompute the view for the current values and redraw the output area."""
        import matplotlib.pyplot as plt
        from IPython.display import clear_output, display

        try:
            self.result, self.error = self.compute(**self.values()), None
        except (CxevalError, ValueError) as exc:
            self.result, self.error = None, str(exc)
        with self.output:
            clear_output(wait=True)
            if self.result is None:
                display(report.note(report.tr(f"无法计算：{self.error}", f"Cannot compute: {self.error}",
                                              self.lang)))
            else:
                for part in self.show(self.result):
                    display(part)
        if self.result is not None and self.result.get("figure") is not None:
            plt.close(self.result["figure"])
        return self.result

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)
