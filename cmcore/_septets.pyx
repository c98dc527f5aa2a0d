# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: initializedcheck=False, embedsignature=True, autotestdict=False
"""The compiled septet kernel: characters <-> GSM 7-bit septets, and septet packing.

Lookups are built at import from ``_gsm7`` (table 0, the default alphabet and extension
table of TS 23.038 6.2.1 / 6.2.1.1) and ``_gsm7_national`` (tables 1-13 of Annex A). A table
pair is ``(locking, single)``: the locking shift table gives a character's septet, and the
single shift table the code after an escape (0x1B). Its twin, ``_septets_py.py``, has the same
names, signatures and answers.

Packing (TS 23.038 6.1.2.1.1) puts septets least significant bit first, after ``fill_bits``
zero bits (the fill that aligns septets after a user data header, TS 23.040 9.2.3.24).

Every function reads a ``str``'s own buffer or a ``bytes``'s own bytes, sizes its output
before writing it, and checks every table index: no input can read or write out of bounds.
"""

from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_Check, PyBytes_FromStringAndSize, PyBytes_GET_SIZE
from cpython.unicode cimport PyUnicode_Check
from libc.stdint cimport uint8_t, uint16_t, uint32_t
from libc.stdlib cimport free, malloc

from cmcore import _gsm7, _gsm7_national

cdef extern from "Python.h":
    int PyUnicode_READY(object) except -1
    Py_ssize_t PyUnicode_GET_LENGTH(object)
    int PyUnicode_KIND(object)
    void* PyUnicode_DATA(object)
    object PyUnicode_FromKindAndData(int kind, const void* buffer, Py_ssize_t size)
    enum:
        PyUnicode_1BYTE_KIND
        PyUnicode_2BYTE_KIND
        PyUnicode_4BYTE_KIND
    Py_ssize_t PY_SSIZE_T_MAX

cdef enum:
    TABLES = 14
    MAX_PAGES = 128
    ESC = 0x1B
    CR = 0x0D
    ABSENT = 0xFF

# Septet -> code point, per table; 0 = no character there.
cdef uint32_t DEC_LOCK[TABLES][128]
cdef uint32_t DEC_SINGLE[TABLES][128]
cdef bint HAS_LOCK[TABLES]
cdef bint HAS_SINGLE[TABLES]
# Code point -> septet, in pages of 256 code points: PAGES[page][low byte], ABSENT if none.
cdef uint8_t PAGES[MAX_PAGES][256]
cdef uint8_t LOCK_PAGE[TABLES][256]
cdef uint8_t SINGLE_PAGE[TABLES][256]
cdef int _pages_used = 1  # page 0 stays empty


cdef int _put(uint8_t* page_index, uint32_t c, int septet) except -1:
    global _pages_used
    cdef int hi = c >> 8
    if page_index[hi] == 0:
        if _pages_used == MAX_PAGES:
            raise RuntimeError("septet kernel: out of lookup pages")
        page_index[hi] = _pages_used
        _pages_used += 1
    if PAGES[page_index[hi]][c & 0xFF] == ABSENT:  # a character listed twice: the lower code
        PAGES[page_index[hi]][c & 0xFF] = septet
    return 0


cdef int _load(int t, str chars, bint locking) except -1:
    cdef int i
    cdef uint32_t c
    for i in range(128):
        c = ord(chars[i])
        if c == 0 or (i == ESC and c == ESC):
            continue
        if c > 0xFFFF:
            raise ValueError("table characters must be in the BMP")
        if locking:
            DEC_LOCK[t][i] = c
            _put(LOCK_PAGE[t], c, i)
        else:
            DEC_SINGLE[t][i] = c
            _put(SINGLE_PAGE[t], c, i)
    return 0


def _fill_tables() -> None:
    cdef int t, i
    for t in range(MAX_PAGES):
        for i in range(256):
            PAGES[t][i] = ABSENT
    for t in range(TABLES):
        HAS_LOCK[t] = HAS_SINGLE[t] = False
        for i in range(256):
            LOCK_PAGE[t][i] = SINGLE_PAGE[t][i] = 0
        for i in range(128):
            DEC_LOCK[t][i] = DEC_SINGLE[t][i] = 0
    extension = ["\x00"] * 128
    for ch, code in _gsm7.EXTENSION_BY_CHAR.items():
        extension[code] = ch
    _load(0, _gsm7.BASIC_BY_CODE, True)
    _load(0, "".join(extension), False)
    HAS_LOCK[0] = HAS_SINGLE[0] = True
    for t, chars in _gsm7_national.LOCKING.items():
        _load(t, chars, True)
        HAS_LOCK[t] = True
    for t, chars in _gsm7_national.SINGLE.items():
        _load(t, chars, False)
        HAS_SINGLE[t] = True

_fill_tables()


