"""Reading part of a large file (cxeval.data.large) gives what loading the whole file gives.

Every test checks a file in chunks of a few hundred rows, so that rows, problems, total
rows and repeated ids fall in different chunks, and compares each read with the full-file
path (cxeval.data.load) on the same file: the same rows and attributes, or the same
DataError with the same problems in the same order.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cxeval import data, sample
from cxeval.data import large
from cxeval.errors import DataError

KIND = "tickets"


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch):
    monkeypatch.setattr(large, "CHUNK_ROWS", 700)


@pytest.fixture(scope="module")
def tickets():
    return sample.tickets(seed=3, scale=0.05)


def as_text(df: pd.DataFrame) -> pd.DataFrame:
    """Every cell as an export writes it: dates as text, yes/no as 是/否, Chinese headers."""
    out = pd.DataFrame(index=df.index)
    for column in df.columns:
        values = df[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            values = values.dt.strftime("%Y-%m-%d %H:%M:%S")
        elif pd.api.types.is_bool_dtype(values):
            values = values.map({True: "是", False: "否"})
        out[column] = values.astype("str").where(values.notna(), None)
    return out.rename(columns={"ticket_id": "工单号", "customer_id": "客户号码", "branch": "分公司",
                               "opened_at": "受理时间", "category": "投诉子项"})


def hostile(df: pd.DataFrame) -> pd.DataFrame:
    """Problems of every kind, spread over the chunks, all in two branches' rows."""
    df = as_text(df).reset_index(drop=True)
    bad = df.index[df["分公司"] == "毕节"]
    df.loc[bad[5:80], "受理时间"] = "2010-13-45 08:00"       # 75 bad dates: 50 listed, 25 counted
    df.loc[bad[100], "escalated"] = "maybe"
    df.loc[bad[150:153], "network"] = "wifi"
    df.loc[bad[200], "工单号"] = None                          # a blank id
    other = df.index[df["分公司"] == "遵义"]
    df.loc[other[10], "qualified"] = "2"
    df.loc[other[250:252], "投诉子项"] = "合计"               # total rows, left out
    df["分公司"] = df["分公司"].where(df.index % 7 != 0, " " + df["分公司"] + " ")  # spaces around names
    blank = pd.DataFrame({c: [None] * 3 for c in df.columns})
    df = pd.concat([df.iloc[:900], blank, df.iloc[900:]], ignore_index=True)   # blank rows
    df["Unnamed: 20"] = None                                   # an empty unnamed column
    return df


def full_path(path, branch=None):
    """What data.load gives for a report on ``branch``: (table, None) or (None, error)."""
    try:
        return data.load(path, KIND, branch=branch), None
    except DataError as error:
        return None, error


def assert_same_rows(part, whole, branch):
    expected = whole[(whole["branch"] == branch).to_numpy()].reset_index(drop=True)
    pd.testing.assert_frame_equal(part, expected)
    assert part.attrs == whole.attrs


def assert_same_error(excinfo, error):
    assert excinfo.value.summary == error.summary
    assert excinfo.value.problems == error.problems


def compare_every_read(folder, path, branches):
    whole_table, whole_error = full_path(path)
    for branch in branches:
        table, error = full_path(path, branch)
        if error is not None:
            with pytest.raises(DataError) as excinfo:
                data.load_input(folder, "tickets", KIND, branch=branch, rows="branch")
            assert_same_error(excinfo, error)
            with pytest.raises(DataError) as excinfo:
                data.load_input(folder, "tickets", KIND, branch=branch, columns=["opened_at"])
            assert_same_error(excinfo, error)
            continue
        part = data.load_input(folder, "tickets", KIND, branch=branch, rows="branch")
        assert_same_rows(part, table, branch)
        columns = data.load_input(folder, "tickets", KIND, branch=branch,
                                  columns=["opened_at", "escalated", "branch"])
        pd.testing.assert_frame_equal(columns, table[["opened_at", "escalated", "branch"]])
        assert columns.attrs == table.attrs
    if whole_error is not None:
        with pytest.raises(DataError) as excinfo:
            data.load_input(folder, "tickets", KIND, columns=["opened_at"])
        assert_same_error(excinfo, whole_error)
    else:
        pd.testing.assert_frame_equal(data.load_input(folder, "tickets", KIND, columns=["opened_at"]),
                                      whole_table[["opened_at"]])


