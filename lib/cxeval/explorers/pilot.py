"""Notebook 03's explorer: choose the pilot, the comparison halls and the months.

Pick the pilot hall of the branch, the comparison halls (halls of other branches), the
first month of the pilot and of the rollout; the explorer re-runs
:func:`cxeval.pilot.evaluate` and redraws the group trends and the naive / DiD / ITS
estimates with the verdict.

Opened on the report's settings (:func:`settings`: the pilot
:func:`cxeval.pilot.declared_pilot` resolved and every other branch's halls as
comparison), :func:`view` gives exactly the report's evaluation.
"""

from __future__ import annotations

import pandas as pd

from cxeval import pilot, report
from cxeval.explorers._base import WidgetExplorer
from cxeval.text import explorers as words

__all__ = ["PilotExplorer", "hall_options", "comparison_options", "month_options", "settings",
           "select", "view", "NO_ROLLOUT"]

#: Widget value meaning "no rollout".
NO_ROLLOUT = ""


def _check(survey, func: str) -> None:
    from cxeval.errors import DataError

    if not isinstance(survey, pd.DataFrame):
        raise TypeError(f"{func}: survey must be a pandas DataFrame, got {type(survey).__name__}")
    missing = [c for c in ("period", "branch", "hall") if c not in survey.columns]
    if missing:
        raise DataError(f"{func}: column(s) {', '.join(map(repr, missing))} not found; the "
                        f"survey has columns {', '.join(map(repr, map(str, survey.columns)))}")


def hall_options(survey, branch) -> list[str]:
    """Halls of ``branch``, sorted (candidates for the pilot)."""
    _check(survey, "hall_options")
    rows = survey[survey["branch"].astype(str) == str(branch)]
    return sorted(rows["hall"].dropna().astype(str).unique().tolist())


def comparison_options(survey, branch) -> list[tuple[str, tuple[str, str]]]:
    """(label "branch · hall", (branch, hall)) for every hall of the other branches."""
    _check(survey, "comparison_options")
    rows = survey[survey["branch"].astype(str) != str(branch)][["branch", "hall"]].dropna()
    pairs = sorted({(str(b), str(h)) for b, h in rows.itertuples(index=False, name=None)})
    return [(f"{b} · {h}", (b, h)) for b, h in pairs]


def month_options(survey) -> list[str]:
    """Every period of the survey in time order."""
    _check(survey, "month_options")
    from cxeval import schemas

    return schemas.sorted_periods(survey["period"].dropna().astype(str), where="month_options")


def settings(survey, declared: dict, *, branch) -> dict:
    """The explorer's starting values for the report's pilot.

    Parameters
    ----------
    survey : DataFrame
        The survey the report used.
    declared : dict
        :func:`cxeval.pilot.declared_pilot` (the report's pilot hall and months).
    branch : str

    Returns
    -------
    dict
        ``pilot_hall``, ``pilot_start``, ``rollout_start`` (:data:`NO_ROLLOUT` for none)
        and ``comparison``: every hall of the other branches, as the report compares with.
    """
    return {"pilot_hall": declared["pilot_hall"], "pilot_start": declared["pilot_start"],
            "rollout_start": declared["rollout_start"] or NO_ROLLOUT,
            "comparison": tuple(v for _, v in comparison_options(survey, branch))}


def select(survey, *, branch, comparison) -> pd.DataFrame:
    """The branch's rows and those of the chosen comparison halls ((branch, hall) pairs)."""
    _check(survey, "select")
    chosen = {(str(b), str(h)) for b, h in comparison}
    own = survey["branch"].astype(str) == str(branch)
    pairs = pd.Series(list(zip(survey["branch"].astype(str), survey["hall"].astype(str))),
                      index=survey.index)
    return survey[own | pairs.isin(chosen)]


