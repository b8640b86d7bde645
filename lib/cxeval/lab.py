"""Defaults for notebooks opened by hand in JupyterLab (never used by the batch).

The batch names every branch and passes the run plan's parameters. A notebook opened by
hand has only its defaults, and some reports need a decision no file of data holds: which
scorecard a branch is scored on is the project's choice, written in its run plan
(``config`` of the branch's group). So, opened by hand, notebook 04 looks for the run plan
in ``projects/`` whose ``data`` folder is the notebook's ``data_dir`` and takes the
scorecard and the first branch it scores from there. The batch sets the notebooks'
``explorer`` switch to False, and with it these look-ups are off: a batch run is decided by
its plan and ``-p`` alone.
"""

from __future__ import annotations

import os
from pathlib import Path

from cxeval import data
from cxeval.paths import PROJECT_ROOT

__all__ = ["PROJECTS_DIR", "plan_for", "planned_parameters", "scorecard_choice"]

#: Where run plans are kept.
PROJECTS_DIR = PROJECT_ROOT / "projects"


def plan_for(data_dir, *, projects_dir: str | os.PathLike | None = None):
    """The first run plan (by file name) in ``projects_dir`` whose data folder is ``data_dir``.

    Returns None when no plan reads this folder. A plan that cannot be read is skipped:
    ``cxeval plan --check`` is where its problems are reported.
    """
    from cxeval import plan as cxplan
    from cxeval.errors import CxevalError

    folder = Path(projects_dir or PROJECTS_DIR)
    target = Path(data_dir).resolve()
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        try:
            found = cxplan.load(path)
        except CxevalError:
            continue
        if found.data_dir is not None and found.data_dir == target:
            return found
    return None


def planned_parameters(data_dir, branch: str, *, projects_dir=None) -> dict:
    """The parameters the run plan of ``data_dir`` gives ``branch`` (empty without a plan)."""
    found = plan_for(data_dir, projects_dir=projects_dir)
    return found.parameters_for(branch) if found is not None else {}


def scorecard_choice(data_dir, *, branch: str = "", config: str = "", by_hand: bool = True,
                     projects_dir=None) -> dict:
    """Notebook 04's branch and scorecard: as given, else (by hand) from the run plan.

    Parameters
    ----------
    data_dir : path
        The notebook's data folder.
    branch, config : str
        The notebook's parameters; empty means "not given".
    by_hand : bool
        The notebook was opened by hand (its ``explorer`` switch). When False (the batch)
        nothing is looked up: an empty branch is the first in the data
        (:func:`cxeval.data.choose_branch`) and an empty config stays empty (the report
        does not apply).
    projects_dir : path, optional
        Where the run plans are (default ``projects/``).

    Returns
    -------
    dict
        ``branch``, ``config`` and ``settings`` (for :func:`cxeval.report.settings_note`;
        empty when the config was given or none was found). By hand with no branch given,
        the branch is the first unit of ``kpi_scores`` that the plan gives a scorecard.

    Examples
    --------
    >>> scorecard_choice("data/sample", by_hand=True)                # doctest: +SKIP
    {'branch': '贵阳', 'config': 'guizhou_2006_quarterly.yaml', 'settings': [...]}
    """
    given_branch, given_config = str(branch or "").strip(), str(config or "").strip()
    found = plan_for(data_dir, projects_dir=projects_dir) if by_hand and not given_config else None
    chosen_branch = given_branch
    if found is not None and not given_branch:
        scores = data.load_input(data_dir, "kpi_scores", "scores", required=False)
        units = [] if scores is None else list(dict.fromkeys(scores["unit"].astype(str)))
        chosen_branch = next((u for u in units if found.parameters_for(u).get("config")), "")
    chosen_branch = data.choose_branch(data_dir, chosen_branch)
    chosen_config = given_config
    settings = []
    if found is not None and found.parameters_for(chosen_branch).get("config"):
        chosen_config = str(found.parameters_for(chosen_branch)["config"])
        where = found.path.name
        settings = [{"name": "config", "value": chosen_config, "given": False,
                     "label": ("考核方案", "scorecard"),
                     "source": (f"运行计划 {where} 中本分公司所在分组的设定",
                                f"the setting of the branch's group in the run plan {where}")}]
    return {"branch": chosen_branch, "config": chosen_config, "settings": settings}
