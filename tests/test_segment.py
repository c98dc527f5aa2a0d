"""Boundary cases of segmentation, each worked out by hand from the rules and run on both kernels.

Rules: 3GPP TS 23.038 (alphabet), TS 23.040 9.2.3.24.1 (concatenation header), and the CM spec,
"SMS - Multipart" and "SMS - Unicode": 160/153 septets, 70/67 UTF-16 units.
"""

from __future__ import annotations

from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cmcore
from cmcore import Encoding, _segment_py
from conftest import COMPILED as COMPILED_SEGMENT
from conftest import examples

G, U = Encoding.GSM7, Encoding.UCS2
CY = "\u0436"  # CYRILLIC SMALL LETTER ZHE: one UTF-16 unit, not GSM-7
EMOJI = "\U0001f600"  # two UTF-16 units

# id, text, encoding, units, parts, lengths of the split parts (in characters)
CASES: list[tuple[str, str, Encoding, int, int, list[int]]] = [
    ("empty", "", G, 0, 1, [0]),
    ("gsm-1", "a", G, 1, 1, [1]),
    ("gsm-160", "a" * 160, G, 160, 1, [160]),
    ("gsm-161", "a" * 161, G, 161, 2, [153, 8]),
    ("gsm-306", "a" * 306, G, 306, 2, [153, 153]),
    ("gsm-307", "a" * 307, G, 307, 3, [153, 153, 1]),
    ("gsm-153x8", "a" * 1224, G, 1224, 8, [153] * 8),
    ("gsm-153x255", "a" * 153 * 255, G, 39015, 255, [153] * 255),
    ("gsm-153x255+1", "a" * (153 * 255 + 1), G, 39016, 256, [153] * 255 + [1]),
    ("euro-80", "\u20ac" * 80, G, 160, 1, [80]),
    ("euro-81", "\u20ac" * 81, G, 162, 2, [76, 5]),
    ("bracket-153", "]" * 153, G, 306, 3, [76, 76, 1]),
    ("brace-612", "{" * 612, G, 1224, 9, [76] * 8 + [4]),
    ("escape-straddles-cut", "a" * 152 + "\u20ac" + "a" * 10, G, 164, 2, [152, 11]),
    ("escape-fills-cut", "a" * 151 + "\u20ac" + "a" * 10, G, 163, 2, [152, 10]),
    ("escape-within-single", "a" * 158 + "\u20ac", G, 160, 1, [159]),
    ("escape-tips-over-single", "a" * 159 + "\u20ac", G, 161, 2, [153, 7]),
    ("escape-straddles-second-cut", "a" * 305 + "|" + "a", G, 308, 3, [153, 152, 2]),
    ("crlf", "\r\n", G, 2, 1, [2]),
    ("form-feed", "\x0c", G, 2, 1, [1]),
    ("ucs2-1", CY, U, 1, 1, [1]),
    ("ucs2-70", CY * 70, U, 70, 1, [70]),
    ("ucs2-71", CY * 71, U, 71, 2, [67, 4]),
    ("ucs2-134", CY * 134, U, 134, 2, [67, 67]),
    ("ucs2-135", CY * 135, U, 135, 3, [67, 67, 1]),
    ("emoji-35", EMOJI * 35, U, 70, 1, [35]),
    ("emoji-36", EMOJI * 36, U, 72, 2, [33, 3]),
    ("emoji-67", EMOJI * 67, U, 134, 3, [33, 33, 1]),
    ("surrogate-straddles-cut", CY * 66 + EMOJI + CY * 5, U, 73, 2, [66, 6]),
    ("surrogate-fills-cut", CY * 65 + EMOJI + CY * 5, U, 72, 2, [66, 5]),
    ("surrogate-within-single", CY * 68 + EMOJI, U, 70, 1, [69]),
    ("surrogate-tips-over-single", CY * 69 + EMOJI, U, 71, 2, [67, 3]),
    ("extension-costs-1-in-ucs2", "\u20ac" * 69 + CY, U, 70, 1, [70]),
    ("gsm-with-one-emoji-at-end", "a" * 1000 + EMOJI, U, 1002, 15, [67] * 14 + [63]),
    ("lone-high-surrogate", "\ud800", U, 1, 1, [1]),
    ("lone-low-surrogate", "a\udfff", U, 2, 1, [2]),
    ("reversed-surrogates", "\udc00\ud800" * 36, U, 72, 2, [67, 5]),
    ("escape-char-itself", "\x1b", U, 1, 1, [1]),
    ("nul", "\x00", U, 1, 1, [1]),
    ("tab", "a\tb", U, 3, 1, [3]),
    ("latin1-non-gsm", "caf\u00e9 na\u00efve", U, 10, 1, [10]),
    ("latin1-gsm", "\u00c4\u00d6\u00dc\u00e4\u00f6\u00fc\u00df\u00a3\u00a5\u00a7\u00bf\u00a1", G, 12, 1, [12]),
    ("greek-capitals", "\u0394\u03a6\u0393\u039b\u03a9\u03a0\u03a8\u03a3\u0398\u039e", G, 10, 1, [10]),
    ("greek-capitals+euro", "\u0394\u20ac", G, 3, 1, [2]),
    ("spec-greek-example", "\u039a\u03b5\u03af\u03bc\u03b5\u03bd\u03bf", U, 7, 1, [7]),
]

