"""The words: every sentence that narrates a number, in Chinese and in English.

One module per analysis, as :mod:`cxeval.plots` has one per plot family, so that a new
wording or a new language is a change of this folder alone:

- :mod:`cxeval.text.baseline` — rates, control charts, funnels, lead, change
  (``describe_*``, :func:`~cxeval.text.baseline.period_label`);
- :mod:`cxeval.text.pareto` — the vital few and the shift between two periods;
- :mod:`cxeval.text.rootcause` — fishbone, priorities, action plan;
- :mod:`cxeval.text.pilot` — the verdict paragraph and the reading of each section;
- :mod:`cxeval.text.kpi` — the scorecard, rank, trend, short boards, what-if;
- :mod:`cxeval.text.complaints` — SLA, repeat complaints, FCR, campaign status;
- :mod:`cxeval.text.overview` — the province overview and its digest (notebook 00);
- :mod:`cxeval.text.kpi_rules` — each scorecard rule as a sentence a manager reads;
- :mod:`cxeval.text.project` — the project's charter, plan, benefits and PDCA trail (notebook 06);
- :mod:`cxeval.text.explorers` — the labels and captions of the notebooks' explorers.

Each function takes what a statistics module returned (a tidy table or a result object)
and ``lang`` ("zh" or "en"), and returns a string; it computes nothing the statistics
have not. The statistics modules import none of these at import time: a result's
sentence methods (:meth:`cxeval.complaints.CampaignResult.summary` ...) fetch them when
called. Number formats (``95.3%``, ``+3.1 pp``) and :func:`cxeval.report.tr` are
:mod:`cxeval.report`'s; the cards and tables that show the sentences are
:mod:`cxeval.report`'s too (:mod:`cxeval.report.baseline` ...).
"""
