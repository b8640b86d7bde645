"""The index page of a run: one row per branch, one column per notebook, the legend.

Report glue of the batch (:mod:`cxeval.batch` runs the jobs and writes the manifest; this
module turns the manifest into ``index.html``):

- :data:`OK`, :data:`NOT_APPLICABLE`, :data:`FAILED`, :data:`INTERRUPTED` — job statuses;
- :func:`status_counts`, :func:`summary_line` — every status counted;
- :func:`error_summary` — a failed job's error as a reader of the run's language reads it;
- :func:`render_index`, :func:`write_index` — the page, colours only where a target stands.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Iterable
from pathlib import Path

from cxeval._io import atomic_write_text as _atomic_write_text
from cxeval.plan import RUN_SCOPE

#: Folder of the run-scope notebooks' outputs inside a run directory (never a branch's).
OVERVIEW_DIR = "_overview"
#: Job statuses: ``n/a`` is a notebook that does not apply to the branch (reason in ``error``).
OK, NOT_APPLICABLE, FAILED, INTERRUPTED = "ok", "n/a", "failed", "interrupted"


_INDEX_CSS = """
body{font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;margin:0;color:#1d2733;
background:#f5f7fa}main{max-width:1200px;margin:auto;padding:16px}h1{font-size:1.5em;margin:.4em 0}
.meta{color:#5b6675;font-size:.9em}.wrap{overflow-x:auto}table{border-collapse:collapse;width:100%;
background:#fff;box-shadow:0 1px 3px rgba(0,0,0,.08)}th,td{padding:8px 10px;border-bottom:1px solid #e3e8ef;
text-align:left;vertical-align:top;font-size:.93em}th{background:#eef2f7;position:sticky;top:0;white-space:nowrap}
td.branch{font-weight:700;white-space:nowrap}a{color:#1f5fa8}.s{display:inline-block;width:.8em;height:.8em;
border-radius:50%;margin-right:6px;vertical-align:middle}.good{background:#2e8b57}.bad{background:#c0392b}
.warn{background:#e0a100}.none{background:transparent;border:1px solid #9aa5b1}.na{background:#c9d0d8}
td.na{color:#6b7785;background:#f2f4f7}.why{display:block;color:#5b6675;font-size:.82em;max-width:22em}.failed{color:#c0392b;font-weight:600}.err{color:#7a2a20;
font-size:.85em;display:block;max-width:22em;overflow-wrap:anywhere}.small{color:#5b6675;font-size:.85em}
.legend>span{margin-right:14px;display:inline-block}
.overview{background:#fff;border:1px solid #c9d6e6;border-left:6px solid #1f5fa8;border-radius:6px;
padding:10px 14px;margin:10px 0 14px;box-shadow:0 1px 3px rgba(0,0,0,.06)}
.ov-link{font-size:1.15em;font-weight:700;margin-right:12px}.ov-text{display:inline-block;margin-top:2px}
@media (max-width:700px){th,td{padding:6px;font-size:.85em}h1{font-size:1.2em}}
"""

_NOTEBOOK_TITLES = {
    "00_overview": ("全省概览", "Overview"),
    "01_baseline": ("满意度现状", "Baseline"),
    "02_root_cause_pareto": ("根因与帕累托", "Root cause & Pareto"),
    "03_pilot_vs_rollout": ("试点与推广", "Pilot vs rollout"),
    "04_kpi_scorecard": ("KPI 考核", "KPI scorecard"),
    "05_complaint_handling": ("投诉处理", "Complaint handling"),
    "06_project": ("项目管理", "Improvement project"),
}


#: Colours of the index: each means a target or rule was checked (``none``: no target).
INDEX_STATUSES = ("good", "warn", "bad", "none")


def status_counts(jobs: Iterable[dict]) -> dict[str, int]:
    """Jobs by status: ``ok``, ``n/a``, ``failed``, ``interrupted`` and ``pending``."""
    counts = {OK: 0, NOT_APPLICABLE: 0, FAILED: 0, INTERRUPTED: 0, "pending": 0}
    for job in jobs:
        status = job.get("status")
        counts[status if status in counts else "pending"] += 1
    return counts


def summary_line(manifest: dict, *, lang: str = "zh") -> str:
    """"12 个分公司，60 项：48 份报告，9 项不适用，3 份失败" — every status counted."""
    from cxeval.report import tr

    jobs = manifest.get("jobs", [])
    c = status_counts(jobs)
    n_branches = len(manifest.get("branches") or dict.fromkeys(
        j["branch"] for j in jobs if j.get("scope", "branch") != RUN_SCOPE))
    zh = [f"{c[OK]} 份报告", f"{c[NOT_APPLICABLE]} 项不适用", f"{c[FAILED]} 份失败"]
    en = [f"{c[OK]} reports", f"{c[NOT_APPLICABLE]} not applicable", f"{c[FAILED]} failed"]
    if c[INTERRUPTED]:
        zh.append(f"{c[INTERRUPTED]} 份中断")
        en.append(f"{c[INTERRUPTED]} interrupted")
    if c["pending"]:
        zh.append(f"{c['pending']} 份未完成")
        en.append(f"{c['pending']} not finished")
    return tr(f"{n_branches} 个分公司，{len(jobs)} 项：" + "，".join(zh),
              f"{n_branches} branches, {len(jobs)} jobs: " + ", ".join(en), lang)


_ERROR_LEADS = {
    "DataError": ("输入数据有误，报告未生成", "The input data has problems; the report was not made"),
    "ConfigError": ("配置文件有误，报告未生成", "A configuration file has problems; the report was not made"),
    "timeout": ("运行超时，报告未生成", "The report ran out of time"),
}
_ERROR_LEAD = ("运行出错，报告未生成", "The report could not be made")


def error_summary(error: str | None, *, lang: str = "zh") -> str:
    """A failed job's error as the index shows it: a lead-in in the run's language, then
    the error's first line in full and its first listed problem.

    The manifest keeps the whole error; the index must not cut a sentence in half, nor
    show a Chinese reader only "DataError: ... (cell 4)". The cell number and the error
    class name are for the analyst opening the executed notebook, not for the index.
    Text is already masked by the batch (:func:`cxeval.report.mask_text`) and masked
    again here.

    Examples
    --------
    >>> error_summary("DataError: survey.csv has 1 problem\\n  - row 7, column satisfied: 361 > 349 (cell 4)")
    '输入数据有误，报告未生成：survey.csv has 1 problem — row 7, column satisfied: 361 > 349'
    """
    from cxeval.report import mask_text, tr

    text = mask_text(str(error or "")).strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return tr(*_ERROR_LEAD, lang)
    first = lines[0]
    name, sep, rest = first.partition(": ")
    key = name if sep and re.fullmatch(r"[A-Za-z_][\w.]*", name) else None
    if key:
        first = rest
    elif first.startswith("timeout"):
        key = "timeout"
        first = first.partition(": ")[2] or first
    lead = _ERROR_LEADS.get((key or "").rsplit(".", 1)[-1], _ERROR_LEAD)
    problems = [line.lstrip("-• ").strip() for line in lines[1:] if line.startswith(("-", "•"))]
    parts = [re.sub(r"\s*\(cell \d+\)$", "", first)]
    if problems:
        parts.append(re.sub(r"\s*\(cell \d+\)$", "", problems[0]))
        if len(problems) > 1:
            parts.append(tr(f"另有 {len(problems) - 1} 个问题，见报告", f"{len(problems) - 1} more in the report", lang))
    sep_text = tr("：", ": ", lang)
    return tr(*lead, lang) + sep_text + " — ".join(p for p in parts if p)


def _legend(lang: str) -> str:
    from cxeval.report import tr

    items = [
        ("good", tr("达标：满足目标或规则", "met: the target or rule is met", lang)),
        ("warn", tr("需关注：原因见格内", "watch: the reason is in the cell", lang)),
        ("bad", tr("未达标：原因见格内", "not met: the reason is in the cell", lang)),
        ("none", tr("无目标：仅供参考，不评判", "no target: for information, not judged", lang)),
        ("na", tr("不适用：该报告不适用于此分公司（原因见格内），不是报告", "not applicable: the report does "
                  "not apply to this branch (reason in the cell); not a report", lang)),
    ]
    spans = "".join(f"<span><span class='s {cls}'></span>{html.escape(text)}</span>" for cls, text in items)
    failed = tr("失败：报告未能生成，点击查看原因", "failed: the report could not be made; open it for the cause",
                lang)
    return spans + f"<span><span class='failed'>✕</span> {html.escape(failed)}</span>"


def _overview_block(job: dict, lang: str) -> str:
    """The run's overview, linked above the branch table with its headline (or why not)."""
    from cxeval.report import tr

    title = tr(*_NOTEBOOK_TITLES.get(job["notebook"], (job["notebook"], job["notebook"])), lang)
    folder = Path(job.get("parameters", {}).get("results_path", "")).parent.name or OVERVIEW_DIR
    href = html.escape(f"{folder}/{job.get('html') or ''}", quote=True)
    results = job.get("results") or {}
    status = job.get("status")
    en = lang == "en"
    if status == OK:
        colour = results.get("status") if results.get("status") in INDEX_STATUSES else "none"
        text = (results.get("headline_en") if en else None) or results.get("headline") or ""
        reason = (results.get("reason_en") if en else None) or results.get("reason")
        body = (f'<a class="ov-link" href="{href}">{html.escape(title)} →</a>'
                f'<span class="ov-text"><span class="s {colour}"></span>{html.escape(str(text))}</span>'
                + (f'<span class="why">{html.escape(str(reason))}</span>' if reason and colour in ("warn", "bad")
                   else ""))
    elif status == NOT_APPLICABLE:
        reason = (results.get("headline_en") if en else results.get("headline")) or job.get("error") or ""
        body = (f'<b>{html.escape(title)}</b><span class="ov-text"><span class="s na"></span>'
                f'{html.escape(tr("不适用：", "n/a: ", lang))}{html.escape(str(reason))}</span>')
    elif status == FAILED:
        body = (f'<a class="failed" href="{href}">✕ {html.escape(title)}</a>'
                f'<span class="err">{html.escape(error_summary(job.get("error"), lang=lang))}</span>')
    else:
        body = (f'<b>{html.escape(title)}</b><span class="ov-text small">'
                f'{html.escape(tr("未完成", "not finished", lang))}</span>')
    return f'<section class="overview" id="overview">{body}</section>'


def render_index(manifest: dict, *, lang: str = "zh") -> str:
    """The index page of a run: one row per branch, one column per notebook.

    Each cell of a report links it and shows the headline the notebook recorded in its
    results sidecar (``headline`` / ``headline_en``) with a colour only where a target or
    rule stands behind it (``status`` good / warn / bad; ``none`` or anything else is
    shown without a colour), and for warn and bad the recorded ``reason`` /
    ``reason_en``. A job that does not apply (``n/a``) is grey with its reason and no
    link; a failed one links the error page with :func:`error_summary`. A run-scope job
    (the overview) is not a column: it is linked above the table, with its headline.
    Everything from data is HTML-escaped.
    """
    from cxeval.report import tr

    jobs = [j for j in manifest.get("jobs", []) if j.get("scope", "branch") != RUN_SCOPE]
    overview = "".join(_overview_block(j, lang) for j in manifest.get("jobs", [])
                       if j.get("scope", "branch") == RUN_SCOPE)
    notebooks: list[str] = []
    branches: list[str] = []
    cells: dict = {}
    for job in jobs:
        if job["notebook"] not in notebooks:
            notebooks.append(job["notebook"])
        if job["branch"] not in branches:
            branches.append(job["branch"])
        cells[(job["branch"], job["notebook"])] = job
    en = lang == "en"
    head = "".join(
        f"<th>{html.escape(tr(*_NOTEBOOK_TITLES.get(nb, (nb, nb)), lang))}</th>" for nb in notebooks)
    rows = []
    for branch in branches:
        tds = []
        for nb in notebooks:
            job = cells.get((branch, nb))
            if job is None:
                tds.append("<td></td>")
                continue
            folder = Path(job.get("parameters", {}).get("results_path", "")).parent.name
            href = html.escape(f"{folder}/{job.get('html') or ''}", quote=True)
            results = job.get("results") or {}
            status = job.get("status")
            if status == OK:
                text = (results.get("headline_en") if en else None) or results.get("headline") \
                    or tr("查看报告", "Open report", lang)
                colour = results.get("status") if results.get("status") in INDEX_STATUSES else "none"
                reason = (results.get("reason_en") if en else None) or results.get("reason")
                why = (f'<span class="why">{html.escape(str(reason))}</span>'
                       if reason and colour in ("warn", "bad") else "")
                tds.append(f'<td class="st-{colour}"><span class="s {colour}"></span>'
                           f'<a href="{href}">{html.escape(str(text))}</a>{why}</td>')
            elif status == NOT_APPLICABLE:
                reason = (results.get("headline_en") if en else results.get("headline")) or job.get("error") or ""
                tds.append(f'<td class="na"><span class="s na"></span>{html.escape(tr("不适用", "n/a", lang))}'
                           f'<span class="why">{html.escape(str(reason))}</span></td>')
            elif status in ("pending", "running"):
                tds.append(f'<td class="small">{html.escape(tr("未完成", "not finished", lang))}</td>')
            elif status == INTERRUPTED:
                tds.append(f'<td class="small">{html.escape(tr("已中断", "interrupted", lang))}'
                           f'<span class="why">{html.escape(tr("用 --only-failed 重跑", "rerun with --only-failed", lang))}'
                           f'</span></td>')
            else:
                tds.append(
                    f'<td><a class="failed" href="{href}">✕ {html.escape(tr("失败", "Failed", lang))}</a>'
                    f'<span class="err">{html.escape(error_summary(job.get("error"), lang=lang))}</span></td>')
        rows.append(f'<tr><td class="branch">{html.escape(branch)}</td>{"".join(tds)}</tr>')
    title = tr("服务质量改进报告", "Service-quality improvement reports", lang)
    plan = manifest.get("plan")
    plan_note = (f" · {html.escape(tr('计划', 'plan', lang))} {html.escape(Path(plan).name)}" if plan else "")
    return (
        f"<!DOCTYPE html><html lang='{'zh-CN' if lang == 'zh' else 'en'}'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(title)}</title><style>{_INDEX_CSS}</style></head><body><main>"
        f"<h1>{html.escape(title)}</h1><p class='meta'>{html.escape(tr('运行', 'Run', lang))} "
        f"{html.escape(str(manifest.get('run_id', '')))} · cxeval {html.escape(str(manifest.get('version', '')))}"
        f"{plan_note} · {html.escape(summary_line(manifest, lang=lang))}</p>"
        f"{overview}<p class='legend small'>{_legend(lang)}</p>"
        f"<div class='wrap'><table><thead><tr><th>{html.escape(tr('分公司', 'Branch', lang))}</th>{head}</tr>"
        f"</thead><tbody>{''.join(rows)}</tbody></table></div></main></body></html>"
    )


def write_index(run_dir: str | os.PathLike, *, lang: str | None = None) -> Path:
    """(Re)build ``index.html`` of a run from its manifest and the recorded numbers."""
    run_dir = Path(run_dir)
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    page = render_index(manifest, lang=lang or manifest.get("lang", "zh"))
    path = run_dir / "index.html"
    _atomic_write_text(path, page)
    return path
