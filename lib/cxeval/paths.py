"""Where the project keeps things: one place for every default path.

In a source checkout (``pip install -e .``) these are the folders beside ``lib/``.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["PROJECT_ROOT", "NOTEBOOKS_DIR", "CONFIG_DIR", "SAMPLE_DIR", "TEMPLATES_DIR"]

PROJECT_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
CONFIG_DIR = PROJECT_ROOT / "data" / "configs"
SAMPLE_DIR = PROJECT_ROOT / "data" / "sample"
TEMPLATES_DIR = PROJECT_ROOT / "data" / "templates"
