"""Names that moved to another module and still answer at their old address, for one release.

The sentences of each analysis moved to :mod:`cxeval.text`, its report glue (headline
cards, key numbers, index entries, table labels) to :mod:`cxeval.report`. A statistics
module keeps their old names working with a module ``__getattr__`` (PEP 562) made by
:func:`moved`: the new home is imported on first use, not when the statistics module is
(the new homes import the statistics, so an import at load time would be a cycle).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping


def moved(module: str, homes: Mapping[str, Iterable[str]]):
    """A module ``__getattr__`` that finds each moved name in its new home.

    Parameters
    ----------
    module : str
        The old home's ``__name__`` (for the AttributeError of any other name).
    homes : mapping
        New module -> the names that moved there.

    Examples
    --------
    At the bottom of a statistics module::

        __getattr__ = moved(__name__, {"cxeval.text.baseline": ["describe_chart"]})
    """
    home_of = {name: home for home, names in homes.items() for name in names}

    def __getattr__(name: str):
        home = home_of.get(name)
        if home is None:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        return getattr(importlib.import_module(home), name)

    __getattr__.moved_names = sorted(home_of)
    return __getattr__
