"""SMPP 3.4 PDUs (cmcore._pdu): vectors laid out by hand from the spec's tables, round trips,
and hostile input.

Sources, SMPP v3.4 Issue 1.2 (12 Oct 1999): the header, 3.2 (four 4-octet integers, big
endian); submit_sm 4.4.1, submit_sm_resp 4.4.2, deliver_sm 4.6.1, deliver_sm_resp 4.6.2,
data_sm 4.7.1; command_id values 5.1.2.1; esm_class 5.2.12; TLV layout 3.2 / 5.3.1 and tags
5.3.2; message_state values 5.2.28. CM's TLVs 0x1401 and 0x140A: the CM spec, "SMPP".
"""

from __future__ import annotations

import tracemalloc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cmcore
from cmcore import (
    CommandId,
    DataSm,
    DataSmResp,
    DeliverSm,
    DeliverSmResp,
    MessageState,
    OtherPdu,
    PayloadError,
    PduError,
    ResponseError,
    SmppAddress,
    SubmitSm,
    SubmitSmResp,
    Tlv,
    Tlvs,
    decode_pdu,
    encode_pdu,
    read_pdus,
)
from conftest import examples

# submit_sm, 4.4.1, field by field (48 octets).
SUBMIT_SM = bytes.fromhex(
    "00000030"                    # command_length 48
    "00000004"                    # command_id submit_sm (5.1.2.1)
    "00000000"                    # command_status
    "00000001"                    # sequence_number 1
    "00"                          # service_type "" (C-octet string: its NUL only)
    "05" "00" "434d00"            # source_addr_ton 5 (alphanumeric), npi 0, source_addr "CM"
    "01" "01" "333136313233343536373800"  # dest_addr_ton 1, npi 1, destination_addr "31612345678"
    "00" "00" "00"                # esm_class, protocol_id, priority_flag
    "00" "00"                     # schedule_delivery_time "", validity_period ""
    "01" "00" "00" "00"           # registered_delivery 1, replace_if_present_flag, data_coding, sm_default_msg_id
    "02" "4869"                   # sm_length 2, short_message "Hi"
)
SUBMIT_SM_PDU = SubmitSm(sequence_number=1, source=SmppAddress(ton=5, npi=0, addr="CM"),
                         destination=SmppAddress(ton=1, npi=1, addr="31612345678"), short_message=b"Hi",
                         registered_delivery=1)

# submit_sm with CM's TLVs (CM spec "SMPP": 0x1401 MCC/MNC, 0x140A tariff, decimal C-octet strings).
SUBMIT_SM_CM = bytes.fromhex(
    "0000003e" "00000004" "00000000" "00000002"
    "00" "00" "00" "00"           # service_type "", source ton 0, npi 0, source_addr ""
    "01" "01" "333136313233343536373800"
    "00" "00" "00" "00" "00" "00" "00" "00" "00"
    "01" "78"                     # sm_length 1, "x"
    "1401" "0006" "323034313600"  # tag 0x1401, length 6, "20416\0" (MCC 204, MNC 16)
    "140a" "0003" "313500"        # tag 0x140A, length 3, "15\0" (15 cents)
)
SUBMIT_SM_CM_PDU = SubmitSm(sequence_number=2, destination=SmppAddress(ton=1, npi=1, addr="31612345678"),
                            short_message=b"x", tlvs=Tlvs(operator="20416", tariff=15))

# submit_sm_resp, 4.4.2: message_id "abc".
SUBMIT_SM_RESP = bytes.fromhex("00000014" "80000004" "00000000" "00000001" "61626300")
# submit_sm_resp with ESME_RSUBMITFAIL (0x45, 5.1.3): no body (4.4.2).
SUBMIT_SM_RESP_ERROR = bytes.fromhex("00000010" "80000004" "00000045" "00000002")
# deliver_sm_resp, 4.6.2: message_id unused, its NUL only.
DELIVER_SM_RESP = bytes.fromhex("00000011" "80000005" "00000000" "00000007" "00")
# enquire_link, 4.11.1: a header only; not modelled, so an OtherPdu.
ENQUIRE_LINK = bytes.fromhex("00000010" "00000015" "00000000" "00000009")

