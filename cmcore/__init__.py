"""cmcore: a transport-free core for the CM.com Business Messaging API.

It turns messages into the bytes the gateway expects and the gateway's answers into typed
objects, and never opens a socket. Import everything from here; the underscored modules are
private.
"""

from cmcore._codes import DeliveryError, ErrorCode, StatusCode
from cmcore._errors import CMError, EncodingError, PartsLimitError, PayloadError, ResponseError
from cmcore._reports import (
    AMSTERDAM,
    DeliveryReceipt,
    MessageState,
    SmppTlvs,
    StatusReport,
    parse_delivery_receipt,
    parse_status_report,
    parse_tlvs,
)
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
from cmcore._smart import (
    SMART_REPLACEMENTS,
    CharInfo,
    Explanation,
    Replacement,
    SmartText,
    explain,
    smart_encode,
)

__version__ = "0.1.0"

__all__ = [
    "AMSTERDAM",
    "DEFAULT_LIMITS",
    "KERNEL",
    "LIMITS_16BIT_REF",
    "MAX_PARTS",
    "SMART_REPLACEMENTS",
    "CMError",
    "CharInfo",
    "DeliveryError",
    "DeliveryReceipt",
    "Encoding",
    "EncodingError",
    "ErrorCode",
    "ErrorReason",
    "Explanation",
    "MessageResult",
    "MessageState",
    "PartLimits",
    "PartsLimitError",
    "PayloadError",
    "Replacement",
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
    "explain",
    "parse_delivery_receipt",
    "parse_response",
    "parse_status_report",
    "parse_tlvs",
    "smart_encode",
    "split",
    "truncate",
]
