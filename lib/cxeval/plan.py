"""Run plans: which reports to make for which branches, with which parameters.

A plan is a YAML file (``projects/<name>.yaml``) that a project team keeps beside its
data. It says where the data is, which branches to report on, how they are grouped
(region), the parameters of each group and branch, and which notebooks apply where::

    name: {zh: 潮州服营厅满意度提升, en: Chaozhou service-hall satisfaction}
    data: ../data/sample          # relative to the plan file
    configs: ../data/configs      # optional (default: the project's data/configs)
    lang: zh                      # optional: zh or en
    branches: all                 # or a list; "all" = every branch found in the data
    notebooks: all                # or a list of stems / prefixes ("01", "03_pilot")
    parameters: {target: 0.95}    # for every branch
    groups:
      - name: 潮州
        branches: [潮安, 饶平, 市区]
        notebooks: ["01", "02", "05"]
        parameters: {baseline_end: 2008-07}
    branch_overrides:
      潮安:
        notebooks: ["01", "02", "03", "05"]
        parameters: {pilot_hall: 庵埠, pilot_start: 2008-08}

Parameters are resolved from the most general to the most specific: the notebook's own
default, the plan's ``parameters``, the group's, the branch's, then ``-p NAME VALUE`` on
the command line. A notebook receives only the names its parameters cell declares; a
name that no selected notebook declares is an error (papermill would only warn). A
notebook left out for a branch is recorded as ``n/a`` with the reason, never run.

A notebook whose parameters cell declares ``scope: str = "run"`` (the overview) is made
once per run: it takes the plan's own ``parameters`` (and ``-p``), not a group's or a
branch's, and is left out (``n/a``) only by the plan's top-level ``notebooks``.

Everything here is checked before a job starts: :func:`load` reads and checks the file's
shape (every problem listed in one :class:`~cxeval.errors.ConfigError`), :func:`check`
adds what needs the data and the notebooks (branches that appear in no input file, with
the closest names; parameters no notebook declares; values of the wrong type).
"""

from __future__ import annotations

import datetime as _dt
import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cxeval.errors import BatchError, ConfigError

__all__ = ["Plan", "Group", "load", "check", "resolve", "coerce_parameter", "parse_cli_parameters",
           "match_branches", "suggest", "notebook_scope", "NOT_PLANNED", "RUN_SCOPE", "RUN_BRANCH"]

_TOP_KEYS = {"name", "data", "configs", "lang", "branches", "notebooks", "parameters", "groups",
             "branch_overrides"}
_GROUP_KEYS = {"name", "branches", "notebooks", "parameters"}
_OVERRIDE_KEYS = {"notebooks", "parameters"}

#: Parameters the batch itself sets; a plan or ``-p`` may not. ``scope`` is a notebook's
#: marker (see :func:`notebook_scope`), ``branches`` the run's branch list given to it.
RESERVED_PARAMETERS = ("branch", "data_dir", "config_dir", "results_path", "lang", "scope", "branches")

#: Reason recorded for a notebook a plan leaves out for a branch: (zh, en) templates.
NOT_PLANNED = ("运行计划未为{where}安排此报告", "the run plan does not include this report for {where}")

#: A notebook whose parameters cell declares ``scope: str = "run"`` is made once per run
#: (the overview), not once per branch; it receives the run's branches as ``branches``.
RUN_SCOPE = "run"
#: The ``branch`` of a run-scope job in the manifest (it covers every branch of the run).
RUN_BRANCH = "全部 All"


def notebook_scope(declared: dict) -> str:
    """``"run"`` when a notebook's parameters (``papermill.inspect_notebook``) declare
    ``scope`` with the default ``"run"``, else ``"branch"``.

    Examples
    --------
    >>> notebook_scope({"scope": {"default": '"run"'}}), notebook_scope({"branch": {"default": '""'}})
    ('run', 'branch')
    """
    default = str((declared.get("scope") or {}).get("default") or "").strip().strip("'\"")
    return RUN_SCOPE if default == RUN_SCOPE else "branch"


@dataclass
class Group:
    """Branches that share parameters and notebooks (a region)."""

    name: str
    branches: list[str]
    notebooks: list[str] | None = None
    parameters: dict = field(default_factory=dict)


