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
# The same in a form that sums: 0 basic, 1 extension, NOT_GSM7 not in the alphabet; eight
# characters' sum holds the extension characters in its low 4 bits, the others above.
cdef uint8_t EXTRA[65536]
cdef enum:
    NOT_GSM7 = 16

def _fill_table() -> None:
    cdef Py_ssize_t i
    for i in range(65536):
        COST[i] = 0
        EXTRA[i] = NOT_GSM7
    for ch in _gsm7.BASIC:
        COST[ord(ch)] = 1
        EXTRA[ord(ch)] = 0
    for ch in _gsm7.EXTENSION:
        COST[ord(ch)] = 2
        EXTRA[ord(ch)] = 1

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


cdef inline int _ascii_extension(uint64_t x) noexcept nogil:
    """The extension characters among 8 bytes (``[ \\ ] ^`` at 0x5B-0x5E, ``{ | } ~`` at
    0x7B-0x7E) when each byte is printable ASCII and GSM-7 (0x20-0x7E but the backquote), else -1.

    Setting bit 5 takes 0x5B-0x5E onto 0x7B-0x7E and moves no other byte there (``_`` goes
    to 0x7F); then adding 5 carries into bit 7 from 0x7B up, and adding 1 from 0x7F up. No
    byte is above 0x7F by then, so no sum carries into the next byte.
    """
    cdef uint64_t below = (x - ONES * 0x20) & ~x & HIGH
    cdef uint64_t above = ((x + ONES) | x) & HIGH  # 0x7F (DEL) or 0x80-0xFF
    cdef uint64_t tick = x ^ (ONES * 0x60)
    if (below | above | ((tick - ONES) & ~tick & HIGH)) != 0:
        return -1
    cdef uint64_t y = x | (ONES * 0x20)
    cdef uint64_t ext = (y + ONES * 0x05) & ~(y + ONES) & HIGH
    return <int>(((ext >> 7) * ONES) >> 56)


cdef struct Scan:
    Py_ssize_t extra  # characters that cost 2: extension (GSM-7) or astral (UCS-2)
    Py_ssize_t parts  # parts when filled greedily at the multi-part capacity
    Py_ssize_t used   # units in the last of those parts


cdef inline void _step(Scan* s, int cost, Py_ssize_t multi) noexcept nogil:
    if s.used + cost > multi:
        s.parts += 1
        s.used = cost
    else:
        s.used += cost


cdef inline void _scan_init(Scan* s) noexcept nogil:
    s.extra = 0
    s.parts = 1
    s.used = 0


ctypedef fused char_t:
    uint8_t
    uint16_t
    uint32_t


cdef inline uint8_t _cost(uint32_t c) noexcept nogil:
    return COST[c] if c <= 0xFFFF else 0


cdef inline int _table_extra(const char_t* p) noexcept nogil:
    """The sum of 8 characters' ``EXTRA``: extension characters, plus NOT_GSM7 a character
    outside GSM-7."""
    cdef int j, extra = 0
    for j in range(8):
        extra += EXTRA[p[j]] if char_t is not uint32_t or p[j] <= 0xFFFF else NOT_GSM7
    return extra


cdef bint _gsm7_scan(const char_t* p, Py_ssize_t n, Py_ssize_t multi, Scan* s) noexcept nogil:
    """Scan a text as GSM-7, 8 characters a block; False once a character is not GSM-7.

    A block's cost is summed first: for 8 bytes of printable ASCII in SWAR (one word), else
    through ``EXTRA``, one add a character; only a block that crosses a part boundary is
    walked character by character, so that an escape pair is never split.
    """
    cdef Py_ssize_t i = 0, j
    cdef uint64_t word
    cdef int cost, extra
    _scan_init(s)
    while i + 8 <= n:
        if char_t is uint8_t:
            memcpy(&word, p + i, 8)
            if _plain_word(word):
                # Eight 1-septet characters: a greedy fill carries over exactly.
                s.used += 8
                while s.used > multi:
                    s.parts += 1
                    s.used -= multi
                i += 8
                continue
            extra = _ascii_extension(word)
            if extra < 0:
                extra = _table_extra(p + i)
        else:
            extra = _table_extra(p + i)
        if extra >= NOT_GSM7:
            return False
        s.extra += extra
        if s.used + 8 + extra <= multi:
            s.used += 8 + extra
        else:
            for j in range(i, i + 8):
                _step(s, _cost(p[j]), multi)
        i += 8
    while i < n:
        cost = _cost(p[i])
        if cost == 0:
            return False
        s.extra += cost - 1
        _step(s, cost, multi)
        i += 1
    return True


