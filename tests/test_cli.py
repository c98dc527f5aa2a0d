"""The command line: output for people and machines, stdin, exit codes."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile

import pytest

from cmcore._cli import main


def run(argv: list[str], capsys: pytest.CaptureFixture[str], stdin: str = "") -> tuple[int, str, str]:
    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        code = main(argv)
    finally:
        sys.stdin = old
    out, err = capsys.readouterr()
    return code, out, err


def test_count_json_lines(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["count", "--json", "hello", "\u20ac" * 81, "\u0436\U0001f600"], capsys)
    assert code == 0 and err == ""
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows == [
        {"text": "hello", "encoding": "GSM-7", "units": 5, "parts": 1},
        {"text": "\u20ac" * 81, "encoding": "GSM-7", "units": 162, "parts": 2},
        {"text": "\u0436\U0001f600", "encoding": "UCS-2", "units": 3, "parts": 1},
    ]


def test_count_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["count", "a" * 161], capsys)
    assert code == 0
    assert out.split() == ["GSM-7", "161", "septets", "2", "parts"]


def test_stdin_drops_one_trailing_newline(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["count", "--json", "-"], capsys, stdin="two\nlines\n")
    assert code == 0
    assert json.loads(out) == {"text": "two\nlines", "encoding": "GSM-7", "units": 9, "parts": 1}
    code, _, err = run(["count", "-", "-"], capsys)
    assert code == 2 and "once" in err


def test_max_parts_and_required_encoding_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["count", "--max-parts", "1", "short", "a" * 161], capsys)
    assert code == 1
    assert len(out.splitlines()) == 2
    assert "text 2: needs 2 parts, more than --max-parts 1" in err
    code, out, err = run(["count", "--encoding", "gsm7", "fine", "\u00e7a", "ok"], capsys)
    assert code == 1 and len(out.splitlines()) == 2 and "text 2" in err and "U+00E7" in err


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run([], capsys)[0] == 2
    assert run(["count"], capsys)[0] == 2
    assert run(["frobnicate", "x"], capsys)[0] == 2
    assert run(["count", "--max-parts", "0", "x"], capsys)[0] == 2
    assert run(["explain", "--width", "5", "x"], capsys)[0] == 2
    assert run(["--help"], capsys)[0] == 0


def test_smart_option(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["count", "--json", "--smart", "it\u2019s"], capsys)
    row = json.loads(out)
    assert (code, row["text"], row["encoding"]) == (0, "it's", "GSM-7")
    assert row["replacements"] == [{"index": 2, "original": "\u2019", "replacement": "'"}]


def test_explain_picture_marks_what_costs(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["explain", "Caf\u00e9 \u2014 5\u20ac \U0001f600"], capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("UCS-2 \u00b7 12 UTF-16 units \u00b7 1 part")
    row = next(i for i, line in enumerate(lines) if line.startswith("    \u2502"))
    text_row, mark_row = lines[row], lines[row + 1]
    assert text_row == "    \u2502Caf\u00e9 \u2014 5\u20ac \U0001f600\u2502"
    assert mark_row.index("^") == text_row.index("\u2014")
    assert mark_row.endswith("^\u00b2")
    assert any("U+2014" in line and "EM DASH" in line and "smart: '-'" in line for line in lines)


def test_explain_draws_every_part_and_invisible_characters(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["explain", "a" * 150 + "[]\n" + "b" * 10], capsys)
    assert code == 0
    assert "part 1/2 \u00b7 152/153 septets" in out
    assert "part 2/2 \u00b7 13/153 septets" in out
    assert "\u240a" in out  # the newline is drawn, not printed
    assert "\u00b2 2 character(s) cost 2 septets" in out


def test_explain_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["explain", "--json", "\u20ac\u00e7"], capsys)
    row = json.loads(out)
    assert code == 0
    assert row["segments"] == ["\u20ac\u00e7"]
    assert row["non_gsm7"][0]["codepoint"] == "U+00E7"
    assert row["double"] == []


def test_installed_script_runs_with_lone_surrogates() -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONIOENCODING"}
    proc = subprocess.run(
        [sys.executable, "-m", "cmcore", "count", "--json", "a\udcff"],
        capture_output=True, env=env, cwd=tempfile.gettempdir(), check=False,
    )
    # "a\udcff" reaches the child as the bytes b"a\xff": not UTF-8, so a usage error now.
    assert (proc.returncode, proc.stdout) == (2, b""), proc.stderr
    assert b"text 1: byte 0xFF at offset 1 is not valid utf-8" in proc.stderr
    # A lone surrogate the user asks for still prints, escaped, without a traceback.
    proc = subprocess.run(
        [sys.executable, "-m", "cmcore", "count", "--json", "--input-encoding", "unicode_escape",
         "a\\udcff"],
        capture_output=True, env=env, cwd=tempfile.gettempdir(), check=False,
    )
    assert proc.returncode == 0, proc.stderr
    row = json.loads(proc.stdout)
    assert row["units"] == 2 and row["encoding"] == "UCS-2"


def run_bytes(argv: list[str], capsys: pytest.CaptureFixture[str], stdin: bytes) -> tuple[int, str, str]:
    """Like run(), with a stdin that has a byte buffer, as the real one has."""
    old = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8", errors="surrogateescape")
    try:
        code = main(argv)
    finally:
        sys.stdin = old
    out, err = capsys.readouterr()
    return code, out, err


def cli(argv: list[str | bytes], stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    """Run ``python -m cmcore`` with byte arguments and byte stdin, as a shell would."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONIOENCODING"}
    return subprocess.run([sys.executable, "-m", "cmcore", *argv], input=stdin,
                          capture_output=True, env=env, cwd=tempfile.gettempdir(), check=False)


