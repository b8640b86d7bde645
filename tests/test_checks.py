"""The shared argument checks: one wording per mistake, the caller's names in it."""

from __future__ import annotations

import doctest

import numpy as np
import pandas as pd
import pytest

from cxeval import checks
from cxeval.checks import (IN_FUNCTION, NOT_A_RESULT, as_columns, check_column_names, check_conf,
                           check_count, check_frame, check_how_many, check_lang, check_proportion,
                           check_share, require_columns)
from cxeval.errors import DataError

FRAME = pd.DataFrame({"hall": ["A"], "responses": [10]})


def test_check_frame_names_the_argument_and_what_it_must_be():
    check_frame(FRAME)
    with pytest.raises(TypeError, match=r"^tickets must be a pandas DataFrame, got list$"):
        check_frame([1], "tickets")
    with pytest.raises(TypeError, match=r"^scored must be the DataFrame Scorecard.score returns, got dict$"):
        check_frame({}, "scored", kind="the DataFrame Scorecard.score returns")


def test_require_columns_lists_the_missing_and_the_present_columns():
    require_columns(FRAME, ["hall"], "survey")
    with pytest.raises(DataError, match=r"^survey is missing column\(s\) branch, period; "
                                        r"columns are: hall, responses$"):
        require_columns(FRAME, ["branch", "hall", "period"], "survey")
    with pytest.raises(DataError, match=r"^rates: column\(s\) 'branch' not found; the data has "
                                        r"columns 'hall', 'responses'$"):
        require_columns(FRAME, ["branch"], "rates", message=IN_FUNCTION)
    with pytest.raises(DataError, match=r"^table must be a pareto_table result; missing columns: "
                                        r"count; columns are: hall, responses$"):
        require_columns(FRAME, ["count"], "table", message=NOT_A_RESULT, what="pareto_table")


def test_check_column_names_names_the_argument():
    check_column_names(FRAME, {"unit": "hall"})
    with pytest.raises(DataError, match=r"^unit='branch' is not a column of survey; columns are: "
                                        r"hall, responses$"):
        check_column_names(FRAME, {"unit": "branch"}, "survey")
    with pytest.raises(TypeError, match=r"unit must be a column name \(str\), got 3"):
        check_column_names(FRAME, {"unit": 3})


def test_as_columns():
    assert as_columns(None) == [] and as_columns("hall") == ["hall"]
    assert as_columns(("hall", "period")) == ["hall", "period"]
    with pytest.raises(TypeError, match=r"^rates: by must be a column name or a list of column "
                                        r"names, got 3$"):
        as_columns(3, "rates: ")


@pytest.mark.parametrize("check, args, error, match", [
    (check_conf, (95,), ValueError, r"^conf must be a confidence level between 0 and 1 \(e.g. 0.95\), got 95$"),
    (check_conf, ("0.95", "rates: "), TypeError, r"^rates: conf must be a confidence level"),
    (check_conf, (True,), TypeError, r"conf must be a confidence level"),
    (check_proportion, (95, "p0"), ValueError,
     r"^p0 must be a proportion strictly between 0 and 1 \(e.g. 0.95 for 95%\), got 95.0$"),
    (check_proportion, (1.5, "target"), ValueError, r"strictly between 0 and 1"),
    (check_proportion, ("x", "p0"), TypeError, r"^p0 must be a proportion between 0 and 1, got 'x'$"),
    (check_share, (0, "threshold"), ValueError,
     r"^threshold must be a share greater than 0 and at most 1 \(e.g. 0.8 for 80%\), got 0.0$"),
    (check_share, (None, "alpha"), TypeError, r"^alpha must be a number between 0 and 1, got None$"),
    (check_count, (1.5, "n"), ValueError, r"^n must be a whole number, got 1.5; counts must be whole"),
    (check_count, (0, "n"), None, None),
    (check_how_many, (0, "n"), ValueError, r"^n must be a whole number >= 1, got 0$"),
    (check_how_many, (True, "top"), ValueError, r"top must be a whole number >= 1"),
    (check_lang, ("fr",), ValueError, r"^lang must be 'zh' or 'en', got 'fr'$"),
])
def test_number_checks(check, args, error, match):
    if error is None:
        check(*args)
        return
    with pytest.raises(error, match=match):
        check(*args)


def test_number_checks_return_the_value():
    assert check_conf(np.float64(0.9)) == 0.9
    assert check_proportion(1, "target", open_interval=False) == 1.0
    assert check_count(np.int64(4), "n", positive=True) == 4
    assert check_how_many(np.int64(3), "n") == 3
    assert check_lang("en") == "en"


def test_check_count_rules():
    with pytest.raises(ValueError, match=r"^n must be a positive count, got 0$"):
        check_count(0, "n", positive=True)
    with pytest.raises(ValueError, match=r"^n must not be negative, got -1$"):
        check_count(-1, "n")
    with pytest.raises(ValueError, match=r"^n must be a whole number, got 2.5$"):
        check_count(2.5, "n", answers=False)


def test_docstring_examples_run():
    result = doctest.testmod(checks)
    assert result.attempted > 0 and result.failed == 0
