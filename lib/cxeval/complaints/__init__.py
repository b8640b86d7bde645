"""Complaint handling: SLA timeliness, repeat complaints, FCR, complaint rate, campaign tracking.

Every complaint is a ticket that moves through a workflow with a time limit per step
(DOMAIN.md section 3); the 2010 campaign set monthly targets on repeat complainers,
first-contact resolution and timeliness (DOMAIN.md section 2). This module measures all
of them on the whole ticket table at once: a provincial call centre has millions of
tickets a year, so every function is vectorised (numpy / pandas group codes and
``np.bincount``), never a Python loop per ticket. ``benchmarks/bench_complaints.py``
times each function next to the equivalent DuckDB SQL.

- :mod:`~cxeval.complaints.config` — :func:`load_limits` (SLA steps and the campaign,
  ``sla.yaml``), :func:`load_categories` (``categories.yaml``), :func:`campaign_goals`;
- :mod:`~cxeval.complaints.timeliness` — :func:`sla`, :func:`ticket_status`,
  :func:`overdue_tickets`: every workflow step against its limit;
- :mod:`~cxeval.complaints.rates` — :func:`first_contact_resolution`,
  :func:`quality_pass_rate`, :func:`on_time_rate`, :func:`escalated_on_time_rate`,
  :func:`overdue_rate`, :func:`complaint_rate`: rates by branch and period;
- :mod:`~cxeval.complaints.repeat` — :func:`repeat_complaints`, :func:`top_repeaters`;
- :mod:`~cxeval.complaints.campaigns` — :func:`campaign_actuals`, :func:`campaign`:
  each campaign target month by month;
- :mod:`~cxeval.complaints.categories` — :func:`check_categories`: sub-items the
  catalogue does not know;
- :mod:`~cxeval.complaints.tickets` — what they share: ticket columns, periods and group
  codes; :func:`latest_period`, :func:`complete_months`, :func:`check_periods`;
- :mod:`~cxeval.complaints.duck` — the rates and repeat counts as DuckDB queries, which
  those functions run themselves on tables of a million tickets or more
  (:data:`~cxeval.complaints.duck.MIN_ROWS`) where a query gives exactly their numbers.

Every public name is importable from :mod:`cxeval.complaints`. The sentences that read
these numbers are in :mod:`cxeval.text.complaints`; the report glue (headline cards,
index entry, formatted tables, settings) in :mod:`cxeval.report.complaints`.

Conventions shared by the functions below
-----------------------------------------
- ``tickets`` follows the data contract (DESIGN.md): ``ticket_id``, ``customer_id``,
  ``branch``, ``opened_at``, ``category``, ``network``, optional step timestamps
  (``submitted_at``, ``dispatched_at``, ``replied_at``, ``returned_at``, ``closed_at``),
  ``escalated``, ``first_contact_resolved``, ``qualified``, optional ``summary``.
  Timestamps are naive local time. Time-zone-aware columns are converted to the time zone
  of ``opened_at`` and made naive (wall-clock time decides the month); mixing aware and
  naive columns is an error.
- A ticket belongs to the period (month ``"YYYY-MM"`` or quarter ``"YYYY-Qn"``) of its
  ``opened_at``: 2010-07-31 23:59:59 is July, 2010-08-01 00:00:00 is August.
- ``by`` names grouping columns; ``"period"`` is derived from ``opened_at`` with ``freq``
  unless the table has its own ``period`` column.
- Customer ids never leave this module unmasked in anything meant for display:
  :func:`top_repeaters`, :func:`overdue_tickets` and :func:`check_categories` mask them
  with :func:`cxeval.report.mask_id` and mask phone numbers in summaries with
  :func:`cxeval.report.mask_text`.
"""

from __future__ import annotations

from cxeval._moved import moved
from cxeval.complaints.campaigns import (PROVINCIAL_COLUMNS, STATUSES, CampaignResult, campaign,
                                        campaign_actuals)
from cxeval.complaints.categories import CategoryCheck, check_categories
from cxeval.complaints.config import campaign_goals, load_categories, load_limits
from cxeval.complaints.rates import (complaint_rate, escalated_on_time_rate,
                                     first_contact_resolution, on_time_rate, overdue_rate,
                                     quality_pass_rate)
from cxeval.complaints.repeat import repeat_complaints, top_repeaters
from cxeval.complaints.tickets import check_periods, complete_months, latest_period, month_end
from cxeval.complaints.timeliness import overdue_tickets, sla, ticket_status

__all__ = [
    "load_limits", "sla", "ticket_status",
    "repeat_complaints", "top_repeaters",
    "first_contact_resolution", "complaint_rate", "overdue_rate", "on_time_rate",
    "escalated_on_time_rate", "quality_pass_rate",
    "campaign_actuals", "PROVINCIAL_COLUMNS", "campaign", "CampaignResult", "campaign_goals",
    "load_categories", "check_categories", "CategoryCheck", "overdue_tickets",
    "latest_period", "complete_months", "month_end", "check_periods", "STATUSES",
]


# The sentences moved to cxeval.text.complaints and the report glue to
# cxeval.report.complaints; their names keep working here for one release.
__getattr__ = moved(__name__, {
    "cxeval.text.complaints": ["sla_sentence", "repeat_sentence", "fcr_sentence", "status_sentence",
                               "campaign_sentence", "root_cause_pointer"],
    "cxeval.report.complaints": ["index_entry", "headline", "show_sla", "show_campaign",
                                 "show_top_repeaters", "show_overdue", "show_monthly",
                                 "period_settings", "campaign_settings"],
})