cdef void _ucs2_4(const uint32_t* p, Py_ssize_t n, Py_ssize_t multi, Scan* s) noexcept nogil:
    """Scan a 4-byte text as UTF-16, 8 characters a block: astral characters cost 2."""
    cdef Py_ssize_t i = 0, j
    cdef int block
    _scan_init(s)
    while i + 8 <= n:
        block = 8
        for j in range(i, i + 8):
            block += p[j] > 0xFFFF
        s.extra += block - 8
        if s.used + block <= multi:
            s.used += block
        else:
            for j in range(i, i + 8):
                _step(s, 2 if p[j] > 0xFFFF else 1, multi)
        i += 8
    while i < n:
        block = 2 if p[i] > 0xFFFF else 1
        s.extra += block - 1
        _step(s, block, multi)
        i += 1


cdef inline uint32_t _read(int kind, const void* data, Py_ssize_t i) noexcept nogil:
    if kind == PyUnicode_1BYTE_KIND:
        return (<const uint8_t*>data)[i]
    if kind == PyUnicode_2BYTE_KIND:
        return (<const uint16_t*>data)[i]
    return (<const uint32_t*>data)[i]


cdef int _walk(int kind, const void* data, Py_ssize_t n, bint gsm7, Py_ssize_t capacity,
               list cuts) except -1:
    """Fill parts of ``capacity`` greedily; append each part's end index to ``cuts``."""
    cdef Py_ssize_t i, used = 0
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
            cuts.append(i)
            used = cost
        else:
            used += cost
    cuts.append(n)
    return 0


cdef int _check_limits(Py_ssize_t a, Py_ssize_t b, Py_ssize_t c, Py_ssize_t d) except -1:
    for limit in (a, b, c, d):
        if limit < 2:
            raise ValueError(f"part capacities must be at least 2, not {limit}")
    return 0


cdef int _count(str text, bint force_ucs2, Py_ssize_t gsm_single, Py_ssize_t gsm_multi,
                Py_ssize_t ucs2_single, Py_ssize_t ucs2_multi,
                Py_ssize_t* units_out, Py_ssize_t* parts_out) except -1:
    """Measure one text in one pass.

    Return 1 when it is GSM-7, 0 when UCS-2.
    """
    PyUnicode_READY(text)
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text)
    cdef int kind = PyUnicode_KIND(text)
    cdef const void* data = PyUnicode_DATA(text)
    cdef Scan scan
    cdef bint gsm7 = False
    if kind == PyUnicode_4BYTE_KIND:
        # CPython keeps 4 bytes a character only for a text with one above U+FFFF, which no
        # GSM-7 text has: scan as UTF-16 first, and as GSM-7 only if none was found.
        _ucs2_4(<const uint32_t*>data, n, ucs2_multi, &scan)
        if scan.extra == 0 and not force_ucs2:
            gsm7 = _gsm7_scan(<const uint32_t*>data, n, gsm_multi, &scan)
            if not gsm7:
                _ucs2_4(<const uint32_t*>data, n, ucs2_multi, &scan)
    elif not force_ucs2:
        if kind == PyUnicode_1BYTE_KIND:
            gsm7 = _gsm7_scan(<const uint8_t*>data, n, gsm_multi, &scan)
        else:
            gsm7 = _gsm7_scan(<const uint16_t*>data, n, gsm_multi, &scan)
    cdef Py_ssize_t single = gsm_single if gsm7 else ucs2_single
    if not gsm7 and kind != PyUnicode_4BYTE_KIND:
        # 1- and 2-byte texts hold no astral character: one unit each.
        scan.extra = 0
        scan.parts = (n + ucs2_multi - 1) // ucs2_multi if n else 1
    units_out[0] = n + scan.extra
    parts_out[0] = 1 if units_out[0] <= single else scan.parts
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
