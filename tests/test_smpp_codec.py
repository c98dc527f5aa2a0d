"""The SMPP codec: GSM 7-bit packing, UCS-2, SMS parts, on both septet kernels.

Vectors and where they come from:
* "hellohello" -> E8329BFD4697D9EC37: the packing example of the classic SMS PDU tutorial
  (dreamfabric "SMS and the PDU format"), TS 23.038 6.1.2.1.1 packing.
* the CR pad of TS 23.038 6.1.2.3.1: 7 characters leave 7 spare bits, which hold a CR.
* count boundaries as Android's SmsMessageBodyTest checks them: 160/161/306/307 septets,
  70/71/134/135 units, with the room left in the last part.
* the peers' known bugs, each as a regression test: python-smpplib (make_parts cuts an escape
  pair; 67 UCS-2 units split a surrogate pair), jsmpp (one reference byte in a 16-bit
  concatenation element), IEIs 0x18/0x19 for 0x24/0x25, single and locking shift treated
  alike, counting at 160 while slicing at 153.
Other hex here is worked out by hand in the comments.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cmcore
from cmcore import EncodingError, PayloadError, _national, _septets_py
from cmcore._gsm7 import BASIC, EXTENSION
from cmcore._gsm7_national import LOCKING, SINGLE
from conftest import compiled, examples

COMPILED = compiled("_septets")
EMOJI = "\U0001f600"
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # 7 code points, 11 units


@pytest.fixture(params=["c", "py"], autouse=True)
def septets(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """Every test here runs once on each septet kernel."""
    module = COMPILED if request.param == "c" else _septets_py
    if module is None:
        pytest.skip("the compiled kernel is not built (CMCORE_NO_EXTENSIONS=1)")
    monkeypatch.setattr(_national, "septets", module)
    yield module


# --- GSM 7-bit -----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "packed_hex", "unpacked_hex"), [
    ("hellohello", "E8329BFD4697D9EC37", "68656C6C6F68656C6C6F"),
    ("\u20ac", "9B32", "1B65"),  # ESC 0011011, then 1100101: 0x1B|1<<7 = 9B, 0x65>>1 = 32
    ("@", "00", "00"),
    ("[]", "1BDEC607", "1B3C1B3E"),  # 1B, 3C>>1|1B<<6=DE, 1B>>2|3E<<5=C6, 3E>>3=07
    ("aaaaaaa", "E170381C0E871B", "61616161616161"),  # 49 bits: a CR fills the 7 spare bits
    ("", "", ""),
])
def test_gsm7_vectors(text: str, packed_hex: str, unpacked_hex: str) -> None:
    assert cmcore.encode_gsm7(text).hex().upper() == packed_hex
    assert cmcore.encode_gsm7(text, packed=False).hex().upper() == unpacked_hex
    assert cmcore.decode_gsm7(bytes.fromhex(packed_hex)) == text
    assert cmcore.decode_gsm7(bytes.fromhex(unpacked_hex), packed=False) == text


def test_cr_pad_and_final_at() -> None:
    # 8 septets fill 7 octets exactly: a final CR there is the pad, a final @ is a character.
    assert cmcore.decode_gsm7(bytes(7)) == "@" * 8
    assert cmcore.decode_gsm7(cmcore.encode_gsm7("a" * 7)) == "a" * 7
    assert cmcore.decode_gsm7(cmcore.encode_gsm7("a" * 7), septets=8) == "a" * 7 + "\r"
    # A wanted final CR on an octet boundary is doubled (the standard's <CR><CR> = <CR>).
    assert cmcore.encode_gsm7("a" * 7 + "\r", packed=False) == b"a" * 7 + b"\r"
    assert cmcore.decode_gsm7(cmcore.encode_gsm7("a" * 7 + "\r")) == "a" * 7 + "\r\r"
    assert cmcore.decode_gsm7(cmcore.encode_gsm7("a" * 7 + "\r"), septets=8) == "a" * 7 + "\r"


def test_escape_decoding_never_fails() -> None:
    assert cmcore.decode_gsm7(b"\x1b\x41", packed=False) == "A"  # not in the table: basic char
    assert cmcore.decode_gsm7(b"\x1b\x1b\x41", packed=False) == " A"  # 6.2.1.1 note 1
    assert cmcore.decode_gsm7(b"a\x1b", packed=False) == "a "  # a lone final escape
    assert cmcore.decode_gsm7(b"\x1b\x0a\x1b\x0d", packed=False) == "\x0c\r"
    with pytest.raises(EncodingError, match="0x80 at index 1"):
        cmcore.decode_gsm7(b"a\x80", packed=False)
    with pytest.raises(PayloadError, match="septets"):
        cmcore.decode_gsm7(b"\x00", septets=3)


def test_fill_bits_decode() -> None:
    # "a" after 1 fill bit: 0x61 << 1 = 0xC2.
    assert cmcore.decode_gsm7(b"\xc2", fill_bits=1, septets=1) == "a"
    with pytest.raises(ValueError):
        cmcore.decode_gsm7(b"\xc2", fill_bits=7)


def test_unencodable_is_named() -> None:
    with pytest.raises(EncodingError, match=r"'ж' \(U\+0436\) at index 2"):
        cmcore.encode_gsm7("ab\u0436")
    with pytest.raises(EncodingError, match="index 1"):
        cmcore.encode_gsm7("a\ud800")
    with pytest.raises(ValueError, match="locking"):
        cmcore.encode_gsm7("a", locking=2)  # Spanish has no locking shift table (A.3.2)


# --- UCS-2 and Latin-1 ----------------------------------------------------------------------

def test_ucs2() -> None:
    text = "\u041f\u0440\u0438\u0432\u0435\u0442 " + EMOJI
    octets = bytes.fromhex("041F 0440 0438 0432 0435 0442 0020 D83D DE00")
    assert cmcore.encode_ucs2(text) == octets
    assert cmcore.decode_ucs2(octets) == text
    with pytest.raises(EncodingError, match="U\\+DC00 at index 1"):
        cmcore.encode_ucs2("a\udc00")
    with pytest.raises(EncodingError):
        cmcore.decode_ucs2(b"\xd8\x3d")  # half a pair
    assert cmcore.encode_latin1("caf\u00e9") == b"caf\xe9" and cmcore.decode_latin1(b"\xe9") == "\u00e9"
    with pytest.raises(EncodingError, match="index 0"):
        cmcore.encode_latin1("\u20ac")


# --- parts -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "lengths", "room"), [
    ("a" * 160, [160], 0), ("a" * 161, [153, 8], 145), ("a" * 306, [153, 153], 0),
    ("a" * 307, [153, 153, 1], 152),
    ("\u0436" * 70, [70], 0), ("\u0436" * 71, [67, 4], 63), ("\u0436" * 134, [67, 67], 0),
    ("\u0436" * 135, [67, 67, 1], 66),
])
def test_part_boundaries(text: str, lengths: list[int], room: int) -> None:
    parts = cmcore.sms_parts(text, reference=1)
    assert [len(p.text) for p in parts] == lengths
    assert len(parts) == cmcore.analyze(text).parts  # counting and slicing agree
    gsm = parts[0].data_coding == 0
    capacity = (160 if gsm else 70) if len(parts) == 1 else (153 if gsm else 67)
    last = len(parts[-1].payload) // (1 if gsm else 2)
    assert capacity - last == room


def test_multipart_udh_and_one_fill_bit() -> None:
    parts = cmcore.sms_parts("a" * 200, reference=5, packed=True)
    assert [p.udh.hex() for p in parts] == ["050003050201", "050003050202"]
    assert parts[0].short_message[:7].hex() == "050003050201c2"  # 6 octets = 48 bits: 1 fill bit
    assert len(parts[0].short_message) == 140 and all(p.esm_class == 0x40 for p in parts)
    assert cmcore.decode_gsm7(parts[0].payload, fill_bits=1, septets=153) == "a" * 153


def test_smpplib_bare_escape_at_end_of_part() -> None:
    # python-smpplib's make_parts slices the encoded octets at 153: part 1 ends with 0x1B.
    parts = cmcore.sms_parts("a" * 152 + "\u20ac" + "a" * 10, reference=7)
    assert parts[0].payload == b"a" * 152 and parts[1].payload[:2] == b"\x1b\x65"


def test_no_split_surrogate_pair() -> None:
    # 40 emoji: 80 units; 67 units in part 1 would cut the 34th emoji in half.
    parts = cmcore.sms_parts(EMOJI * 40, reference=7)
    assert [len(p.payload) for p in parts] == [132, 28]
    assert "".join(cmcore.decode_ucs2(p.payload) for p in parts) == EMOJI * 40


def test_16bit_reference_writes_two_octets() -> None:
    parts = cmcore.sms_parts("a" * 200, reference=0x1234, ref16=True)
    assert parts[0].udh.hex() == "06080412340201"  # jsmpp wrote a single reference octet
    assert [len(p.text) for p in parts] == [152, 48]
    assert [len(p.text) for p in cmcore.sms_parts("\u0436" * 100, reference=1, ref16=True)] == [66, 34]


def test_language_ieis_and_shift_kinds() -> None:
    # 'ğ' Turkish locking 0x0C; 'á' Spanish single 0x61: UDH 25 01 01 (locking), 24 01 02.
    (part,) = cmcore.sms_parts("\u011f\u00e1", languages=("tr", "es"))
    assert part.udh.hex() == "06250101240102" and part.esm_class == 0x40
    assert part.payload.hex() == "0c1b61"
    # packed: 7 header octets = 56 bits, no fill; 0C|1<<7=8C, 0x1B>>1|1<<6=4D, 0x61>>2=18
    (packed,) = cmcore.sms_parts("\u011f\u00e1", languages=("tr", "es"), packed=True)
    assert packed.payload.hex() == "8c4d18"
    # locking and single shift are not alike: 'ş' is 0x1D locking, ESC 0x73 single.
    assert cmcore.encode_gsm7("\u015f", locking=1, packed=False) == b"\x1d"
    assert cmcore.encode_gsm7("\u015f", single=1, packed=False) == b"\x1b\x73"


def test_sar_and_payload_transports() -> None:
    parts = cmcore.sms_parts("a" * 161, reference=300, ref16=True, transport="sar")
    assert [(p.sar_msg_ref_num, p.sar_total_segments, p.sar_segment_seqnum) for p in parts] == [
        (300, 2, 1), (300, 2, 2)]
    assert all(p.udh == b"" and p.esm_class == 0 for p in parts)
    (whole,) = cmcore.sms_parts("a" * 1000, transport="payload")
    assert whole.short_message == b"a" * 1000 and whole.sar_msg_ref_num is None


def test_reference_required_and_checked() -> None:
    with pytest.raises(ValueError, match="reference"):
        cmcore.sms_parts("a" * 161)
    with pytest.raises(ValueError, match="0 to 255"):
        cmcore.sms_parts("a" * 161, reference=256)
    assert len(cmcore.sms_parts("a" * 160)) == 1  # one part needs none
    with pytest.raises(EncodingError, match="U\\+D800 at index 2"):
        cmcore.sms_parts("ab\ud800")


def test_graphemes() -> None:
    pytest.importorskip("regex")
    thumb = "\U0001f44d\U0001f3fd"  # thumbs up, skin tone: one cluster of 4 units
    assert cmcore.sms_parts(thumb * 20, reference=1)[0].text == thumb * 16 + thumb[0]  # 66 units
    assert [p.text for p in cmcore.sms_parts(thumb * 20, reference=1, graphemes=True)] == [thumb * 16, thumb * 4]
    whole = cmcore.sms_parts(FAMILY * 20, reference=1, graphemes=True)
    assert [p.text for p in whole] == [FAMILY * 6] * 3 + [FAMILY * 2]
    flag = "\U0001f1f3\U0001f1f1"
    assert {p.text for p in cmcore.sms_parts(flag * 40, reference=1, graphemes=True)[:-1]} == {flag * 16}
    huge = "e" + "\u0301" * 100  # one cluster bigger than a part: cut between code points
    assert "".join(p.text for p in cmcore.sms_parts(huge, reference=1, graphemes=True)) == huge


# --- properties ----------------------------------------------------------------------------

GSM_TEXT = st.text(alphabet=sorted(BASIC | EXTENSION), max_size=400)
ANY_TEXT = st.text(alphabet=st.one_of(st.sampled_from(sorted(BASIC | EXTENSION)),
                                      st.characters(), st.sampled_from(["\ud800", "\udfff", EMOJI])),
                   max_size=300)
PAIRS = [(lock, single) for lock in [0, *LOCKING] for single in [0, *SINGLE]]


@st.composite
def table_text(draw: st.DrawFn) -> tuple[int, int, str]:
    lock, single = draw(st.sampled_from(PAIRS))
    chars = {c for t in (LOCKING.get(lock, ""), SINGLE.get(single, "")) for c in t} - {"\x00", "\x1b"}
    chars |= BASIC | EXTENSION if lock == 0 else set()
    chars |= EXTENSION if single == 0 else set()
    return lock, single, draw(st.text(alphabet=sorted(chars), max_size=300))


@settings(max_examples=examples(200))
@given(table_text(), st.booleans())
def test_roundtrip_every_table(case: tuple[int, int, str], packed: bool) -> None:
    lock, single, text = case
    data = cmcore.encode_gsm7(text, packed=packed, locking=lock, single=single)
    count = len(cmcore.encode_gsm7(text, packed=False, locking=lock, single=single))
    back = cmcore.decode_gsm7(data, packed=packed, septets=count, locking=lock, single=single)
    assert back == text
    if not (packed and text.endswith("\r") and (7 * count) % 8 == 0):
        assert cmcore.decode_gsm7(data, packed=packed, locking=lock, single=single) == text


@settings(max_examples=examples(100))
@given(st.one_of(GSM_TEXT, ANY_TEXT), st.booleans(), st.sampled_from(["udh", "sar"]))
def test_parts_join_back(text: str, packed: bool, transport: str) -> None:
    text = "".join(c for c in text if not 0xD800 <= ord(c) <= 0xDFFF)  # lone ones: EncodingError
    parts = cmcore.sms_parts(text, reference=9, packed=packed, transport=transport,  # type: ignore[arg-type]
                             languages=("tr", "pt", "hi"))
    assert "".join(p.text for p in parts) == text
    for part in parts:
        assert part.short_message == part.udh + part.payload
        assert len(part.short_message) <= 140 or not packed and part.data_coding == 0


@pytest.mark.skipif(COMPILED is None, reason="the compiled kernel is not built")
@settings(max_examples=examples(200))
@given(ANY_TEXT, st.sampled_from(PAIRS), st.binary(max_size=300), st.integers(0, 6))
def test_kernels_agree(text: str, pair: tuple[int, int], data: bytes, fill: int) -> None:
    assert COMPILED is not None
    lock, single = pair
    for func, args in (("encode", (text, lock, single)), ("measure", (text, lock, single, 153)),
                       ("decode", (data, lock, single)), ("unpack", (data, fill, -1)),
                       ("pack", (data, fill, True)), ("pack", (data, fill, False))):
        assert getattr(COMPILED, func)(*args) == getattr(_septets_py, func)(*args), func
    try:
        expected: object = _septets_py.cuts(text, lock, single, 10)
    except ValueError:
        expected = ValueError
    try:
        got: object = COMPILED.cuts(text, lock, single, 10)
    except ValueError:
        got = ValueError
    assert got == expected


def test_kernels_are_memory_safe_on_odd_input() -> None:
    class Sub(str):
        def __iter__(self) -> Iterator[str]:
            raise AssertionError("read through an override")

    for kernel in [k for k in (COMPILED, _septets_py) if k is not None]:
        assert kernel.encode(Sub("ab"), 0, 0) == (b"ab", -1)
        assert kernel.encode("a\ud800b", 0, 0) == (b"a", 1)
        assert kernel.unpack(b"", 0, -1) == b"" and kernel.pack(b"", 3, True) == b""
        with pytest.raises(ValueError):
            kernel.unpack(b"\x00", 0, 5)
        with pytest.raises(TypeError):
            kernel.decode(bytearray(b"a"), 0, 0)
        with pytest.raises(ValueError):
            kernel.encode("a", 14, 0)
        big = "a" * 1_000_001 + "\u20ac"
        assert len(kernel.encode(big, 0, 0)[0]) == 1_000_003