RECEIPT_TEXT = b"id:abc submit date:20240131235959 done date:20240201000102 stat:DELIVRD err:000"
# deliver_sm carrying a receipt: esm_class 0x04 (5.2.12, bits 5-2 = 0001), TLVs 0x001E and 0x0427.
DELIVER_SM_RECEIPT = (
    bytes.fromhex("0000008a" "00000005" "00000000" "0000002a"
                  "00"
                  "01" "01" "333136313233343536373800"   # the handset
                  "05" "00" "434d00"                     # the sender it was sent as
                  "04" "00" "00" "00" "00" "00" "00" "00" "00"
                  "4f") + RECEIPT_TEXT +                 # sm_length 79
    bytes.fromhex("001e" "0004" "61626300"               # receipted_message_id "abc" (5.3.2.12)
                  "0427" "0001" "02"))                   # message_state 2 = DELIVERED (5.3.2.35, 5.2.28)

# data_sm, 4.7.1, with the receipt in message_payload (0x0424, 5.3.2.32).
DATA_SM = (bytes.fromhex("0000007a" "00000103" "00000000" "0000000b"
                         "00" "01" "01" "333136313233343536373800" "05" "00" "434d00"
                         "04" "00" "00"                  # esm_class receipt, registered_delivery, data_coding
                         "0424" "004f") + RECEIPT_TEXT)

VECTORS = [
    (SUBMIT_SM, SUBMIT_SM_PDU),
    (SUBMIT_SM_CM, SUBMIT_SM_CM_PDU),
    (SUBMIT_SM_RESP, SubmitSmResp(sequence_number=1, message_id="abc")),
    (SUBMIT_SM_RESP_ERROR, SubmitSmResp(sequence_number=2, command_status=0x45)),
    (DELIVER_SM_RESP, DeliverSmResp(sequence_number=7)),
    (ENQUIRE_LINK, OtherPdu(command_id=CommandId.ENQUIRE_LINK, sequence_number=9)),
    (DELIVER_SM_RECEIPT, DeliverSm(
        sequence_number=42, source=SmppAddress(ton=1, npi=1, addr="31612345678"),
        destination=SmppAddress(ton=5, addr="CM"), esm_class=4, short_message=RECEIPT_TEXT,
        tlvs=Tlvs(receipted_message_id="abc", message_state=MessageState.DELIVERED))),
    (DATA_SM, DataSm(sequence_number=11, source=SmppAddress(ton=1, npi=1, addr="31612345678"),
                     destination=SmppAddress(ton=5, addr="CM"), esm_class=4,
                     tlvs=Tlvs(message_payload=RECEIPT_TEXT))),
]


@pytest.mark.parametrize(("wire", "pdu"), VECTORS, ids=lambda v: type(v).__name__ if not isinstance(v, bytes) else "")
def test_vectors(wire: bytes, pdu: cmcore.Pdu) -> None:
    assert int.from_bytes(wire[:4], "big") == len(wire)  # the vectors' own command_length is right
    assert decode_pdu(wire) == pdu
    assert encode_pdu(pdu) == wire


def test_receipt_hands_its_text_to_parse_delivery_receipt() -> None:
    pdu = decode_pdu(DELIVER_SM_RECEIPT)
    assert isinstance(pdu, DeliverSm) and pdu.is_receipt
    receipt = pdu.receipt()
    assert receipt == cmcore.parse_delivery_receipt(RECEIPT_TEXT)
    assert receipt is not None and receipt.id == "abc" and receipt.state is MessageState.DELIVERED
    assert pdu.tlvs.message_state is MessageState.DELIVERED
    data_sm = decode_pdu(DATA_SM)
    assert isinstance(data_sm, DataSm) and data_sm.receipt() == receipt
    mo = DeliverSm(sequence_number=1, short_message=b"stat:nonsense")  # esm_class 0: a mobile originated text
    assert not mo.is_receipt and mo.receipt() is None
    assert pdu.response() == DeliverSmResp(sequence_number=42)


