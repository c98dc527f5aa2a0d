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
    assert proc.returncode == 0, proc.stderr
    row = json.loads(proc.stdout)
    assert row["units"] == 2 and row["encoding"] == "UCS-2"
