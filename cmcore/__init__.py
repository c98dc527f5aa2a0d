"""cmcore: a transport-free core for the CM.com Business Messaging API.

It turns messages into the bytes the gateway expects and the gateway's answers into typed
objects, and never opens a socket. Import everything from here; the underscored modules are
private.
"""

from cmcore._errors import CMError, EncodingError, PartsLimitError, PayloadError, ResponseError
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
    "DEFAULT_LIMITS",
    "KERNEL",
    "LIMITS_16BIT_REF",
    "MAX_PARTS",
    "SMART_REPLACEMENTS",
    "CMError",
    "CharInfo",
    "Encoding",
    "EncodingError",
    "Explanation",
    "PartLimits",
    "PartsLimitError",
    "PayloadError",
    "Replacement",
    "ResponseError",
    "Segmentation",
    "Segmentations",
    "SmartText",
    "analyze",
    "analyze_many",
    "explain",
    "smart_encode",
    "split",
    "truncate",
]