cdef int _check_tables(long locking, long single) except -1:
    if not (0 <= locking < TABLES and HAS_LOCK[locking]):
        raise ValueError(f"no national language locking shift table {locking}")
    if not (0 <= single < TABLES and HAS_SINGLE[single]):
        raise ValueError(f"no national language single shift table {single}")
    return 0


cdef inline uint32_t _read(int kind, const void* data, Py_ssize_t i) noexcept nogil:
    if kind == PyUnicode_1BYTE_KIND:
        return (<const uint8_t*>data)[i]
    if kind == PyUnicode_2BYTE_KIND:
        return (<const uint16_t*>data)[i]
    return (<const uint32_t*>data)[i]


cdef inline int _cost(uint32_t c, const uint8_t* lock, const uint8_t* single,
                      uint8_t* code) noexcept nogil:
    """1 and the septet for a locking-table character, 2 and the code for a single-shift one,
    0 for a character neither table holds."""
    if c > 0xFFFF:
        return 0
    code[0] = PAGES[lock[c >> 8]][c & 0xFF]
    if code[0] != ABSENT:
        return 1
    code[0] = PAGES[single[c >> 8]][c & 0xFF]
    return 2 if code[0] != ABSENT else 0


cdef object _check_str(object text):
    if not PyUnicode_Check(text):  # the type's flag, not a __class__ an object may fake
        raise TypeError(f"text must be str, not {type(text).__name__}")
    PyUnicode_READY(text)
    return text


def encode(object text, long locking, long single):
    """Return ``(septets, bad)``: the septet values of ``text``, escapes included, and -1; or,
    at the first character neither table holds, the septets before it and its index."""
    _check_str(text)
    _check_tables(locking, single)
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text), i, w = 0
    cdef int kind = PyUnicode_KIND(text), cost
    cdef const void* data = PyUnicode_DATA(text)
    cdef const uint8_t* lock = LOCK_PAGE[locking]
    cdef const uint8_t* shift = SINGLE_PAGE[single]
    cdef uint8_t code
    if n > PY_SSIZE_T_MAX // 2:
        raise MemoryError("text too long to encode")
    cdef uint8_t* out = <uint8_t*>malloc(2 * n + 1)
    if out == NULL:
        raise MemoryError()
    try:
        for i in range(n):
            cost = _cost(_read(kind, data, i), lock, shift, &code)
            if cost == 0:
                return PyBytes_FromStringAndSize(<char*>out, w), i
            if cost == 2:
                out[w] = ESC
                w += 1
            out[w] = code
            w += 1
        return PyBytes_FromStringAndSize(<char*>out, w), -1
    finally:
        free(out)


cdef inline uint32_t _char(uint32_t c) noexcept nogil:
    return c if c != 0 else 0x20  # a position with no character displays as a space


def decode(object septets, long locking, long single):
    """Return the text that septet values stand for (each value read modulo 128).

    An escape takes the next code from the single shift table; a code that table lacks is
    the locking table's character (TS 23.038 6.2.1.1), an escape after an escape and a final
    lone escape a space (6.2.1.1 note 1), and a position with no character a space.
    """
    if not PyBytes_Check(septets):
        raise TypeError(f"septets must be bytes, not {type(septets).__name__}")
    _check_tables(locking, single)
    cdef Py_ssize_t n = PyBytes_GET_SIZE(septets), i, w = 0
    cdef const uint8_t* p = <const uint8_t*>PyBytes_AS_STRING(septets)
    cdef const uint32_t* lock = DEC_LOCK[locking]
    cdef const uint32_t* shift = DEC_SINGLE[single]
    if n > PY_SSIZE_T_MAX // 8:
        raise MemoryError("too many septets to decode")
    cdef uint32_t* out = <uint32_t*>malloc((n + 1) * sizeof(uint32_t))
    cdef uint8_t v
    cdef bint escaped = False
    if out == NULL:
        raise MemoryError()
    try:
        for i in range(n):
            v = p[i] & 0x7F
            if escaped:
                escaped = False
                if v == ESC:
                    out[w] = 0x20
                else:
                    out[w] = shift[v] if shift[v] != 0 else _char(lock[v])
                w += 1
            elif v == ESC:
                escaped = True
            else:
                out[w] = _char(lock[v])
                w += 1
        if escaped:
            out[w] = 0x20
            w += 1
        return PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, out, w)
    finally:
        free(out)


