"""Concatenated SMS reassembly (cmcore._reassembly): parse_udh and Reassembler.

Sources: 3GPP TS 23.040 9.2.3.24 (UDH: UDHL, then IEI, IEDL, data), 9.2.3.24.1 (IEI 0x00:
reference, total, sequence number, one octet each), 9.2.3.24.8 (IEI 0x08: a 2-octet
reference), 9.2.3.24.15-16 (IEI 0x24 single shift, 0x25 locking shift: one octet, the
national language identifier of 3GPP TS 23.038 6.2.1.2.4); SMPP 3.4 5.2.12 (esm_class bit 6,
UDHI), 5.2.19 (data_coding: 3 Latin-1, 4 octet unspecified, 8 UCS-2), 5.3.2.22-24 (SAR TLVs).
"""

from __future__ import annotations

import random

import pytest
from conftest import examples
from hypothesis import given, settings
from hypothesis import strategies as st

import cmcore
from cmcore import (
    Concat,
    DeliverSm,
    DuplicatePartError,
    IncompleteMessage,
    PartConflictError,
    ReassembledMessage,
    Reassembler,
    ReassemblyFullError,
    ReceivedPart,
    ResponseError,
    SmppAddress,
    Tlvs,
    Udh,
    decode_pdu,
    encode_pdu,
    parse_udh,
)


def udh8(ref: int, total: int, seq: int) -> bytes:
    return bytes([5, 0x00, 3, ref, total, seq])  # UDHL 5; IEI 0x00, IEDL 3, ref, total, seq


def udh16(ref: int, total: int, seq: int) -> bytes:
    return bytes([6, 0x08, 4, ref >> 8, ref & 0xFF, total, seq])


def ucs2_parts(text: str, size: int, ref: int = 0x42) -> list[bytes]:
    data = text.encode("utf-16-be")
    chunks = [data[i:i + size] for i in range(0, len(data), size)] or [b""]
    return [udh8(ref, len(chunks), i + 1) + c for i, c in enumerate(chunks)]


def feed(r: Reassembler, datas: list[bytes], *, source: str = "31612345678", data_coding: int = 8,
         now: float = 0.0) -> list[ReassembledMessage]:
    out = []
    for data in datas:
        got = r.add(ReceivedPart.from_user_data(data, source=source, data_coding=data_coding, udhi=True), now=now)
        if got is not None:
            out.append(got)
    return out


# -- parse_udh --------------------------------------------------------------------------------

@pytest.mark.parametrize(("data", "udh"), [
    (bytes.fromhex("050003cc0201") + b"rest", Udh(length=6, concat=Concat(reference=0xCC, total=2, seqnum=1),
                                                    elements=((0x00, b"\xcc\x02\x01"),))),
    (bytes.fromhex("0608041234ff03"), Udh(length=7, concat=Concat(reference=0x1234, total=255, seqnum=3, wide=True),
                                          elements=((0x08, b"\x12\x34\xff\x03"),))),
    # concatenation, then Turkish (1) locking and single shift tables
    (bytes.fromhex("0b00030102022501012401 01".replace(" ", "")),
     Udh(length=12, concat=Concat(reference=1, total=2, seqnum=2), locking=1, single=1,
         elements=((0x00, b"\x01\x02\x02"), (0x25, b"\x01"), (0x24, b"\x01")))),
    # application port addressing, 16-bit (IEI 0x05, 9.2.3.24.4): kept raw
    (bytes.fromhex("0605040b8423f0"), Udh(length=7, elements=((0x05, b"\x0b\x84\x23\xf0"),))),
    (b"\x00", Udh(length=1)),
])
def test_udh_vectors(data: bytes, udh: Udh) -> None:
    assert parse_udh(data) == udh
    assert parse_udh(bytearray(data)) == parse_udh(memoryview(data)) == udh


