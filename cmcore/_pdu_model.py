"""The SMPP 3.4 PDUs as frozen values: the header fields, the bodies of submit_sm (4.4.1),
submit_sm_resp (4.4.2), deliver_sm (4.6.1), deliver_sm_resp (4.6.2), data_sm (4.7.1) and
data_sm_resp (4.7.2), and ``OtherPdu`` for every other command, raw.

Rule kept: values only; ``_pdu`` turns them into octets and back, and checks them there.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import ClassVar, Union

from cmcore._errors import ResponseError
from cmcore._reports import DeliveryReceipt, parse_delivery_receipt
from cmcore._tlv import Tlvs

__all__ = ["SmppAddress", "CommandId", "DataSm", "DataSmResp", "DeliverSm", "DeliverSmResp", "OtherPdu", "Pdu",
           "PduError", "SubmitSm", "SubmitSmResp"]

ESM_RECEIPT_MASK, ESM_RECEIPT, ESM_UDHI = 0x3C, 0x04, 0x40  # esm_class, SMPP 3.4 5.2.12


class CommandId(enum.IntEnum):
    """SMPP 3.4 command_id values (5.1.2.1); a response is the request's with bit 31 set."""

    GENERIC_NACK = 0x80000000
    BIND_RECEIVER = 0x00000001
    BIND_RECEIVER_RESP = 0x80000001
    BIND_TRANSMITTER = 0x00000002
    BIND_TRANSMITTER_RESP = 0x80000002
    QUERY_SM = 0x00000003
    QUERY_SM_RESP = 0x80000003
    SUBMIT_SM = 0x00000004
    SUBMIT_SM_RESP = 0x80000004
    DELIVER_SM = 0x00000005
    DELIVER_SM_RESP = 0x80000005
    UNBIND = 0x00000006
    UNBIND_RESP = 0x80000006
    REPLACE_SM = 0x00000007
    REPLACE_SM_RESP = 0x80000007
    CANCEL_SM = 0x00000008
    CANCEL_SM_RESP = 0x80000008
    BIND_TRANSCEIVER = 0x00000009
    BIND_TRANSCEIVER_RESP = 0x80000009
    OUTBIND = 0x0000000B
    ENQUIRE_LINK = 0x00000015
    ENQUIRE_LINK_RESP = 0x80000015
    SUBMIT_MULTI = 0x00000021
    SUBMIT_MULTI_RESP = 0x80000021
    ALERT_NOTIFICATION = 0x00000102
    DATA_SM = 0x00000103
    DATA_SM_RESP = 0x80000103


class PduError(ResponseError):
    """A PDU that breaks SMPP 3.4. ``command_id``, ``sequence_number`` and ``command_length``
    are the header's where it could be read (else None): enough to answer with a
    generic_nack (4.3) and, where the length is sound, to skip the PDU."""

    def __init__(self, message: str, *, code: int | None = None, location: str = "",
                 command_id: int | None = None, sequence_number: int | None = None,
                 command_length: int | None = None) -> None:
        super().__init__(message, code=code, location=location)
        self.command_id = command_id
        self.sequence_number = sequence_number
        self.command_length = command_length


@dataclass(frozen=True, slots=True, kw_only=True)
class SmppAddress:
    """An SME address: ``addr`` (ASCII) with its type of number (``ton``, 5.2.5) and
    numbering plan (``npi``, 5.2.6); CM takes international numbers as ton=1, npi=1."""

    addr: str = ""
    ton: int = 0
    npi: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class _Header:
    command_id: ClassVar[int]
    sequence_number: int
    command_status: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class _ShortMessage(_Header):
    """The body submit_sm (4.4.1) and deliver_sm (4.6.1) share, field for field."""

    service_type: str = ""
    source: SmppAddress = SmppAddress()
    destination: SmppAddress = SmppAddress()
    esm_class: int = 0
    protocol_id: int = 0
    priority_flag: int = 0
    schedule_delivery_time: str = ""
    validity_period: str = ""
    registered_delivery: int = 0
    replace_if_present_flag: int = 0
    data_coding: int = 0
    sm_default_msg_id: int = 0
    short_message: bytes = b""
    tlvs: Tlvs = Tlvs()


