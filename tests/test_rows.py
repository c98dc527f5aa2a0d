"""The compiled row loop of campaign files (``_rows``) and its twin: CSV records exactly as
``csv.reader`` reads the same bytes line by line, with their physical lines; the numbers
seen; the columnar render and screen. Every test runs on both kernels."""

from __future__ import annotations

import csv
import io
import json
from array import array
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest
from conftest import compiled as compiled_kernel
from conftest import examples
from hypothesis import given, settings
from hypothesis import strategies as st

import cmcore
from cmcore import _campaign_lines, _rows_py

compiled = compiled_kernel("_rows")
KERNELS = [k for k in (compiled, _rows_py) if k is not None]
LIMIT = csv.field_size_limit()


def line_reader(data: bytes, delimiter: str, first_line: int = 1) -> tuple[list[tuple[int, Any]], int]:
    """What the line reader (``csv.reader`` over the lines split at ``\\n``) gives: (line,
    fields or "error") a record, blank records left out, and how many lines those spanned."""
    parts = data.split(b"\n")
    items = [p + b"\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
    state = {"n": first_line - 1}

    def lines() -> Any:
        for item in items:
            state["n"] += 1
            yield item.decode("utf-8", "replace")

    reader = csv.reader(lines(), delimiter=delimiter)
    out: list[tuple[int, Any]] = []
    skipped = 0
    while True:
        start = state["n"] + 1
        try:
            fields = next(reader)
        except StopIteration:
            return out, skipped
        except csv.Error:
            out.append((start, "error"))
            continue
        if not fields or (len(fields) == 1 and not fields[0].strip()):
            skipped += state["n"] - start + 1
            continue
        out.append((start, fields))


def fast_reader(kernel: ModuleType, data: bytes, delimiter: str, width: int, chunk: int, most: int = -1) -> Any:
    """The kernel fed ``chunk`` bytes at a time (and asked for at most ``most`` records a
    call, where 0 or more), its raw records read by the line reader; None where it stops for
    csv to read the rest."""
    out: list[tuple[int, Any]] = []
    skipped, line, buf, end, at = 0, 1, b"", 0, 0
    while True:
        piece = data[at:at + chunk]
        at += len(piece)
        final = at >= len(data)
        buf = buf[end:] + piece
        end = 0
        while True:
            end, line, blank, lines, columns, odd, stop = kernel.csv_records(buf, end, line, ord(delimiter), final,
                                                                           LIMIT, width, most)
            skipped += blank
            if stop:
                return None
            assert most < 0 or len(lines) <= most
            for i, first in enumerate(lines):
                if i in odd:
                    assert all(c[i] is None for c in columns)
                    found, more = line_reader(odd[i], delimiter, first)
                    assert len(found) <= 1, (odd[i], found)  # cut where csv cuts
                    out.extend(found)
                    skipped += more
                else:
                    out.append((first, [c[i] for c in columns]))
            if most < 0 or len(lines) < most:
                break
        if final:
            assert end == len(buf)
            return out, skipped


PIECES = [b"a", b"b", b",", b";", b'"', b'""', b"\n", b"\r", b"\r\n", b" ", b"\t", b"\xc3\xa9", b"\xe2\x82\xac",
          b"\xff", b"\xe2\x82", b"x", b"\x00"]


@pytest.mark.parametrize("kernel", KERNELS, ids=lambda k: k.__name__)
@settings(max_examples=examples(400))
@given(pieces=st.lists(st.sampled_from(PIECES), max_size=60), delimiter=st.sampled_from(",;\t|"),
       width=st.integers(1, 4), chunk=st.sampled_from([1, 2, 7, 4096]), most=st.sampled_from([-1, 0, 1, 3]))
def test_records_are_the_line_readers(kernel: ModuleType, pieces: list[bytes], delimiter: str, width: int,
                                      chunk: int, most: int) -> None:
    data = b"".join(pieces)
    if most == 0:  # no record read: where it started, on the line it started
        assert kernel.csv_records(data, 0, 1, ord(delimiter), True, LIMIT, width, 0)[:4] == (0, 1, 0, array("q"))
        return
    got = fast_reader(kernel, data, delimiter, width, chunk, most)
    if got is None:  # a NUL byte: csv reads the rest itself
        assert b"\x00" in data
        return
    assert got == line_reader(data, delimiter)  # records of another width come back raw: csv reads them alike


@pytest.mark.parametrize("kernel", KERNELS, ids=lambda k: k.__name__)
@pytest.mark.parametrize(("data", "lines", "fields", "odd", "skipped"), [
    (b"a,b\nc,d\n", [1, 2], [["a", "c"], ["b", "d"]], {}, 0),
    (b"a,b\r\nc,d", [1, 2], [["a", "c"], ["b", "d"]], {}, 0),
    (b'"a\nb",c\nd,e\n', [1, 3], [["a\nb", "d"], ["c", "e"]], {}, 0),  # a quoted newline: the next record's line
    (b'"a""b",\n', [1], [['a"b'], [""]], {}, 0),
    (b'a"b,c\n', [1], [['a"b'], ["c"]], {}, 0),  # a quote inside an unquoted field is kept
    (b"\n  \n\r\na,b\n", [4], [["a"], ["b"]], {}, 3),  # blank lines are skipped and counted
    (b'"x"y,z\n', [1], [[None], [None]], {0: b'"x"y,z\n'}, 0),  # text after a closing quote: csv's to read
    (b"a\rb,c\nd,e\n", [1, 2], [[None, "d"], [None, "e"]], {0: b"a\rb,c\n"}, 0),  # a lone CR: csv's error
    (b'a,"open\nend', [1], [[None], [None]], {0: b'a,"open\nend'}, 0),  # open at the end of the input
    (b"a\n", [1], [[None], [None]], {0: b"a\n"}, 0),  # another width
    (b"\xff,b\n", [1], [[None], [None]], {0: b"\xff,b\n"}, 0),  # not UTF-8
])
def test_record_vectors(kernel: ModuleType, data: bytes, lines: list[int], fields: list[list[Any]],
                        odd: dict[int, bytes], skipped: int) -> None:
    end, line, blank, got_lines, columns, got_odd, stop = kernel.csv_records(data, 0, 1, 44, True, LIMIT, 2)
    assert (got_lines, columns, got_odd, blank, stop, end) == (array("q", lines), fields, odd, skipped, False, len(data))
    assert line == data.count(b"\n") + 1


@pytest.mark.parametrize("kernel", KERNELS, ids=lambda k: k.__name__)
def test_repeated_and_unique_values_read_as_csv_reads_them(kernel: ModuleType) -> None:
    """The compiled reader keeps one str a short repeated value (a cache of 256 slots, which
    a column of unique values stops using): what it reads is still csv's, through evictions,
    quoted and non-ASCII values, and values past the cache's 24 bytes."""
    rows = []
    for i in range(3000):
        shop = ["Shop 24", "Café Noord", '"q,""x"""', "CM"][i % 4]
        long = "x" * 30 if i % 3 else "x" * 24
        rows.append(f"+31{i:09d},{shop},{i % 300},{long},{'é' * (i % 5)}\n")
    data = "".join(rows).encode()
    end, _, _, lines, columns, odd, stop = kernel.csv_records(data, 0, 1, 44, True, LIMIT, 5)
    expected = list(csv.reader(io.StringIO(data.decode(), newline="")))
    assert (end, odd, stop, len(lines)) == (len(data), {}, False, 3000)
    assert [list(r) for r in zip(*columns)] == expected
    if kernel is compiled:
        assert columns[1][0] is columns[1][4] and columns[1][2] is columns[1][3002 % 4 + 2996]
        assert columns[0][0] is not columns[0][1]


@pytest.mark.parametrize("kernel", KERNELS, ids=lambda k: k.__name__)
def test_a_record_past_the_buffer_waits_for_more(kernel: ModuleType) -> None:
    for data in (b"a,b\nc,", b'a,b\n"c\nd', b"a,b\nc", b'a,b\n"c"', b"a,b\nc,d\r"):
        end, line, _, lines, columns, odd, stop = kernel.csv_records(data, 0, 7, 44, False, LIMIT, 2)
        assert (end, line, lines, columns, odd, stop) == (4, 8, array("q", [7]), [["a"], ["b"]], {}, False), data


@pytest.mark.parametrize("kernel", KERNELS, ids=lambda k: k.__name__)
def test_nul_and_long_fields_stop_for_csv(kernel: ModuleType) -> None:
    assert kernel.csv_records(b"a,b\nc\x00,d\n", 0, 1, 44, True, LIMIT, 2)[::6] == (4, True)
    long = b"a," + b"\xc3\xa9" * 6 + b"\n"  # 12 bytes, 6 characters
    assert kernel.csv_records(long, 0, 1, 44, True, 6, 2)[-1] is False
    assert kernel.csv_records(long, 0, 1, 44, True, 5, 2)[::6] == (0, True)


@pytest.mark.parametrize("kernel", KERNELS, ids=lambda k: k.__name__)
def test_bad_arguments(kernel: ModuleType) -> None:
    with pytest.raises(ValueError, match="delimiter"):
        kernel.csv_records(b"a", 0, 1, 34, True, LIMIT, 1)
    with pytest.raises(ValueError, match="start"):
        kernel.csv_records(b"a", 5, 1, 44, True, LIMIT, 1)
    with pytest.raises(ValueError, match="width"):
        kernel.csv_records(b"a", 0, 1, 44, True, LIMIT, 0)


@pytest.mark.parametrize("kernel", KERNELS, ids=lambda k: k.__name__)
def test_seen_names_the_first_line(kernel: ModuleType) -> None:
    seen = kernel.Seen(8)
    numbers = [f"00{31600000000 + i * 7919}" for i in range(20_000)]
    assert seen.add_many(numbers, list(range(1, 20_001))) == [0] * 20_000  # grown past 8 slots
    assert seen.add(numbers[123], 99_999) == 124
    assert seen.add_many([numbers[0], "0049151"], [5, 6]) == [1, 0]
    assert (len(seen), seen.found) == (20_001, 2)
    for bad in ("", "00", "0031 6", "+3161", "٣١٢", "1" * 19):
        with pytest.raises(ValueError, match="gateway's form"):
            seen.add(bad, 1)
    with pytest.raises(TypeError):
        seen.add(316, 1)
    with pytest.raises(ValueError, match="line"):
        seen.add("0031612345678", 0)
    with pytest.raises(ValueError, match="power of two"):
        kernel.Seen(12)


CELLS = st.one_of(st.none(), st.text(alphabet="ab NLde\u00e9\U0001F600\ud800", max_size=4))


@settings(max_examples=examples(200))
@given(rows=st.lists(st.lists(CELLS, min_size=3, max_size=3), max_size=12), allow=st.booleans(),
       region_at=st.sampled_from([-1, 2]), literal=st.text(alphabet="Hi \u00e9\u0391\U0001F600", max_size=3))
def test_render_kernels_agree(rows: list[list[Any]], allow: bool, region_at: int, literal: str) -> None:
    """Any literal (its widest character worked out once) and any values: the text joined."""
    columns = [[r[k] for r in rows] for k in range(3)]
    pieces = (literal, 1, "{x}", 0)
    answers = [k.render([list(c) for c in columns], len(rows), pieces, (1,), allow, region_at, "NL",
                        frozenset({"NL", "DE"})) for k in KERNELS]
    assert all(a == answers[0] for a in answers)
    for i, text in zip(answers[0][0], answers[0][1]):
        assert text == f"{literal}{rows[i][1]}{{x}}{rows[i][0]}"


@pytest.mark.parametrize(("chunk", "batch"), [(1 << 18, 1000), (64, 1000), (64, 3), (7, 5), (1 << 18, 7)])
def test_the_campaign_reads_a_stream_as_it_reads_lines(chunk: int, batch: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """A binary file goes through the compiled reader; its verdicts are those of its lines,
    whatever bytes a read holds and however many records a batch: batches of records read
    by csv (raw ones) and by the reader joined across reads."""
    monkeypatch.setattr(_campaign_lines, "_CHUNK_BYTES", chunk)
    body = ['+31612345678,Ann,NL', '"+49 151 12345678","Bo\nb",DE', '', '0612345678,,NL', '12,Cy,NL',
            '"x"y,Dy,NL', '\xff'.encode("latin-1").decode("latin-1"), '+4915112345678,Ed,XX', 'a,b',
            '+31612345678,Fi,nl', '0612345679,Gus, nl ']
    data = ("phone,name,region\n" + "\n".join(body * 40) + "\n").encode("utf-8").replace(b"\xc3\xbf", b"\xff")
    options: dict[str, Any] = {"template": "Hi {name}", "sender": "CM", "batch_size": batch}
    by_stream = cmcore.scan_campaign(io.BytesIO(data), **options)
    assert by_stream._source._blocks is not None  # the compiled reader
    by_lines = cmcore.scan_campaign(io.BytesIO(data).readlines(), **options)
    assert by_lines._source._blocks is None
    sizes = [len(b) for b in by_stream.batches()]
    assert all(n <= batch for n in sizes) and sum(sizes) == by_stream.summary.rows == 400
    by_stream = cmcore.scan_campaign(io.BytesIO(data), **options)
    got, want = list(by_stream), list(by_lines)
    assert got == want
    assert by_stream.summary == by_lines.summary
    assert {v.status for v in got} == {cmcore.RowStatus.VALID, cmcore.RowStatus.WARNING, cmcore.RowStatus.INVALID}


def test_chunk_edges_and_a_stop_for_csv(monkeypatch: pytest.MonkeyPatch) -> None:
    """Records across the reader's chunks, and a NUL byte that hands the rest to csv."""
    monkeypatch.setattr(_campaign_lines, "_CHUNK_BYTES", 7)
    data = ('phone,name\n' + '"+31612345678","A\nnn"\n+31612345679,Bo\r\n' * 30 + '+31612345670,C\x00y\n'
            + '+31612345671,Di\n' * 5).encode()
    options: dict[str, Any] = {"template": "Hi {name}", "sender": "CM"}
    got = list(cmcore.scan_campaign(io.BytesIO(data), **options))
    want = list(cmcore.scan_campaign(io.BytesIO(data).readlines(), **options))
    assert got == want
    assert [v.line for v in got][:3] == [2, 4, 5]
    campaign = cmcore.scan_campaign(io.BytesIO(data), **options)
    assert sum(len(b) for b in campaign.batches()) == campaign.summary.rows == 66


@settings(max_examples=examples(200))
@given(rows=st.lists(st.tuples(st.sampled_from([0, 1, 2]), st.integers(1, 9) | st.sampled_from([255, 256, 300]),
                               st.integers(0, 2000), st.booleans(),
                               st.sampled_from([None, "NL", "DE"]),
                               st.sampled_from(["0031612345678", "0031612345679", "", "12a", "000"])), max_size=30))
def test_tally_and_add_valid_kernels_agree(rows: list[tuple[int, int, int, bool, str | None, str]]) -> None:
    from array import array
    status = bytearray(r[0] for r in rows)
    parts, units = array("q", [r[1] for r in rows]), array("q", [r[2] for r in rows])
    gsm7, regions, numbers = bytearray(r[3] for r in rows), [r[4] for r in rows], [r[5] for r in rows]
    answers = []
    for k in KERNELS:
        histogram: dict[int, int] = {7: 1}  # counts of an earlier batch go on
        encodings: dict[str, list[int]] = {"DE": [1, 0]}
        counted = k.tally(status, parts, units, gsm7, regions, histogram, encodings)
        firsts = k.Seen().add_valid(numbers, array("q", range(1, len(rows) + 1)), status)
        answers.append((counted, list(histogram.items()), list(encodings.items()), firsts))
    assert all(a == answers[0] for a in answers)  # the dicts' order too: the summary's JSON is the same bytes
    (good, total, top), items, pairs, firsts = answers[0]
    histogram, encodings = dict(items), dict(pairs)
    histogram[7] -= 1
    encodings["DE"][0] -= 1
    kept = [r for r in rows if r[0] != 2]
    assert (good, total, sum(histogram.values())) == (len(kept), sum(r[1] for r in kept), len(kept))
    assert sum(sum(pair) for pair in encodings.values()) == len(kept)
    assert top == (-1 if not kept else next(i for i, r in enumerate(rows) if r[0] != 2 and r[2] == max(
        x[2] for x in kept)))
    first_of: dict[str, int] = {}
    for i, r in enumerate(rows):
        if r[0] == 0 and r[5].isdigit() and int(r[5]):
            if r[5] in first_of:
                assert firsts[i] == first_of[r[5]]
            else:
                first_of[r[5]] = i + 1
                assert i not in firsts


def test_a_record_open_past_the_bound_goes_to_the_line_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    """An open quote would make the compiled reader read the growing record again each chunk:
    past ``_MAX_PENDING`` bytes the line reader takes the rest, with the same verdicts."""
    monkeypatch.setattr(_campaign_lines, "_CHUNK_BYTES", 16)
    monkeypatch.setattr(_campaign_lines, "_MAX_PENDING", 64)
    data = ('phone,name\n+31612345678,Ann\n+31612345679,"open\n' + "x" * 500 + "\n" * 5
            + '+31612345670,Di\n').encode()
    options: dict[str, Any] = {"template": "Hi {name}", "sender": "CM"}
    got = list(cmcore.scan_campaign(io.BytesIO(data), **options))
    assert got == list(cmcore.scan_campaign(io.BytesIO(data).readlines(), **options))
    assert [v.line for v in got] == [2, 3]


def _json_want(problems: dict[int, Any], lines: Any, records: Any, status: Any) -> str:
    return "".join(json.dumps({"line": lines[i], "record": records[i], "status": "invalid" if status[i] == 2 else "warning",
                               "problems": [{"code": p.code, "field": p.field, "message": p.message} for p in found]},
                              ensure_ascii=False) + "\n" for i, found in problems.items())


@pytest.mark.parametrize("kernel", KERNELS, ids=lambda k: k.__name__)
def test_json_lines_are_json_dumps_byte_for_byte(kernel: ModuleType) -> None:
    texts = ["plain", 'a "quoted" one', "back\\slash", "tab\there", "nl\nx", "\x7f", "café ✓", "\ud800", "", "'x'",
             "\x00\x1f", "😀 \u2028"]
    lines, records = array("q", [12, 14, 20]), array("q", [11, 12, 17])
    for status in (bytearray([1, 2, 0]), bytearray([2, 1, 1])):
        problems = {k: tuple(SimpleNamespace(code=300 + j, field=t, message=texts[-1 - j])
                             for j, t in enumerate(texts[k:k + 5])) for k in (2, 0)}  # in the dict's order
        assert kernel.json_lines(problems, lines, records, status) == _json_want(problems, lines, records, status)
    assert kernel.json_lines({}, lines, records, bytearray(3)) == ""
    with pytest.raises(IndexError):
        kernel.json_lines({3: ()}, lines, records, bytearray(3))
    with pytest.raises(ValueError):
        kernel.json_lines({}, lines, records, bytearray(2))


@pytest.mark.parametrize("kernel", KERNELS, ids=lambda k: k.__name__)
@settings(max_examples=examples(200))
@given(found=st.dictionaries(st.integers(0, 4), st.lists(st.tuples(st.integers(0, 999), st.text(), st.text()),
                                                         max_size=3), max_size=5),
       status=st.binary(min_size=5, max_size=5))
def test_json_lines_match_json_dumps(kernel: ModuleType, found: dict[int, list[tuple[int, str, str]]],
                                     status: bytes) -> None:
    problems = {i: tuple(SimpleNamespace(code=c, field=f, message=m) for c, f, m in these) for i, these in found.items()}
    lines, records = array("q", [2, 3, 5, 9, 10]), array("q", range(1, 6))
    assert kernel.json_lines(problems, lines, records, status) == _json_want(problems, lines, records, status)


@pytest.mark.parametrize("kernel", KERNELS, ids=lambda k: k.__name__)
def test_seen_big_tables_grow_and_keep_every_number(kernel: ModuleType) -> None:
    """Tables of 4 MiB and more are mapped on their own (huge pages asked for on Linux): made
    zeroed, grown and freed as the small ones are."""
    seen = kernel.Seen(1 << 18)  # 4 MiB of slots: a big table from the start
    numbers = [f"00316{n:08d}" for n in range(0, 400_000, 2)]
    assert seen.add_many(numbers, list(range(1, len(numbers) + 1))) == [0] * len(numbers)  # grows past 2/3
    assert len(seen) == len(numbers) and seen.found == 0
    again = numbers[::997]
    assert seen.add_many(again, [10**6] * len(again)) == [n * 997 + 1 for n in range(len(again))]
    assert seen.add("0031600000001", 7) == 0 and seen.found == len(again)
    del seen


@pytest.mark.parametrize("kernel", KERNELS, ids=lambda k: k.__name__)
def test_screen_refuses_rows_outside_the_batch(kernel: ModuleType) -> None:
    from cmcore._campaign_sum import VerdictBatch

    columns = [["+31612345678", "x"], ["Ann", "Bo"]]
    config = (0, -1, -1, "CM", 10, True, None, None, {}, {}, None, None, {}, {}, None, {})
    counts = (bytearray(1), array("q", [1]), array("q", [1]))
    for bad in (2, -1, 10**6):
        with pytest.raises(IndexError):
            kernel.screen(array("q", [bad]), ["t"], [None], columns, *counts, VerdictBatch(2), config)
    with pytest.raises(ValueError):  # a batch of another size than the fields
        kernel.screen(array("q", [0]), ["t"], [None], columns, *counts, VerdictBatch(3), config)


@settings(max_examples=examples(100))
@given(picks=st.lists(st.integers(0, 700), max_size=1500), copies=st.booleans())
def test_tally_counts_equal_regions_together_whatever_the_objects(picks: list[int], copies: bool) -> None:
    """tally() finds a region's slot by the object's address first: equal regions that are
    other objects (and more regions than that table holds) are still counted as one."""
    names = [None if k == 0 else f"R{k}" for k in range(701)]
    regions = [("".join(["R", str(k)]) if copies and k else names[k]) for k in picks]  # equal, not the same
    n = len(picks)
    want: dict[str, list[int]] = {}
    for k, region in zip(picks, regions):
        want.setdefault("unknown" if region is None else region, [0, 0])[k % 2] += 1
    for kernel in KERNELS:
        encodings: dict[str, list[int]] = {}
        kernel.tally(bytearray(n), array("q", [1] * n), array("q", [1] * n), bytearray(k % 2 for k in picks),
                     regions, {}, encodings)
        assert encodings == want
        assert list(encodings) == list(dict.fromkeys("unknown" if r is None else r for r in regions))


@pytest.mark.parametrize("kernel", KERNELS, ids=lambda k: k.__name__)
def test_numbered_takes_lists_of_ints_and_int64_arrays(kernel: ModuleType) -> None:
    assert kernel.numbered([3, 5, 9], 11) == (array("q", [3, 5, 9]), array("q", [11, 12, 13]))
    assert kernel.numbered(array("q", [4]), 1) == (array("q", [4]), array("q", [1]))
    assert kernel.numbered([], 1) == (array("q"), array("q"))

    class Sly(int):
        def __index__(self) -> int:
            raise AssertionError("no code of the caller's runs")

    for bad in ([1, Sly(2)], [1, "2"], [1.0], (1, 2), array("i", [1])):
        with pytest.raises(TypeError):
            kernel.numbered(bad, 1)  # type: ignore[arg-type]
    with pytest.raises(OverflowError):
        kernel.numbered([2 ** 63], 1)


NUMBER_CASES = ["+3161", "12-34-AB", "", "   ", "+999 1234", "+31 6 1234 5678 9012 3456", "0612345678", "+31612345678",
                "n/a", "+1 (555) 010-9999", "0031 20 123 4567", "+44 7700 900123 ", "+31 1", "+1234567890123456789"]


@pytest.mark.parametrize("kernel", KERNELS, ids=lambda k: k.__name__)
@pytest.mark.parametrize("region", [None, "NL", "GB"])
def test_judge_numbers_words_each_number_as_the_phone_verdict(kernel: ModuleType, region: str | None) -> None:
    """judge_numbers() takes the phone kernel's answer for each row (not asking it again) and
    writes what ``_phone.verdict`` says, with the problem a recipient gets from validate()."""
    from cmcore import _phone
    from cmcore._campaign import scan_campaign
    from cmcore._campaign_sum import VerdictBatch

    config = scan_campaign(io.BytesIO(b"phone\n"), template="x", sender="CM")._number_config
    n = len(NUMBER_CASES) + 2
    batch = VerdictBatch(n)
    batch.lines = array("q", range(10, 10 + n))
    rows = list(range(1, n - 1))  # rows 0 and n - 1 are not asked about: left alone
    batch.numbers = [None, *NUMBER_CASES, None]
    batch.regions = [region] * n
    plan = _phone._region_plan(region)
    answers = []
    for text in NUMBER_CASES:
        try:
            answers.append(_phone._numbers.fast(text.strip(), plan, _phone._COUNTRIES, _phone._CODES, _phone._country))
        except _phone._numbers.Undecided:
            answers.append(None)
    errors: dict[int, list[Any]] = {0: ["kept"]}
    kernel.judge_numbers(rows, answers, batch, errors, config)
    assert errors.pop(0) == ["kept"] and batch.numbers[0] is None and batch.numbers[-1] is None
    for i, raw in zip(rows, NUMBER_CASES):
        number, where, kind, _, reason = _phone.verdict(raw.strip(), region)
        assert (batch.numbers[i], batch.regions[i], batch.types[i]) == (number, where, kind if number else None), raw
        if number is not None:
            assert i not in errors
            continue
        (problem,) = errors[i]
        assert problem.location == f"line {10 + i}, column 'phone'" and problem.field == "phone"
        if not raw.strip():
            assert (problem.code, problem.message) == (302, f"recipient {raw!r} is empty or not text")
        else:
            assert (problem.code, problem.message) == (303, f"{raw!r} is not a valid phone number: {reason}")
    assert "+31612345678" in NUMBER_CASES and batch.numbers[1 + NUMBER_CASES.index("+31612345678")] == "0031612345678"
    with pytest.raises(ValueError):
        kernel.judge_numbers(rows, answers[:-1], batch, {}, config)
    with pytest.raises(IndexError):
        kernel.judge_numbers([n], [None], batch, {}, config)


@pytest.mark.parametrize("kernel", KERNELS, ids=lambda k: k.__name__)
def test_finish_problems_marks_rows_and_words_duplicates_in_row_order(kernel: ModuleType) -> None:
    from cmcore._campaign import duplicate_message
    from cmcore._campaign_sum import _PROBLEM_MAKER, problem

    bad = problem(code=303, field="phone", message="m", location="line 9")
    numbers = ["0031612345678", None, "0031612345678", "0031612345679", "0031612345678", "0031612345679"]
    lines = array("q", [4, 5, 7, 8, 9, 12])
    status = bytearray(6)
    seen = kernel.Seen()
    assert seen.add("0031612345679", 2) == 0  # seen in an earlier batch
    errors: dict[int, list[Any]] = {4: [bad, bad], 1: [bad]}
    got = kernel.finish_problems(errors, seen, status, numbers, lines, "phone", _PROBLEM_MAKER)
    assert list(got) == [1, 2, 3, 4, 5] and bytes(status) == bytes([0, 2, 1, 1, 2, 1])
    assert got[1] == (bad,) and got[4] == (bad, bad) and all(type(v) is tuple for v in got.values())
    for i, first in ((2, 4), (3, 2), (5, 2)):
        (dup,) = got[i]
        assert (dup.code, dup.field, dup.location) == (303, "phone", f"line {lines[i]}")
        assert dup.message == duplicate_message(numbers[i], first)
    with pytest.raises(IndexError):
        kernel.finish_problems({6: [bad]}, kernel.Seen(), bytearray(6), numbers, lines, "phone", _PROBLEM_MAKER)
    with pytest.raises(ValueError):
        kernel.finish_problems({}, kernel.Seen(), bytearray(5), numbers, lines, "phone", _PROBLEM_MAKER)
    by_code: dict[int, int] = {}
    by_problem: dict[int, int] = {}
    other = problem(code=302, field="phone", message="m", location="line 5")
    got[1] = (other, bad)
    assert kernel.count_problems(got, status, by_code, by_problem) == 3
    assert by_code == {302: 1, 303: 1} and by_problem == {302: 1, 303: 3}
    with pytest.raises(IndexError):
        kernel.count_problems({7: (bad,)}, status, {}, {})


@pytest.mark.parametrize("kernel", KERNELS, ids=lambda k: k.__name__)
def test_a_field_cache_carries_values_from_call_to_call(kernel: ModuleType) -> None:
    """The same records whether a ``FieldCache`` is given or not; with one, the compiled reader
    gives a value that comes back (two hot values of one cache set included) as the str it
    made before, in later calls too."""
    names = ["Zoë", "Ann", "Łukasz", "Ἀλέξανδρος", "Bob"] * 40
    data = "".join(f"+3161234{k:04d},{name},{k:06d}\n" for k, name in enumerate(names)).encode()
    cache = kernel.FieldCache()
    end, line, seen_ids, columns_all = 0, 1, [], []
    for _ in range(4):
        end, line, _, _, columns, _, _ = kernel.csv_records(data, end, line, 44, True, LIMIT, 3, 50, cache)
        columns_all.append(columns)
        seen_ids += [id(v) for v in columns[1]]
    plain = kernel.csv_records(data, 0, 1, 44, True, LIMIT, 3)[4]
    assert [sum((c[k] for c in columns_all), []) for k in range(3)] == plain
    if kernel is compiled:  # once the other columns' trial is over (64 misses each), no value is made again
        assert len(set(seen_ids[100:])) == len(set(names))
    with pytest.raises(TypeError):
        kernel.csv_records(data, 0, 1, 44, True, LIMIT, 3, -1, object())


@pytest.mark.parametrize("kernel", KERNELS, ids=lambda k: k.__name__)
def test_seen_reserve_makes_room_and_keeps_every_number(kernel: ModuleType) -> None:
    seen = kernel.Seen(8)
    numbers = [f"0031612{n:06d}" for n in range(5000)]
    assert seen.add_many(numbers[:100], list(range(1, 101))) == [0] * 100
    seen.reserve(5000)  # the table made once for all of them, the first hundred moved into it
    seen.reserve(10)  # never shrinks
    assert seen.add_many(numbers, list(range(1, 5001))) == list(range(1, 101)) + [0] * 4900
    assert len(seen) == 5000 and seen.found == 100
    for bad in (-1, (1 << 34) + 1):
        with pytest.raises(ValueError):
            seen.reserve(bad)


def test_bytes_left_is_known_for_a_regular_file_only(tmp_path: Any) -> None:
    from cmcore._campaign import _bytes_left

    path = tmp_path / "c.csv"
    path.write_bytes(b"phone\n" + b"+31612345678\n" * 10)
    with path.open("rb") as f:
        assert _bytes_left(f) == 136
        f.readline()
        assert _bytes_left(f) == 130
    assert _bytes_left(io.BytesIO(b"phone\n")) is None and _bytes_left(["phone"]) is None
    import os

    read, write = os.pipe()
    with os.fdopen(read, "rb") as pipe, os.fdopen(write, "wb"):
        assert _bytes_left(pipe) is None


@pytest.mark.parametrize("kernel", KERNELS, ids=lambda k: k.__name__)
def test_render_reads_cells_after_asking_the_regions(kernel: ModuleType) -> None:
    """A ``regions`` whose ``in`` changes the columns (no caller of ours does) makes render()
    raise IndexError on both kernels, never read a cell that is gone."""
    columns = [["Ann", "Bo", "Cy"], ["NL", "NL", "NL"]]

    class Shrinking:
        def __contains__(self, item: object) -> bool:
            for column in columns:
                column.clear()
            return True

    with pytest.raises(IndexError):
        kernel.render(columns, 3, ("Hi ", 0), (0,), False, 1, None, Shrinking())
    columns = [["Ann", "Bo"], ["NL", "XX"]]
    todo, texts, found = kernel.render(columns, 2, ("Hi ", 0), (0,), False, 1, None, {"NL"})
    assert list(todo) == [0] and texts == ["Hi Ann"] and found == ["NL"]