def pack(object septets, long fill_bits, bint cr_pad):
    """Return ``septets`` packed 7 bits each, LSB first, after ``fill_bits`` zero bits.

    With ``cr_pad``, 7 spare bits at the end hold a CR rather than zeros, and a final CR that
    ends on an octet boundary is followed by another (TS 23.038 6.1.2.3.1), so that a reader
    who counts septets from octets finds no spurious ``@`` and strips one final CR.
    """
    if not PyBytes_Check(septets):
        raise TypeError(f"septets must be bytes, not {type(septets).__name__}")
    if not 0 <= fill_bits <= 6:
        raise ValueError(f"fill_bits must be 0-6, not {fill_bits}")
    cdef Py_ssize_t n = PyBytes_GET_SIZE(septets), i, bits, size
    cdef const uint8_t* p = <const uint8_t*>PyBytes_AS_STRING(septets)
    if n > (PY_SSIZE_T_MAX - 16) // 8:
        raise MemoryError("too many septets to pack")
    cdef bint extra = False
    if cr_pad and n:
        bits = fill_bits + 7 * n
        extra = bits % 8 == 1 or (bits % 8 == 0 and (p[n - 1] & 0x7F) == CR)
    bits = fill_bits + 7 * (n + extra)
    size = (bits + 7) // 8 if n else 0  # fill bits alone take no octet
    result = PyBytes_FromStringAndSize(NULL, size)
    cdef uint8_t* out = <uint8_t*>PyBytes_AS_STRING(result)
    cdef uint32_t acc = 0
    cdef int held = fill_bits
    cdef Py_ssize_t w = 0
    for i in range(n + extra):
        acc |= <uint32_t>((p[i] if i < n else CR) & 0x7F) << held
        held += 7
        while held >= 8:
            out[w] = acc & 0xFF
            w += 1
            acc >>= 8
            held -= 8
    if held:
        out[w] = acc & 0xFF
    return result


def unpack(object data, long fill_bits, Py_ssize_t count):
    """Return ``count`` septet values read from packed ``data`` after ``fill_bits`` bits;
    ``count=-1`` reads every whole septet. A ``count`` beyond the data is a ``ValueError``."""
    if not PyBytes_Check(data):
        raise TypeError(f"data must be bytes, not {type(data).__name__}")
    if not 0 <= fill_bits <= 6:
        raise ValueError(f"fill_bits must be 0-6, not {fill_bits}")
    cdef Py_ssize_t n = PyBytes_GET_SIZE(data), i, r = 0
    cdef Py_ssize_t whole = (n * 8 - fill_bits) // 7 if n else 0
    if n > PY_SSIZE_T_MAX // 8:
        raise MemoryError("data too long to unpack")
    if count < 0:
        count = whole
    elif count > whole:
        raise ValueError(f"{count} septets need more than the {n} octets given")
    cdef const uint8_t* p = <const uint8_t*>PyBytes_AS_STRING(data)
    result = PyBytes_FromStringAndSize(NULL, count)
    cdef uint8_t* out = <uint8_t*>PyBytes_AS_STRING(result)
    cdef uint32_t acc = 0
    cdef int held = 0
    if count and n:
        acc = p[0] >> fill_bits
        held = 8 - fill_bits
        r = 1
    for i in range(count):
        if held < 7:
            acc |= <uint32_t>p[r] << held
            r += 1
            held += 8
        out[i] = acc & 0x7F
        acc >>= 7
        held -= 7
    return result


def measure(object text, long locking, long single, Py_ssize_t capacity):
    """Return ``(units, parts, used)``: the septets of ``text``, the parts it fills greedily
    at ``capacity`` septets (an escape pair never split) and the septets in the last; units
    is -1 when a character is in neither table."""
    _check_str(text)
    _check_tables(locking, single)
    if capacity < 2:
        raise ValueError(f"capacity must be at least 2, not {capacity}")
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text), i, units = 0, parts = 1, used = 0
    cdef int kind = PyUnicode_KIND(text), cost
    cdef const void* data = PyUnicode_DATA(text)
    cdef uint8_t code
    for i in range(n):
        cost = _cost(_read(kind, data, i), LOCK_PAGE[locking], SINGLE_PAGE[single], &code)
        if cost == 0:
            return -1, 0, 0
        units += cost
        if used + cost > capacity:
            parts += 1
            used = cost
        else:
            used += cost
    return units, parts, used


def cuts(object text, long locking, long single, Py_ssize_t capacity):
    """Return the end index of each part when ``text`` is cut greedily into parts of at most
    ``capacity`` septets, never inside an escape pair; ``ValueError`` for a character in
    neither table."""
    _check_str(text)
    _check_tables(locking, single)
    if capacity < 2:
        raise ValueError(f"capacity must be at least 2, not {capacity}")
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text), i, used = 0
    cdef int kind = PyUnicode_KIND(text), cost
    cdef const void* data = PyUnicode_DATA(text)
    cdef uint8_t code
    cdef list out = []
    for i in range(n):
        cost = _cost(_read(kind, data, i), LOCK_PAGE[locking], SINGLE_PAGE[single], &code)
        if cost == 0:
            raise ValueError(f"character U+{_read(kind, data, i):04X} at index {i} is in "
                             f"neither table ({locking}, {single})")
        if used + cost > capacity:
            out.append(i)
            used = cost
        else:
            used += cost
    out.append(n)
    return out