NOT_UTF8 = "is not valid utf-8; use --input-encoding"


def test_stdin_undecodable_byte_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_bytes(["explain", "-"], capsys, stdin=b"caf\xe9")
    assert (code, out) == (2, "")
    assert err == f"cmcore: stdin: byte 0xE9 at offset 3 {NOT_UTF8}\n"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX pipes and byte arguments")
def test_stdin_and_argv_bytes_through_a_real_process() -> None:
    proc = cli(["explain", "-"], stdin=b"caf\xe9")
    assert (proc.returncode, proc.stdout) == (2, b"")
    assert proc.stderr.decode() == f"cmcore: stdin: byte 0xE9 at offset 3 {NOT_UTF8}\n"
    proc = cli(["count", "--json", "ok", b"caf\xe9"])
    assert (proc.returncode, proc.stdout) == (2, b"")
    assert proc.stderr.decode() == f"cmcore: text 2: byte 0xE9 at offset 3 {NOT_UTF8}\n"
    proc = cli(["count", "--json", "--input-encoding", "latin-1", b"caf\xe9", "-"], stdin=b"caf\xe9\n")
    assert proc.returncode == 0, proc.stderr
    assert [json.loads(line)["text"] for line in proc.stdout.splitlines()] == ["caf\u00e9"] * 2


def test_argv_surrogate_escapes_are_bytes(capsys: pytest.CaptureFixture[str]) -> None:
    # Python turns an undecodable argv byte 0xE9 into U+DCE9; main() sees what sys.argv holds.
    code, out, err = run(["count", "--json", "fine", "caf\udce9", "x\udcff"], capsys)
    assert (code, out) == (2, "")
    assert err.splitlines() == [f"cmcore: text 2: byte 0xE9 at offset 3 {NOT_UTF8}",
                                f"cmcore: text 3: byte 0xFF at offset 1 {NOT_UTF8}"]
    code, out, _ = run(["count", "--json", "--input-encoding", "latin-1", "caf\udce9"], capsys)
    assert code == 0 and json.loads(out)["text"] == "caf\u00e9"


def test_argv_lone_surrogate_that_no_byte_gives(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["count", "a\ud800"], capsys)
    assert (code, out) == (2, "")
    assert "text 1: character U+D800 at index 1" in err


