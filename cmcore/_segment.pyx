# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: initializedcheck=False, embedsignature=True, autotestdict=False
"""The compiled segmentation kernel: GSM-7 detection, unit counting and part cuts.

It reads a ``str``'s own buffer (1, 2 or 4 bytes a code point) and builds no objects on the
hot path. Its twin, ``_segment_py.py``, has the same names, signatures and answers.

Costs: a GSM-7 text costs 1 septet a basic-table character and 2 an extension-table
character; a UCS-2 text costs 1 UTF-16 code unit a BMP code point (lone surrogates included)
and 2 an astral one. A text longer than ``single`` is cut greedily into parts of at most
``multi``, and a part ends early rather than split a 2-cost character.
"""

from cpython.array cimport array, clone
from libc.stdint cimport uint8_t, uint16_t, uint32_t, uint64_t
from libc.string cimport memcpy

from cmcore import _gsm7

cdef extern from "Python.h":
    int PyUnicode_READY(object) except -1
    Py_ssize_t PyUnicode_GET_LENGTH(object)
    int PyUnicode_KIND(object)
    void* PyUnicode_DATA(object)
    enum:
        PyUnicode_1BYTE_KIND
        PyUnicode_2BYTE_KIND
        PyUnicode_4BYTE_KIND

# Cost of each BMP code point as GSM-7: 0 = not in the alphabet, 1 = basic, 2 = extension.
cdef uint8_t COST[65536]

def _fill_table():
    cdef Py_ssize_t i
    for i in range(65536):
        COST[i] = 0
    for ch in _gsm7.BASIC:
        COST[ord(ch)] = 1
    for ch in _gsm7.EXTENSION:
        COST[ord(ch)] = 2

_fill_table()

cdef array _INT64 = array("q")

# SWAR constants: a byte repeated over a 64-bit word.
cdef uint64_t ONES = 0x0101010101010101ULL
cdef uint64_t HIGH = 0x8080808080808080ULL
cdef uint64_t LOW7 = 0x7F7F7F7F7F7F7F7FULL


cdef inline bint _plain_word(uint64_t x) noexcept nogil:
    """True when none of 8 bytes can be other than a 1-septet character.

    The bytes that need a look at the table: < 0x20 (controls, LF, CR, FF), 0x5B-0x60
    ([ \\ ] ^ _ `), > 0x7A ({ | } ~ DEL and all of 0x80-0xFF). A false alarm (``_``)
    only sends the word to the table; a plain word is exact.
    """
    cdef uint64_t below = (x - ONES * 0x20) & ~x & HIGH
    cdef uint64_t low = x & LOW7
    cdef uint64_t between = (ONES * (127 + 0x61) - low) & ~x & (low + ONES * (127 - 0x5A)) & HIGH
    cdef uint64_t above = ((x + ONES * (127 - 0x7A)) | x) & HIGH
    return (below | between | above) == 0


cdef Py_ssize_t _ext_1(const uint8_t* p, Py_ssize_t n) noexcept nogil:
    """Extension characters in a 1-byte text, or -1 when one character is not GSM-7."""
    cdef Py_ssize_t i = 0, j, ext = 0
    cdef uint64_t word
    cdef uint8_t cost
    while i + 8 <= n:
        memcpy(&word, p + i, 8)
        if not _plain_word(word):
            for j in range(i, i + 8):
                cost = COST[p[j]]
                if cost == 0:
                    return -1
                ext += cost - 1
        i += 8
    while i < n:
        cost = COST[p[i]]
        if cost == 0:
            return -1
        ext += cost - 1
        i += 1
    return ext


cdef Py_ssize_t _ext_2(const uint16_t* p, Py_ssize_t n) noexcept nogil:
    cdef Py_ssize_t i, ext = 0
    cdef uint8_t cost
    for i in range(n):
        cost = COST[p[i]]
        if cost == 0:
            return -1
        ext += cost - 1
    return ext


cdef Py_ssize_t _ext_4(const uint32_t* p, Py_ssize_t n) noexcept nogil:
    cdef Py_ssize_t i, ext = 0
    cdef uint8_t cost
    cdef uint32_t c
    for i in range(n):
        c = p[i]
        if c > 0xFFFF:
            return -1
        cost = COST[c]
        if cost == 0:
            return -1
        ext += cost - 1
    return ext


cdef Py_ssize_t _astral_4(const uint32_t* p, Py_ssize_t n) noexcept nogil:
    cdef Py_ssize_t i, astral = 0
    for i in range(n):
        astral += p[i] > 0xFFFF
    return astral


cdef inline uint32_t _read(int kind, const void* data, Py_ssize_t i) noexcept nogil:
    if kind == PyUnicode_1BYTE_KIND:
        return (<const uint8_t*>data)[i]
    if kind == PyUnicode_2BYTE_KIND:
        return (<const uint16_t*>data)[i]
    return (<const uint32_t*>data)[i]