TRAPS: list[tuple[str, Encoding]] = [
    ("\u00c7", G), ("\u00e7", U), ("\u00a7", G), ("\u00a4", G), ("$", G), ("@", G), ("_", G),
    ("\u0391", U), ("\u0392", U), ("\u2126", U), ("\u2206", U), ("\u03c9", U),
    ("`", U), ("\u00a0", U), ("\u2018", U), ("\u2019", U), ("\u201c", U), ("\u201d", U),
    ("\u2013", U), ("\u2014", U), ("\u2026", U), ("\x7f", U), ("\x1b", U), ("\u00e1", U),
    ("\u00e8", G), ("\u00e9", G), ("\u00f9", G), ("\u00ec", G), ("\u00f2", G), ("\u00c9", G),
    ("\u00e0", G), ("\u00f1", G), ("\u00d1", G), ("\u00c5", G), ("\u00e5", G), ("\u00c6", G),
    ("\u00e6", G), ("\u00d8", G), ("\u00f8", G), ("\u00dc", G), ("\u00fc", G),
]


@pytest.mark.parametrize("case_id, text, encoding, units, parts, lengths", CASES, ids=[c[0] for c in CASES])
def test_boundaries(
    kernel: ModuleType,
    case_id: str,
    text: str,
    encoding: Encoding,
    units: int,
    parts: int,
    lengths: list[int],
) -> None:
    seg = cmcore.analyze(text)
    assert (seg.encoding, seg.units, seg.parts) == (encoding, units, parts)
    pieces = cmcore.split(text)
    assert [len(p) for p in pieces] == lengths
    assert "".join(pieces) == text
    assert cmcore.analyze_many([text]) == [seg]


@pytest.mark.parametrize("char, encoding", TRAPS, ids=[f"U+{ord(c):04X}" for c, _ in TRAPS])
def test_table_traps(kernel: ModuleType, char: str, encoding: Encoding) -> None:
    assert cmcore.analyze(char).encoding is encoding
    assert cmcore.analyze("Hello " + char + " world").encoding is encoding


@pytest.mark.parametrize("char", sorted("\x0c^{}\\[~]|\u20ac"))
def test_every_extension_character_costs_two_septets(kernel: ModuleType, char: str) -> None:
    assert cmcore.analyze(char) == cmcore.Segmentation(encoding=G, units=2, parts=1)
    assert cmcore.analyze(char * 80).parts == 1
    assert cmcore.analyze(char * 81).parts == 2
    assert cmcore.analyze(char, encoding=U).units == 1


def test_every_basic_character_costs_one_septet(kernel: ModuleType) -> None:
    for char in cmcore._gsm7.BASIC:
        assert cmcore.analyze(char * 160) == cmcore.Segmentation(encoding=G, units=160, parts=1)


@pytest.mark.parametrize("code", range(256))
@pytest.mark.parametrize("where", [0, 5, 7, 8, 15, 16, 20])
def test_every_latin1_byte_at_every_word_offset(kernel: ModuleType, code: int, where: int) -> None:
    """The 1-byte path skips 8 characters a time; each byte must be seen wherever it stands."""
    text = "a" * where + chr(code) + "b" * (20 - where)
    char = chr(code)
    if char in cmcore._gsm7.EXTENSION:
        expected = (G, 22)
    elif char in cmcore._gsm7.BASIC:
        expected = (G, 21)
    else:
        expected = (U, 21)
    seg = cmcore.analyze(text)
    assert (seg.encoding, seg.units) == expected


def test_non_gsm_char_after_extension_in_same_word(kernel: ModuleType) -> None:
    assert cmcore.analyze("[" + "a" * 6 + "`" + "a" * 8).encoding is U
    assert cmcore.analyze("a" * 16 + "[]" + "\u00e7").encoding is U


def test_forced_ucs2_counts_code_units(kernel: ModuleType) -> None:
    assert cmcore.analyze("abc", encoding=U) == cmcore.Segmentation(encoding=U, units=3, parts=1)
    assert cmcore.analyze("a" * 71, encoding=U).parts == 2
    assert cmcore.split("a" * 71, encoding=U) == ["a" * 67, "a" * 4]


def test_required_gsm7_names_the_first_offender(kernel: ModuleType) -> None:
    assert cmcore.analyze("plain", encoding=G).encoding is G
    with pytest.raises(cmcore.EncodingError) as info:
        cmcore.analyze("ok \u00e7a va \u2014", encoding=G)
    assert info.value.code == 304
    assert info.value.location == "body"
    assert "index 3" in str(info.value) and "U+00E7" in str(info.value)