def test_other_pdus_keep_their_body() -> None:
    generic_nack = bytes.fromhex("00000010" "80000000" "00000003" "00000005")  # 4.3, ESME_RINVCMDID
    assert decode_pdu(generic_nack) == OtherPdu(command_id=0x80000000, sequence_number=5, command_status=3)
    bind = OtherPdu(command_id=CommandId.BIND_TRANSCEIVER, sequence_number=1, body=b"sys\x00pw\x00\x00\x34\x00\x00\x00")
    assert decode_pdu(encode_pdu(bind)) == bind
    with pytest.raises(PayloadError, match="class of its own"):
        encode_pdu(OtherPdu(command_id=CommandId.SUBMIT_SM, sequence_number=1))


def test_tlvs_known_typed_unknown_raw_in_order() -> None:
    tail = bytes.fromhex("020c" "0002" "1234"     # sar_msg_ref_num 0x1234 (5.3.2.22)
                         "020e" "0001" "03"       # sar_total_segments 3 (5.3.2.23)
                         "020f" "0001" "02"       # sar_segment_seqnum 2 (5.3.2.24)
                         "1500" "0002" "abcd"     # unknown: kept raw
                         "0423" "0003" "030045"   # network_error_code: GSM (3), error 0x45 (5.3.2.31)
                         "1500" "0000")           # the unknown tag again: kept, in order
    wire = _with_tail(SUBMIT_SM, tail)
    tlvs = decode_pdu(wire).tlvs  # type: ignore[union-attr]
    assert (tlvs.sar_msg_ref_num, tlvs.sar_total_segments, tlvs.sar_segment_seqnum) == (0x1234, 3, 2)
    assert tlvs.network_error_code == (3, 0x45)
    assert tlvs.other == (Tlv(0x1500, b"\xab\xcd"), Tlv(0x1500, b""))
    assert tlvs.other[0].name == "0x1500" and Tlv(0x0427, b"\x01").name == "message_state"
    assert "sar_msg_ref_num=4660" in repr(tlvs) and "tariff" not in repr(tlvs)


def _with_tail(wire: bytes, tail: bytes) -> bytes:
    body = wire[4:] + tail
    return (4 + len(body)).to_bytes(4, "big") + body


@pytest.mark.parametrize(("tail", "where"), [
    ("0427000109", "submit_sm.message_state"),           # no state 9 (5.2.28 has 1 to 8)
    ("042700020202", "submit_sm.message_state"),         # one octet, not two
    ("020c000112", "submit_sm.sar_msg_ref_num"),         # two octets, not one
    ("020e000100", "submit_sm.sar_total_segments"),      # 0 segments (1 to 255)
    ("020f000100", "submit_sm.sar_segment_seqnum"),
    ("0427000102" "0427000102", "submit_sm.message_state"),  # given twice
    ("001e000461626364", "submit_sm.receipted_message_id"),  # no NUL
    ("001e00056100626300", "submit_sm.receipted_message_id"),  # a NUL inside
    ("1401000432303400", "submit_sm.operator"),          # "204": too short for MCC/MNC
    ("140a00023a00", "submit_sm.tariff"),                # not decimal
    ("0424000548656c6c6f", "submit_sm.message_payload"),  # short_message "Hi" and message_payload
    ("0427", "submit_sm.tlvs"),                          # a TLV header cut short
    ("04270005" "02", "submit_sm.message_state"),        # a TLV length that runs past the PDU
])
def test_bad_tlvs_name_the_field(tail: str, where: str) -> None:
    with pytest.raises(PduError) as caught:
        decode_pdu(_with_tail(SUBMIT_SM, bytes.fromhex(tail)))
    assert caught.value.location == where
    assert (caught.value.command_id, caught.value.sequence_number) == (CommandId.SUBMIT_SM, 1)


def _patched(wire: bytes, at: int, value: bytes) -> bytes:
    return wire[:at] + value + wire[at + len(value):]