@pytest.mark.parametrize(("hex_data", "where"), [
    ("", "udh"),
    ("050003cc02", "udh.length"),        # UDHL says 5, 4 follow
    ("0400030102", "udh.elements"),      # the element says 3 octets, UDHL leaves 2
    ("0100", "udh.elements"),            # an element header cut off by the UDHL
    ("050003cc0000", "udh.concat.total"),  # 0 parts
    ("050003cc0200", "udh.concat.seqnum"),  # part 0
    ("050003cc0203", "udh.concat.seqnum"),  # part 3 of 2
    ("0400020102", "udh.concat"),        # IEI 0x00 holds 3 octets, not 2
    ("0a0003010201" "0003010202", "udh.concat"),  # two concatenation elements
    ("0b0003010201" "080400010201", "udh.concat"),  # 8-bit and 16-bit together
    ("0625010125 0102".replace(" ", ""), "udh.locking"),  # the locking shift twice
    ("0424020101", "udh.single"),        # IEI 0x24 holds 1 octet, not 2
])
def test_hostile_udh(hex_data: str, where: str) -> None:
    with pytest.raises(ResponseError) as caught:
        parse_udh(bytes.fromhex(hex_data))
    assert caught.value.location == where


def test_every_truncation_of_a_udh_raises() -> None:
    data = bytes.fromhex("0b00030102022501012401 01".replace(" ", ""))
    for n in range(len(data)):
        with pytest.raises(ResponseError):
            parse_udh(data[:n])


def test_udh_types() -> None:
    with pytest.raises(TypeError):
        parse_udh("\x05\x00\x03\x01\x02\x01")  # type: ignore[arg-type]


@settings(max_examples=examples(500))
@given(st.binary(max_size=64))
def test_udh_arbitrary_bytes(data: bytes) -> None:
    try:
        udh = parse_udh(data)
    except ResponseError:
        return
    assert 1 <= udh.length <= len(data)
    if udh.concat is not None:
        assert 1 <= udh.concat.seqnum <= udh.concat.total <= 255


# -- reassembly -------------------------------------------------------------------------------

TEXT = "Привет, мир! Ваш код 4821 — действует 10 минут. 😀 Спасибо."


@settings(max_examples=examples(100))
@given(st.text(min_size=1, max_size=200), st.sampled_from([2, 4, 6, 134]), st.randoms(use_true_random=False))
def test_any_order_gives_the_text(text: str, size: int, rng: random.Random) -> None:
    """UCS-2 parts cut at any even octet, a surrogate pair straddling a cut included."""
    text = text.encode("utf-16-be", "surrogatepass").decode("utf-16-be", "replace")  # no lone surrogates
    parts = ucs2_parts(text, size)
    if len(parts) > 255:
        return
    rng.shuffle(parts)
    r = Reassembler()
    got = feed(r, parts)
    assert [m.text for m in got] == [text] and len(r) == 0 and r.octets == 0
    assert got[0].payload == text.encode("utf-16-be") and got[0].total == len(parts)


def test_pair_cut_between_parts() -> None:
    parts = ucs2_parts("a😀b", 4)  # "a" + high surrogate | low surrogate + "b"
    assert len(parts) == 2
    assert feed(Reassembler(), parts[::-1])[0].text == "a😀b"


def test_each_part_decoded_with_its_own_data_coding() -> None:
    r = Reassembler()
    first = ReceivedPart.from_user_data(udh8(7, 3, 1) + "Grüße ".encode("utf-16-be"), source="s", data_coding=8,
                                        udhi=True)
    second = ReceivedPart.from_user_data(udh8(7, 3, 2) + "café ".encode("latin-1"), source="s", data_coding=3,
                                         udhi=True)
    third = ReceivedPart.from_user_data(udh8(7, 3, 3) + b"ok", source="s", data_coding=1, udhi=True)
    assert r.add(third, now=0) is None and r.add(first, now=1) is None
    whole = r.add(second, now=2)
    assert whole is not None and whole.text == "Grüße café ok" and whole.data_codings == (8, 3, 1)


def test_binary_parts_have_no_text() -> None:
    data = [udh16(0xBEEF, 2, 2) + b"\xff\x00", udh16(0xBEEF, 2, 1) + b"\x01\x02"]
    whole = feed(Reassembler(), data, data_coding=4)[0]
    assert whole.text is None and whole.payload == b"\x01\x02\xff\x00" and whole.reference == 0xBEEF