@dataclass
class Plan:
    """A run plan read from YAML; see the module docstring for the file's layout."""

    path: Path | None
    name: dict
    data_dir: Path | None
    config_dir: Path | None
    lang: str | None
    branches: list[str] | None
    notebooks: list[str] | None
    parameters: dict
    groups: list[Group]
    overrides: dict[str, dict]

    @property
    def title(self) -> str:
        return self.name.get("zh") or self.name.get("en") or (self.path.stem if self.path else "plan")

    def group_of(self, branch: str) -> Group | None:
        """The group a branch belongs to, or None."""
        for group in self.groups:
            if branch in group.branches:
                return group
        return None

    def notebooks_for(self, branch: str) -> list[str] | None:
        """Notebook selectors for a branch: its override, its group's, the plan's; None = all."""
        override = self.overrides.get(branch, {})
        if override.get("notebooks") is not None:
            return override["notebooks"]
        group = self.group_of(branch)
        if group is not None and group.notebooks is not None:
            return group.notebooks
        return self.notebooks

    def parameters_for(self, branch: str) -> dict:
        """Plan, then group, then branch parameters, the more specific winning."""
        params = dict(self.parameters)
        group = self.group_of(branch)
        if group is not None:
            params.update(group.parameters)
        params.update(self.overrides.get(branch, {}).get("parameters") or {})
        return params

    def named_branches(self) -> list[str]:
        """Every branch the plan names, in order (branches, groups, overrides)."""
        names: list[str] = []
        for name in [*(self.branches or []), *(b for g in self.groups for b in g.branches),
                     *self.overrides]:
            if name not in names:
                names.append(name)
        return names


# --------------------------------------------------------------------------- reading
def _yaml(path: Path):
    import yaml

    from cxeval._io import load_yaml

    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"plan file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"plan file {path} cannot be read: {err}") from None
    try:
        return load_yaml(text, str(path))   # refuses anchors and aliases, as every config
    except yaml.YAMLError as err:
        raise ConfigError(f"plan file {path} is not valid YAML: {err}") from None