def test_input_encoding_latin_1_on_stdin(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_bytes(["count", "--json", "--input-encoding", "latin-1", "-"], capsys,
                               stdin=b"caf\xe9\n")
    assert (code, err) == (0, "")
    assert json.loads(out) == {"text": "caf\u00e9", "encoding": "GSM-7", "units": 4, "parts": 1}


def test_input_encoding_cp1252(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_bytes(["count", "--json", "--input-encoding", "cp1252", "-"], capsys,
                             stdin=b"\x80 5 \x93ok\x94")
    assert code == 0
    assert json.loads(out) == {"text": "\u20ac 5 \u201cok\u201d", "encoding": "UCS-2",
                               "units": 8, "parts": 1}
    # 0x81 is one of the five bytes cp1252 leaves undefined.
    code, out, err = run_bytes(["explain", "--input-encoding", "CP1252", "-"], capsys,
                               stdin=b"ab\x80\x81")
    assert (code, out) == (2, "")
    assert err == "cmcore: stdin: byte 0x81 at offset 3 is not valid cp1252; use --input-encoding\n"


@pytest.mark.parametrize("name", ["no-such-codec", "", "rot13", "hex", "utf\x00"])
def test_input_encoding_bad_name_is_usage_error(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["count", "--input-encoding", name, "x"], capsys)
    assert (code, out) == (2, "")
    assert "--input-encoding" in err


@pytest.mark.parametrize(
    ("data", "byte", "offset"),
    [
        ("\u20ac\u20acx\udcffy".encode("utf-8", "surrogateescape"), "FF", 7),  # after 3-byte chars
        ("\u00e9\U0001f600".encode() + b"\xe2\x82y", "E2", 6),  # a 3-byte sequence cut short
        ("\u0436".encode() + b"\x80" + "\u0436".encode(), "80", 2),  # a stray continuation byte
        (b"ok" + "\U0001f600".encode()[:3], "F0", 2),  # truncated at the end of input
    ],
)
def test_offsets_count_bytes_in_multibyte_text(
    data: bytes, byte: str, offset: int, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_bytes(["count", "-"], capsys, stdin=data)
    assert (code, out) == (2, "")
    assert err == f"cmcore: stdin: byte 0x{byte} at offset {offset} {NOT_UTF8}\n"
    code, out, err = run(["count", "ok", os.fsdecode(data)], capsys)
    assert (code, out) == (2, "")
    assert err == f"cmcore: text 2: byte 0x{byte} at offset {offset} {NOT_UTF8}\n"


def test_utf8_bom_on_stdin_is_dropped(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_bytes(["count", "--json", "-"], capsys, stdin=b"\xef\xbb\xbfhello\r\n")
    assert code == 0
    assert json.loads(out) == {"text": "hello", "encoding": "GSM-7", "units": 5, "parts": 1}
    # Only a leading BOM, only on stdin: one typed into an argument is the user's own.
    code, out, _ = run_bytes(["count", "--json", "-"], capsys, stdin=b"a\xef\xbb\xbf")
    assert json.loads(out)["text"] == "a\ufeff"
    code, out, _ = run(["count", "--json", "\ufeffhello"], capsys)
    assert json.loads(out)["encoding"] == "UCS-2"


def test_utf8_sig_offsets_count_the_signature(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_bytes(["count", "--input-encoding", "utf-8-sig", "-"], capsys,
                               stdin=b"\xef\xbb\xbfab\xff")
    assert (code, out) == (2, "")
    assert "byte 0xFF at offset 5 is not valid utf-8-sig" in err


def test_stdin_bytes_keep_the_newline_rule(capsys: pytest.CaptureFixture[str]) -> None:
    for data, text in [(b"two\nlines\n", "two\nlines"), (b"a\r\n", "a"), (b"a\n\n", "a\n"),
                       (b"a\r\nb", "a\r\nb"), (b"", "")]:
        code, out, _ = run_bytes(["count", "--json", "-"], capsys, stdin=data)
        assert code == 0 and json.loads(out)["text"] == text


def test_stdin_without_a_buffer(capsys: pytest.CaptureFixture[str]) -> None:
    # A byte stream given as stdin is decoded; a text stream (see run()) is taken as it is.
    old = sys.stdin
    sys.stdin = io.BytesIO(b"caf\xc3\xa9 \xff")
    try:
        code = main(["count", "-"])
    finally:
        sys.stdin = old
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err == f"cmcore: stdin: byte 0xFF at offset 6 {NOT_UTF8}\n"


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--version"], capsys)
    assert code == 0 and out.startswith("cmcore ") and out.split()[1][0].isdigit()


def test_count_takes_a_text_that_starts_with_a_dash(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["count", "--json", "-20%", "-5 \u20ac"], capsys)
    assert code == 0, err
    assert [json.loads(line)["text"] for line in out.splitlines()] == ["-20%", "-5 \u20ac"]
    assert run(["count", "--json", "--", "--x"], capsys)[1].count("--x") == 1
    assert run(["count", "--jsn", "x"], capsys)[0] == 2  # a mistyped option is still an error


def test_count_labels_each_line_of_several_texts(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(["count", "a", "b" * 161], capsys)
    assert [line.split(":")[0] for line in out.splitlines()] == ["text 1", "text 2"]
    assert "2 parts" in out.splitlines()[1]


def test_explain_groups_repeated_characters(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(["explain", "\U0001f600" * 40 + "\u2014"], capsys)
    grouped = [line for line in out.splitlines() if "GRINNING FACE" in line]
    assert len(grouped) == 2  # once as outside GSM-7, once as costing 2; not 80 lines
    assert "\u00d740 at 0, 1, 2" in grouped[0] and grouped[0].count(",") <= 9
    assert any("index 40" in line and "EM DASH" in line for line in out.splitlines())


def test_explain_follows_the_terminal_and_breaks_between_words(capsys: pytest.CaptureFixture[str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "46")
    text = "the quick brown fox jumps over the lazy dog " * 3
    _, out, _ = run(["explain", text.strip()], capsys)
    rows = [line[5:-1] for line in out.splitlines() if line.startswith("    \u2502")]
    assert len(rows) > 1 and all(len(r) <= 40 for r in rows)
    assert all(r.endswith(" ") for r in rows[:-1])  # no word cut in two
    assert "".join(rows) == text.strip()
    monkeypatch.setenv("COLUMNS", "200")
    _, out, _ = run(["explain", text.strip()], capsys)
    assert len([line for line in out.splitlines() if line.startswith("    \u2502")]) == 1


def test_smart_summary_and_forced_encoding_say_so(capsys: pytest.CaptureFixture[str]) -> None:
    text = "\u201cok\u201d " * 40
    _, out, _ = run(["count", "--smart", text], capsys)
    assert "smart: 3 parts (UCS-2) \u2192 2 with smart encoding (GSM-7)" in out
    _, out, _ = run(["explain", "--smart", text], capsys)
    assert "smart: 3 parts (UCS-2) \u2192 2 with smart encoding (GSM-7)" in out
    _, out, _ = run(["explain", "--encoding", "ucs2", "abc"], capsys)
    assert out.startswith("UCS-2 (forced by --encoding)")
    _, out, _ = run(["count", "--encoding", "ucs2", "abc"], capsys)
    assert "(forced)" in out
    _, out, _ = run(["explain", "abc"], capsys)
    assert "forced" not in out