def test_single_part_message() -> None:
    r = Reassembler()
    whole = r.add(ReceivedPart.from_user_data("hé".encode("utf-16-be"), source="s", data_coding=8), now=0)
    assert whole == ReassembledMessage(source="s", reference=None, total=1, payload="hé".encode("utf-16-be"),
                                       text="hé", data_codings=(8,))
    assert feed(r, [udh8(1, 1, 1) + b"\x00A"])[0].text == "A" and len(r) == 0


def test_keyed_by_source_and_reference() -> None:
    r = Reassembler()
    a, b = ucs2_parts("from a", 6, ref=9), ucs2_parts("from b", 6, ref=9)
    wide = [udh16(9, 2, 1) + "16".encode("utf-16-be"), udh16(9, 2, 2) + "-bit".encode("utf-16-be")]
    got = feed(r, [a[0]], source="A") + feed(r, [b[0]], source="B") + feed(r, [wide[0]], source="A")
    got += feed(r, b[1:], source="B") + feed(r, a[1:], source="A") + feed(r, wide[1:], source="A")
    assert [(m.source, m.text) for m in got] == [("B", "from b"), ("A", "from a"), ("A", "16-bit")]


def test_sar_tlvs_through_deliver_sm_pdus() -> None:
    """Parts carried by SAR TLVs (SMPP 3.4 5.3.2.22-24), decoded from their octets."""
    chunks = ["Hallo ", "wereld"]
    wires = [encode_pdu(DeliverSm(sequence_number=i + 1, source=SmppAddress(ton=1, npi=1, addr="31612345678"),
                                  data_coding=8, short_message=c.encode("utf-16-be"),
                                  tlvs=Tlvs(sar_msg_ref_num=0x0102, sar_total_segments=2, sar_segment_seqnum=i + 1)))
             for i, c in enumerate(chunks)]
    r = Reassembler()
    assert r.add(ReceivedPart.from_pdu(decode_pdu(wires[1])), now=0) is None  # type: ignore[arg-type]
    whole = r.add(ReceivedPart.from_pdu(decode_pdu(wires[0])), now=0)  # type: ignore[arg-type]
    assert whole is not None and whole.text == "Hallo wereld" and whole.reference == 0x0102
    # Only two of the three SAR TLVs: ignored, as 5.3.2.22 says; the part is a message of its own.
    lone = DeliverSm(sequence_number=3, data_coding=8, short_message=b"\x00x", tlvs=Tlvs(sar_msg_ref_num=1,
                                                                                          sar_total_segments=2))
    assert r.add(ReceivedPart.from_pdu(lone), now=0) is not None
    bad = DeliverSm(sequence_number=4, short_message=b"x", tlvs=Tlvs(sar_msg_ref_num=1, sar_total_segments=2,
                                                                      sar_segment_seqnum=3))
    with pytest.raises(ResponseError, match="part 3 of 2"):
        ReceivedPart.from_pdu(bad)


def test_udh_and_sar_must_agree() -> None:
    with pytest.raises(ResponseError) as caught:
        ReceivedPart.from_user_data(udh8(1, 2, 1) + b"x", source="s", udhi=True,
                                    sar=Concat(reference=1, total=2, seqnum=2, wide=True))
    assert caught.value.location == "sar"


def test_duplicates_and_conflicts_are_refused_and_change_nothing() -> None:
    r = Reassembler()
    parts = ucs2_parts("abcdef", 4)  # 3 parts
    feed(r, parts[:1])
    with pytest.raises(DuplicatePartError):
        feed(r, parts[:1])
    with pytest.raises(PartConflictError):
        feed(r, [udh8(0x42, 4, 2) + b"\x00x"])
    assert len(r) == 1 and r.octets == 4
    assert [m.text for m in feed(r, parts[1:])] == ["abcdef"]


@pytest.mark.parametrize("concat", [
    Concat(reference=256, total=2, seqnum=1), Concat(reference=-1, total=2, seqnum=1),
    Concat(reference=70000, total=2, seqnum=1, wide=True), Concat(reference=1, total=0, seqnum=1),
    Concat(reference=1, total=256, seqnum=1), Concat(reference=1, total=2, seqnum=0),
    Concat(reference=1, total=2, seqnum=3),
])
def test_out_of_range_parts(concat: Concat) -> None:
    r = Reassembler()
    with pytest.raises(ResponseError):
        r.add(ReceivedPart(source="s", payload=b"", concat=concat), now=0)
    assert len(r) == 0