def test_16bit_reference_limits(kernel: ModuleType) -> None:
    limits = cmcore.LIMITS_16BIT_REF
    assert cmcore.analyze("a" * 305).parts == 2
    assert cmcore.analyze("a" * 305, limits=limits).parts == 3
    assert cmcore.analyze(CY * 133, limits=limits).parts == 3
    assert [len(p) for p in cmcore.split("a" * 305, limits=limits)] == [152, 152, 1]
    assert cmcore.analyze("a" * 160, limits=limits).parts == 1


def test_custom_limits(kernel: ModuleType) -> None:
    limits = cmcore.PartLimits(gsm7_single=10, gsm7_multi=4, ucs2_single=4, ucs2_multi=3)
    assert [len(p) for p in cmcore.split("a" * 11, limits=limits)] == [4, 4, 3]
    assert [len(p) for p in cmcore.split("\u20ac" * 7, limits=limits)] == [2, 2, 2, 1]
    assert [len(p) for p in cmcore.split(EMOJI * 3, limits=limits)] == [1, 1, 1]


def test_huge_texts(kernel: ModuleType) -> None:
    text = "a" * 1_000_000
    assert cmcore.analyze(text) == cmcore.Segmentation(encoding=G, units=1_000_000, parts=6536)
    worst = text + EMOJI
    seg = cmcore.analyze(worst)
    assert (seg.encoding, seg.units) == (U, 1_000_002)
    assert seg.parts == len(cmcore.split(worst))
    ext = "{" * 500_000
    assert cmcore.analyze(ext).parts == -(-500_000 // 76)


def test_str_subclass_is_accepted(kernel: ModuleType) -> None:
    class Text(str):
        pass

    assert cmcore.analyze(Text("\u20ac")).units == 2
    assert cmcore.analyze_many([Text("abc")])[0].units == 3


# --- the SWAR count of extension characters ---------------------------------------------------

ASCII_EXTENSION = "[\\]^{|}~"


def _expected(text: str) -> tuple[Encoding, int]:
    if all(c in cmcore._gsm7.BASIC or c in cmcore._gsm7.EXTENSION for c in text):
        return G, sum(2 if c in cmcore._gsm7.EXTENSION else 1 for c in text)
    return U, sum(2 if ord(c) > 0xFFFF else 1 for c in text)


@pytest.mark.parametrize("code", range(0x20, 0x80))
@pytest.mark.parametrize("where", [0, 3, 7, 8, 12, 15])
@pytest.mark.parametrize("around", ["{", "a_", "]^$@", "\u0394"])
def test_every_ascii_byte_beside_extension_characters(kernel: ModuleType, code: int, where: int,
                                                      around: str) -> None:
    """Words full of extension characters are counted 8 at a time: each printable ASCII byte
    (``_`` next to ``^``, the backquote, DEL) must be counted as itself wherever it stands,
    in 1-byte texts and in 2-byte ones (``around`` holding Greek)."""
    fill = (around * 20)[:16]
    text = fill[:where] + chr(code) + fill[where:]
    seg = cmcore.analyze(text)
    assert (seg.encoding, seg.units) == _expected(text)


@pytest.mark.parametrize("size", [0, 7, 8, 9, 16, 152, 153, 160, 161, 306, 307])
def test_extension_dense_texts_at_part_boundaries(kernel: ModuleType, size: int) -> None:
    for text in [("ab{" * 200)[:size], (ASCII_EXTENSION * 50)[:size], ("\u0394[" * 200)[:size],
                 ("_^" * 200)[:size], ("a" * 151 + "~" * 20)[:size]]:
        seg = cmcore.analyze(text)
        assert (seg.encoding, seg.units) == _expected(text)
        pieces = cmcore.split(text)
        assert "".join(pieces) == text and len(pieces) == seg.parts
        assert all(cmcore.analyze(p).units <= (153 if seg.parts > 1 else 160) for p in pieces)


@pytest.mark.skipif(COMPILED_SEGMENT is None, reason="the compiled kernel is not built")
@settings(max_examples=examples(300))
@given(st.text(alphabet=st.sampled_from(sorted(set(ASCII_EXTENSION + "_`\x7f@$ a\n\r\x0c\u20ac\u0394\u00e9\u0436"))),
               max_size=400),
       st.integers(2, 200))
def test_extension_dense_text_agrees_with_twin(text: str, multi: int) -> None:
    assert COMPILED_SEGMENT is not None
    for force in (False, True):
        limits = (max(multi, 160), multi, 70, 67)
        assert COMPILED_SEGMENT.count(text, force, *limits) == _segment_py.count(text, force, *limits)
    gsm7 = _segment_py.count(text, False, 160, 153, 70, 67)[0]
    assert COMPILED_SEGMENT.cuts(text, gsm7, multi) == _segment_py.cuts(text, gsm7, multi)