def old_find_branches(folder, monkeypatch):
    with monkeypatch.context() as m:
        m.setattr(data.inputs, "_read_in_part", lambda path, kind: False)
        return data.find_branches(folder)


BRANCHES = ["潮安", "毕节", "遵义", "贵阳", "北京"]   # 北京: no rows at all


def test_valid_parquet_reads_equal_the_full_path(tmp_path, tickets, monkeypatch):
    path = tmp_path / "tickets.parquet"
    tickets.to_parquet(path)
    compare_every_read(tmp_path, path, BRANCHES)
    check = large.check_file(path, KIND)
    assert check.count == 0 and len(check.partitions) == 12 and check.rows == len(tickets)
    assert data.find_branches(tmp_path) == old_find_branches(tmp_path, monkeypatch)
    assert len(data.load_input(tmp_path, "tickets", KIND, branch="北京", rows="branch")) == 0


def test_problems_in_other_branches_rows_are_reported_as_the_full_path_does(tmp_path, tickets, monkeypatch):
    path = tmp_path / "tickets.parquet"
    hostile(tickets).to_parquet(path)
    _, error = full_path(path)
    assert error is not None and len(error.problems) > 50
    assert any("... and 25 more rows with the same problem" in p for p in error.problems)
    compare_every_read(tmp_path, path, BRANCHES)
    chaoan = data.load_input(tmp_path, "tickets", KIND, branch="潮安", rows="branch")
    assert chaoan.attrs["excluded_rows"] == error.bad_rows.sum() and len(chaoan.attrs["total_rows"]) == 2
    assert data.find_branches(tmp_path) == old_find_branches(tmp_path, monkeypatch)


def test_repeated_ids_and_missing_columns_stop_every_branch(tmp_path, tickets, monkeypatch):
    df = as_text(tickets).reset_index(drop=True)
    df.loc[[3, 1400, 2900], "工单号"] = df.loc[3, "工单号"]            # one id three times, three chunks
    df.loc[[10, 2000], "工单号"] = df.loc[10, "工单号"]
    path = tmp_path / "tickets.parquet"
    df.to_parquet(path)
    _, error = full_path(path)
    assert "appears 3 times" in " ".join(error.problems)
    compare_every_read(tmp_path, path, ["潮安", "毕节"])
    assert data.find_branches(tmp_path) == old_find_branches(tmp_path, monkeypatch)
    df.drop(columns=["受理时间"]).to_parquet(path)
    compare_every_read(tmp_path, path, ["潮安"])


def test_imported_csv_reads_equal_the_full_path(tmp_path, tickets, monkeypatch):
    df = hostile(tickets)
    assert len(df[df["分公司"].str.strip() == "毕节"]) > 200
    path = tmp_path / "tickets.csv"
    text = df.to_csv(index=False, lineterminator="\n")
    lines = text.split("\n")
    lines.insert(1500, "")                                     # an empty line keeps row numbers
    path.write_bytes(("2010年投诉工单\n" + "\n".join(lines)).encode("gb18030"))   # a title row, GBK
    check = large.import_file(path, KIND)
    assert check.store is not None and large.checked(path, KIND) is not None
    compare_every_read(tmp_path, path, BRANCHES)
    assert data.find_branches(tmp_path) == old_find_branches(tmp_path, monkeypatch)


def test_check_is_made_once_per_version_of_the_file(tmp_path, tickets, monkeypatch):
    monkeypatch.setenv("CXEVAL_CACHE_DIR", str(tmp_path / "cache"))
    path = tmp_path / "tickets.parquet"
    tickets.to_parquet(path)
    made = []
    original = large._make_check
    monkeypatch.setattr(large, "_make_check", lambda *a: made.append(a) or original(*a))
    for branch in ("潮安", "毕节", "遵义"):
        data.load_input(tmp_path, "tickets", KIND, branch=branch, rows="branch")
    assert len(made) == 1
    changed = tickets.assign(qualified=~tickets["qualified"])
    changed.to_parquet(path)
    part = data.load_input(tmp_path, "tickets", KIND, branch="潮安", rows="branch")
    assert len(made) == 2
    assert part["qualified"].tolist() == changed.loc[changed["branch"] == "潮安", "qualified"].tolist()


