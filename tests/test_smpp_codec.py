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

import gc
import os
import pickle
import subprocess
import sys
import tempfile
import weakref
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
from conftest import compiled, examples
from hypothesis import given, settings
from hypothesis import strategies as st

import cmcore
from cmcore import (
    DEFAULT_LIMITS,
    EncodingError,
    PayloadError,
    SmsPart,
    _national,
    _septets_py,
    _smpp_parts,
)
from cmcore._gsm7 import BASIC, EXTENSION
from cmcore._gsm7_national import LOCKING, SINGLE

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
    monkeypatch.setattr(_smpp_parts, "_kernel_parts", module.parts)  # bound once at import
    monkeypatch.setattr(_smpp_parts, "_kernel_parts_many", module.parts_many)
    # the public function is the kernel's front (the compiled one saves the Python frame)
    python_front = getattr(_smpp_parts.sms_parts, "__wrapped__", _smpp_parts.sms_parts)
    public = module.front(SmsPart, DEFAULT_LIMITS, _smpp_parts._sms_parts)(python_front)
    monkeypatch.setattr(_smpp_parts, "sms_parts", public)
    monkeypatch.setattr(cmcore, "sms_parts", public)
    yield module


def test_a_plain_import_binds_the_kernel_national_chose(septets: ModuleType) -> None:
    """``_smpp_parts`` binds its entry points once, from ``_national``'s kernel: the compiled
    one, or the twin under CMCORE_NO_EXTENSIONS=1 (in a subprocess, outside the checkout)."""
    env = {k: v for k, v in os.environ.items() if k != "CMCORE_NO_EXTENSIONS"}
    if septets is _septets_py:
        env["CMCORE_NO_EXTENSIONS"] = "1"
    code = ("from cmcore import _national as n, _smpp_parts as p; k = n.septets; "
            "print(k.__name__, p._kernel_parts is k.parts, p._kernel_parts_many is k.parts_many, "
            "hasattr(p.sms_parts, '__wrapped__'))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          cwd=tempfile.gettempdir(), check=False)
    assert proc.returncode == 0, proc.stderr
    # the compiled kernel's front wraps the Python one; the twin leaves it unwrapped
    assert proc.stdout.split() == [septets.__name__, "True", "True", str(septets is not _septets_py)]


def test_no_compiled_kernel_function_stays_bound_under_the_twin(septets: ModuleType) -> None:
    """What a module binds from the kernel at import, the fixture rebinds: under the twin, no
    cmcore module holds a compiled kernel function, so the "py" runs really run the twin."""
    if septets is not _septets_py or COMPILED is None:
        pytest.skip("checks the twin's runs against the compiled kernel")
    compiled_functions = {id(value) for value in vars(COMPILED).values() if callable(value)}
    leaked = [f"{name}.{attr}" for name, module in sorted(sys.modules.items())
              if name.startswith("cmcore.") and module is not COMPILED
              for attr, value in vars(module).items() if id(value) in compiled_functions]
    assert leaked == []
    assert not hasattr(cmcore.sms_parts, "__wrapped__")  # the Python front, not a compiled one
    assert cmcore.sms_parts_many(["abc"]) == [_septets_py.parts("abc", SmsPart, None, False, False)]


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


# --- the kernel's common case: parts() and sms_parts_many() --------------------------------

def _general(text: str, reference: int | None, ref16: bool, packed: bool) -> object:
    """What sms_parts' general path answers: its parts, or the type of error it raises."""
    try:
        return _smpp_parts._sms_parts(text, reference, ref16, packed, (), None, None, None, cmcore.DEFAULT_LIMITS,
                                "udh", False)
    except (ValueError, TypeError) as exc:
        return type(exc)


def _fast(septets: ModuleType, text: str, reference: object, ref16: object, packed: bool) -> object:
    found = septets.parts(text, SmsPart, reference, ref16, packed)
    if found is None:
        return _general(text, reference, ref16, packed)  # type: ignore[arg-type]
    return found


CY = "\u0436"
BOUNDARY_TEXTS = [
    "", "a", "a" * 152, "a" * 153, "a" * 159, "a" * 160, "a" * 161, "a" * 306, "a" * 307,
    "\u20ac" * 80, "\u20ac" * 81, "a" * 151 + "\u20ac" + "a" * 10, "a" * 152 + "\u20ac" + "a" * 10,
    "a" * 158 + "\u20ac", "a" * 159 + "\u20ac", "\u0394" * 160 + "[", "$@_" * 60,
    CY * 66, CY * 67, CY * 70, CY * 71, CY * 134, CY * 135, EMOJI * 35, EMOJI * 36,
    CY * 65 + EMOJI + CY * 5, CY * 66 + EMOJI + CY * 5, CY * 68 + EMOJI, CY * 69 + EMOJI,
    "a" * 1000 + EMOJI, "caf\u00e9 `", "\x1b", "a\ud800", "\udfff" * 80, "a" * 153 * 255,
    "a" * (153 * 255 + 1), CY * 67 * 255, CY * (67 * 255 + 1), "a" * 152 * 255 + "a",
]


@pytest.mark.parametrize("text", BOUNDARY_TEXTS, ids=range(len(BOUNDARY_TEXTS)))
@pytest.mark.parametrize("ref16", [False, True])
@pytest.mark.parametrize("packed", [False, True])
def test_fast_parts_are_the_general_ones(septets: ModuleType, text: str, ref16: bool, packed: bool) -> None:
    for reference in (None, 0, 200, 0xFFFF):
        assert _fast(septets, text, reference, ref16, packed) == _general(text, reference, ref16, packed)
    general = _general(text, 7, ref16, packed)
    if isinstance(general, tuple):
        assert cmcore.sms_parts_many(["a", text], references=[1, 7], ref16=ref16, packed=packed)[1] == general
    else:
        with pytest.raises(general):  # type: ignore[call-overload]
            cmcore.sms_parts_many(["a", text], references=[1, 7], ref16=ref16, packed=packed)


def test_fast_parts_boundaries_by_hand() -> None:
    # 152 septets and an escape pair: the pair goes whole to part 2, which starts ESC 0x65.
    one, two = cmcore.sms_parts("a" * 152 + "\u20ac" + "a" * 10, reference=3, packed=True)
    assert cmcore.decode_gsm7(one.payload, fill_bits=1, septets=152) == "a" * 152
    assert two.text == "\u20ac" + "a" * 10 and two.udh.hex() == "050003030202"
    # 66 units and a surrogate pair: the pair goes whole to part 2 (67 units; 66 with ref16).
    assert [len(p.payload) for p in cmcore.sms_parts(CY * 66 + EMOJI + CY * 5, reference=1)] == [132, 14]
    assert [len(p.text) for p in cmcore.sms_parts(CY * 65 + EMOJI + CY * 5, reference=1, ref16=True)] == [65, 6]
    (empty,) = cmcore.sms_parts("", packed=True)
    assert empty == SmsPart(data_coding=0, esm_class=0, udh=b"", payload=b"", short_message=b"", text="")
    assert len(cmcore.sms_parts("a" * 153 * 255, reference=1)) == 255
    with pytest.raises(cmcore.PartsLimitError):
        cmcore.sms_parts("a" * (153 * 255 + 1), reference=1)


def test_kernel_built_parts_are_plain_sms_parts() -> None:
    for text in ("hello", "a" * 200, CY * 100, EMOJI * 40):
        for part in cmcore.sms_parts(text, reference=9, packed=True):
            fields = {name: getattr(part, name) for name in _septets_py.FIELDS}
            made = SmsPart(**fields)
            assert type(part) is SmsPart and part == made and hash(part) == hash(made)
            assert repr(part) == repr(made) and pickle.loads(pickle.dumps(part)) == part
            assert type(part.text) is str and type(part.payload) is bytes
            with pytest.raises(AttributeError):
                part.text = "x"  # type: ignore[misc]


def test_fast_parts_read_a_str_subclass_by_value() -> None:
    class Sub(str):
        def __iter__(self) -> Iterator[str]:
            raise AssertionError("read through an override")

        def __len__(self) -> int:
            raise AssertionError("read through an override")

    for text in ("abc", "a" * 200, CY * 80):
        got = cmcore.sms_parts(Sub(text), reference=2)
        assert got == cmcore.sms_parts(text, reference=2)
        assert all(type(p.text) is str for p in got)
        assert cmcore.sms_parts_many([Sub(text)], references=[2]) == [got]


def test_fast_path_errors_are_the_general_ones() -> None:
    with pytest.raises(EncodingError, match="U\\+D800 at index 1"):
        cmcore.sms_parts("a\ud800")
    with pytest.raises(ValueError, match="needs 2 parts"):
        cmcore.sms_parts("a" * 161)
    with pytest.raises(ValueError, match="0 to 255"):
        cmcore.sms_parts("a", reference=True)
    with pytest.raises(ValueError, match="0 to 255"):
        cmcore.sms_parts("a", reference=256)
    with pytest.raises(TypeError, match="ref16"):
        cmcore.sms_parts("a", ref16=1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="must be str"):
        cmcore.sms_parts(b"a")  # type: ignore[arg-type]


def test_kernel_parts_refuse_odd_classes_and_arguments(septets: ModuleType) -> None:
    class NoSlots:
        pass

    with pytest.raises(TypeError, match="__slots__"):
        septets.parts("a", NoSlots, None, False, False)
    with pytest.raises(TypeError, match="class"):
        septets.parts("a", "SmsPart", None, False, False)
    assert septets.parts(3, SmsPart, None, False, False) is None
    assert septets.parts("a", SmsPart, None, 1, False) is None
    assert septets.parts("a", SmsPart, -1, False, False) is None
    assert septets.parts("a", SmsPart, 256, False, False) is None
    assert septets.parts("a", SmsPart, 256, True, False) is not None
    with pytest.raises(TypeError):
        septets.parts_many(("a",), SmsPart, None, False, False)
    with pytest.raises(TypeError):
        septets.parts_many(["a"], SmsPart, (1,), False, False)
    with pytest.raises(ValueError, match="references"):
        septets.parts_many(["a", "b"], SmsPart, [1], False, False)
    assert septets.parts_many([], SmsPart, None, 1, False) == ([], -1)
    assert septets.parts_many(["a", "b"], SmsPart, None, 1, False) == ([], 0)
    found, stop = septets.parts_many(["a", "b" * 161, "c"], SmsPart, None, False, False)
    assert stop == 1 and found == [cmcore.sms_parts("a")]
    found, stop = septets.parts_many(["a", 5, "c"], SmsPart, [1, 2, 3], False, False)
    assert stop == 1 and len(found) == 1


class _Truth:
    """Truthiness that counts its calls: the fronts must test it as often, in their order."""

    def __init__(self, value: bool, calls: list[str], name: str) -> None:
        self.value, self.calls, self.name = value, calls, name

    def __bool__(self) -> bool:
        self.calls.append(self.name)
        return self.value


class _Udh(str):
    pass


def test_the_kernel_front_takes_the_python_fronts_path(septets: ModuleType) -> None:
    """The kernel's front (``front()``) answers as the Python front it wraps, argument for
    argument: the same fast-path test in the same order, the same fallback and errors."""
    python_front = getattr(_smpp_parts.sms_parts, "__wrapped__", _smpp_parts.sms_parts)
    calls_made: list[tuple[object, ...]] = []

    def general(*args: object) -> tuple[object, ...]:
        calls_made.append(args)
        return ("general",)

    front = septets.front(SmsPart, DEFAULT_LIMITS, general)(python_front)
    if septets is _septets_py:
        assert front is python_front
        return
    assert front.__wrapped__ is python_front
    assert (front.__name__, front.__qualname__, front.__module__, front.__doc__) == (
        "sms_parts", "sms_parts", "cmcore._smpp_parts", python_front.__doc__)
    import inspect
    assert inspect.signature(front) == inspect.signature(python_front)
    assert front("hi") == python_front("hi") and calls_made == []
    assert front("hi", transport=_Udh("udh"), packed=1, languages=[], graphemes=0) == python_front("hi", packed=True)
    assert calls_made == []
    # each test that refuses the fast path hands the call on, with every argument
    for options in ({"limits": cmcore.PartLimits(gsm7_single=100, gsm7_multi=90)}, {"transport": "sar"}, {"locking": 1},
                    {"single": 1}, {"encoding": cmcore.Encoding.GSM7}, {"languages": ("tr",)},
                    {"graphemes": True}, {"reference": 300}, {"ref16": 1}):
        calls_made.clear()
        assert front("hi", **options) == ("general",)  # type: ignore[arg-type]
        defaults = dict(reference=None, ref16=False, packed=False, languages=(), locking=None, single=None,
                        encoding=None, limits=DEFAULT_LIMITS, transport="udh", graphemes=False)
        assert calls_made == [("hi", *{**defaults, **options}.values())]
    calls_made.clear()
    assert front(5) == ("general",) and front("a" * 161) == ("general",) and len(calls_made) == 2
    # truthiness is asked of languages, then graphemes, as the Python front asks it
    asked: list[str] = []
    front("hi", languages=_Truth(False, asked, "languages"), graphemes=_Truth(False, asked, "graphemes"))  # type: ignore[arg-type]
    assert asked == ["languages", "graphemes"]
    asked.clear()
    python_front("hi", languages=_Truth(False, asked, "languages"), graphemes=_Truth(False, asked, "graphemes"))  # type: ignore[arg-type]
    assert asked == ["languages", "graphemes"]
    with pytest.raises(TypeError):
        front()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        front("hi", "udh")  # type: ignore[misc]
    with pytest.raises(TypeError):
        front("hi", colour="red")  # type: ignore[call-arg]


class _Roomier(SmsPart):
    __slots__ = ("__weakref__", "extra")


class _OwnNew(SmsPart):
    __slots__ = ()

    def __new__(cls) -> Any:  # the compiled kernel makes these through it
        return super().__new__(cls)


@pytest.mark.parametrize("cls", [SmsPart, _Roomier, _OwnNew])
def test_kernel_parts_of_other_part_classes(septets: ModuleType, cls: type[SmsPart]) -> None:
    """Made as object.__new__ makes them: slots beyond the fields left empty, a weak
    reference slot that works; the compiled kernel leaves them untracked."""
    for text in ("hi", "a" * 200):
        found = septets.parts(text, cls, 4, False, False)
        assert [type(p) for p in found] == [cls] * len(found)
        assert [SmsPart(**{f: getattr(p, f) for f in _septets_py.FIELDS}) for p in found] == list(
            cmcore.sms_parts(text, reference=4))
        if cls is _Roomier:
            assert weakref.ref(found[0])() is found[0]
            with pytest.raises(AttributeError):
                getattr(found[0], "extra")  # noqa: B009
        if septets is COMPILED:
            assert not gc.is_tracked(found) and not any(gc.is_tracked(p) for p in found)


def test_sms_parts_many() -> None:
    texts = ["", "hi", "a" * 161, CY * 71, EMOJI * 36, "\u20ac" * 81, "caf\u00e9"]
    refs = list(range(len(texts)))
    expected = [cmcore.sms_parts(t, reference=r) for t, r in zip(texts, refs)]
    assert cmcore.sms_parts_many(texts, references=refs) == expected
    assert cmcore.sms_parts_many(iter(texts), references=tuple(refs)) == expected
    assert cmcore.sms_parts_many(t for t in texts[:2]) == expected[:2]
    assert cmcore.sms_parts_many([]) == []
    for options in ({"packed": True}, {"ref16": True}, {"transport": "sar"}, {"languages": ("tr",)},
                    {"encoding": cmcore.Encoding.UCS2}, {"limits": cmcore.LIMITS_16BIT_REF}):
        assert cmcore.sms_parts_many(texts, references=refs, **options) == [
            cmcore.sms_parts(t, reference=r, **options) for t, r in zip(texts, refs)]
    assert cmcore.sms_parts_many(["\u011f" * 200], references=[1], languages=("tr",)) == [
        cmcore.sms_parts("\u011f" * 200, reference=1, languages=("tr",))]


@settings(max_examples=examples(100))
@given(st.lists(st.sampled_from(["a", "\u20ac", "[", "\u00e9", "\u0394"]), min_size=150, max_size=1200),
       st.booleans(), st.booleans())
def test_fast_cuts_keep_escape_pairs_whole_at_every_boundary(chars: list[str], ref16: bool, packed: bool) -> None:
    """Escape pairs anywhere, so that some straddle the second, third, ... cut, not only the first."""
    text = "".join(chars)
    expected = _general(text, 9, ref16, packed)
    for kernel in [k for k in (COMPILED, _septets_py) if k is not None]:
        assert kernel.parts(text, SmsPart, 9, ref16, packed) == expected
        assert kernel.parts_many([text, text[:160]], SmsPart, [9, 9], ref16, packed) == (
            [expected, _general(text[:160], 9, ref16, packed)], -1)


class _Meddler:
    """Cyclic garbage: each one collected makes the next, and the ``rounds``-th empties the
    lists that a batch is reading, ``rounds`` collections into it."""

    def __init__(self, rounds: int, *lists: list[Any]) -> None:
        self.rounds, self.lists, self.cycle = rounds, lists, self

    def __del__(self) -> None:
        if self.rounds:
            _Meddler(self.rounds - 1, *self.lists)
        else:
            for items in self.lists:
                items.clear()


@pytest.mark.parametrize("which", ["texts", "references"])
def test_parts_many_reads_lists_a_finalizer_changes(septets: ModuleType, which: str) -> None:
    """A collection mid-batch runs a finalizer that empties a list being read: the batch ends
    where the item went missing (no stale read), every part made so far is right."""
    texts = [f"text {i}" for i in range(400)]  # each str held by the list alone
    refs: list[int | None] = [i % 256 for i in range(400)]
    _Meddler(60, texts if which == "texts" else refs)
    threshold = gc.get_threshold()
    gc.set_threshold(1)  # a collection at every other allocation of a tracked object
    try:
        found, stop = septets.parts_many(texts, SmsPart, refs, False, False)
    finally:
        gc.set_threshold(*threshold)
        gc.collect()
    assert len(found) < 400 and stop == (-1 if which == "texts" else len(found))
    assert found == [cmcore.sms_parts(f"text {i}", reference=i % 256) for i in range(len(found))]


def test_sms_parts_many_errors() -> None:
    with pytest.raises(TypeError, match="iterable of str"):
        cmcore.sms_parts_many("abc")
    with pytest.raises(TypeError, match="references"):
        cmcore.sms_parts_many(["a"], references="1")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="references"):
        cmcore.sms_parts_many(["a"], references=1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="2 references for 1 texts"):
        cmcore.sms_parts_many(["a"], references=[1, 2])
    with pytest.raises(TypeError, match="item 1 must be str"):
        cmcore.sms_parts_many(["a", 5])  # type: ignore[list-item]
    with pytest.raises(EncodingError) as info:
        cmcore.sms_parts_many(["a", "b", "c\ud800"])
    assert info.value.location == "texts[2]" and "U+D800" in str(info.value)
    with pytest.raises(cmcore.PartsLimitError) as limit:
        cmcore.sms_parts_many(["a", "a" * 153 * 256], references=[1, 2])
    assert limit.value.location == "texts[1]" and limit.value.parts == 256
    with pytest.raises(ValueError, match=r"^texts\[1\]: sms_parts\(\): the text needs 2 parts"):
        cmcore.sms_parts_many(["a", "a" * 161])
    with pytest.raises(ValueError, match="0 to 255"):
        cmcore.sms_parts_many(["a"], references=[300])
    with pytest.raises(TypeError, match="ref16"):
        cmcore.sms_parts_many(["a"], ref16=None)  # type: ignore[arg-type]
    assert cmcore.sms_parts_many(["a", "b"], references=[300, 1], ref16=True)[0][0].text == "a"


