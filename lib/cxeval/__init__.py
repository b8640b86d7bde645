"""cxeval: the service-quality improvement workbook.

Importing the package is cheap: analysis modules are imported on demand
(``from cxeval import baseline``), so a notebook pays only for what it uses.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
