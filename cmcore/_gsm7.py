"""The GSM 03.38 alphabet (3GPP TS 23.038, section 6.2.1) and the SMS part limits: data only.

Both kernels, the smart-encoding table and the tests read these tables; nothing else spells
them out. The rule they keep: a text is GSM-7 only when every character is in ``BASIC`` or
``EXTENSION``. A character of ``BASIC`` costs one septet; one of ``EXTENSION`` costs two (the
escape code 0x1B and its own code). The escape code itself is a position in the basic table
but not a character of the text, so it is left out of ``BASIC``.
"""

from __future__ import annotations

#: The default alphabet, by septet value 0x00-0x7F. Position 0x1B (ESC) holds no character.
BASIC_BY_CODE: str = (
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmno"
    "pqrstuvwxyzäöñüà"
)

ESCAPE: str = "\x1b"

#: Characters of the basic table: one septet each.
BASIC: frozenset[str] = frozenset(BASIC_BY_CODE) - {ESCAPE}

#: The default extension table: character -> the septet that follows ESC. Two septets each.
EXTENSION_BY_CHAR: dict[str, int] = {
    "\x0c": 0x0A,  # form feed (page break)
    "^": 0x14,
    "{": 0x28,
    "}": 0x29,
    "\\": 0x2F,
    "[": 0x3C,
    "~": 0x3D,
    "]": 0x3E,
    "|": 0x40,
    "€": 0x65,
}

EXTENSION: frozenset[str] = frozenset(EXTENSION_BY_CHAR)

#: Septets in a single-part message and in each part of a concatenated one (6-octet UDH).
GSM7_SINGLE: int = 160
GSM7_MULTI: int = 153
#: UTF-16 code units in a single-part UCS-2 message and in each part of a concatenated one.
UCS2_SINGLE: int = 70
UCS2_MULTI: int = 67
#: Per-part capacities with a 16-bit concatenation reference (7-octet UDH).
GSM7_MULTI_16BIT_REF: int = 152
UCS2_MULTI_16BIT_REF: int = 66

#: The concatenation header counts parts in one octet (TS 23.040, 9.2.3.24.1).
MAX_PARTS: int = 255
