"""explain() and opt-in smart encoding."""

from __future__ import annotations

from types import ModuleType

import cmcore
from cmcore import Encoding


def test_explain_names_what_forces_ucs2(kernel: ModuleType) -> None:
    exp = cmcore.explain("Price: 5\u20ac \u201cnew\u201d \U0001f600")
    assert exp.segmentation.encoding is Encoding.UCS2
    assert [(c.index, c.char) for c in exp.non_gsm7] == [(10, "\u201c"), (14, "\u201d"), (16, "\U0001f600")]
    assert [c.index for c in exp.double] == [16]
    assert exp.non_gsm7[0].codepoint == "U+201C"
    assert exp.non_gsm7[0].name == "LEFT DOUBLE QUOTATION MARK"
    assert exp.non_gsm7[0].replacement == '"'
    assert exp.non_gsm7[2].replacement is None
    assert exp.parts == (exp.text,)


def test_explain_gsm7_marks_extension_characters(kernel: ModuleType) -> None:
    exp = cmcore.explain("a" * 152 + "{x}" + "a" * 5)
    assert exp.segmentation == cmcore.Segmentation(encoding=Encoding.GSM7, units=162, parts=2)
    assert exp.non_gsm7 == ()
    assert [c.index for c in exp.double] == [152, 154]
    assert exp.parts == ("a" * 152, "{x}" + "a" * 5)


def test_charinfo_names_for_characters_without_one() -> None:
    exp = cmcore.explain("\t\ud800\x7f\x01\U000e0001")
    assert [c.name for c in exp.non_gsm7] == [
        "CHARACTER TABULATION", "LONE SURROGATE", "DELETE", "CONTROL CHARACTER", "LANGUAGE TAG"]


def test_smart_encode_reports_every_change() -> None:
    result = cmcore.smart_encode("It\u2019s \u201cfine\u201d \u2014 ok\u2026\u00a0bye\u200b")
    assert result.text == "It's \"fine\" - ok... bye"
    assert [(r.index, r.original, r.replacement) for r in result.replacements] == [
        (2, "\u2019", "'"), (5, "\u201c", '"'), (10, "\u201d", '"'), (12, "\u2014", "-"),
        (16, "\u2026", "..."), (17, "\u00a0", " "), (21, "\u200b", ""),
    ]
    assert result.changed
    assert cmcore.analyze(result.text).encoding is Encoding.GSM7


def test_smart_encode_leaves_the_rest_alone() -> None:
    text = "caf\u00e9 \u00e7a \U0001f600 \u03c9 plain"
    result = cmcore.smart_encode(text)
    assert result.text == text and not result.changed


def test_smart_table_maps_only_to_gsm7() -> None:
    for char, replacement in cmcore.SMART_REPLACEMENTS.items():
        assert char not in cmcore._gsm7.BASIC and char not in cmcore._gsm7.EXTENSION
        assert all(r in cmcore._gsm7.BASIC or r in cmcore._gsm7.EXTENSION for r in replacement)