PARTS_TEXT = st.one_of(
    GSM_TEXT,
    ANY_TEXT,
    st.builds(lambda n, tail: "a" * n + tail, st.integers(140, 320),
              st.sampled_from(["", "\u20ac", "[", "\u20ac" * 3, EMOJI, "\ud800", CY])),
    st.builds(lambda n, tail: CY * n + tail, st.integers(60, 140), st.sampled_from(["", EMOJI, EMOJI * 2, "a"])),
)


@settings(max_examples=examples(200))
@given(PARTS_TEXT, st.sampled_from([None, 0, 77, 255, 300, 0xFFFF]), st.booleans(), st.booleans())
def test_fast_parts_agree_with_the_general_path(text: str, reference: int | None, ref16: bool, packed: bool) -> None:
    expected = _general(text, reference, ref16, packed)
    assert _fast(_national.septets, text, reference, ref16, packed) == expected
    if COMPILED is not None:
        assert COMPILED.parts(text, SmsPart, reference, ref16, packed) == _septets_py.parts(
            text, SmsPart, reference, ref16, packed)
        many = [text, text[:70], text[:160]]
        refs = [reference] * 3
        assert COMPILED.parts_many(many, SmsPart, refs, ref16, packed) == _septets_py.parts_many(
            many, SmsPart, refs, ref16, packed)


@pytest.mark.skipif(COMPILED is None, reason="the compiled kernel is not built")
@settings(max_examples=examples(200))
@given(st.text(alphabet=st.sampled_from(sorted(set("$@_`[]{}^~|\\ aZ09\n\r\x0c\x7f\u20ac\u00e9\u0394"))),
               max_size=300), st.integers(0, 6))
def test_septet_words_agree_with_twin(text: str, fill: int) -> None:
    """The SWAR paths: 8 ASCII characters whose septet is their code, 8 septets packed a word."""
    assert COMPILED is not None
    assert COMPILED.encode(text, 0, 0) == _septets_py.encode(text, 0, 0)
    values = _septets_py.encode(text, 0, 0)[0]
    for cr_pad in (True, False):
        assert COMPILED.pack(values, fill, cr_pad) == _septets_py.pack(values, fill, cr_pad)
