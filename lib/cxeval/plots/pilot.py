"""Plots for pilot (see cxeval.plots for the conventions)."""

__all__: list[str] = []
