"""Fuzz the SMPP PDU codec and reassembly: ``decode_pdu``, ``read_pdus``, ``parse_udh``, and a
``Reassembler`` fed parts.

The input is one header byte (how the data is passed, as ``_common.Input`` reads it: a str
must be a TypeError), one octet choosing the target (its value mod 4: decode_pdu, read_pdus,
parse_udh, the reassembler), and the data. Each target may raise ``ResponseError`` only. A
PDU that decodes must encode again (or be refused with ``PayloadError``: CM's TLVs are read
leniently) and decode to itself. The reassembler reads the data as records ``[length, flags,
octets...]`` (flags: UDHI, source, data_coding), with a small state whose bounds must hold
after every part. No kernel is involved; ``_common.both`` runs both routes all the same.
"""

from __future__ import annotations

import random

import _common as c
import atheris

import cmcore
from cmcore import (
    CommandId,
    DataSm,
    DeliverSm,
    MessageState,
    OtherPdu,
    SmppAddress,
    SubmitSm,
    SubmitSmResp,
    Tlv,
    Tlvs,
)

_ADDR = SmppAddress(ton=1, npi=1, addr="31612345678")
_RECEIPT = b"id:abc submit date:20240131235959 done date:20240201000102 stat:DELIVRD err:000"
_PDUS = [
    SubmitSm(sequence_number=1, source=SmppAddress(ton=5, addr="CM"), destination=_ADDR, short_message=b"Hi",
             registered_delivery=1, tlvs=Tlvs(operator="20416", tariff=15)),
    SubmitSm(sequence_number=2, destination=_ADDR, esm_class=0x40, data_coding=8,
             short_message=bytes.fromhex("050003cc0201") + "Привет".encode("utf-16-be"),
             validity_period="000001000000000R"),
    DeliverSm(sequence_number=3, source=_ADDR, esm_class=4, short_message=_RECEIPT,
              tlvs=Tlvs(receipted_message_id="abc", message_state=MessageState.DELIVERED)),
    DeliverSm(sequence_number=4, source=_ADDR, data_coding=8, short_message="ok".encode("utf-16-be"),
              tlvs=Tlvs(sar_msg_ref_num=1, sar_total_segments=2, sar_segment_seqnum=1,
                        other=(Tlv(0x1500, b"\xab"),))),
    DataSm(sequence_number=5, source=_ADDR, esm_class=4, tlvs=Tlvs(message_payload=_RECEIPT,
                                                                    network_error_code=(3, 0x45))),
    SubmitSmResp(sequence_number=6, message_id="0123456789abcdef0123456789abcdef"),
    SubmitSmResp(sequence_number=7, command_status=0x45),
    OtherPdu(command_id=CommandId.ENQUIRE_LINK, sequence_number=8),
]
_UDHS = [bytes.fromhex(h) for h in ("050003cc0201", "0608041234ff03", "0b000301020225010124010141", "00", "0100",
                                     "050003cc0000", "0605040b8423f0")]
_TLV_TAGS = [0x0427, 0x0424, 0x020C, 0x020E, 0x020F, 0x001E, 0x0423, 0x1401, 0x140A, 0x1500]
_TLV_VALUES = [b"", b"\x00", b"\x02", b"\x09", b"\x00\x01", b"abc\x00", b"abc", b"20416\x00", b"2041666",
               b"\x03\x00\x45", b"x" * 300]


def _record(data: bytes, flags: int) -> bytes:
    return bytes([len(data), flags]) + data


def seeds() -> list[bytes]:
    """Each target's octet, then: the PDUs one by one, a stream of them, the UDHs, parts."""
    wires = [cmcore.encode_pdu(p) for p in _PDUS]
    out = [b"\x00" + w for w in wires]
    out += [b"\x01" + b"".join(wires), b"\x01" + wires[0] + wires[2][:20], b"\x01\xff\xff\xff\xff"]
    out += [b"\x02" + u for u in _UDHS]
    text = "Привет, мир! 😀 ".encode("utf-16-be")
    parts = [bytes([5, 0, 3, 9, 3, i + 1]) + text[i * 10:(i + 1) * 10] for i in range(3)]
    out.append(b"\x03" + b"".join(_record(p, 0x01 | 8 << 2) for p in reversed(parts)))
    out.append(b"\x03" + _record(parts[0], 0x01) + _record(parts[0], 0x01) + _record(b"\x00\x80", 0x01 | 1 << 2))
    return out


