"""Every shipped notebook follows the house rules (STYLE.md, convention 1).

- committed without outputs or execution counts;
- kernelspec / language_info metadata present (papermill needs them);
- a `parameters` cell declaring, typed and with a help comment, every parameter the batch
  passes (checked with papermill.inspect_notebook: papermill itself only warns);
- thin: no function or class definitions, no imports outside cxeval / matplotlib.
"""

import ast

import nbformat
import papermill as pm
import pytest

from cxeval import batch
from conftest import NOTEBOOKS

SHIPPED = sorted(NOTEBOOKS.glob("*.ipynb"))
EXPECTED = ["00_overview", "01_baseline", "02_root_cause_pareto", "03_pilot_vs_rollout", "04_kpi_scorecard",
            "05_complaint_handling", "06_project"]


def test_every_notebook_is_shipped():
    assert [p.stem for p in SHIPPED] == EXPECTED


def test_every_notebook_has_a_title_in_the_index():
    """The index heads each column with the report's name, never with its file name."""
    from cxeval.report.index import _NOTEBOOK_TITLES

    assert sorted(_NOTEBOOK_TITLES) == EXPECTED


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_no_outputs_and_kernel_metadata(path):
    nb = nbformat.read(str(path), as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert nb.metadata["language_info"]["name"] == "python"
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    for cell in code:
        assert not cell.outputs and cell.execution_count is None, f"outputs committed in {path.name}"
    assert "parameters" in code[0].metadata.get("tags", []), f"{path.name}: first code cell is not 'parameters'"


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_parameters_the_batch_passes_exist(path, tmp_path):
    declared = pm.inspect_notebook(str(path))
    jobs = batch.plan_jobs(tmp_path, ["潮安"], [path], data_dir=tmp_path, config_dir=tmp_path, lang="en")
    for name in jobs[0].parameters:
        assert name in declared, f"{path.name} lacks parameter {name}"
    for name, info in declared.items():
        assert info["inferred_type_name"] not in ("None", ""), f"{path.name}: parameter {name} has no type"
        assert info["help"], f"{path.name}: parameter {name} has no help comment"


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_notebooks_are_thin(path):
    nb = nbformat.read(str(path), as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        source = "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith("%"))
        tree = ast.parse(source)
        for node in ast.walk(tree):
            assert not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)), \
                f"{path.name}: define functions in lib/cxeval, not in the notebook"
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                module = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
                assert module.split(".")[0] in ("cxeval", "matplotlib", "IPython", "pathlib"), \
                    f"{path.name}: imports {module}; notebooks call cxeval"