def view(survey, *, branch, pilot_hall, pilot_start, rollout_start=NO_ROLLOUT, comparison,
         target=0.95, lang="zh") -> dict:
    """Everything the explorer shows for one choice of pilot, comparison and months.

    Parameters
    ----------
    survey : DataFrame
        Hall survey of every branch.
    branch, pilot_hall, pilot_start : str
    rollout_start : str
        First month of the rollout, :data:`NO_ROLLOUT` for none.
    comparison : iterable of (branch, hall)
        Comparison halls.
    target : float
    lang : {"zh", "en"}

    Returns
    -------
    dict
        - ``design``: :func:`cxeval.pilot.pilot_design` of the selection;
        - ``evaluation``: :func:`cxeval.pilot.evaluate`;
        - ``methods``: the naive / DiD / ITS table (None without a pilot);
        - ``figure``: group trends and the methods chart;
        - ``sentence``: the verdict (or why the pilot cannot be evaluated).

    Raises
    ------
    ValueError
        The rollout starts before the pilot, or a month is not ``YYYY-MM``.
    """
    import matplotlib.pyplot as plt

    from cxeval import plots

    rows = select(survey, branch=branch, comparison=comparison)
    design = pilot.pilot_design(rows, branch=branch, pilot_hall=pilot_hall, pilot_start=pilot_start,
                                rollout_start=rollout_start or None)
    evaluation = pilot.evaluate(design, target=target)
    fig, axes = plt.subplots(1, 2, figsize=(15, 4.6), layout="constrained",
                             gridspec_kw={"width_ratios": [1.5, 1.0]})
    trends = evaluation.trends
    if trends is not None and len(trends):
        plots.plot_pilot_trends(trends, by=evaluation.trend_by, target=target,
                                labels=evaluation.group_labels(lang),
                                interventions=evaluation.interventions(lang), lang=lang, ax=axes[0],
                                title=words.pilot_trend_title(branch, lang))
    else:
        plots.no_data(axes[0], lang)
    methods = evaluation.methods(lang) if evaluation.has_pilot else None
    if methods is not None:
        plots.plot_methods(methods, lang=lang, ax=axes[1])
    else:
        plots.no_data(axes[1], lang)
    return {"design": design, "evaluation": evaluation, "methods": methods, "figure": fig,
            "sentence": evaluation.verdict(lang)}


class PilotExplorer(WidgetExplorer):
    """Widgets (pilot hall, comparison halls, pilot and rollout months) redrawing 03's estimates.

    Parameters
    ----------
    survey : DataFrame
        Hall survey of every branch.
    branch : str
        The branch (fixed: the report's).
    pilot_hall, pilot_start, rollout_start, comparison
        Starting values (:func:`settings` gives the report's).
    target : float
    lang : {"zh", "en"}
    """

    def __init__(self, survey, *, branch, pilot_hall, pilot_start, rollout_start=NO_ROLLOUT,
                 comparison, target=0.95, lang="zh"):
        import ipywidgets as w

        _check(survey, "PilotExplorer")
        report.tr("", "", lang)
        self.survey, self.branch, self.target, self.lang = survey, str(branch), target, lang
        halls = hall_options(survey, branch)
        if str(pilot_hall) not in halls:
            raise ValueError(f"PilotExplorer: pilot_hall must be one of {', '.join(halls)}, got {pilot_hall!r}")
        months = month_options(survey)
        tr = report.tr
        self.pilot_hall = w.Dropdown(options=halls, value=str(pilot_hall),
                                     description=tr("试点营业厅", "Pilot hall", lang))
        self.pilot_start = w.Dropdown(options=months, value=str(pilot_start),
                                      description=tr("试点开始", "Pilot start", lang))
        self.rollout_start = w.Dropdown(options=[(tr("无推广", "no rollout", lang), NO_ROLLOUT)]
                                        + [(m, m) for m in months], value=rollout_start or NO_ROLLOUT,
                                        description=tr("推广开始", "Rollout start", lang))
        options = comparison_options(survey, branch)
        self.comparison = w.SelectMultiple(options=options, value=tuple(tuple(c) for c in comparison),
                                           rows=min(10, max(len(options), 2)),
                                           description=tr("对照营业厅", "Comparison", lang),
                                           layout=w.Layout(width="45%"))
        controls = [self.pilot_hall, self.pilot_start, self.rollout_start, self.comparison]
        self._wire([w.HBox([w.VBox([self.pilot_hall, self.pilot_start, self.rollout_start]),
                            self.comparison])], controls)

    def values(self) -> dict:
        """The current widget values, as keyword arguments of :func:`view`."""
        return {"branch": self.branch, "pilot_hall": self.pilot_hall.value,
                "pilot_start": self.pilot_start.value, "rollout_start": self.rollout_start.value,
                "comparison": tuple(self.comparison.value)}

    def compute(self, **values) -> dict:
        return view(self.survey, target=self.target, lang=self.lang, **values)

    def show(self, result: dict) -> list:
        evaluation = result["evaluation"]
        return [result["figure"], evaluation.show("methods", self.lang), report.note(result["sentence"])]