def _fix_length(body: bytes) -> bytes:
    """Make the first PDU's command_length tell the truth, so that bodies get explored."""
    return len(body).to_bytes(4, "big") + body[4:] if len(body) >= 4 else body


def mutate(data: bytes, max_size: int, seed: int) -> bytes:
    rng = random.Random(seed)
    if len(data) < 2 or rng.random() < 0.1:
        data = bytes([rng.choice(b"\x00\x04\x05\x06\x07")]) + rng.choice(SEEDS)
    head, target, body = data[:1], data[1:2], data[2:]
    op = rng.randrange(6)
    if op == 0 and body:
        cut = rng.randrange(len(body))
        body = body[:cut]
    elif op == 1:
        tag, value = rng.choice(_TLV_TAGS), rng.choice(_TLV_VALUES)
        body += tag.to_bytes(2, "big") + len(value).to_bytes(2, "big") + value
    elif op == 2:
        body = body + rng.choice(SEEDS)[1:]
    else:
        body = atheris.Mutate(body, max(len(body) * 2, 64))
    if target[:1] in (b"\x00", b"\x01") and rng.random() < 0.7:
        body = _fix_length(body)
    out = head + target + body
    return out[:max_size]


def _feed(data: bytes) -> tuple[int, int]:
    """Feed the records of ``data`` to a small Reassembler; its size after each part."""
    r = cmcore.Reassembler(max_messages=4, max_octets=256, ttl=5)
    pos, now = 0, 0.0
    while pos + 2 <= len(data):
        size, flags = data[pos], data[pos + 1]
        chunk, pos = data[pos + 2:pos + 2 + size], pos + 2 + size
        coding = [0, 1, 3, 4, 8, 0xF0, 0xF4, 5][flags >> 2 & 7]
        try:
            part = cmcore.ReceivedPart.from_user_data(chunk, source=str(flags >> 5 & 1), data_coding=coding,
                                                      udhi=bool(flags & 1))
            r.add(part, now=now)
        except cmcore.ResponseError:
            pass
        now += (flags >> 6) * 2.0
        r.expire(now=now)
        if len(r) > r.max_messages or r.octets > r.max_octets:
            raise c.Finding("bounds", f"{len(r)} messages, {r.octets} octets held", "bounds")
    return len(r), r.octets


def _round_trip(pdu: object, shown: str) -> None:
    outcome = c.run(cmcore.encode_pdu, pdu)
    if outcome.error is not None:
        c.typed(outcome, shown + " re-encoded", (cmcore.PayloadError,), "text")
        return
    again = c.run(cmcore.decode_pdu, outcome.value)
    if again.error is not None or again.value != pdu:
        raise c.Finding("roundtrip", f"{shown} decodes to {c.show(pdu, 600)}, which encodes to "
                                     f"{outcome.value!r:.600} and decodes to {again.describe()[:600]}", "roundtrip")


_TARGETS = [("cmcore.decode_pdu(ARG)", cmcore.decode_pdu), ("cmcore.read_pdus(ARG)", cmcore.read_pdus),
            ("cmcore.parse_udh(ARG)", cmcore.parse_udh)]


def check(data: bytes) -> None:
    choice = data[1] % 4 if len(data) > 1 else 0
    given = c.Input.of(data[:1] + data[2:], text=(bytes,))
    if choice == 3:
        shown = f"feeding the records {given.body!r:.3000}"
        outcome = c.run(_feed, given.body)
        if isinstance(outcome.error, c.Finding):
            raise outcome.error
        c.typed(outcome, shown, (cmcore.ResponseError,), "text")
        return
    call, func = _TARGETS[choice]
    shown = given.shown(call)
    outcomes = c.both(func, given.value)
    c.judge_parser(given, shown, outcomes)
    value = outcomes["c"].value
    for pdu in (value,) if choice == 0 and value is not None else value[0] if choice == 1 and value else ():
        _round_trip(pdu, shown)


SEEDS = seeds()

if __name__ == "__main__":
    c.main(check, SEEDS, mutate)
