"""`make lab` starts for every user, and every notebook opened by hand lands on data."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from conftest import ROOT


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_lab_allows_root_only_for_root_and_starts_in_notebooks():
    out = subprocess.run(["make", "-n", "-s", "lab", "STAMP="], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    command = [line for line in out.splitlines() if "jupyter lab" in line][0]
    assert "--ServerApp.root_dir=notebooks" in command
    assert ("--allow-root" in command) == (os.getuid() == 0)


def test_notebooks_opened_by_hand_land_on_a_branch_with_data():
    """The defaults of each notebook (branch "", config "") resolved on the sample data."""
    from cxeval import data, lab, project

    folder = ROOT / "data" / "sample"
    first = data.choose_branch(folder)                       # 01, 02, 03, 05
    survey = data.load(folder / "hall_survey.csv", "survey")
    tickets = data.load(folder / "tickets.parquet", "tickets")
    pilots = data.load(folder / "pilots.csv", "pilots")
    assert first == "潮安"
    assert (survey["branch"] == first).any() and (tickets["branch"] == first).any()
    assert (pilots["branch"] == first).any()                  # 03 has a pilot to evaluate
    chosen = lab.scorecard_choice(folder, by_hand=True)      # 04
    scores = data.load(folder / "kpi_scores.csv", "scores")
    assert chosen["config"] and (scores["unit"] == chosen["branch"]).any()
    charter = data.load(folder / "charter.csv", "charter")   # 06
    assert (charter["branch"] == project.choose_branch(folder)).any()
