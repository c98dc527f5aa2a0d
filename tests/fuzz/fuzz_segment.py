"""Fuzz the segmentation kernel with atheris: any str, non-str values and huge texts.

Every input goes to the compiled kernel and the pure-Python twin; their answers (or the type
of error they raise) must agree, and split() must give back the text; so must the septet
kernel's ``parts``/``parts_many`` (sms_parts' common case) and its twin's. Texts of 10 to 50
million characters are checked once first (``--skip-slow`` leaves them out). Run it by hand
or from CI, it is not collected by pytest:

    pip install atheris
    python tests/fuzz/fuzz_segment.py -runs=1000000 -rss_limit_mb=8192 -max_len=4096 [CORPUS_DIR]

A crash, a disagreement or a memory error stops the run with the input that caused it.
"""

from __future__ import annotations

import sys

import _common as c
import atheris

# Not instrumented: the compiled kernel has no coverage hooks, and hooks on the twin only slow
# the run; random byte strings of any length (``_common.random_bytes``) and libFuzzer's
# mutations of them do the exploring.
import cmcore
from cmcore import _segment, _segment_py, _septets, _septets_py, _sms
from cmcore._smpp import SmsPart

LIMITS = cmcore.DEFAULT_LIMITS._args()
NON_STR: list[object] = [None, b"bytes", bytearray(b"x"), 3, 2.5, ["a"], ("a",), {"a": 1}, memoryview(b"m")]


def _outcome(func: object, *args: object) -> object:
    try:
        return func(*args)  # type: ignore[operator]
    except (TypeError, ValueError) as exc:
        return type(exc)


def _text(fdp: atheris.FuzzedDataProvider) -> object:
    shape = fdp.ConsumeIntInRange(0, 1023)
    if shape < 32:
        return NON_STR[fdp.ConsumeIntInRange(0, len(NON_STR) - 1)]
    text = fdp.ConsumeUnicodeNoSurrogates(fdp.remaining_bytes()) if shape < 320 else fdp.ConsumeUnicode(fdp.remaining_bytes())
    if shape == 1023 and text:
        # A large text: the fuzzed one repeated past 20,000 characters.
        text = text * (20_000 // len(text) + 1)
    return text


def check(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    force = fdp.ConsumeBool()
    text = _text(fdp)
    ours = _outcome(_segment.count, text, force, *LIMITS)
    twin = _outcome(_segment_py.count, text, force, *LIMITS)
    if ours != twin:
        raise AssertionError(f"kernels disagree on {text!r:.200}: {ours} != {twin}")
    many = _outcome(_segment.count_many, [text, text], force, *LIMITS)
    if isinstance(ours, tuple):
        assert isinstance(many, tuple) and list(many[1]) == [ours[1]] * 2, (text, many)
        gsm7 = ours[0]
        assert _segment.cuts(text, gsm7, 153 if gsm7 else 67) == _segment_py.cuts(text, gsm7, 153 if gsm7 else 67)
        _sms._kernel = _segment
        parts = cmcore.split(text, encoding=cmcore.Encoding.UCS2 if force else None)  # type: ignore[arg-type]
        assert "".join(parts) == text and len(parts) == ours[2]
    else:
        assert many is ours, (text, many)
    if isinstance(text, str) and len(text) <= 20_000:
        # sms_parts()'s kernel: the same parts (or None) on both septet kernels, one text or many
        for ref16 in (False, True):
            got = _outcome(_septets.parts, text, SmsPart, 9, ref16, force)
            assert got == _outcome(_septets_py.parts, text, SmsPart, 9, ref16, force), (text, ref16)
        pair = _outcome(_septets.parts_many, [text, text[:161]], SmsPart, [None, 3], False, force)
        assert pair == _outcome(_septets_py.parts_many, [text, text[:161]], SmsPart, [None, 3], False, force)


def giants() -> None:
    """Texts of tens of millions of characters, checked once before fuzzing.

    Counts are compared with the twin; the cuts, too long for the instrumented twin's walk,
    are checked for what they must be: parts that rejoin to the text, each within capacity.
    """
    for text in ("a" * 50_000_000, "\u20ac" * 20_000_000, "a" * 30_000_000 + "\U0001f600",
                 "\u0436" * 20_000_000, ("x]" * 7 + "\ud800") * 2_000_000, "\U0001f600" * 10_000_000,
                 ("{a" * 80 + "\U0001f600") * 100_000):
        for force in (False, True):
            assert _segment.count(text, force, *LIMITS) == _segment_py.count(text, force, *LIMITS)
        gsm7, units, parts = _segment.count(text, False, *LIMITS)
        ends = _segment.cuts(text, gsm7, 153 if gsm7 else 67)
        assert len(ends) == parts and ends[-1] == len(text) and ends == sorted(ends)
        for start, end in zip([0, *ends[:1000]], ends[:1000]):
            assert _segment.count(text[start:end], not gsm7, *LIMITS)[1] <= (153 if gsm7 else 67)
    print("giants: 7 texts of 10-50 million characters agree", file=sys.stderr)


if __name__ == "__main__":
    c.main(check, [], c.random_bytes, before=giants)