cdef Py_ssize_t _walk(int kind, const void* data, Py_ssize_t n, bint gsm7,
                      Py_ssize_t capacity, list cuts) except -1:
    """Fill parts of ``capacity`` greedily; return how many. Append each part's end to cuts."""
    cdef Py_ssize_t i, used = 0, parts = 1
    cdef uint32_t c
    cdef int cost
    for i in range(n):
        c = _read(kind, data, i)
        if gsm7:
            cost = COST[c] if c <= 0xFFFF else 0
            if cost == 0:
                raise ValueError(f"character U+{c:04X} at index {i} is not GSM-7")
        else:
            cost = 2 if c > 0xFFFF else 1
        if used + cost > capacity:
            if cuts is not None:
                cuts.append(i)
            parts += 1
            used = cost
        else:
            used += cost
    if cuts is not None:
        cuts.append(n)
    return parts


cdef int _check_limits(Py_ssize_t a, Py_ssize_t b, Py_ssize_t c, Py_ssize_t d) except -1:
    for limit in (a, b, c, d):
        if limit < 2:
            raise ValueError(f"part capacities must be at least 2, not {limit}")
    return 0


cdef int _count(str text, bint force_ucs2, Py_ssize_t gsm_single, Py_ssize_t gsm_multi,
                Py_ssize_t ucs2_single, Py_ssize_t ucs2_multi,
                Py_ssize_t* units_out, Py_ssize_t* parts_out) except -1:
    """Measure one text; return 1 when it is GSM-7, 0 when UCS-2."""
    PyUnicode_READY(text)
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text)
    cdef int kind = PyUnicode_KIND(text)
    cdef const void* data = PyUnicode_DATA(text)
    cdef Py_ssize_t extra = -1, units
    if not force_ucs2:
        if kind == PyUnicode_1BYTE_KIND:
            extra = _ext_1(<const uint8_t*>data, n)
        elif kind == PyUnicode_2BYTE_KIND:
            extra = _ext_2(<const uint16_t*>data, n)
        else:
            extra = _ext_4(<const uint32_t*>data, n)
    cdef bint gsm7 = extra >= 0
    cdef Py_ssize_t single = gsm_single if gsm7 else ucs2_single
    cdef Py_ssize_t multi = gsm_multi if gsm7 else ucs2_multi
    if not gsm7:
        extra = _astral_4(<const uint32_t*>data, n) if kind == PyUnicode_4BYTE_KIND else 0
    units = n + extra
    units_out[0] = units
    if units <= single:
        parts_out[0] = 1
    elif extra == 0:
        parts_out[0] = (units + multi - 1) // multi
    else:
        parts_out[0] = _walk(kind, data, n, gsm7, multi, None)
    return gsm7


cdef int _check_str(object text) except -1:
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    return 0


def count(object text, bint force_ucs2, Py_ssize_t gsm_single, Py_ssize_t gsm_multi,
          Py_ssize_t ucs2_single, Py_ssize_t ucs2_multi):
    """Return ``(is_gsm7, units, parts)`` for one text."""
    cdef Py_ssize_t units, parts
    _check_str(text)
    _check_limits(gsm_single, gsm_multi, ucs2_single, ucs2_multi)
    cdef int gsm7 = _count(<str>text, force_ucs2, gsm_single, gsm_multi, ucs2_single, ucs2_multi,
                           &units, &parts)
    return gsm7 == 1, units, parts


def count_many(object texts, bint force_ucs2, Py_ssize_t gsm_single, Py_ssize_t gsm_multi,
               Py_ssize_t ucs2_single, Py_ssize_t ucs2_multi):
    """Return ``(gsm7_flags, units, parts)`` columns: bytes, array('q'), array('q')."""
    cdef list items = texts if type(texts) is list else list(texts)
    cdef Py_ssize_t i, n = len(items), units, parts
    cdef bytearray flags = bytearray(n)
    cdef array units_col = clone(_INT64, n, False)
    cdef array parts_col = clone(_INT64, n, False)
    cdef char* flag_data = flags
    cdef long long* units_data = units_col.data.as_longlongs
    cdef long long* parts_data = parts_col.data.as_longlongs
    cdef object text
    _check_limits(gsm_single, gsm_multi, ucs2_single, ucs2_multi)
    for i in range(n):
        text = items[i]
        if not isinstance(text, str):
            raise TypeError(
                f"analyze_many() argument 'texts' item {i} must be str, not {type(text).__name__}"
            )
        flag_data[i] = _count(<str>text, force_ucs2, gsm_single, gsm_multi, ucs2_single,
                              ucs2_multi, &units, &parts)
        units_data[i] = units
        parts_data[i] = parts
    return bytes(flags), units_col, parts_col


def cuts(object text, bint gsm7, Py_ssize_t capacity):
    """Return the end index of each part when ``text`` is cut into parts of ``capacity``.

    ``gsm7`` selects septet costs; a character outside GSM-7 then raises ``ValueError``.
    """
    _check_str(text)
    if capacity < 2:
        raise ValueError(f"capacity must be at least 2, not {capacity}")
    PyUnicode_READY(text)
    cdef list out = []
    _walk(PyUnicode_KIND(text), PyUnicode_DATA(text), PyUnicode_GET_LENGTH(text), gsm7,
          capacity, out)
    return out
