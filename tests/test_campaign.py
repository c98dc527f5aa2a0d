"""Campaign files: reading, verdicts as validate() gives them, the summary, building, the CLI."""

from __future__ import annotations

import io
import json
import os
import random
import sys
from collections.abc import Iterator
from pathlib import Path

import orjson
import phonenumbers as pn
import pytest

import cmcore
from cmcore import Message, ProductToken, Request
from cmcore._campaign import build_bodies, scan_campaign
from cmcore._campaign_sum import Duplicates
from cmcore._cli import main

TOKEN = "6f3a1c2e-9b4d-4e8f-a1b2-c3d4e5f60718"


def scan(lines: list[str], **options: object) -> tuple[list[cmcore.RowVerdict], cmcore.CampaignSummary]:
    campaign = scan_campaign(lines, **options)  # type: ignore[arg-type]
    verdicts = list(campaign)
    assert campaign.complete
    return verdicts, campaign.summary


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_is_sniffed(delimiter: str) -> None:
    d = delimiter
    verdicts, summary = scan([f"Phone{d}Text{d}Sender\n", f'+31612345678{d}"Hello, you; there|x\t"{d}CM\n'])
    assert [v.status for v in verdicts] == [cmcore.RowStatus.VALID]
    assert verdicts[0].text == "Hello, you; there|x\t"
    assert summary.rows == summary.valid == 1


def test_quoted_newlines_bom_and_blank_lines_keep_physical_lines() -> None:
    lines = ["\ufeffmobile,message,from\n", "\n", '+31612345678,"two\n', 'lines",CM\n', "   \n",
             "+31612345679,three,CM\n"]
    verdicts, summary = scan(lines)
    assert [(v.line, v.record) for v in verdicts] == [(3, 1), (6, 2)]
    assert verdicts[0].text == "two\nlines"
    assert (summary.rows, summary.skipped, summary.lines) == (2, 2, 6)
    # several physical lines in one item count as several
    verdicts, _ = scan(["to,body,sender\n", '+31612345678,"a\nb\nc",CM\n', "+31612345679,x,CM\n"])
    assert [v.line for v in verdicts] == [2, 5]


def test_bytes_decode_strictly_and_a_bad_byte_is_a_row_error() -> None:
    lines = ["phone;text;sender\n".encode(), "+31612345678;caf\xe9 \u20ac;CM\n".encode("cp1252"),
             b"+31612345679;caf\xe9;CM\n"]
    verdicts, _ = scan(lines, encoding="cp1252")
    assert [v.text for v in verdicts] == ["caf\u00e9 \u20ac", "caf\u00e9"]
    verdicts, summary = scan([b"\xef\xbb\xbfphone;text;sender\n", b"+31612345678;ok;CM\n",
                              b"+31612345679;caf\xe9;CM\n"])
    assert verdicts[0].valid and verdicts[0].text == "ok"
    bad = verdicts[1]
    assert bad.status is cmcore.RowStatus.INVALID and bad.line == 3 and bad.text is None
    assert bad.problems[0].code == 202 and "0xE9" in bad.problems[0].message and "line 3" in bad.problems[0].message
    assert summary.invalid == 1


def test_json_lines() -> None:
    lines = ['{"Phone": "+31612345678", "text": "hi", "sender": "CM"}\n', "\n",
             '{"phone": "+31612345679", "text": "yo", "sender": "CM", "extra": 1}\n',
             '{"phone": 31612345670, "text": "x", "sender": "CM"}\n', "[1]\n", "{nope\n"]
    verdicts, summary = scan(lines)
    assert [v.status.value for v in verdicts] == ["valid", "valid", "invalid", "invalid", "invalid"]
    assert [v.line for v in verdicts] == [1, 3, 4, 5, 6]
    assert all(p.code == 202 for v in verdicts[2:] for p in v.problems)
    assert summary.skipped == 1 and summary.rows == 5