def test_small_csv_and_other_kinds_load_whole(tmp_path):
    (tmp_path / "hall_survey.csv").write_text("月份,分公司,样本量,满意数\n2008-01,潮安,400,372\n"
                                              "2008-01,饶平,300,280\n", encoding="utf-8")
    part = data.load_input(tmp_path, "hall_survey", "survey", branch="潮安", rows="branch")
    assert part["responses"].tolist() == [400] and not large.row_local("survey")
    assert large.checked(tmp_path / "hall_survey.csv", "survey") is None
    with pytest.raises(ValueError, match="rows must be 'all' or 'branch'"):
        data.load_input(tmp_path, "hall_survey", "survey", rows="some")
    with pytest.raises(ValueError, match="import takes tickets, pilots and actions"):
        large.import_file(tmp_path / "hall_survey.csv", "survey")


def test_chunked_check_keeps_memory_bounded_on_a_long_file(tmp_path, tickets, monkeypatch):
    # The store holds one file per branch and the check reads the source chunk by chunk:
    # no read of a branch touches another branch's rows.
    path = tmp_path / "tickets.parquet"
    pd.concat([tickets] * 3, ignore_index=True).assign(
        ticket_id=lambda d: [f"T{i:08d}" for i in range(len(d))]).to_parquet(path)
    check = large.check_file(path, KIND)
    sizes = {b: len(data.load_input(tmp_path, "tickets", KIND, branch=b, rows="branch"))
             for b in check.partitions}
    assert sum(sizes.values()) == 3 * len(tickets)
    assert np.all(np.array(list(sizes.values())) < len(tickets))


def test_cxeval_import_checks_once_and_lists_problems(tmp_path, tickets, capsys):
    from cxeval import cli

    good = tmp_path / "good" / "tickets.csv"
    good.parent.mkdir()
    as_text(tickets).to_csv(good, index=False)
    assert cli.main(["import", str(good)]) == 0
    out = capsys.readouterr().out
    assert "OK · 4,044 rows, 12 branches" in out
    assert large.checked(good, KIND).store is not None
    # a small CSV once imported is read through its check
    pd.testing.assert_frame_equal(data.load_input(good.parent, "tickets", KIND, branch="潮安", rows="branch"),
                                  data.load(good, KIND).query("branch == '潮安'").reset_index(drop=True))
    bad = tmp_path / "bad" / "tickets.csv"
    bad.parent.mkdir()
    hostile(tickets).to_csv(bad, index=False)
    assert cli.main(["import", str(bad)]) == 2
    err = capsys.readouterr().err
    _, error = full_path(bad)
    assert err.splitlines()[0] == f"{bad}: {error.summary}"
    assert [line[4:] for line in err.splitlines()[1:len(error.problems) + 1]] == error.problems
    assert "毕节" in err.splitlines()[-1] and "遵义" in err.splitlines()[-1]


def test_imported_workbook_reads_equal_the_full_path(tmp_path, tickets):
    path = tmp_path / "tickets.xlsx"
    hostile(tickets.iloc[:2000]).to_excel(path, index=False)
    large.import_file(path, KIND)
    compare_every_read(tmp_path, path, ["潮安", "毕节", "遵义"])


def test_cache_folder_falls_back_when_home_cannot_be_written(tmp_path, monkeypatch):
    """A service account with a read-only home still gets its reports; a set but unusable
    CXEVAL_CACHE_DIR is said so."""
    import os
    import stat
    import tempfile

    if os.geteuid() == 0:   # root writes through file modes: a file in the way stands in for them
        home = tmp_path / "home"
        home.write_text("not a folder")
    else:
        home = tmp_path / "home"
        home.mkdir()
        home.chmod(stat.S_IRUSR | stat.S_IXUSR)
    monkeypatch.delenv("CXEVAL_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    assert large.cache_dir() == tmp_path / "tmp" / f"cxeval-cache-{os.getuid()}"
    path = tmp_path / "tickets.parquet"
    pd.DataFrame({"x": [1]}).to_parquet(path)
    assert len(large.file_hash(path)) == 64                  # and the cache is used there
    monkeypatch.setenv("CXEVAL_CACHE_DIR", str(home / "cache"))
    with pytest.raises(DataError, match=r"CXEVAL_CACHE_DIR=.*cannot create the folder"):
        large.cache_dir()
