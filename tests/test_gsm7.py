"""Invariants of the GSM 03.38 tables (3GPP TS 23.038, 6.2.1 and 6.2.1.1)."""

from cmcore import _gsm7


def test_basic_table_has_128_positions_and_127_characters() -> None:
    assert len(_gsm7.BASIC_BY_CODE) == 128
    assert len(set(_gsm7.BASIC_BY_CODE)) == 128
    assert len(_gsm7.BASIC) == 127
    assert _gsm7.BASIC_BY_CODE[0x1B] == _gsm7.ESCAPE
    assert _gsm7.ESCAPE not in _gsm7.BASIC


def test_spot_checks_by_code() -> None:
    table = _gsm7.BASIC_BY_CODE
    assert table[0x00] == "@"
    assert table[0x02] == "$"
    assert table[0x09] == "\u00c7"  # capital C cedilla; the small one is not in the table
    assert table[0x0A] == "\n" and table[0x0D] == "\r"
    assert table[0x10] == "\u0394"  # GREEK CAPITAL LETTER DELTA, not U+2206 INCREMENT
    assert table[0x15] == "\u03a9"  # GREEK CAPITAL LETTER OMEGA, not U+2126 OHM SIGN
    assert table[0x24] == "\u00a4"  # currency sign, not the dollar
    assert table[0x40] == "\u00a1"
    assert table[0x5F] == "\u00a7"
    assert table[0x60] == "\u00bf"
    assert table[0x7F] == "\u00e0"


def test_extension_table() -> None:
    assert set(_gsm7.EXTENSION) == set("\x0c^{}\\[~]|\u20ac")
    assert _gsm7.EXTENSION_BY_CHAR["\u20ac"] == 0x65
    assert not _gsm7.EXTENSION & _gsm7.BASIC


def test_traps_are_where_they_belong() -> None:
    basic = _gsm7.BASIC
    assert "\u00c7" in basic and "\u00e7" not in basic
    assert "\u00a7" in basic and "\u00a4" in basic
    assert set("\u0394\u03a6\u0393\u039b\u03a9\u03a0\u03a8\u03a3\u0398\u039e") <= basic
    for lookalike in "\u0391\u0392\u0395\u2126\u2206`\u00a0\u2018\u2019\u201c\u201d\u2013\u2014\u2026\t":
        assert lookalike not in basic and lookalike not in _gsm7.EXTENSION, repr(lookalike)
    for ext in "^{}\\[~]|":
        assert ext not in basic


def test_part_limits() -> None:
    assert (_gsm7.GSM7_SINGLE, _gsm7.GSM7_MULTI) == (160, 153)
    assert (_gsm7.UCS2_SINGLE, _gsm7.UCS2_MULTI) == (70, 67)
    assert (_gsm7.GSM7_MULTI_16BIT_REF, _gsm7.UCS2_MULTI_16BIT_REF) == (152, 66)
    assert _gsm7.MAX_PARTS == 255