class Guarded:
    """Lines that fail the test if more than the header is read."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.read = 0

    def __iter__(self) -> Iterator[str]:
        for line in self.lines:
            self.read += 1
            if self.read > 1:
                raise AssertionError("a row was read before the file-level error")
            yield line


@pytest.mark.parametrize(("header", "options", "code"), [
    ("name,text,sender", {}, 302),
    ("phone,sender", {}, 304),
    ("phone,text", {}, 301),
    ("phone,name,sender", {"template": "Hi {nam}"}, 304),
    ("phone,name,sender", {"template": "Hi {name.upper}"}, 304),
    ("phone,name,sender", {"template": "Hi {name:>9}"}, 304),
    ("phone,name,sender", {"template": "Hi {name!r}"}, 304),
    ("phone,name,sender", {"template": "Hi {0[1]}"}, 304),
    ("phone,name,sender", {"template": "Hi } there"}, 304),
    ("tel,text,sender", {"columns": {"phone": "telephone"}}, 302),
])
def test_file_level_errors_come_before_any_row(header: str, options: dict[str, object], code: int) -> None:
    source = Guarded([header + "\n", "+31612345678,x,CM\n"])
    with pytest.raises(cmcore.PayloadError) as info:
        scan_campaign(source, **options)  # type: ignore[arg-type]
    assert info.value.code == code and info.value.location in ("header", "template")


def test_explicit_mapping_and_template() -> None:
    lines = ["Tel,Naam,Afzender,Code\n", "0612345678,Zo\u00eb,CM,12\n", "0612345679,,CM,13\n"]
    verdicts, _ = scan(lines, columns={"phone": "tel", "sender": "AFZENDER"}, template="Hi {naam}, {{code}} {Code}",
                       default_region="NL")
    assert verdicts[0].text == "Hi Zo\u00eb, {code} 12" and verdicts[0].number == "0031612345678"
    assert verdicts[1].problems[0].code == 304 and verdicts[1].problems[0].field == "Naam"
    verdicts, _ = scan(lines, columns={"phone": "tel", "sender": "afzender"}, template="Hi {naam}",
                       default_region="NL", allow_empty=True)
    assert [v.text for v in verdicts] == ["Hi Zo\u00eb", "Hi "] and all(v.valid for v in verdicts)
    with pytest.raises(ValueError, match="unknown role"):
        scan_campaign(lines, columns={"telefoon": "tel"})


def test_region_column_and_number_details() -> None:
    lines = ["phone,region,text,sender\n", "06 12345678,nl,hi,CM\n", "020 7946 0018,GB,hi,CM\n",
             "+1 202 555 0143,,hi,CM\n", "0612345678,XX,hi,CM\n"]
    verdicts, summary = scan(lines)
    assert [(v.number, v.region) for v in verdicts[:2]] == [("0031612345678", "NL"), ("00442079460018", "GB")]
    assert verdicts[0].type is cmcore.NumberType.MOBILE
    assert verdicts[3].problems[0].code == 303 and verdicts[3].problems[0].field == "region"
    assert set(summary.encodings) >= {"NL", "GB"}


def test_wrong_field_count_is_a_row_error() -> None:
    verdicts, summary = scan(["phone,text,sender\n", "+31612345678,a,b,c\n", "+31612345678\n",
                              "+31612345679,ok,CM\n"])
    assert [v.status.value for v in verdicts] == ["invalid", "invalid", "valid"]
    assert "4 fields, the header has 3" in verdicts[0].problems[0].message


def test_duplicates_are_warnings_naming_the_first_line() -> None:
    verdicts, summary = scan(["phone,text,sender\n", "+31612345678,a,CM\n", "+31 6 1234 5679,b,CM\n",
                              "0031612345678,c,CM\n", "06-12345679,d,CM\n"], default_region="NL")
    assert [v.status.value for v in verdicts] == ["valid", "valid", "warning", "warning"]
    assert "on line 2 too" in verdicts[2].problems[0].message
    assert "on line 3 too" in verdicts[3].problems[0].message
    assert (summary.valid, summary.warnings, summary.duplicates) == (4, 2, 2)


def test_duplicate_table_holds_many_numbers() -> None:
    table = Duplicates(size=8)
    keys = random.Random(5).sample(range(31_600_000_000, 31_700_000_000), 50_000)
    assert table.add_many(keys, list(range(1, 50_001))) == [0] * 50_000
    assert table.add_many(keys[::1000], [0] * 50) == list(range(1, 50_001))[::1000]
    assert table.add(keys[7], 9) == 8 and table.found == 51


def test_counts_add_up_on_a_malformed_file() -> None:
    lines = ["phone;text;sender;reference\n", "\n", "x;y\n",
             "+31612345678;ok;CM;r1\n", ";;;\n", "+31612345678;dup;CM;bad ref!\n", "\n", "+44 20 7946 0018;\u20ac;CM;\n",
             "+31612345670;" + "a" * 2000 + ";CM;r2\n", "a;b;c;d;e\n", "+31612345671;\ud83d\ude00;;r3\n",
             "+31612345672;x;toolongsender1;r4\n", '+31612345673;"unclosed;CM;r5\n', "+31612345674;x;CM;r6\n"]
    campaign = scan_campaign(lines, max_parts=8)
    verdicts = list(campaign)
    s = campaign.summary
    assert s.rows == len(verdicts) == s.valid + s.invalid
    assert [v.record for v in verdicts] == list(range(1, len(verdicts) + 1))
    assert sum(s.invalid_by_code.values()) == s.invalid
    assert sum(s.parts_histogram.values()) == s.valid
    assert sum(n for mix in s.encodings.values() for n in mix.values()) == s.valid
    assert s.parts == sum(v.parts for v in verdicts if v.valid)
    assert s.warnings == sum(v.status is cmcore.RowStatus.WARNING for v in verdicts)
    assert s.lines == len(lines)
    assert s.invalid >= 5 and s.valid >= 2
    assert verdicts[-1].line == len(lines) - 1 and not verdicts[-1].valid  # the quote ran to the end


def _rows(rng: random.Random, n: int) -> list[tuple[str, str, str, str]]:
    regions = sorted(pn.SUPPORTED_REGIONS)
    out = []
    for _ in range(n):
        region = rng.choice(regions)
        example = pn.example_number_for_type(region, rng.choice([pn.PhoneNumberType.MOBILE,
                                                                  pn.PhoneNumberType.FIXED_LINE]))
        number = ("+" + str(example.country_code) + pn.national_significant_number(example)) if example else "+999"
        number = rng.choice([number, number[:-2] + f"{rng.randrange(100):02d}", number[:6], number + "12", "",
                             "abc", number.replace("+", "00")])
        body = rng.choice(["Hi", "", "\u20ac" * 200, "x" * 161, "\U0001f600" * 40, "a" * 9000, "caf\u00e9 \ud800"])
        sender = rng.choice(["CM", "CM.com", "", "toolongsender!", "0031612345678", "x" * 17, "\u00e9t\u00e9"])
        ref = rng.choice(["", "r1", "bad ref", "x" * 33, "A_b_9"])
        out.append((number, body, sender, ref))
    return out


@pytest.mark.parametrize("max_parts", [None, 2])
def test_every_row_is_judged_as_validate_judges_it(max_parts: int | None) -> None:
    rows = _rows(random.Random(11), 600)
    source = [["phone", "text", "sender", "reference"], *[list(r) for r in rows]]
    verdicts = list(scan_campaign(source, format="rows", max_parts=max_parts, sender="CM", batch_size=97))
    assert len(verdicts) == len(rows)
    for (number, body, sender, ref), verdict in zip(rows, verdicts):
        msg = Message(sender=sender or "CM", recipients=(number,), body=body, reference=ref or None,
                      min_parts=None if max_parts is None else 1, max_parts=max_parts)
        try:
            checked = cmcore.validate(Request(product_token=TOKEN, messages=[msg]))
            expected: list[tuple[int, str]] = []
        except cmcore.PayloadError as exc:
            expected = [(e.code, e.message) for e in exc.errors]
        got = [(p.code, p.message) for p in verdict.problems if verdict.status is cmcore.RowStatus.INVALID]
        assert got == expected, (number, body, sender, ref)
        if not expected:
            assert verdict.number == checked.messages[0].recipients[0]
            assert verdict.parts == cmcore.analyze(body).parts


def test_cost_hook_and_building() -> None:
    lines = ["phone,text,sender\n"] + [f"+3161234{i:04d},hi {i},CM\n" for i in range(2100)] + ["bad,x,CM\n"]
    calls: list[tuple[str, str, int]] = []

    def price(number: str, channel: str, parts: int) -> float:
        calls.append((number, channel, parts))
        return 0.5 * parts

    campaign = scan_campaign(lines, cost=price, channels=["sms"])
    verdicts = list(campaign)
    assert campaign.summary.cost == 1050.0 and len(calls) == 2100 and calls[0][1] == "SMS"
    assert verdicts[0].cost == 0.5 and verdicts[-1].cost is None
    assert scan(lines[:3])[1].cost is None
    bodies = list(build_bodies((campaign.message(v) for v in verdicts if v.valid), product_token=TOKEN))
    sizes = [len(orjson.loads(b)["messages"]["msg"]) for b in bodies]
    assert sizes == [1000, 1000, 100]
    with pytest.raises(ValueError):
        campaign.message(verdicts[-1])


def test_a_campaign_is_read_once_and_batches_are_columns() -> None:
    campaign = scan_campaign(["phone,text,sender\n", "+31612345678,hi,CM\n", "x,hi,CM\n"])
    [batch] = list(campaign.batches())
    assert len(batch) == 2 and bytes(batch.status) == b"\x00\x02" and list(batch.problems) == [1]
    assert batch[0] == batch[:1][0] and batch[-1].status is cmcore.RowStatus.INVALID
    with pytest.raises(RuntimeError):
        list(campaign)


# -- the command line -------------------------------------------------------------------------

def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "c.csv").write_bytes(
        "phone;name\n+31612345678;Zo\u00eb\n+3161234;Bob\n\n0612345679;\"Eve\nX\"\n+31612345678;Ann\n".encode("cp1252"))
    (tmp_path / "ok.jsonl").write_text('{"phone": "+31612345678", "text": "hi", "sender": "CM"}\n')
    return tmp_path


def test_cli_json_contract(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["campaign", str(files / "c.csv"), "--encoding", "cp1252", "--template", "Hi {name}",
                          "--sender", "CM", "--region", "NL", "--json", "--no-progress"], capsys)
    assert code == 1, err
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows[0] == {"line": 3, "record": 2, "status": "invalid", "problems": [
        {"code": 303, "field": "phone", "message": "'+3161234' is not a valid phone number: not valid in its region"}]}
    assert rows[1]["line"] == 7 and rows[1]["status"] == "warning"
    summary = rows[-1]["summary"]
    assert {k: summary[k] for k in ("rows", "valid", "invalid", "warnings", "parts")} == {
        "rows": 4, "valid": 3, "invalid": 1, "warnings": 1, "parts": 3}
    assert len(rows) == 3


def test_cli_table_outputs_and_exit_codes(files: Path, capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    valid, invalid, build = files / "v.csv", files / "i.csv", files / "out"
    monkeypatch.setenv("CM_PRODUCT_TOKEN", TOKEN)
    code, out, err = run(["campaign", str(files / "c.csv"), "--encoding", "cp1252", "--template", "Hi {name}",
                          "--sender", "CM", "--region", "NL", "--valid-out", str(valid), "--invalid-out", str(invalid),
                          "--build-out", str(build)], capsys)
    assert code == 1 and TOKEN not in out + err
    assert out.split()[:2] == ["rows", "4"] and "line 3: 303 phone:" in out
    assert valid.read_text(encoding="cp1252").splitlines()[:2] == ["phone;name", "+31612345678;Zo\u00eb"]
    assert invalid.read_text(encoding="cp1252").splitlines()[1].startswith("+3161234;Bob;303 phone:")
    [body] = sorted(build.iterdir())
    assert len(orjson.loads(body.read_bytes())["messages"]["msg"]) == 3
    assert run(["campaign", str(files / "ok.jsonl"), "--no-progress"], capsys)[0] == 0
    assert run(["campaign", str(files / "missing.csv")], capsys)[0] == 2
    code, _, err = run(["campaign", str(files / "ok.jsonl"), "--template", "{nope}"], capsys)
    assert code == 2 and "names no column" in err
    monkeypatch.delenv("CM_PRODUCT_TOKEN")
    code, _, err = run(["campaign", str(files / "ok.jsonl"), "--build-out", str(build)], capsys)
    assert code == 2 and "CM_PRODUCT_TOKEN" in err


def test_cli_xlsx(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    for row in (["Phone", "Text", "Sender"], [31612345678, "hi", "CM"], ["+31612345679", "yo", "CM"],
                [None, None, None], ["bad", "x", "CM"]):
        sheet.append(row)
    book.save(files / "c.xlsx")
    code, out, _ = run(["campaign", str(files / "c.xlsx"), "--json", "--region", "NL"], capsys)
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 1 and [r.get("line") for r in rows[:-1]] == [5]
    assert rows[-1]["summary"]["valid"] == 2 and rows[-1]["summary"]["skipped"] == 1


def test_cli_progress_only_on_a_tty(files: Path, capsys: pytest.CaptureFixture[str],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("tqdm")

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty = Tty()
    monkeypatch.setattr(sys, "stderr", tty)
    assert main(["campaign", str(files / "ok.jsonl")]) == 0
    assert tty.getvalue()  # the bar was drawn
    tty2 = Tty()
    monkeypatch.setattr(sys, "stderr", tty2)
    assert main(["campaign", str(files / "ok.jsonl"), "--no-progress"]) == 0
    assert tty2.getvalue() == ""
    capsys.readouterr()


def test_public_names() -> None:
    for name in ("scan_campaign", "Campaign", "RowVerdict", "RowStatus", "VerdictBatch", "CampaignSummary",
                 "CampaignProblem", "build_bodies"):
        assert name in cmcore.__all__ and hasattr(cmcore, name), name
    assert os.environ.get("CMCORE_NO_EXTENSIONS", "") in ("", "0") or cmcore.KERNEL == "python"


def test_a_binary_file_comes_in_batches_of_batch_size() -> None:
    """The compiled reader reads a batch of records a call: every batch is ``batch_size``
    records but the last, whatever the bytes a read holds, and the lines run on."""
    rows = "".join(f"+316123{n:05d},hello {n}\n" for n in range(12000))  # more than one read (256 KiB)
    data = ("phone,text\n" + rows + "\n\n").encode()
    assert len(data) > 1 << 18
    for size in (1000, 7, 12000, 50000):
        campaign = scan_campaign(io.BytesIO(data), sender="CM", batch_size=size)
        batches = list(campaign.batches())
        assert [len(b) for b in batches[:-1]] == [size] * (len(batches) - 1) and 0 < len(batches[-1]) <= size
        lines = [line for b in batches for line in b.lines]
        assert lines == list(range(2, 12002))
        assert campaign.summary.rows == 12000 and campaign.summary.skipped == 2 and campaign.summary.valid == 12000