@pytest.mark.parametrize(("wire", "where"), [
    (_patched(SUBMIT_SM, 47 - 2, b"\x03"), "submit_sm.short_message"),     # sm_length 3, 2 octets follow
    (_patched(SUBMIT_SM, 47 - 2, b"\xff"), "submit_sm.sm_length"),         # 255 > 254 (4.4.1)
    (_patched(SUBMIT_SM, 19, b"A" * 21), "submit_sm.source.addr"),        # 21 octets, no NUL (max 21 with it)
    (_patched(SUBMIT_SM, 16, b"ABCDEF"), "submit_sm.service_type"),        # 6 octets without NUL (max 6 with it)
    (_patched(SUBMIT_SM, 19, b"\xc3\xa9\x00"), "submit_sm.source.addr"),  # not ASCII (3.1)
    (_patched(SUBMIT_SM, 0, b"\x00\x00\x00\x31"), "command_length"),      # says 49, 48 given
    (_patched(SUBMIT_SM, 0, b"\x00\x00\x00\x0f"), "command_length"),      # under 16
    (_patched(SUBMIT_SM_RESP, 16, b"abcd"), "submit_sm_resp.message_id"),  # no NUL before the end
    (_patched(DELIVER_SM_RESP, 16, b"x"), "deliver_sm_resp.message_id"),   # unused: at most its NUL
])
def test_lying_lengths_and_missing_nuls(wire: bytes, where: str) -> None:
    with pytest.raises(PduError) as caught:
        decode_pdu(wire)
    assert caught.value.location == where


def test_time_fields() -> None:
    ok = SubmitSm(sequence_number=1, schedule_delivery_time="240131235959000+", validity_period="000001000000000R")
    assert decode_pdu(encode_pdu(ok)) == ok
    for bad in ("2401312359", "24013123595900+0", "240131235959000Z"):
        with pytest.raises(PayloadError, match="7.1"):
            encode_pdu(SubmitSm(sequence_number=1, validity_period=bad))
    wire = encode_pdu(ok).replace(b"000+", b"000Z")
    with pytest.raises(PduError) as caught:
        decode_pdu(wire)
    assert caught.value.location == "submit_sm.schedule_delivery_time"


@pytest.mark.parametrize(("pdu", "where"), [
    (SubmitSm(sequence_number=1, source=SmppAddress(addr="1" * 21)), "submit_sm.source.addr"),  # max 21 with NUL
    (SubmitSm(sequence_number=1, service_type="ABCDEF"), "submit_sm.service_type"),
    (SubmitSm(sequence_number=1, short_message=b"x" * 255), "submit_sm.short_message"),
    (SubmitSm(sequence_number=1, short_message=b"x", tlvs=Tlvs(message_payload=b"y")), "submit_sm.short_message"),
    (SubmitSm(sequence_number=1, destination=SmppAddress(addr="é")), "submit_sm.destination.addr"),
    (SubmitSm(sequence_number=1, esm_class=256), "submit_sm.esm_class"),
    (SubmitSm(sequence_number=1, tlvs=Tlvs(operator="204")), "submit_sm.operator"),
    (SubmitSm(sequence_number=1, tlvs=Tlvs(operator="2041666")), "submit_sm.operator"),
    (SubmitSm(sequence_number=1, tlvs=Tlvs(tariff=100000)), "submit_sm.tariff"),
    (SubmitSm(sequence_number=1, tlvs=Tlvs(sar_total_segments=0)), "submit_sm.sar_total_segments"),
    (SubmitSm(sequence_number=1, tlvs=Tlvs(other=(Tlv(0x0427, b"\x02"),))), "submit_sm.tlvs.other[0]"),
    (SubmitSm(sequence_number=2 ** 32), "submit_sm.sequence_number"),
    (DataSm(sequence_number=1, source=SmppAddress(addr="1" * 65)), "data_sm.source.addr"),  # max 65 with NUL
    (SubmitSmResp(sequence_number=1, message_id="x" * 65), "submit_sm_resp.message_id"),
])
def test_encode_refuses_what_the_spec_does_not_allow(pdu: cmcore.Pdu, where: str) -> None:
    with pytest.raises(PayloadError) as caught:
        encode_pdu(pdu)
    assert caught.value.location == where


def test_longest_fields_fit() -> None:
    pdu = SubmitSm(sequence_number=0xFFFFFFFF, command_status=0, service_type="ABCDE",
                   source=SmppAddress(addr="1" * 20), destination=SmppAddress(addr="2" * 20),
                   short_message=b"\xff" * 254, tlvs=Tlvs(operator="204160", tariff=99999))
    assert decode_pdu(encode_pdu(pdu)) == pdu
    data_sm = DataSm(sequence_number=1, source=SmppAddress(addr="1" * 64),
                     tlvs=Tlvs(message_payload=b"\x00" * 65535))
    assert decode_pdu(encode_pdu(data_sm)) == data_sm