def test_bounded_by_messages_then_expiry() -> None:
    r = Reassembler(max_messages=2, ttl=60)
    feed(r, [udh8(1, 2, 1) + b"\x00a"], now=0)
    feed(r, [udh8(2, 2, 1) + b"\x00b"], now=30)
    with pytest.raises(ReassemblyFullError):
        feed(r, [udh8(3, 2, 1) + b"\x00c"], now=59)
    assert feed(r, [udh8(2, 2, 2) + b"\x00B"], now=59)[0].text == "bB"  # a waiting message still completes
    assert r.expire(now=59.9) == ()
    assert r.expire(now=60) == (IncompleteMessage(source="31612345678", reference=1, total=2, received=(1,),
                                                  started=0.0),)
    assert len(r) == 0 and r.octets == 0
    feed(r, [udh8(3, 2, 1) + b"\x00c"], now=61)
    assert len(r) == 1


def test_bounded_by_octets() -> None:
    r = Reassembler(max_octets=10)
    feed(r, [udh8(1, 2, 1) + b"\x00" * 8])
    with pytest.raises(ReassemblyFullError):
        feed(r, [udh8(2, 2, 1) + b"\x00" * 4])
    assert r.octets == 8 and len(r) == 1


def test_expiry_uses_only_the_clock_given() -> None:
    r = Reassembler(ttl=5)
    feed(r, [udh8(1, 2, 1) + b"\x00a"], now=1000.0)
    assert r.expire(now=1004.0) == () and len(r) == 1
    assert len(r.expire(now=1005.0)) == 1


def test_a_part_that_does_not_decode() -> None:
    r = Reassembler()
    feed(r, [udh8(1, 2, 1) + b"\x00a"])
    with pytest.raises(ResponseError, match="utf-16-be"):
        feed(r, [udh8(1, 2, 2) + b"\xd8\x00"])  # a lone high surrogate at the end
    assert len(r) == 0 and r.octets == 0  # the message is dropped, not left half-read
    with pytest.raises(ResponseError):
        feed(r, [b"\x00" + b"\x80"], data_coding=1)  # IA5 is 7-bit


def test_hostile_feeding_raises_only_response_error() -> None:
    r = Reassembler(max_messages=4, max_octets=64)
    rng = random.Random(7)
    for i in range(3000):
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(12)))
        if rng.random() < 0.5:
            data = udh8(rng.randrange(4), rng.randrange(4), rng.randrange(4)) + data
        try:
            r.add(ReceivedPart.from_user_data(data, source=str(rng.randrange(2)), data_coding=rng.choice([1, 3, 4, 8]),
                                              udhi=rng.random() < 0.9), now=float(i))
        except ResponseError:
            pass
        r.expire(now=float(i) - 100)
        assert len(r) <= 4 and r.octets <= 64


# -- GSM 7-bit, through cmcore's own codec ---------------------------------------------------

def _codec() -> object:
    return cmcore  # encode_gsm7 / decode_gsm7 / sms_parts


