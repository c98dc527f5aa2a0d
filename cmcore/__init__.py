"""cmcore: a transport-free core for the CM.com Business Messaging API.

It turns messages into the bytes the gateway expects and the gateway's answers into typed
objects, and never opens a socket. Import everything from here; the underscored modules are
private.

The names are loaded on first use (PEP 562): ``import cmcore`` costs only this module, and a
name's module is imported the first time the name is read, so a command line run or a worker
that needs only part of the library does not import the rest.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from cmcore import _kernel

_kernel.require_built()  # a kernel not built is an ImportError here, not at a name's first use

if TYPE_CHECKING:  # the names as the type checker sees them; at run time, __getattr__ below
    from cmcore import rich
    from cmcore._campaign import (
        Campaign,
        RowStatus,
        RowVerdict,
        VerdictBatch,
        build_bodies,
        scan_campaign,
    )
    from cmcore._campaign_frame import FRAME_COLUMNS, mark_duplicates, scan_frame
    from cmcore._campaign_sum import CampaignProblem, CampaignSummary
    from cmcore._codes import DeliveryError, ErrorCode, StatusCode
    from cmcore._errors import (
        CMError,
        EncodingError,
        PartsLimitError,
        PayloadError,
        PriceError,
        ResponseError,
    )
    from cmcore._followups import (
        DELIVERY_NUMBERS,
        ReportMix,
        follow_up,
        receipt_text,
        reports_json,
        reports_xml,
    )
    from cmcore._gateway import (
        MAGIC_NUMBERS,
        GatewayAccount,
        GatewayReply,
        OfflineGateway,
        Taken,
        wsgi_app,
    )
    from cmcore._json import (
        JSON_ENDPOINT,
        JSON_ENDPOINT_CHINA,
        JSON_ENDPOINT_HONG_KONG,
        JSON_ENDPOINT_SOUTH_AFRICA,
        XML_ENDPOINT,
        XML_ENDPOINT_SOUTH_AFRICA,
        HttpRequest,
        build_json,
        chunk,
        json_request,
        load_json,
        load_rich_content,
    )
    from cmcore._models import AMSTERDAM, BodyType, Channel, Message, ProductToken, Request
    from cmcore._pdu import MAX_PDU_LENGTH, decode_pdu, encode_pdu, read_pdus
    from cmcore._pdu_model import (
        CommandId,
        DataSm,
        DataSmResp,
        DeliverSm,
        DeliverSmResp,
        OtherPdu,
        Pdu,
        PduError,
        SmppAddress,
        SubmitSm,
        SubmitSmResp,
    )
    from cmcore._phone import (
        NumberType,
        PhoneColumns,
        PhoneInfo,
        PhoneProblem,
        normalize_phones,
        phone_info,
        warm_up,
    )
    from cmcore._price_table import (
        DestinationKind,
        PricePer,
        PriceRow,
        PriceTable,
        load_prices,
        network_price_lines,
    )
    from cmcore._prices import CostInput, Estimate, EstimateLine, estimate, round_money
    from cmcore._query import build_query, load_query, query_request
    from cmcore._reassembly import (
        Concat,
        DuplicatePartError,
        IncompleteMessage,
        PartConflictError,
        ReassembledMessage,
        Reassembler,
        ReassemblyError,
        ReassemblyFullError,
        ReceivedPart,
        Udh,
        parse_udh,
    )
    from cmcore._reconcile import Receipt, ReconciledLine, Reconciliation, reconcile
    from cmcore._reports import (
        DeliveryReceipt,
        MessageState,
        SmppTlvs,
        StatusReport,
        parse_delivery_receipt,
        parse_status_report,
        parse_tlvs,
    )
    from cmcore._responses import (
        ErrorReason,
        MessageResult,
        Response,
        SendStatus,
        parse_response,
    )
    from cmcore._smart import (
        SMART_REPLACEMENTS,
        CharInfo,
        Explanation,
        Replacement,
        SmartText,
        TableUse,
        explain,
        smart_encode,
    )
    from cmcore._smpp import (
        SmsPart,
        decode_gsm7,
        decode_latin1,
        decode_ucs2,
        encode_gsm7,
        encode_latin1,
        encode_ucs2,
    )
    from cmcore._smpp_parts import sms_parts, sms_parts_many
    from cmcore._sms import (
        DEFAULT_LIMITS,
        KERNEL,
        LIMITS_16BIT_REF,
        MAX_PARTS,
        Encoding,
        NationalSegmentation,
        PartLimits,
        Segmentation,
        Segmentations,
        analyze,
        analyze_many,
        split,
        truncate,
    )
    from cmcore._tlv import Tlv, Tlvs, TlvTag
    from cmcore._validate import normalize_phone, validate, validity_string
    from cmcore._verdicts import check, response_body
    from cmcore._xml import build_xml, xml_request
    from cmcore._xml_load import load_xml

__version__ = "0.1.0"

__all__ = [
    "Campaign",
    "CampaignProblem",
    "CampaignSummary",
    "RowStatus",
    "RowVerdict",
    "VerdictBatch",
    "build_bodies",
    "scan_campaign",
    "FRAME_COLUMNS",
    "mark_duplicates",
    "scan_frame",
    "AMSTERDAM",
    "DEFAULT_LIMITS",
    "JSON_ENDPOINT",
    "JSON_ENDPOINT_CHINA",
    "JSON_ENDPOINT_HONG_KONG",
    "JSON_ENDPOINT_SOUTH_AFRICA",
    "KERNEL",
    "LIMITS_16BIT_REF",
    "MAX_PARTS",
    "SMART_REPLACEMENTS",
    "XML_ENDPOINT",
    "XML_ENDPOINT_SOUTH_AFRICA",
    "BodyType",
    "CMError",
    "Channel",
    "CharInfo",
    "DeliveryError",
    "DeliveryReceipt",
    "Encoding",
    "EncodingError",
    "ErrorCode",
    "ErrorReason",
    "Explanation",
    "HttpRequest",
    "Message",
    "MessageResult",
    "MessageState",
    "NumberType",
    "PartLimits",
    "PartsLimitError",
    "PayloadError",
    "PhoneColumns",
    "PhoneInfo",
    "PhoneProblem",
    "ProductToken",
    "Replacement",
    "Request",
    "Response",
    "ResponseError",
    "Segmentation",
    "Segmentations",
    "NationalSegmentation",
    "SendStatus",
    "SmartText",
    "SmppTlvs",
    "StatusCode",
    "StatusReport",
    "analyze",
    "analyze_many",
    "build_json",
    "build_query",
    "build_xml",
    "chunk",
    "explain",
    "json_request",
    "load_json",
    "check",
    "response_body",
    "MAGIC_NUMBERS",
    "GatewayAccount",
    "GatewayReply",
    "OfflineGateway",
    "Taken",
    "wsgi_app",
    "DELIVERY_NUMBERS",
    "ReportMix",
    "follow_up",
    "receipt_text",
    "reports_json",
    "reports_xml",
    "load_query",
    "load_rich_content",
    "load_xml",
    "normalize_phone",
    "normalize_phones",
    "phone_info",
    "rich",
    "parse_delivery_receipt",
    "parse_response",
    "parse_status_report",
    "parse_tlvs",
    "query_request",
    "smart_encode",
    "split",
    "truncate",
    "validate",
    "validity_string",
    "warm_up",
    "xml_request",
    # prices
    "PriceError",
    "DestinationKind",
    "PricePer",
    "PriceRow",
    "PriceTable",
    "load_prices",
    "network_price_lines",
    "CostInput",
    "Estimate",
    "EstimateLine",
    "estimate",
    "round_money",
    "Receipt",
    "ReconciledLine",
    "Reconciliation",
    "reconcile",
    # SMPP PDUs and reassembly
    "MAX_PDU_LENGTH",
    "decode_pdu",
    "encode_pdu",
    "read_pdus",
    "CommandId",
    "DataSm",
    "DataSmResp",
    "DeliverSm",
    "DeliverSmResp",
    "OtherPdu",
    "Pdu",
    "PduError",
    "SmppAddress",
    "SubmitSm",
    "SubmitSmResp",
    "Concat",
    "DuplicatePartError",
    "IncompleteMessage",
    "PartConflictError",
    "ReassembledMessage",
    "Reassembler",
    "ReassemblyError",
    "ReassemblyFullError",
    "ReceivedPart",
    "Udh",
    "parse_udh",
    "Tlv",
    "Tlvs",
    "TlvTag",
    # SMPP codec
    "SmsPart",
    "TableUse",
    "decode_gsm7",
    "decode_latin1",
    "decode_ucs2",
    "encode_gsm7",
    "encode_latin1",
    "encode_ucs2",
    "sms_parts",
    "sms_parts_many",
]

#: The module each public name comes from, the names of a module in one string.
_MODULES: dict[str, str] = {
    "cmcore.rich": "rich",
    "cmcore._campaign": "Campaign RowStatus RowVerdict VerdictBatch build_bodies scan_campaign",
    "cmcore._campaign_frame": "FRAME_COLUMNS mark_duplicates scan_frame",
    "cmcore._campaign_sum": "CampaignProblem CampaignSummary",
    "cmcore._codes": "DeliveryError ErrorCode StatusCode",
    "cmcore._errors": "CMError EncodingError PartsLimitError PayloadError PriceError ResponseError",
    "cmcore._followups": "DELIVERY_NUMBERS ReportMix follow_up receipt_text reports_json reports_xml",
    "cmcore._gateway": "MAGIC_NUMBERS GatewayAccount GatewayReply OfflineGateway Taken wsgi_app",
    "cmcore._json": (
        "JSON_ENDPOINT JSON_ENDPOINT_CHINA JSON_ENDPOINT_HONG_KONG "
        "JSON_ENDPOINT_SOUTH_AFRICA XML_ENDPOINT XML_ENDPOINT_SOUTH_AFRICA HttpRequest "
        "build_json chunk json_request load_json load_rich_content"
    ),
    "cmcore._models": "AMSTERDAM BodyType Channel Message ProductToken Request",
    "cmcore._pdu": "MAX_PDU_LENGTH decode_pdu encode_pdu read_pdus",
    "cmcore._pdu_model": (
        "CommandId DataSm DataSmResp DeliverSm DeliverSmResp OtherPdu Pdu PduError "
        "SmppAddress SubmitSm SubmitSmResp"
    ),
    "cmcore._phone": (
        "NumberType PhoneColumns PhoneInfo PhoneProblem normalize_phones phone_info "
        "warm_up"
    ),
    "cmcore._price_table": "DestinationKind PricePer PriceRow PriceTable load_prices network_price_lines",
    "cmcore._prices": "CostInput Estimate EstimateLine estimate round_money",
    "cmcore._query": "build_query load_query query_request",
    "cmcore._reassembly": (
        "Concat DuplicatePartError IncompleteMessage PartConflictError ReassembledMessage "
        "Reassembler ReassemblyError ReassemblyFullError ReceivedPart Udh parse_udh"
    ),
    "cmcore._reconcile": "Receipt ReconciledLine Reconciliation reconcile",
    "cmcore._reports": (
        "DeliveryReceipt MessageState SmppTlvs StatusReport parse_delivery_receipt "
        "parse_status_report parse_tlvs"
    ),
    "cmcore._responses": "ErrorReason MessageResult Response SendStatus parse_response",
    "cmcore._smart": (
        "SMART_REPLACEMENTS CharInfo Explanation Replacement SmartText TableUse explain "
        "smart_encode"
    ),
    "cmcore._smpp": (
        "SmsPart decode_gsm7 decode_latin1 decode_ucs2 encode_gsm7 encode_latin1 "
        "encode_ucs2"
    ),
    "cmcore._smpp_parts": "sms_parts sms_parts_many",
    "cmcore._sms": (
        "DEFAULT_LIMITS KERNEL LIMITS_16BIT_REF MAX_PARTS Encoding NationalSegmentation "
        "PartLimits Segmentation Segmentations analyze analyze_many split truncate"
    ),
    "cmcore._tlv": "Tlv Tlvs TlvTag",
    "cmcore._validate": "normalize_phone validate validity_string",
    "cmcore._verdicts": "check response_body",
    "cmcore._xml": "build_xml xml_request",
    "cmcore._xml_load": "load_xml",
}
_SOURCE = {name: module for module, names in _MODULES.items() for name in names.split()}


if not TYPE_CHECKING:  # hidden from type checkers, which then still flag a name cmcore has not

    def __getattr__(name: str) -> Any:
        module = _SOURCE.get(name)
        if module is None:
            raise AttributeError(f"module 'cmcore' has no attribute {name!r}")
        found = importlib.import_module(module)
        value = found if module == f"cmcore.{name}" else getattr(found, name)
        globals()[name] = value  # read once: from now on an ordinary global
        return value

    def __dir__() -> list[str]:
        return sorted({*globals(), *__all__})