def test_types() -> None:
    for func in (decode_pdu, read_pdus):
        with pytest.raises(TypeError):
            func(SUBMIT_SM.decode("latin-1"))  # type: ignore[operator]
    with pytest.raises(TypeError):
        encode_pdu(b"not a pdu")  # type: ignore[arg-type]
    assert decode_pdu(bytearray(SUBMIT_SM)) == decode_pdu(memoryview(SUBMIT_SM)) == SUBMIT_SM_PDU


@pytest.mark.parametrize("wire", [v for v, _ in VECTORS], ids=range(len(VECTORS)))
def test_every_truncation_raises_response_error(wire: bytes) -> None:
    for n in range(len(wire)):
        with pytest.raises(ResponseError):
            decode_pdu(wire[:n])


@pytest.mark.parametrize("wire", [SUBMIT_SM, SUBMIT_SM_RESP, DELIVER_SM_RESP], ids=range(3))
def test_every_truncation_with_its_length_fixed_raises(wire: bytes) -> None:
    """The body cut short where command_length agrees: the body's own fields must notice."""
    for n in range(16, len(wire)):
        cut = n.to_bytes(4, "big") + wire[4:n]
        with pytest.raises(PduError) as caught:
            decode_pdu(cut)
        assert caught.value.location.split(".")[0] in ("submit_sm", "submit_sm_resp", "deliver_sm_resp")


def test_huge_command_length_is_refused_without_allocating_it() -> None:
    tracemalloc.start()
    try:
        for head in (b"\xff\xff\xff\xff", b"\x7f\xff\xff\xff" + b"\x00" * 12):
            with pytest.raises(PduError) as caught:
                read_pdus(head)
            assert caught.value.command_length == int.from_bytes(head[:4], "big")
            with pytest.raises(PduError):
                decode_pdu(head + b"\x00" * 16)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1 << 20
    with pytest.raises(PduError, match="65536"):
        decode_pdu(encode_pdu(DataSm(sequence_number=1, tlvs=Tlvs(message_payload=b"x" * 65535))), max_length=65536)


def test_read_pdus_byte_by_byte() -> None:
    stream = SUBMIT_SM + ENQUIRE_LINK + DELIVER_SM_RECEIPT
    got: list[cmcore.Pdu] = []
    buffer = b""
    for i in range(len(stream)):
        pdus, buffer = read_pdus(buffer + stream[i:i + 1])
        got += pdus
    assert buffer == b"" and got == [decode_pdu(SUBMIT_SM), decode_pdu(ENQUIRE_LINK), decode_pdu(DELIVER_SM_RECEIPT)]
    assert read_pdus(stream + SUBMIT_SM[:20]) == (tuple(got), SUBMIT_SM[:20])
    assert read_pdus(b"") == ((), b"")


def test_read_pdus_stops_at_a_bad_pdu_and_keeps_it() -> None:
    bad = _patched(SUBMIT_SM, 45, b"\x03")  # sm_length lies
    pdus, rest = read_pdus(SUBMIT_SM + bad + ENQUIRE_LINK)
    assert pdus == (SUBMIT_SM_PDU,) and rest == bad + ENQUIRE_LINK
    with pytest.raises(PduError) as caught:
        read_pdus(rest)
    assert caught.value.command_length == len(bad)  # enough to skip it and answer generic_nack
    assert read_pdus(rest[caught.value.command_length:]) == ((decode_pdu(ENQUIRE_LINK),), b"")


# -- Hypothesis: round trips and arbitrary bytes -------------------------------------------------

_TEXT = st.text(st.characters(min_codepoint=1, max_codepoint=127), max_size=20)
_U8 = st.integers(0, 255)
_TIME = st.one_of(st.just(""), st.builds(lambda d, p: d + p, st.text("0123456789", min_size=15, max_size=15),
                                         st.sampled_from("+-R")))


def _address(size: int) -> st.SearchStrategy[SmppAddress]:
    return st.builds(SmppAddress, addr=st.text(st.characters(min_codepoint=1, max_codepoint=127), max_size=size - 1),
                     ton=_U8, npi=_U8)