def _names(value, where: str, problems: list[str]) -> list[str] | None:
    """A list of names (branches or notebooks), trimmed; "all" or missing gives None."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ("all", "全部")):
        return None
    if isinstance(value, (str, int)):
        value = [value]
    if not isinstance(value, list):
        problems.append(f"{where}: expected a list of names or 'all', found {value!r}")
        return None
    names = []
    for item in value:
        if isinstance(item, int):  # notebook prefix written unquoted: 01 -> 1
            item = f"{item:02d}"
        if not isinstance(item, str) or not item.strip():
            problems.append(f"{where}: expected names, found {item!r}")
            continue
        names.append(item.strip())
    return names


def _params(value, where: str, problems: list[str]) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append(f"{where}: expected NAME: VALUE pairs, found {value!r}")
        return {}
    out = {}
    for key, val in value.items():
        key = str(key).strip()
        if key in RESERVED_PARAMETERS:
            problems.append(f"{where}.{key}: set by the batch for every report; remove it from the plan "
                            "(data and configs are set at the top of the plan, lang with 'lang:')")
            continue
        out[key] = val
    return out


def _unknown_keys(raw: dict, allowed: set, where: str, problems: list[str]) -> None:
    for key in raw:
        if key not in allowed:
            problems.append(f"{where}: unknown key {key!r} (expected: {', '.join(sorted(allowed))})")


def load(path: str | os.PathLike) -> Plan:
    """Read a plan file and check its shape.

    Paths in the plan (``data``, ``configs``) are relative to the plan file's folder.

    Raises
    ------
    ConfigError
        The file is missing, not YAML, or malformed; every problem is listed with where
        it is (``groups[1].parameters``, ``branch_overrides.潮安``).
    """
    path = Path(path)
    raw = _yaml(path)
    problems: list[str] = []
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"plan file {path}: expected a mapping of keys (data, branches, groups, ...), "
                          f"found {type(raw).__name__}")
    _unknown_keys(raw, _TOP_KEYS, "plan", problems)
    base = path.resolve().parent
    name = raw.get("name") or {}
    if isinstance(name, str):
        name = {"zh": name, "en": name}
    elif not isinstance(name, dict):
        problems.append(f"name: expected a text or {{zh: ..., en: ...}}, found {name!r}")
        name = {}
    data_dir = config_dir = None
    for key in ("data", "configs"):
        value = raw.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{key}: expected a folder path, found {value!r}")
            continue
        folder = (base / value.strip()).resolve()
        if not folder.is_dir():
            problems.append(f"{key}: folder {folder} does not exist")
        if key == "data":
            data_dir = folder
        else:
            config_dir = folder
    lang = raw.get("lang")
    if lang is not None and lang not in ("zh", "en"):
        problems.append(f"lang: expected zh or en, found {lang!r}")
        lang = None
    groups = []
    raw_groups = raw.get("groups") or []
    if not isinstance(raw_groups, list):
        problems.append(f"groups: expected a list of groups, found {raw_groups!r}")
        raw_groups = []
    seen: dict[str, str] = {}
    for i, g in enumerate(raw_groups):
        where = f"groups[{i}]"
        if not isinstance(g, dict):
            problems.append(f"{where}: expected name, branches, notebooks, parameters; found {g!r}")
            continue
        gname = str(g.get("name") or f"#{i + 1}").strip()
        where = f"groups[{i}] ({gname})"
        _unknown_keys(g, _GROUP_KEYS, where, problems)
        branches = _names(g.get("branches"), f"{where}.branches", problems)
        if not branches:
            problems.append(f"{where}.branches: list the group's branches")
            branches = []
        for b in branches:
            if b in seen:
                problems.append(f"{where}.branches: {b} is already in group {seen[b]}; a branch belongs "
                                "to one group (use branch_overrides for exceptions)")
            seen.setdefault(b, gname)
        groups.append(Group(gname, branches, _names(g.get("notebooks"), f"{where}.notebooks", problems),
                            _params(g.get("parameters"), f"{where}.parameters", problems)))
    overrides: dict[str, dict] = {}
    raw_over = raw.get("branch_overrides") or {}
    if not isinstance(raw_over, dict):
        problems.append(f"branch_overrides: expected BRANCH: {{notebooks, parameters}}, found {raw_over!r}")
        raw_over = {}
    for branch, spec in raw_over.items():
        branch = str(branch).strip()
        where = f"branch_overrides.{branch}"
        if not isinstance(spec, dict):
            problems.append(f"{where}: expected notebooks and/or parameters, found {spec!r}")
            continue
        _unknown_keys(spec, _OVERRIDE_KEYS, where, problems)
        overrides[branch] = {"notebooks": _names(spec.get("notebooks"), f"{where}.notebooks", problems)
                             if "notebooks" in spec else None,
                             "parameters": _params(spec.get("parameters"), f"{where}.parameters", problems)}
    plan = Plan(path=path, name=name, data_dir=data_dir, config_dir=config_dir, lang=lang,
                branches=_names(raw.get("branches"), "branches", problems),
                notebooks=_names(raw.get("notebooks"), "notebooks", problems),
                parameters=_params(raw.get("parameters"), "parameters", problems),
                groups=groups, overrides=overrides)
    if problems:
        raise ConfigError(f"plan file {path} has {len(problems)} problem(s)", problems)
    return plan


# --------------------------------------------------------------------------- names
def suggest(name: str, choices) -> list[str]:
    """The closest names to ``name`` among ``choices`` (at most three).

    Branch names are short and Chinese, where one wrong character of two leaves a
    similarity of 0.5: the cut-off is set there, so ``潮州`` finds ``潮安``.
    """
    choices = list(choices)
    close = difflib.get_close_matches(name, choices, n=3, cutoff=0.5)
    if not close:
        close = [c for c in choices if name and (name in c or c in name)][:3]
    return close


def match_branches(requested, found, *, source: str = "--branches") -> list[str]:
    """Requested branch names, trimmed and checked against the branches found in the data.

    Raises
    ------
    BatchError
        A name appears in no input file: every such name with its closest matches and the
        list of branches found.
    """
    found = list(found)
    chosen, problems = [], []
    for raw in requested:
        name = str(raw).strip()
        if name in found:
            if name not in chosen:
                chosen.append(name)
            continue
        close = suggest(name, found)
        hint = f" — did you mean {', '.join(close)}?" if close else ""
        problems.append(f"{source}: branch {name!r} appears in no input file{hint}")
    if problems:
        raise BatchError("\n".join(problems) + f"\nbranches found in the data: {', '.join(found)}")
    return chosen


# --------------------------------------------------------------------------- parameter values
_TYPES = {"str": str, "float": float, "int": int, "bool": bool, "list": list, "dict": dict}


def coerce_parameter(name: str, value: Any, declared: str | None, *, where: str = "") -> Any:
    """``value`` as the type a notebook's parameters cell declares for ``name``.

    ``declared`` is papermill's inferred type name (``str``, ``float``, ``int``, ``bool``,
    ``list``); values read from the command line are text and converted; YAML values keep
    their type when it fits. Dates written unquoted in YAML (``2008-08-01``) become text.

    Raises
    ------
    BatchError
        The value cannot be that type ("target is a number (float) in the notebooks; got 'abc'").
    """
    prefix = f"{where}: " if where else ""
    kind = (declared or "").strip()
    if kind not in _TYPES:
        return value
    if isinstance(value, (_dt.date, _dt.datetime)) and kind == "str":
        return value.isoformat()
    if kind == "str":
        if isinstance(value, str):
            return value.strip()
        if isinstance(value, (int, float)) and not isinstance(value, bool) and name.endswith(
                ("period", "start", "end", "before", "after", "baseline", "as_of")):
            raise BatchError(f"{prefix}parameter {name} is a period written as a number ({value!r}): "
                             f"write it as text, e.g. \"2008-10\"")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        raise BatchError(f"{prefix}parameter {name} must be text; got {value!r}")
    if kind == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("true", "yes", "1"):
            return True
        if text in ("false", "no", "0"):
            return False
        raise BatchError(f"{prefix}parameter {name} must be True or False; got {value!r}")
    if kind in ("int", "float"):
        if isinstance(value, bool):
            raise BatchError(f"{prefix}parameter {name} must be a number; got {value!r}")
        try:
            number = float(str(value).strip().rstrip("%")) / (100 if str(value).strip().endswith("%") else 1)
        except ValueError:
            raise BatchError(f"{prefix}parameter {name} must be a number ({kind}); got {value!r}") from None
        if kind == "int":
            if number != int(number):
                raise BatchError(f"{prefix}parameter {name} must be a whole number; got {value!r}")
            return int(number)
        return number
    if kind == "list":
        if isinstance(value, list):
            return value
        if isinstance(value, str):
            import yaml

            text = value.strip()
            if text.startswith("["):
                try:
                    parsed = yaml.safe_load(text)
                except yaml.YAMLError:
                    parsed = None
                if isinstance(parsed, list):
                    return parsed
            return [v.strip() for v in text.replace("，", ",").split(",") if v.strip()]
        raise BatchError(f"{prefix}parameter {name} must be a list; got {value!r}")
    if not isinstance(value, dict):
        raise BatchError(f"{prefix}parameter {name} must be a mapping; got {value!r}")
    return value


def parse_cli_parameters(pairs) -> dict:
    """``-p NAME VALUE`` pairs (argparse ``nargs=2, action="append"``) as a dict of text."""
    out: dict[str, str] = {}
    for name, value in pairs or []:
        name = name.strip()
        if name in RESERVED_PARAMETERS:
            raise BatchError(f"-p {name}: set by the batch for every report"
                             + (" (use --data / --configs / --lang)" if name != "branch" else
                                " (use --branches)"))
        out[name] = value
    return out


# --------------------------------------------------------------------------- jobs
@dataclass
class JobSpec:
    """What the batch runs for one branch and notebook."""

    branch: str
    notebook: Path
    parameters: dict
    not_applicable: tuple[str, str] | None = None


def _select(selectors, notebooks: list[Path], where: str) -> list[Path]:
    if selectors is None:
        return list(notebooks)
    chosen = []
    for want in selectors:
        stem = Path(want).stem
        matches = [p for p in notebooks if p.stem == stem] or [p for p in notebooks if p.stem.startswith(stem)]
        if not matches:
            raise BatchError(f"{where}: unknown notebook {want!r}: choose from "
                             f"{', '.join(p.stem for p in notebooks)}")
        chosen.extend(m for m in matches if m not in chosen)
    return chosen


def resolve(plan: Plan | None, branches: list[str], notebooks: list[Path], declared: dict,
            cli_parameters: dict | None = None, *, available: dict | None = None) -> list[JobSpec]:
    """One :class:`JobSpec` per branch and notebook, parameters typed and checked.

    Parameters
    ----------
    plan : Plan or None
    branches : list of str
        Branches to report on (already checked against the data).
    notebooks : list of Path
        The notebooks selected for the run.
    declared : dict
        ``{notebook path: papermill.inspect_notebook(...)}``.
    cli_parameters : dict, optional
        ``-p`` values (text), applied last.
    available : dict, optional
        ``{notebook path: declared parameters}`` of every notebook of the folder, when
        the run selects only some (``--notebooks 00``): the plan's parameters and
        notebook lists are checked against all of them, so a plan written for every
        notebook still runs a selection; ``-p`` names must be declared by a selected one.

    Raises
    ------
    BatchError
        Every problem at once: a parameter no selected notebook declares (with the valid
        names), a value of the wrong type, an unknown notebook in the plan.
    """
    cli_parameters = dict(cli_parameters or {})
    problems: list[str] = []
    valid = sorted({name for params in declared.values() for name in params} - set(RESERVED_PARAMETERS))
    every = {**(available or {}), **declared}
    valid_plan = sorted({name for params in every.values() for name in params} - set(RESERVED_PARAMETERS))
    known = list(dict.fromkeys([*sorted(every), *notebooks]))

    def unknown(name: str, where: str, names: list[str] = valid) -> None:
        close = suggest(name, names)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        problems.append(f"{where}: no selected notebook has a parameter {name!r}{hint}; "
                        f"valid names: {', '.join(names)}")

    for name in cli_parameters:
        if name not in valid:
            unknown(name, f"-p {name}")
    if plan is not None:
        sources = [("parameters", plan.parameters)] + \
            [(f"groups ({g.name}).parameters", g.parameters) for g in plan.groups] + \
            [(f"branch_overrides.{b}.parameters", o.get("parameters") or {}) for b, o in plan.overrides.items()]
        for where, params in sources:
            for name in params:
                if name not in valid_plan:
                    unknown(name, f"plan {where}", valid_plan)
    specs: list[JobSpec] = []
    run_notebooks = [nb for nb in notebooks if notebook_scope(declared[nb]) == RUN_SCOPE]
    branch_notebooks = [nb for nb in notebooks if nb not in run_notebooks]

    def typed(nb, params: dict, where: str) -> dict:
        decl = declared[nb]
        values = {}
        for name, value in [*params.items(), *cli_parameters.items()]:
            if name not in decl:
                continue
            try:
                values[name] = coerce_parameter(name, value, decl[name].get("inferred_type_name"),
                                                where=f"{nb.stem} for {where}")
            except BatchError as err:
                problems.append(str(err))
        return values

    # A run-scope notebook (the overview) takes the plan's own parameters, not a group's or
    # a branch's, and is left out only by the plan's top-level notebook list.
    planned_for_run = notebooks
    if plan is not None:
        try:
            planned_for_run = _select(plan.notebooks, known, "plan notebooks")
        except BatchError as err:
            problems.append(str(err))
    for nb in run_notebooks:
        reason = None if nb in planned_for_run else (
            "运行计划未安排此报告（计划的 notebooks 中没有它）",
            "the run plan does not include this report (not in the plan's notebooks)")
        specs.append(JobSpec(RUN_BRANCH, nb, typed(nb, plan.parameters if plan is not None else {}, "the run"),
                             reason))
    for branch in branches:
        planned = branch_notebooks
        params: dict = {}
        if plan is not None:
            try:
                planned = _select(plan.notebooks_for(branch), known, f"plan ({branch})")
            except BatchError as err:
                problems.append(str(err))
                planned = branch_notebooks
            params = plan.parameters_for(branch)
        for nb in branch_notebooks:
            values = typed(nb, params, branch)
            reason = None
            if nb not in planned:
                group = plan.group_of(branch) if plan is not None else None
                zh_where = f"分组「{group.name}」" if group else f"「{branch}」"
                en_where = f"group {group.name}" if group else branch
                reason = (NOT_PLANNED[0].format(where=zh_where), NOT_PLANNED[1].format(where=en_where))
            specs.append(JobSpec(branch, nb, values, reason))
    if problems:
        raise BatchError("\n".join(dict.fromkeys(problems)))
    return specs


def check(plan: Plan, *, found_branches, notebooks: list[Path], declared: dict) -> list[str]:
    """Every problem of a plan against its data and notebooks (empty list: the plan is fine)."""
    problems: list[str] = []
    found = list(found_branches)
    for name in plan.named_branches():
        if name not in found:
            close = suggest(name, found)
            hint = f" — did you mean {', '.join(close)}?" if close else ""
            problems.append(f"branch {name!r} appears in no input file{hint} "
                            f"(branches found: {', '.join(found)})")
    branches = [b for b in (plan.branches or found) if b in found]
    try:
        resolve(plan, branches, notebooks, declared)
    except BatchError as err:
        problems.extend(str(err).splitlines())
    return problems
