"""The national language tables of 3GPP TS 23.038 Annex A, and counting with them.

Invariants pinned here are the standard's layout: 128 positions, the escape at 0x1B, LF/CR at
0x0A/0x0D, space and digits where the default alphabet has them, the Indian single shift tables'
ASCII block. Known characters at known positions are read off the standard's tables (A.2.x,
A.3.x), including the slips of the printed tables that ``_gsm7_national`` corrects. Counting
vectors are worked out by hand: a table costs a 3-octet element, so one part holds
(1120 - 8 * header octets) // 7 septets: 155 with one table, 152 with two, 149 and 146 per
part of a concatenated message (TS 23.038 C.3 gives 155 and 152).
"""

from __future__ import annotations

import pytest

import cmcore
from cmcore import Encoding, NationalSegmentation, _gsm7_national as nat
from cmcore._national import septet_room

INDIAN = range(4, 14)


def test_identifiers_and_sizes() -> None:
    assert nat.LANGUAGES == {"tr": 1, "es": 2, "pt": 3, "bn": 4, "gu": 5, "hi": 6, "kn": 7, "ml": 8,
                             "or": 9, "pa": 10, "ta": 11, "te": 12, "ur": 13}
    assert sorted(nat.SINGLE) == list(range(1, 14))
    assert sorted(nat.LOCKING) == [1, 3, *INDIAN]  # A.3.2: no Spanish locking table
    for table in [*nat.LOCKING.values(), *nat.SINGLE.values()]:
        assert len(table) == 128 and table[0x1B] == "\x1b"
        assert all(ord(c) <= 0xFFFF and not 0xD800 <= ord(c) <= 0xDFFF for c in table)


def test_locking_layout() -> None:
    for ident, table in nat.LOCKING.items():
        assert (table[0x0A], table[0x0D], table[0x20]) == ("\n", "\r", " "), ident
        assert table[0x30:0x3A] == "0123456789" and table[0x61:0x7B] == "abcdefghijklmnopqrstuvwxyz"
        assert table.count("\x1b") == 1


def test_single_layout() -> None:
    for ident, table in nat.SINGLE.items():
        assert table[0x0A] == "\x0c" and table[0x65] == "\u20ac" and table[0x0D] == "\x00", ident
        assert (table[0x14], table[0x28], table[0x29], table[0x2F]) == ("^", "{", "}", "\\")
        assert (table[0x3C], table[0x3D], table[0x3E], table[0x40]) == ("[", "~", "]", "|")
    for ident in INDIAN:
        assert nat.SINGLE[ident][0x41:0x5B] == "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        assert nat.SINGLE[ident][0x00:0x0A] == "@\u00a3$\u00a5\u00bf\"\u00a4%&'"


@pytest.mark.parametrize(("table", "ident", "code", "char"), [
    ("L", 1, 0x04, "\u20ac"), ("L", 1, 0x07, "\u0131"), ("L", 1, 0x0B, "\u011e"), ("L", 1, 0x1C, "\u015e"),
    ("L", 1, 0x1D, "\u015f"), ("L", 1, 0x40, "\u0130"), ("L", 1, 0x60, "\u00e7"),
    ("L", 3, 0x04, "\u00ea"), ("L", 3, 0x15, "\u221e"), ("L", 3, 0x7D, "`"), ("L", 3, 0x16, "^"),
    ("L", 6, 0x15, "\u0915"), ("L", 6, 0x7F, "\u097f"), ("L", 13, 0x00, "\u0627"), ("L", 4, 0x00, "\u0981"),
    ("L", 7, 0x24, "\u0ca1"),  # printed as U+0CAA, which is also at 0x3D
    ("L", 11, 0x11, "\x00"), ("L", 12, 0x11, "\x00"),  # U+0B91/U+0C11 are unassigned
    ("S", 1, 0x47, "\u011e"), ("S", 1, 0x73, "\u015f"), ("S", 2, 0x09, "\u00e7"), ("S", 2, 0x41, "\u00c1"),
    ("S", 2, 0x6F, "\u00f3"), ("S", 3, 0x05, "\u00ea"), ("S", 3, 0x12, "\u03a6"), ("S", 3, 0x7F, "\u00e2"),
    ("S", 6, 0x1C, "\u0966"), ("S", 9, 0x20, "\u0b6a"), ("S", 12, 0x1C, "\u0c66"),
    ("S", 11, 0x24, "\u0bee"),  # printed as U+0BEF, which is also at 0x25
    ("S", 12, 0x22, "\u0c6c"), ("S", 12, 0x23, "\u0c6d"),  # printed as U+06CC U+06CD
    ("S", 13, 0x19, "\u0600"), ("S", 13, 0x1A, "\u0601"),
])
def test_known_positions(table: str, ident: int, code: int, char: str) -> None:
    assert (nat.LOCKING if table == "L" else nat.SINGLE)[ident][code] == char