_TLVS = st.builds(
    Tlvs, payload_type=st.none() | _U8, receipted_message_id=st.none() | _TEXT,
    sar_msg_ref_num=st.none() | st.integers(0, 0xFFFF), sar_total_segments=st.none() | st.integers(1, 255),
    sar_segment_seqnum=st.none() | st.integers(1, 255), network_error_code=st.none() | st.tuples(_U8, st.integers(0, 0xFFFF)),
    message_state=st.none() | st.sampled_from(MessageState), operator=st.none() | st.text("0123456789", min_size=4, max_size=6),
    tariff=st.none() | st.integers(0, 99999),
    other=st.lists(st.builds(Tlv, st.integers(0x1500, 0x15FF), st.binary(max_size=8)), max_size=3).map(tuple))
_HEAD = {"sequence_number": st.integers(0, 0xFFFFFFFF), "command_status": st.integers(0, 0xFFFFFFFF)}
_SHORT = {"service_type": st.text(st.characters(min_codepoint=1, max_codepoint=127), max_size=5),
          "source": _address(21), "destination": _address(21), "esm_class": _U8, "protocol_id": _U8,
          "priority_flag": _U8, "schedule_delivery_time": _TIME, "validity_period": _TIME,
          "registered_delivery": _U8, "replace_if_present_flag": _U8, "data_coding": _U8,
          "sm_default_msg_id": _U8, "short_message": st.binary(max_size=254), "tlvs": _TLVS}
PDUS = st.one_of(
    st.builds(SubmitSm, **_HEAD, **_SHORT), st.builds(DeliverSm, **_HEAD, **_SHORT),
    st.builds(DataSm, **_HEAD, service_type=_SHORT["service_type"], source=_address(65),
              destination=_address(65), esm_class=_U8, registered_delivery=_U8, data_coding=_U8,
              tlvs=_TLVS.map(lambda t: Tlvs(message_payload=b"payload", message_state=t.message_state, other=t.other))),
    st.builds(SubmitSmResp, **_HEAD, message_id=st.text(st.characters(min_codepoint=1, max_codepoint=127), max_size=64),
              tlvs=_TLVS),
    st.builds(DataSmResp, **_HEAD, message_id=_TEXT), st.builds(DeliverSmResp, **_HEAD),
    st.builds(OtherPdu, command_id=st.sampled_from([0x15, 0x80000015, 0x80000000, 0x9, 0x7FFFFFFF]),
              sequence_number=st.integers(0, 0xFFFFFFFF), body=st.binary(max_size=40)),
).filter(lambda p: not (getattr(p, "short_message", b"") and p.tlvs.message_payload is not None))  # type: ignore[union-attr]


@settings(max_examples=examples(300))
@given(PDUS)
def test_round_trip(pdu: cmcore.Pdu) -> None:
    wire = encode_pdu(pdu)
    assert decode_pdu(wire) == pdu
    assert read_pdus(wire + wire[:7]) == ((pdu,), wire[:7])


@settings(max_examples=examples(300))
@given(PDUS, st.data())
def test_mutated_pdus_raise_only_response_error(pdu: cmcore.Pdu, data: st.DataObject) -> None:
    wire = bytearray(encode_pdu(pdu))
    for _ in range(data.draw(st.integers(1, 4))):
        wire[data.draw(st.integers(0, len(wire) - 1))] = data.draw(_U8)
    for cut in (bytes(wire), bytes(wire[:data.draw(st.integers(0, len(wire)))])):
        try:
            decoded = decode_pdu(cut)
        except ResponseError:
            continue
        try:  # CM's TLVs are read as leniently as parse_tlvs() reads them (7 digits without NUL)
            again = encode_pdu(decoded)
        except PayloadError:
            continue
        assert decode_pdu(again) == decoded


@settings(max_examples=examples(300))
@given(st.binary(max_size=300))
def test_arbitrary_bytes(data: bytes) -> None:
    for attempt in (data, len(data).to_bytes(4, "big") + data[4:]):
        try:
            read_pdus(attempt)
            decode_pdu(attempt)
        except ResponseError:
            pass
