"""scan_frame and mark_duplicates: the campaign check over pandas frames, and the Dask recipe
on a two-process LocalCluster giving the verdicts a single-process scan_campaign gives."""

from __future__ import annotations

import functools
import io
import pickle
import random
from pathlib import Path
from typing import Any

import phonenumbers as pn
import pytest

import cmcore

pandas = pytest.importorskip("pandas")

OPTIONS: dict[str, Any] = {"template": "Hi {name}, your code is ready", "sender": "CM", "default_region": "NL"}
REGIONS = ["NL", "DE", "GB", "FR", "BE", "US", "IN", "BR", "JP", "ZA", "ES", "IT", "SE", "PL", "AU", "NG"]
NAMES = ["Ann", "Bob", "Zoë", "李雷", "😀 Cy", 'O"Brien, Jr', "NA", "null", "Åsa;Öberg", "", "  ", "x" * 170,
         "Ünal " * 20, "{name}", "tab\there"]


def _number(rng: random.Random, seen: list[tuple[str, str]]) -> tuple[str, str]:
    """A phone cell and a region cell: mostly valid numbers of many countries in the forms
    people write, some invalid, some repeated from earlier rows."""
    roll = rng.random()
    if seen and roll < 0.08:
        return rng.choice(seen)
    if roll < 0.16:
        return rng.choice(["12", "abc", "+999 1234567", "", "+31 6 12", "0031" + "9" * 14, "+44 (0) 7911 123456"]), ""
    region = rng.choice(REGIONS)
    example = pn.example_number_for_type(region, pn.PhoneNumberType.MOBILE) or pn.example_number(region)
    assert example is not None
    digits = str(example.national_number)
    digits = digits[:-3] + "".join(rng.choice("0123456789") for _ in range(3))
    number = pn.parse(f"+{example.country_code}{digits}")
    form = rng.random()
    if form < 0.3:
        cell, where = pn.format_number(number, pn.PhoneNumberFormat.E164), ""
    elif form < 0.55:
        cell, where = pn.format_number(number, pn.PhoneNumberFormat.INTERNATIONAL), rng.choice(["", region])
    elif form < 0.7:
        cell, where = "00" + pn.format_number(number, pn.PhoneNumberFormat.E164)[1:], ""
    elif form < 0.85:
        cell, where = pn.format_number(number, pn.PhoneNumberFormat.NATIONAL), region.lower()
    elif form < 0.97:
        cell, where = "06" + "".join(rng.choice("0123456789") for _ in range(8)), ""  # national, read as NL
    else:
        cell, where = pn.format_number(number, pn.PhoneNumberFormat.NATIONAL), "XX"
    seen.append((cell, where))
    return cell, where


def _campaign_csv(rows: int, seed: int) -> str:
    rng = random.Random(seed)
    seen: list[tuple[str, str]] = []
    out = io.StringIO()
    out.write("phone,name,region\r\n")
    for _ in range(rows):
        if rng.random() < 0.01:
            out.write("\r\n")  # a blank line: no verdict, but it is counted
        cell, where = _number(rng, seen)
        name = rng.choice(NAMES)
        if not (cell + name + where).strip():
            name = "Eve"  # a row of empty cells is a blank row to a frame (see the test below)
        quoted = ",".join('"' + v.replace('"', '""') + '"' if any(c in v for c in ',"') else v
                          for v in (cell, name, where))
        out.write(quoted + "\r\n")
    return out.getvalue()


def _expected(text: str) -> list[tuple[Any, ...]]:
    """The verdicts of the single-process scan, as the frame's columns."""
    out = []
    for v in cmcore.scan_campaign(io.StringIO(text, newline=""), **OPTIONS):
        out.append((v.line, v.status.value, ",".join(str(p.code) for p in v.problems),
                    "\n".join(p.message for p in v.problems), v.number, v.region,
                    None if v.type is None else v.type.value, None if v.encoding is None else v.encoding.value,
                    v.units, v.parts))
    return out


def _rows(frame: Any) -> list[tuple[Any, ...]]:
    assert list(frame.columns) == list(cmcore.FRAME_COLUMNS)
    return [tuple(None if not isinstance(c, str) and pandas.isna(c) else c for c in row)
            for row in frame.itertuples(index=False, name=None)]


def _read(text: str) -> Any:
    return pandas.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=False)


# -- pandas, one process -------------------------------------------------------------------

def test_scan_frame_is_scan_campaign_on_a_whole_file() -> None:
    text = _campaign_csv(800, seed=3)
    got = cmcore.scan_frame(_read(text), **OPTIONS)
    assert dict(got.dtypes.astype(str)) == dict(cmcore.FRAME_COLUMNS)
    expected = _expected(text)
    assert _rows(got) == expected
    statuses = {row[1] for row in expected}
    assert statuses == {"valid", "warning", "invalid"}


def test_line_column_and_first_line() -> None:
    frame = _read("phone,name\n+31612345678,Ann\n12,Bob\n")
    assert cmcore.scan_frame(frame, first_line=40, **OPTIONS)["line"].tolist() == [40, 41]
    lined = frame.assign(at=[7, 9])
    got = cmcore.scan_frame(lined, line_column="at", **OPTIONS)
    assert got["line"].tolist() == [7, 9]
    assert got["status"].tolist() == ["valid", "invalid"]
    with pytest.raises(ValueError, match="line_column"):
        cmcore.scan_frame(frame, line_column="at", **OPTIONS)
    with pytest.raises(cmcore.PayloadError):
        cmcore.scan_frame(frame.rename(columns={"phone": "who"}), **OPTIONS)