def test_rooms() -> None:
    assert [septet_room(h) for h in (0, 4, 6, 7, 9, 12)] == [160, 155, 153, 152, 149, 146]


@pytest.mark.parametrize(("text", "languages", "units", "parts", "locking", "single"), [
    ("\u0131" * 155, ("tr",), 155, 1, 1, 0),
    ("\u0131" * 156, ("tr",), 156, 2, 1, 0),
    ("\u0131" * 298, ("tr",), 298, 2, 1, 0),
    ("\u0131" * 299, ("tr",), 299, 3, 1, 0),
    ("\u011f\u00e1" * 50, ("tr", "es"), 150, 1, 1, 2),  # 1 + 2 septets each; 152 fit
    ("\u00e1" * 76, ("es",), 152, 1, 0, 2),  # single shift only: 155 fit, 152 used
    ("\u00e1" * 78, ("es",), 156, 2, 0, 2),
])
def test_analyze_with_languages(text: str, languages: tuple[str, ...], units: int, parts: int,
                                locking: int, single: int) -> None:
    seg = cmcore.analyze(text, languages=languages)
    assert seg == NationalSegmentation(encoding=Encoding.GSM7, units=units, parts=parts,
                                       locking=locking, single=single)
    assert len(cmcore.sms_parts(text, languages=languages, reference=1)) == parts


def test_existing_answers_unchanged() -> None:
    turkish = "G\u00fcnayd\u0131n"
    assert cmcore.analyze(turkish).encoding is Encoding.UCS2
    assert type(cmcore.analyze("hello", languages=("tr",))) is cmcore.Segmentation
    assert cmcore.analyze("\u0436", languages=("tr",)).encoding is Encoding.UCS2  # no table has it
    assert cmcore.analyze(turkish, languages=("tr",), encoding=Encoding.UCS2).encoding is Encoding.UCS2
    with pytest.raises(ValueError, match="unknown language 'xx'"):
        cmcore.analyze("hello", languages=("xx",))
    with pytest.raises(cmcore.EncodingError):
        cmcore.analyze("\u0436", languages=("tr",), encoding=Encoding.GSM7)


def test_explain_tables() -> None:
    plain = cmcore.explain("\u0131" * 156)
    assert plain.tables is None and "tables" not in repr(plain)
    exp = cmcore.explain("\u0131" * 156, languages=("tr",))
    assert exp.tables is not None and exp.tables.names == "Turkish locking shift"
    assert (exp.tables.parts, exp.tables.ucs2_parts, exp.tables.saved_parts) == (2, 3, 1)
    assert [len(p) for p in exp.parts] == [149, 7]
    es = cmcore.explain("\u00e1b", languages=("es",))
    assert es.tables is not None and [c.index for c in es.double] == [0]


def test_choice_prefers_more_room_on_a_tie() -> None:
    # 'ç' is in the Turkish locking table (1 septet) and the Spanish/Portuguese single shift
    # tables (2): one part either way, Turkish locking leaves the most room.
    seg = cmcore.analyze("\u00e7a", languages=("es", "tr"))
    assert isinstance(seg, NationalSegmentation) and (seg.locking, seg.single) == (1, 0)
