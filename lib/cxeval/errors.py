"""Exception types raised by cxeval.

Every error a user can cause is a :class:`CxevalError`, carrying a message that says
what was expected, what was found and where (file, row, column), so that a batch can
report it and move on to the next branch.
"""

from __future__ import annotations

__all__ = ["CxevalError", "DataError", "ConfigError", "BatchError", "NotApplicable"]


class CxevalError(Exception):
    """Base class of every error cxeval raises on purpose."""


class _ProblemsError(CxevalError):
    """An error with a summary line and the list of every problem found."""

    def __init__(self, message: str, problems: list[str] | None = None):
        self.problems = list(problems or [])
        text = message
        if self.problems:
            text = message + "\n" + "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(text)
        self.summary = message


class DataError(_ProblemsError):
    """Input data is missing, unreadable or fails validation.

    Parameters
    ----------
    message : str
        Summary line.
    problems : list of str, optional
        Every problem found, one line each ("survey.csv row 14, column ...").
    """


class ConfigError(_ProblemsError):
    """A configuration file (scorecard, SLA limits, categories) is invalid.

    Parameters
    ----------
    message : str
        Summary line.
    problems : list of str, optional
        Every problem found, each naming the file, item and field.
    """


class BatchError(CxevalError):
    """A batch run could not start (bad arguments, missing notebooks or data)."""


class NotApplicable(CxevalError):
    """A report does not apply to this branch: no pilot declared, no scorecard, no data.

    Not a failure and not a report: the batch records the job as ``n/a`` with the reason
    and the index shows it in grey without a link. The message holds the reason in
    Chinese on its first line and in English on its second.

    Parameters
    ----------
    zh, en : str
        The reason in each language ("贵阳没有声明试点营业厅。", "No pilot hall is declared for 贵阳.").
    """

    def __init__(self, zh: str, en: str | None = None):
        self.zh = zh
        self.en = en or zh
        super().__init__(f"{self.zh}\n{self.en}")
