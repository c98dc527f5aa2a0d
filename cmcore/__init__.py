"""cmcore: a transport-free core for the CM.com Business Messaging API.

It turns messages into the bytes the gateway expects and the gateway's answers into typed
objects, and never opens a socket. Import everything from here; the underscored modules are
private.
"""

from cmcore._campaign import Campaign, RowStatus, RowVerdict, VerdictBatch, build_bodies, scan_campaign
from cmcore._campaign_sum import CampaignProblem, CampaignSummary
from cmcore._codes import DeliveryError, ErrorCode, StatusCode
from cmcore._errors import CMError, EncodingError, PartsLimitError, PayloadError, PriceError, ResponseError
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
from cmcore._reports import (
    DeliveryReceipt,
    MessageState,
    SmppTlvs,
    StatusReport,
    parse_delivery_receipt,
    parse_status_report,
    parse_tlvs,
)
from cmcore._reconcile import Receipt, ReconciledLine, Reconciliation, reconcile
from cmcore._responses import ErrorReason, MessageResult, Response, SendStatus, parse_response
from cmcore._sms import (
    DEFAULT_LIMITS,
    KERNEL,
    LIMITS_16BIT_REF,
    MAX_PARTS,
    Encoding,
    PartLimits,
    Segmentation,
    Segmentations,
    analyze,
    analyze_many,
    split,
    truncate,
)
from cmcore._validate import normalize_phone, validate, validity_string
from cmcore._verdicts import check, response_body
from cmcore._gateway import MAGIC_NUMBERS, GatewayAccount, GatewayReply, OfflineGateway, Taken, wsgi_app
from cmcore._followups import DELIVERY_NUMBERS, ReportMix, follow_up, receipt_text, reports_json, reports_xml
from cmcore._xml import build_xml, xml_request
from cmcore._xml_load import load_xml
from cmcore._smart import (
    SMART_REPLACEMENTS,
    CharInfo,
    Explanation,
    Replacement,
    SmartText,
    explain,
    smart_encode,
)

from cmcore import rich

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
]