def _pack(septets: bytes, fill: int) -> bytes:
    """GSM 03.38 6.1.2.1 packing, after ``fill`` zero bits (23.040 9.2.3.24: the septets
    start on a septet boundary after the UDH)."""
    acc, bits = 0, fill
    for septet in septets:
        acc |= septet << bits
        bits += 7
    return acc.to_bytes((bits + 7) // 8, "little")


def test_gsm7_unpacked_parts() -> None:
    smpp = _codec()
    chunks = ["Hello {world} ", "and €uro ", "@ the end"]  # { } € are extension characters (2 septets)
    datas = [udh8(5, 3, i + 1) + smpp.encode_gsm7(c, packed=False) for i, c in enumerate(chunks)]  # type: ignore[attr-defined]
    assert feed(Reassembler(), datas[::-1], data_coding=0)[0].text == "".join(chunks)


def test_gsm7_packed_parts_with_fill_bits() -> None:
    smpp = _codec()
    chunks = ["Packed part one", "and part two!"]  # 15 and 13 septets: no 7 spare bits at the end
    datas = [udh8(6, 2, i + 1) + _pack(smpp.encode_gsm7(c, packed=False), 1)  # type: ignore[attr-defined]
             for i, c in enumerate(chunks)]  # a 6-octet UDH leaves 1 fill bit
    assert feed(Reassembler(gsm7_packed=True), datas, data_coding=0)[0].text == "".join(chunks)


def test_gsm7_national_language_tables_per_part() -> None:
    smpp = _codec()
    turkish = "Çok güzel ğ ş ı "  # Turkish (national language identifier 1, 23.038 6.2.1.2.4)
    first = bytes([11, 0x00, 3, 8, 2, 1, 0x25, 1, 1, 0x24, 1, 1]) + smpp.encode_gsm7(  # type: ignore[attr-defined]
        turkish, packed=False, locking=1, single=1)
    second = udh8(8, 2, 2) + smpp.encode_gsm7("plain @ text", packed=False)  # type: ignore[attr-defined]
    assert feed(Reassembler(), [second, first], data_coding=0)[0].text == turkish + "plain @ text"


def _sms_parts() -> object:
    return cmcore.sms_parts


def _through_pdus(parts: tuple[object, ...], transport: str) -> list[ReceivedPart]:
    """Each SmsPart as the deliver_sm an SMSC would send (its octets decoded again)."""
    out = []
    for i, part in enumerate(parts, 1):
        p: object = part
        sm = p.short_message  # type: ignore[attr-defined]
        tlvs = Tlvs(message_payload=sm if transport == "payload" else None,
                    sar_msg_ref_num=p.sar_msg_ref_num, sar_total_segments=p.sar_total_segments,  # type: ignore[attr-defined]
                    sar_segment_seqnum=p.sar_segment_seqnum)  # type: ignore[attr-defined]
        pdu = DeliverSm(sequence_number=i, source=SmppAddress(ton=1, npi=1, addr="31612345678"),
                        esm_class=p.esm_class, data_coding=p.data_coding,  # type: ignore[attr-defined]
                        short_message=b"" if transport == "payload" else sm, tlvs=tlvs)
        decoded = decode_pdu(encode_pdu(pdu))
        assert isinstance(decoded, DeliverSm)
        out.append(ReceivedPart.from_pdu(decoded))
    return out


TEXTS = ["Your code is 4821 — valid 10 min. " * 8, "{€} [~] ^|\\ " * 30, "Привет 😀 " * 40, "short",
         "Çok güzel ğ ş ı İ " * 20]


@pytest.mark.parametrize("text", TEXTS, ids=range(len(TEXTS)))
@pytest.mark.parametrize(("transport", "packed", "ref16"), [
    ("udh", False, False), ("udh", True, False), ("udh", True, True), ("sar", False, False), ("sar", True, False),
    ("payload", False, False), ("payload", True, False)])
def test_sms_parts_come_back_whole(text: str, transport: str, packed: bool, ref16: bool) -> None:
    sms_parts = _sms_parts()
    tables = {"locking": 1, "single": 1} if "ğ" in text else {}
    parts = sms_parts(text, reference=0x1A2 if ref16 else 0xA2, ref16=ref16, packed=packed,  # type: ignore[operator]
                      transport=transport, **tables)
    received = _through_pdus(parts, transport)
    r = Reassembler(gsm7_packed=packed)
    got = [m for part in reversed(received) if (m := r.add(part, now=0)) is not None]
    assert [m.text for m in got] == [text] and len(r) == 0


@settings(max_examples=examples(50))
@given(st.text(st.sampled_from("abc XYZ 0123 @£$¥ {}[]~^€|\\ \n äöüñ ΔΦ"), min_size=150, max_size=600),
       st.booleans(), st.randoms(use_true_random=False))
def test_gsm7_any_order(text: str, packed: bool, rng: random.Random) -> None:
    sms_parts = _sms_parts()
    parts = list(_through_pdus(sms_parts(text, reference=7, packed=packed), "udh"))  # type: ignore[operator]
    rng.shuffle(parts)
    r = Reassembler(gsm7_packed=packed)
    got = [m for part in parts if (m := r.add(part, now=0)) is not None]
    assert [m.text for m in got] == [text]