@dataclass(frozen=True, slots=True, kw_only=True)
class SubmitSm(_ShortMessage):
    """submit_sm (SMPP 3.4 4.4.1). CM's MCC/MNC and tariff go in ``tlvs.operator`` and
    ``tlvs.tariff``. ``short_message`` is at most 254 octets; longer goes in
    ``tlvs.message_payload`` with an empty ``short_message`` (5.3.2.32)."""

    command_id: ClassVar[int] = CommandId.SUBMIT_SM


def _receipt(esm_class: int, short_message: bytes, tlvs: Tlvs) -> DeliveryReceipt | None:
    if esm_class & ESM_RECEIPT_MASK != ESM_RECEIPT:
        return None
    return parse_delivery_receipt(short_message or tlvs.message_payload or b"")


@dataclass(frozen=True, slots=True, kw_only=True)
class DeliverSm(_ShortMessage):
    """deliver_sm (SMPP 3.4 4.6.1): a mobile originated message, or a delivery receipt when
    ``esm_class`` says so (5.2.12, bits 5-2 = 0001)."""

    command_id: ClassVar[int] = CommandId.DELIVER_SM

    @property
    def is_receipt(self) -> bool:
        """Whether esm_class marks this an SMSC delivery receipt (SMPP 3.4 5.2.12)."""
        return self.esm_class & ESM_RECEIPT_MASK == ESM_RECEIPT

    def receipt(self) -> DeliveryReceipt | None:
        """The receipt in ``short_message`` (or ``message_payload``), parsed by
        ``parse_delivery_receipt``; None where this is no receipt. Raises ``ResponseError``
        for a malformed receipt text."""
        return _receipt(self.esm_class, self.short_message, self.tlvs)

    def response(self, *, command_status: int = 0) -> DeliverSmResp:
        """The deliver_sm_resp that answers this PDU (its sequence number, 4.6.2)."""
        return DeliverSmResp(sequence_number=self.sequence_number, command_status=command_status)


@dataclass(frozen=True, slots=True, kw_only=True)
class DataSm(_Header):
    """data_sm (SMPP 3.4 4.7.1): the text, if any, is in ``tlvs.message_payload``; CM sends
    receipts this way where the account says so."""

    command_id: ClassVar[int] = CommandId.DATA_SM
    service_type: str = ""
    source: SmppAddress = SmppAddress()
    destination: SmppAddress = SmppAddress()
    esm_class: int = 0
    registered_delivery: int = 0
    data_coding: int = 0
    tlvs: Tlvs = Tlvs()

    @property
    def is_receipt(self) -> bool:
        """Whether esm_class marks this an SMSC delivery receipt (SMPP 3.4 5.2.12)."""
        return self.esm_class & ESM_RECEIPT_MASK == ESM_RECEIPT

    def receipt(self) -> DeliveryReceipt | None:
        """The receipt in ``message_payload``, parsed; None where this is no receipt. Raises
        ``ResponseError`` for a malformed receipt text."""
        return _receipt(self.esm_class, b"", self.tlvs)


@dataclass(frozen=True, slots=True, kw_only=True)
class SubmitSmResp(_Header):
    """submit_sm_resp (SMPP 3.4 4.4.2): ``message_id`` at most 64 characters. With a
    non-zero ``command_status``, an empty id and no TLVs, the body is left out."""

    command_id: ClassVar[int] = CommandId.SUBMIT_SM_RESP
    message_id: str = ""
    tlvs: Tlvs = Tlvs()


@dataclass(frozen=True, slots=True, kw_only=True)
class DeliverSmResp(_Header):
    """deliver_sm_resp (SMPP 3.4 4.6.2): its message_id is unused, always empty (NULL)."""

    command_id: ClassVar[int] = CommandId.DELIVER_SM_RESP
    tlvs: Tlvs = Tlvs()


@dataclass(frozen=True, slots=True, kw_only=True)
class DataSmResp(_Header):
    """data_sm_resp (SMPP 3.4 4.7.2): ``message_id`` at most 64 characters, and TLVs."""

    command_id: ClassVar[int] = CommandId.DATA_SM_RESP
    message_id: str = ""
    tlvs: Tlvs = Tlvs()


@dataclass(frozen=True, slots=True, kw_only=True)
class OtherPdu:
    """Any other PDU (bind, enquire_link, generic_nack, ...): the header and the body, raw."""

    command_id: int
    sequence_number: int
    command_status: int = 0
    body: bytes = b""


Pdu = Union[SubmitSm, SubmitSmResp, DeliverSm, DeliverSmResp, DataSm, DataSmResp, OtherPdu]
