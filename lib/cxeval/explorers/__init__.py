"""Interactive explorers of notebooks 02–05, one module per notebook.

Each module follows :mod:`cxeval.explorer` (notebook 01's explorer, still importable as
``cxeval.explorer.Explorer``): plain functions turn widget values into tables, a Figure
and sentences, and are tested without a browser; a small class only wires ipywidgets to
them. Every explorer starts from the report's own resolved settings, so on opening it
shows exactly the report's numbers.

============================ ======================= ==========================
notebook                     module                  class
============================ ======================= ==========================
02_root_cause_pareto         :mod:`.pareto`          ``ParetoExplorer``
03_pilot_vs_rollout          :mod:`.pilot`           ``PilotExplorer``
04_kpi_scorecard             :mod:`.kpi`             ``WhatIfExplorer``
05_complaint_handling        :mod:`.complaints`      ``ComplaintExplorer``
============================ ======================= ==========================
"""
