"""pyproject.toml (pip) and environment.yml (conda) declare the same dependencies."""

import re
import tomllib

import yaml

from conftest import ROOT

# conda-forge names that differ from PyPI names.
CONDA_TO_PYPI = {"matplotlib-base": "matplotlib", "python-duckdb": "duckdb"}


def _split(spec: str) -> tuple[str, str]:
    # Extras are pip's alone: conda-forge's dask already brings distributed.
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?\s*(.*)$", spec)
    return m.group(1).lower(), m.group(2).replace(" ", "")


def _pyproject() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = project["dependencies"] + project["optional-dependencies"]["test"]
    return dict(_split(s) for s in specs)


def _environment() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    out = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for spec in dep.get("pip", []):
                if not spec.startswith("-"):
                    name, bound = _split(spec)
                    out[name] = bound
            continue
        name, bound = _split(dep)
        if name in ("python", "pip"):
            continue
        out[CONDA_TO_PYPI.get(name, name)] = bound
    return out


def test_same_packages_and_bounds():
    pip_deps, conda_deps = _pyproject(), _environment()
    assert set(pip_deps) == set(conda_deps), (
        f"only in pyproject: {sorted(set(pip_deps) - set(conda_deps))}; "
        f"only in environment.yml: {sorted(set(conda_deps) - set(pip_deps))}")
    differing = {k: (pip_deps[k], conda_deps[k]) for k in pip_deps if pip_deps[k] != conda_deps[k]}
    assert not differing, f"lower bounds differ (pyproject, environment.yml): {differing}"


def test_python_floor_matches():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert project["requires-python"] == ">=3.11"
    assert "python>=3.11" in env["dependencies"]


def test_constraints_pin_every_dependency():
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==", 1)
            pins[name.strip().lower().replace("_", "-")] = version.strip()
    missing = [name for name in _pyproject() if name.replace("_", "-") not in pins]
    assert not missing, f"constraints.txt does not pin: {missing}"
