"""Empty input templates (CSV and XLSX, both header languages): :func:`write_templates`."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import pandas as pd

from cxeval import schemas


_EXAMPLES = {
    "survey": {"period": "2008-01", "branch": "潮安", "hall": "庵埠", "segment": "全球通",
               "responses": 400, "satisfied": 372, "rate": 0.93},
    "tickets": {"ticket_id": "T201007010001", "customer_id": "13800138000", "branch": "贵阳",
                "opened_at": _dt.datetime(2010, 7, 1, 8, 5), "channel": "客服热线",
                "category": "计费账单", "network": ("服务支撑质量", "support"),
                "submitted_at": _dt.datetime(2010, 7, 1, 8, 9),
                "dispatched_at": _dt.datetime(2010, 7, 1, 8, 31),
                "replied_at": _dt.datetime(2010, 7, 1, 15, 20),
                "returned_at": _dt.datetime(2010, 7, 2, 9, 0),
                "closed_at": _dt.datetime(2010, 7, 2, 10, 0),
                "escalated": ("否", "N"), "first_contact_resolved": ("是", "Y"),
                "qualified": ("是", "Y"), "summary": "对6月账单中的流量费用有疑问"},
    "causes": {"bone": "人员", "cause": "引导员职责未落实", "subcause": "岗位职责未纳入考核",
               "count": 12},
    "scores": {"unit": "黔东南", "period": "2006-Q2", "item": "third_party", "value": 12.0},
    "subscribers": {"branch": "贵阳", "period": "2010-01", "subscribers": 1250000},
    "actions": {"branch": "潮安", "cause": "引导员职责未落实", "action": "制定引导员岗位职责并纳入月度考核",
                "owner": "营业部经理", "due": _dt.datetime(2008, 7, 31), "status": "进行中"},
    "pilots": {"branch": "潮安", "hall": "庵埠", "pilot_start": "2008-08", "rollout_start": "2008-09"},
    "charter": {"branch": "潮安", "project": "服营厅客户满意度提升", "goal": "8-12月服营厅满意度稳定在95%以上",
                "metric": "服营厅满意度", "target": 0.95, "scope": "潮安全部服营厅，试点庵埠厅",
                "start": _dt.datetime(2008, 6, 20), "end": _dt.datetime(2008, 12, 31)},
    "team": {"branch": "潮安", "project": "服营厅客户满意度提升", "name": "陈明", "role": "项目组长",
             "department": "潮安分公司", "duty": "统筹项目，审批方案"},
    "tasks": {"branch": "潮安", "project": "服营厅客户满意度提升", "wbs": "3.1", "task": "庵埠厅试点",
              "phase": "试点", "owner": "庵埠厅主任", "start": _dt.datetime(2008, 8, 1),
              "end": _dt.datetime(2008, 8, 31), "milestone": ("否", "N"), "key_point": ("是", "Y"),
              "risk": "客流高峰期人手不足", "status": "完成"},
}
#: Datetime columns that hold a day, not a moment (shown without a time in the templates).
_DATE_COLUMNS = ("due", "start", "end")

_TEMPLATE_TIME = _dt.datetime(2008, 1, 1)  # fixed, so regenerated workbooks differ only in content


def _example(kind: str, lang: str, excel: bool) -> dict:
    """The example row of a template, keyed by header in ``lang``."""
    row = {}
    for col in schemas.SCHEMAS[kind].columns:
        value = _EXAMPLES[kind][col.name]
        if isinstance(value, tuple):  # (Chinese, English) forms of a yes/no or network value
            value = value[0] if lang == "zh" else value[1]
        if not excel:  # Excel stores rates and times as numbers; a CSV shows them as text
            if col.type == "rate":
                value = f"{value:.1%}"
            elif isinstance(value, _dt.datetime):
                value = f"{value:%Y-%m-%d}" if col.name in _DATE_COLUMNS else f"{value:%Y-%m-%d %H:%M}"
        row[col.zh if lang == "zh" else col.name] = value
    return row


def write_templates(out_dir) -> list[Path]:
    """Write an empty input template for every kind, in both header languages.

    For each kind: ``<kind>_zh.csv`` and ``<kind>_en.csv`` (UTF-8 with BOM, so that Excel
    shows Chinese correctly) and ``<kind>.xlsx`` with sheets ``zh`` and ``en``; each has the
    header row and one example row that :func:`load` accepts. A ``README.md`` lists each
    kind's columns, whether they are required and the headers accepted.

    Parameters
    ----------
    out_dir : str or pathlib.Path
        Folder to write into (created if needed); existing templates are overwritten.

    Returns
    -------
    list of pathlib.Path
        The files written.

    Examples
    --------
    >>> write_templates("data/templates")   # doctest: +SKIP
    """
    import openpyxl
    from openpyxl.styles import Font

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, schema in schemas.SCHEMAS.items():
        book = openpyxl.Workbook()
        book.remove(book.active)
        for lang in ("zh", "en"):
            csv_row = _example(kind, lang, excel=False)
            path = out / f"{kind}_{lang}.csv"
            pd.DataFrame([csv_row]).to_csv(path, index=False, encoding="utf-8-sig")
            written.append(path)
            ws = book.create_sheet(lang)
            row = _example(kind, lang, excel=True)
            ws.append(list(row))
            ws.append(list(row.values()))
            for cell, col in zip(ws[2], schema.columns):
                if col.type == "datetime":
                    cell.number_format = "yyyy-mm-dd" if col.name in _DATE_COLUMNS else "yyyy-mm-dd hh:mm"
                elif col.type == "rate":
                    cell.number_format = "0.0%"
                elif col.type in ("id", "period"):
                    cell.number_format = "@"  # text, so Excel keeps 13800138000 and 2008-01
            for cell, col in zip(ws[1], schema.columns):
                cell.font = Font(bold=col.required)
                ws.column_dimensions[cell.column_letter].width = max(12, len(str(cell.value)) + 4)
        book.properties.creator = "cxeval"
        book.properties.created = _TEMPLATE_TIME
        path = out / f"{kind}.xlsx"
        book.save(path)
        written.append(path)
    readme = out / "README.md"
    readme.write_text(_templates_readme(), encoding="utf-8")
    written.append(readme)
    return written


def _templates_readme() -> str:
    lines = [
        "# Input templates 输入模板",
        "",
        "Generated by `cxeval.data.write_templates(\"data/templates\")` from `cxeval.schemas`;",
        "regenerate rather than edit. Each kind has `<kind>_zh.csv` (Chinese headers),",
        "`<kind>_en.csv` (English headers), both UTF-8 with BOM, and `<kind>.xlsx` with sheets",
        "`zh` and `en`. Keep the header row, replace the example row with your data, and check",
        "the file with `cxeval validate FILE --kind KIND`. Headers in bold (Excel) are required.",
        "Headers match case- and space-insensitively; extra columns are kept.",
        "",
    ]
    for kind, schema in schemas.SCHEMAS.items():
        lines += [f"## {kind}: {schema.zh} / {schema.en}", "",
                  "| column | 中文 | required | type | other accepted headers |",
                  "|---|---|---|---|---|"]
        for col in schema.columns:
            required = "yes" if col.required else "no"
            if col.required and col.nullable:
                required = "yes (cells may be blank)"
            aliases = ", ".join(col.aliases)
            lines.append(f"| {col.name} | {col.zh} | {required} | {col.type} | {aliases} |")
        if schema.one_of:
            lines += ["", f"At least one of {', '.join(schema.one_of)} is required: counts "
                          "`responses` + `satisfied`, `satisfied` as 0/1 with one row per "
                          "response, or `rate` (0.953, 95.3 or 95.3%) with optional `responses`."]
        if schema.unique:
            lines += ["", f"Each combination of {', '.join(schema.unique)} must appear only once."]
        lines.append("")
    return "\n".join(lines)