def test_missing_cells_are_empty() -> None:
    frame = pandas.DataFrame({"phone": ["+31612345678", None, pandas.NA], "name": [float("nan"), "Bo", "Cy"]})
    got = cmcore.scan_frame(frame, allow_empty=True, **OPTIONS)
    assert got["status"].tolist() == ["valid", "invalid", "invalid"]
    assert got["codes"].tolist() == ["", "302", "302"]
    assert got["messages"].tolist()[1:] == ["recipient '' is empty or not text"] * 2
    assert cmcore.scan_frame(frame, **OPTIONS)["codes"].tolist() == ["304", "302", "302"]


def test_a_quoted_newline_shifts_the_lines_after_it() -> None:
    # What the README says: lines are exact only when no field holds a newline.
    text = 'phone,name\n+31612345678,"Ann\nSmith"\n+31612345679,Bob\n'
    assert [v.line for v in cmcore.scan_campaign(io.StringIO(text, newline=""), **OPTIONS)] == [2, 4]
    assert cmcore.scan_frame(_read(text), **OPTIONS)["line"].tolist() == [2, 3]


def test_a_row_of_empty_cells_is_blank_to_a_frame() -> None:
    # What the README says: pandas reads ",," as it reads a blank line, and scan_frame skips
    # it (as scan_campaign skips an empty row of rows); scan_campaign on the file judges it.
    text = "phone,name\n,\n\n+31612345678,Bob\n"
    assert [(v.line, v.status.value) for v in cmcore.scan_campaign(io.StringIO(text, newline=""), **OPTIONS)] == [
        (2, "invalid"), (4, "valid")]
    assert cmcore.scan_frame(_read(text), **OPTIONS)[["line", "status"]].values.tolist() == [[4, "valid"]]


def test_mark_duplicates_names_the_files_first_line() -> None:
    frame = _read("phone,name\n+31612345678,Ann\n+31612345678,Bob\n12,Cy\n+44 7911 123456,Di\n")
    verdicts = cmcore.scan_frame(frame, first_line=50, **OPTIONS)
    assert verdicts["status"].tolist() == ["valid", "warning", "invalid", "valid"]
    assert verdicts["messages"][1] == "the number 0031612345678 is on line 50 too"
    marked = cmcore.mark_duplicates(verdicts, pandas.Series({"0031612345678": 3, "0044791112345": 60}))
    assert marked["status"].tolist() == ["warning", "warning", "invalid", "valid"]
    assert marked["codes"].tolist() == ["303", "303", "303", ""]
    assert marked["messages"][0] == "the number 0031612345678 is on line 3 too"
    assert verdicts["status"][0] == "valid"  # a new frame
    assert cmcore.mark_duplicates(verdicts, {}).equals(verdicts)


def test_the_function_pickles_by_reference() -> None:
    check = functools.partial(cmcore.scan_frame, first_line=2, **OPTIONS)
    again = pickle.loads(pickle.dumps(check))
    frame = _read("phone,name\n+31612345678,Ann\n")
    assert again(frame).equals(check(frame))
    assert pickle.loads(pickle.dumps(cmcore.mark_duplicates)) is cmcore.mark_duplicates


# -- Dask on two worker processes ------------------------------------------------------------

@pytest.fixture(scope="module")
def client() -> Any:
    pytest.importorskip("dask.dataframe")
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None,
                                  silence_logs=50) as cluster, distributed.Client(cluster) as c:
        yield c


def test_dask_recipe_gives_the_single_process_verdicts(client: Any, tmp_path: Path) -> None:
    import dask.dataframe as dd

    text = _campaign_csv(4000, seed=20240917)
    path = tmp_path / "campaign.csv"
    path.write_bytes(text.encode("utf-8"))
    warmed = client.run(cmcore.warm_up)  # optional: compile every country code's matcher up front
    assert len(warmed) == 2 and all(n > 200 for n in warmed.values())

    # The recipe: a running count for the lines, the check a partition, then the file's duplicates.
    frame = dd.read_csv(str(path), dtype=str, keep_default_na=False, skip_blank_lines=False, blocksize=40_000)
    assert frame.npartitions >= 4
    frame = frame.assign(_line=1)
    frame["_line"] = frame["_line"].cumsum() + 1  # the header is line 1
    check = functools.partial(cmcore.scan_frame, line_column="_line", **OPTIONS)
    verdicts = frame.map_partitions(check, meta=dict(cmcore.FRAME_COLUMNS)).persist()
    good = verdicts[verdicts["status"] != "invalid"]
    seen = good.groupby("number")["line"].agg(["min", "count"]).compute()
    firsts = seen.loc[seen["count"] > 1, "min"].to_dict()
    marked = verdicts.map_partitions(cmcore.mark_duplicates, firsts, meta=dict(cmcore.FRAME_COLUMNS))
    got, partitioned = _rows(marked.compute()), _rows(verdicts.compute())

    expected = _expected(text)
    assert len(expected) >= 4000
    assert got == expected
    # The file has what the test is about: every status, many regions, both encodings, long
    # texts, and duplicates across partitions, which only mark_duplicates finds.
    assert {row[1] for row in expected} == {"valid", "warning", "invalid"}
    assert len({row[5] for row in expected}) >= 10
    assert {row[7] for row in expected} >= {"GSM-7", "UCS-2"}
    assert max(row[9] for row in expected) >= 2
    assert {row[2] for row in expected} >= {"303", "304"}
    assert sum(p[1] != g[1] for p, g in zip(partitioned, got)) >= 5
