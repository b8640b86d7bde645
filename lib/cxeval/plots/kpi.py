"""Plots for kpi (see cxeval.plots for the conventions)."""

__all__: list[str] = []
