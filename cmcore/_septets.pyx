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

``parts``/``parts_many`` are ``sms_parts()``'s common case in one pass a text: the default
alphabet, the default capacities, a concatenation element or no header. They build the parts
themselves (writing the part class's ``__slots__`` members, found and checked once), and
answer None where the general path must decide (and raise), so that every error stays
``_smpp``'s. ``front`` makes the public ``sms_parts()`` itself a compiled function over the
Python one, for the common case, so that a call costs no Python frame. A part holds only
ints, bytes, str and None, so it and the tuple of parts are
left out of the cycle collector's lists, as CPython does for such tuples itself. SWAR (SIMD
within a register) tests eight ASCII characters at once for ones whose septet is their own
code, and packs eight septets into seven octets in one word.
"""

from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_Check, PyBytes_FromStringAndSize, PyBytes_GET_SIZE
from cpython.list cimport PyList_GET_ITEM, PyList_GET_SIZE
from cpython.long cimport PyLong_AsLongAndOverflow, PyLong_CheckExact
from cpython.mem cimport PyMem_Free, PyMem_Malloc
from cpython.object cimport PyObject
from cpython.ref cimport Py_DECREF, Py_INCREF
from cpython.tuple cimport PyTuple_New, PyTuple_SET_ITEM
from cpython.type cimport PyType_Check
from cpython.unicode cimport PyUnicode_Check, PyUnicode_Substring
from libc.stdint cimport uint8_t, uint16_t, uint32_t, uint64_t
from libc.stdlib cimport free, malloc
from libc.string cimport memcpy

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

cdef extern from *:
    """
    #include "structmember.h"
    #if (defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__) || defined(_MSC_VER)
    #define CMCORE_LE 1
    #else
    #define CMCORE_LE 0
    #endif
    #ifdef Py_TPFLAGS_MANAGED_DICT
    #define CMCORE_MANAGED_DICT Py_TPFLAGS_MANAGED_DICT
    #else
    #define CMCORE_MANAGED_DICT 0
    #endif
    /* Eight octets as a little-endian word, and back, whatever the machine's byte order. */
    static inline uint64_t cmcore_load_le(const uint8_t* p) {
        uint64_t x = 0;
    #if CMCORE_LE
        memcpy(&x, p, 8);
    #else
        int k;
        for (k = 7; k >= 0; k--) x = (x << 8) | p[k];
    #endif
        return x;
    }
    static inline void cmcore_store_le(uint8_t* p, uint64_t x, int octets) {
    #if CMCORE_LE
        if (octets == 8) { memcpy(p, &x, 8); return; }
    #endif
        int k;
        for (k = 0; k < octets; k++) { p[k] = (uint8_t)(x & 0xFF); x >>= 8; }
    }
    /* Where an instance of ``cls`` keeps the writable object member ``descr``, or -1 where
       ``descr`` is not one of ``cls``'s own layout (then nothing is written through it). */
    static Py_ssize_t cmcore_member_offset(PyObject* descr, PyObject* cls) {
        PyMemberDef* m;
        PyTypeObject* t = (PyTypeObject*)cls;
        if (Py_TYPE(descr) != &PyMemberDescr_Type || t->tp_new == NULL) return -1;
        m = ((PyMemberDescrObject*)descr)->d_member;
        if (m->type != T_OBJECT_EX || (m->flags & READONLY)) return -1;
        if (!PyType_IsSubtype(t, ((PyDescrObject*)descr)->d_type)) return -1;
        if (m->offset < (Py_ssize_t)sizeof(PyObject) ||
            m->offset > t->tp_basicsize - (Py_ssize_t)sizeof(PyObject*)) return -1;
        return m->offset;
    }
    #ifdef Py_TPFLAGS_MANAGED_WEAKREF
    #define CMCORE_PREHEADER (CMCORE_MANAGED_DICT | Py_TPFLAGS_MANAGED_WEAKREF)
    #else
    #define CMCORE_PREHEADER CMCORE_MANAGED_DICT
    #endif
    /* Leave ``obj`` out of the cycle collector's lists: done only for a part, whose members
       are ints, bytes, str and None, and for the tuple of such parts, neither of which can be
       in a cycle (CPython untracks such tuples itself, at their first collection). */
    static void cmcore_untrack(PyObject* obj) {
        if (PyObject_IS_GC(obj)) PyObject_GC_UnTrack(obj);
    }
    /* A new, untracked instance of exactly ``cls`` (a type whose offsets were checked),
       __init__ not run. For a plain class, what object.__new__(cls) makes, zeroed, and left
       untracked as PyObject_GC_New leaves it (rather than tracked, then untracked). */
    static PyObject* cmcore_new(PyObject* cls, PyObject* args) {
        PyTypeObject* t = (PyTypeObject*)cls;
        PyObject* obj;
        if (t->tp_new == PyBaseObject_Type.tp_new && t->tp_alloc == PyType_GenericAlloc &&
                t->tp_itemsize == 0 && PyType_IS_GC(t) &&
                !(t->tp_flags & (Py_TPFLAGS_IS_ABSTRACT | CMCORE_PREHEADER))) {
            obj = PyObject_GC_New(PyObject, t);
            if (obj != NULL)
                memset((char*)obj + sizeof(PyObject), 0, t->tp_basicsize - sizeof(PyObject));
            return obj;
        }
        if (t->tp_new == PyBaseObject_Type.tp_new && t->tp_alloc != NULL &&
                !(t->tp_flags & (Py_TPFLAGS_IS_ABSTRACT | CMCORE_MANAGED_DICT)))
            obj = t->tp_alloc(t, 0);  /* what object.__new__(cls) does, its checks made */
        else
            obj = t->tp_new(t, args, NULL);
        if (obj != NULL && Py_TYPE(obj) != t) {
            Py_DECREF(obj);
            PyErr_SetString(PyExc_TypeError, "parts(): the part class made an instance of another class");
            return NULL;
        }
        if (obj != NULL) cmcore_untrack(obj);
        return obj;
    }
    /* A list of the ``n`` objects ``items`` holds references to, which it takes over. */
    static PyObject* cmcore_list_of(PyObject** items, Py_ssize_t n) {
        Py_ssize_t k;
        PyObject* list = PyList_New(n);
        if (list == NULL) return NULL;
        for (k = 0; k < n; k++) PyList_SET_ITEM(list, k, items[k]);
        return list;
    }
    /* Set the member at ``offset`` (checked by cmcore_member_offset) of ``obj``. */
    static void cmcore_put(PyObject* obj, Py_ssize_t offset, PyObject* value) {
        PyObject** slot = (PyObject**)((char*)obj + offset);
        PyObject* old = *slot;
        Py_INCREF(value);
        *slot = value;
        Py_XDECREF(old);
    }
    """
    uint64_t load_le "cmcore_load_le"(const uint8_t* p) noexcept nogil
    void store_le "cmcore_store_le"(uint8_t* p, uint64_t x, int octets) noexcept nogil
    Py_ssize_t member_offset "cmcore_member_offset"(object descr, object cls)
    object new_part "cmcore_new"(object cls, object args)
    void put "cmcore_put"(object obj, Py_ssize_t offset, object value)
    void untrack "PyObject_GC_UnTrack"(object tuple)  # a tuple of parts (see cmcore_untrack)
    list list_of "cmcore_list_of"(PyObject** items, Py_ssize_t n)

cdef enum:
    TABLES = 14
    MAX_PARTS = 255  # _gsm7.MAX_PARTS: the concatenation element counts parts in one octet
    MAX_CUTS = MAX_PARTS - 1
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
# Code point -> default-alphabet septet for table pair (0, 0), in one look: the basic table's
# septet, or 0x80 | the extension table's code, or ABSENT.
cdef uint8_t DEFAULT[65536]
cdef int _pages_used = 1  # page 0 stays empty

# SWAR constants: a byte repeated over a 64-bit word.
cdef uint64_t ONES = 0x0101010101010101ULL
cdef uint64_t HIGH = 0x8080808080808080ULL
cdef uint64_t LOW7 = 0x7F7F7F7F7F7F7F7FULL


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


def _fill_default() -> None:
    cdef int i, cost
    cdef uint8_t code
    for i in range(65536):
        cost = _cost(i, LOCK_PAGE[0], SINGLE_PAGE[0], &code)
        DEFAULT[i] = ABSENT if cost == 0 else code | (0x80 if cost == 2 else 0)
        if cost == 2 and DEFAULT[i] == ABSENT:
            raise ValueError("an extension character's code is 0x7F")
        if cost and code == ESC:  # _septet_cuts takes every escape for the first of a pair
            raise ValueError("a character's septet or code is the escape")

_fill_default()


cdef object _check_str(object text):
    if not PyUnicode_Check(text):  # the type's flag, not a __class__ an object may fake
        raise TypeError(f"text must be str, not {type(text).__name__}")
    PyUnicode_READY(text)
    return text


cdef inline bint _own_word(uint64_t x) noexcept nogil:
    """True when each of 8 octets is a character whose default-alphabet septet is its own
    code: 0x20-0x23, 0x25-0x3F, 0x41-0x5A, 0x61-0x7A (space, digits, letters, most
    punctuation; not ``$ @ [ \\ ] ^ _ `` ` or ``{ | } ~``)."""
    cdef uint64_t below = (x - ONES * 0x20) & ~x & HIGH
    cdef uint64_t low = x & LOW7
    cdef uint64_t between = (ONES * (127 + 0x61) - low) & ~x & (low + ONES * (127 - 0x5A)) & HIGH
    cdef uint64_t above = ((x + ONES * (127 - 0x7A)) | x) & HIGH
    cdef uint64_t dollar = x ^ (ONES * 0x24)
    cdef uint64_t at = x ^ (ONES * 0x40)
    cdef uint64_t zero = ((dollar - ONES) & ~dollar) | ((at - ONES) & ~at)
    return (below | between | above | (zero & HIGH)) == 0


cdef struct Cuts:
    Py_ssize_t count                # cuts recorded: parts - 1, while at most MAX_CUTS
    bint over                       # the text needs more than MAX_PARTS parts
    Py_ssize_t index[MAX_CUTS]      # where each part after the first starts: a character
    Py_ssize_t unit[MAX_CUTS]       # and a septet or UTF-16 unit


cdef inline void _cut(Cuts* cuts, Py_ssize_t index, Py_ssize_t unit) noexcept nogil:
    if cuts.count < MAX_CUTS:
        cuts.index[cuts.count] = index
        cuts.unit[cuts.count] = unit
        cuts.count += 1
    else:
        cuts.over = True


ctypedef fused char_t:
    uint8_t
    uint16_t
    uint32_t


cdef Py_ssize_t _default_septets(const char_t* p, Py_ssize_t n, uint8_t* out, Py_ssize_t* bad) noexcept nogil:
    """Write the default-alphabet septets of ``p`` (escapes included) to ``out`` (room for
    2n + 8) and return how many; ``bad`` is -1, or the first character's index that neither
    table holds (the septets before it written). Parts are cut afterwards, and only for a
    text longer than one (``_septet_cuts``), so that the pass keeps no count of them.

    Eight characters at a time: ASCII ones whose septets are their codes are copied as a
    word; else their eight looks in ``DEFAULT`` go into one word, written whole when none has
    bit 7 (an extension character or ABSENT). A block with one is walked a character at a time.
    """
    cdef Py_ssize_t i = 0, w = 0, end
    cdef uint32_t c
    cdef uint8_t v
    cdef int k
    cdef uint64_t word
    bad[0] = -1
    while i < n:
        while i + 8 <= n:
            if char_t is uint8_t:
                word = load_le(p + i)
                if _own_word(word):
                    store_le(out + w, word, 8)
                    w += 8
                    i += 8
                    continue
            word = 0
            for k in range(8):
                c = p[i + k]
                word |= <uint64_t>(DEFAULT[c] if char_t is not uint32_t or c <= 0xFFFF else ABSENT) << (8 * k)
            if (word & HIGH) != 0:
                break
            store_le(out + w, word, 8)
            w += 8
            i += 8
        end = i + 8 if i + 8 <= n else n
        while i < end:
            c = p[i]
            v = DEFAULT[c] if char_t is not uint32_t or c <= 0xFFFF else ABSENT
            if v == ABSENT:
                bad[0] = i
                return w
            out[w] = ESC if v & 0x80 else v  # written without a branch: the code goes after,
            out[w + 1] = v & 0x7F             # where the next septet overwrites it if cost is 1
            w += 1 + (v >> 7)
            i += 1
    return w


cdef void _septet_cuts(const uint8_t* septets, Py_ssize_t units, Py_ssize_t capacity, Cuts* cuts) noexcept nogil:
    """Cut ``units`` default-alphabet septets greedily into parts of at most ``capacity``
    (at least 2), an escape pair never split, into ``cuts``. An escape always opens a pair (no
    character's septet or code is ESC, ``_fill_default`` checks), so a part whose last septet
    is one ends before it, and a part's characters are its septets less its escapes."""
    cdef Py_ssize_t start = 0, end, chars = 0, j
    while units - start > capacity and not cuts.over:
        end = start + capacity - (septets[start + capacity - 1] == ESC)
        chars += end - start
        for j in range(start, end):
            chars -= septets[j] == ESC
        _cut(cuts, chars, end)
        start = end


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
    cdef uint8_t* out = <uint8_t*>malloc(2 * n + 8)
    cdef Py_ssize_t bad
    if out == NULL:
        raise MemoryError()
    try:
        if locking == 0 and single == 0:
            if kind == PyUnicode_1BYTE_KIND:
                w = _default_septets(<const uint8_t*>data, n, out, &bad)
            elif kind == PyUnicode_2BYTE_KIND:
                w = _default_septets(<const uint16_t*>data, n, out, &bad)
            else:
                w = _default_septets(<const uint32_t*>data, n, out, &bad)
            return PyBytes_FromStringAndSize(<char*>out, w), bad
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


cdef Py_ssize_t _packed_size(const uint8_t* p, Py_ssize_t n, long fill_bits, bint cr_pad,
                             bint* extra) noexcept nogil:
    """The octets that ``n`` septets take after ``fill_bits``; ``extra`` says whether a CR
    pad septet follows them (TS 23.038 6.1.2.3.1)."""
    cdef Py_ssize_t bits = fill_bits + 7 * n
    extra[0] = cr_pad and n > 0 and (bits % 8 == 1 or (bits % 8 == 0 and (p[n - 1] & 0x7F) == CR))
    bits += 7 * extra[0]
    return (bits + 7) // 8 if n else 0  # fill bits alone take no octet


cdef inline uint64_t _squeeze(uint64_t x) noexcept nogil:
    """Eight septets, one an octet of a little-endian word, as 56 bits, septet k at bit 7k."""
    x &= LOW7
    x = (x & 0x007F007F007F007FULL) | ((x >> 1) & 0x3F803F803F803F80ULL)
    x = (x & 0x00003FFF00003FFFULL) | ((x >> 2) & 0x0FFFC0000FFFC000ULL)
    return (x & 0x000000000FFFFFFFULL) | ((x >> 4) & 0x00FFFFFFF0000000ULL)


cdef void _pack_into(const uint8_t* p, Py_ssize_t n, long fill_bits, bint extra, uint8_t* out,
                     Py_ssize_t size) noexcept nogil:
    """Pack ``n`` septets (and a CR pad if ``extra``) after ``fill_bits`` into ``size`` octets
    (``_packed_size``'s): eight septets a word, then one at a time."""
    cdef uint64_t acc = 0
    cdef int held = fill_bits
    cdef Py_ssize_t i = 0, w = 0
    while i + 8 <= n:  # 8 septets = 56 bits: ``held`` (< 8) is the same after each word
        acc |= _squeeze(load_le(p + i)) << held
        store_le(out + w, acc, 8 if w + 8 <= size else 7)
        acc >>= 56
        w += 7
        i += 8
    while i < n + extra:
        acc |= <uint64_t>((p[i] if i < n else CR) & 0x7F) << held
        held += 7
        while held >= 8:
            out[w] = acc & 0xFF
            w += 1
            acc >>= 8
            held -= 8
        i += 1
    if held and w < size:
        out[w] = acc & 0xFF


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
    cdef Py_ssize_t n = PyBytes_GET_SIZE(septets), size
    cdef const uint8_t* p = <const uint8_t*>PyBytes_AS_STRING(septets)
    if n > (PY_SSIZE_T_MAX - 16) // 8:
        raise MemoryError("too many septets to pack")
    cdef bint extra
    size = _packed_size(p, n, fill_bits, cr_pad, &extra)
    result = PyBytes_FromStringAndSize(NULL, size)
    _pack_into(p, n, fill_bits, extra, <uint8_t*>PyBytes_AS_STRING(result), size)
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


# --- sms_parts()'s common case ---------------------------------------------------------------

if _gsm7.MAX_PARTS != MAX_PARTS:
    raise ImportError("septet kernel: _gsm7.MAX_PARTS is not the kernel's")
# Capacities (TS 23.040 9.2.3.24.1): one part, then each part beside an 8- or 16-bit
# reference's concatenation element.
cdef Py_ssize_t GSM_SINGLE = _gsm7.GSM7_SINGLE, UCS2_SINGLE = _gsm7.UCS2_SINGLE
cdef Py_ssize_t GSM_MULTI[2]
cdef Py_ssize_t UCS2_MULTI[2]
GSM_MULTI[:] = [_gsm7.GSM7_MULTI, _gsm7.GSM7_MULTI_16BIT_REF]
UCS2_MULTI[:] = [_gsm7.UCS2_MULTI, _gsm7.UCS2_MULTI_16BIT_REF]

# The part class's members, in this order: where each is kept, found once for each class.
FIELDS = ("data_coding", "esm_class", "udh", "payload", "short_message", "text",
          "sar_msg_ref_num", "sar_total_segments", "sar_segment_seqnum")
cdef enum:
    N_FIELDS = 9
cdef Py_ssize_t _offsets[N_FIELDS]
cdef object _bound = None  # the class _offsets belong to
cdef tuple _NO_ARGS = ()
cdef bytes _NO_UDH = b""
cdef object _GSM7_DC = 0, _UCS2_DC = 8, _NO_ESM = 0, _UDHI = 0x40


cdef int _bind(object cls, Py_ssize_t* offsets) except -1:
    """Fill ``offsets`` with where an instance of ``cls`` keeps each of ``FIELDS``; a
    ``TypeError`` unless every one is a writable ``__slots__`` member of its layout."""
    global _bound
    cdef Py_ssize_t i, found
    if cls is not _bound:
        if not PyType_Check(cls):
            raise TypeError(f"parts(): cls must be a class, not {type(cls).__name__}")
        where = []
        for name in FIELDS:
            descr = None
            for klass in (<type>cls).__mro__:
                descr = (<type>klass).__dict__.get(name)
                if descr is not None:
                    break
            found = member_offset(descr, cls) if descr is not None else -1
            if found < 0:
                raise TypeError(f"parts(): {(<type>cls).__name__}.{name} is not a __slots__ member")
            where.append(found)
        for i in range(N_FIELDS):  # no Python code runs from here to _bound's update
            offsets[i] = _offsets[i] = where[i]
        _bound = cls  # assigned before the old class is released
        return 0
    for i in range(N_FIELDS):  # _bound is cls: no Python code ran since the test
        offsets[i] = _offsets[i]
    return 0


cdef long _reference(object reference, bint ref16) except -2:
    """The reference, -1 for None, -3 (no error set) for what ``sms_parts()`` must refuse."""
    cdef int overflow = 0
    cdef long value
    if reference is None:
        return -1
    if not PyLong_CheckExact(reference):
        return -3
    value = PyLong_AsLongAndOverflow(reference, &overflow)  # an exact int: no error but overflow
    return value if not overflow and 0 <= value <= (0xFFFF if ref16 else 0xFF) else -3


cdef Py_ssize_t _ucs2_units(const char_t* p, Py_ssize_t n, Py_ssize_t capacity, Cuts* cuts) noexcept nogil:
    """The UTF-16 units of ``p``, cut greedily into parts of ``capacity`` (a surrogate pair
    never split); -1 for a lone surrogate, which UTF-16 cannot carry."""
    cdef Py_ssize_t i, units = 0, used = 0
    cdef uint32_t c
    cdef int cost
    for i in range(n):
        c = p[i]
        if char_t is not uint8_t and 0xD800 <= c <= 0xDFFF:
            return -1
        cost = 2 if char_t is uint32_t and c > 0xFFFF else 1
        if used + cost > capacity:
            _cut(cuts, i, units)
            used = cost
        else:
            used += cost
        units += cost
    return units


cdef void _utf16be(const char_t* p, Py_ssize_t start, Py_ssize_t end, uint8_t* out) noexcept nogil:
    cdef Py_ssize_t i, w = 0
    cdef uint32_t c
    for i in range(start, end):
        c = p[i]
        if char_t is uint32_t and c > 0xFFFF:
            c -= 0x10000
            out[w] = 0xD8 | (c >> 18)
            out[w + 1] = (c >> 10) & 0xFF
            out[w + 2] = 0xDC | ((c >> 8) & 0x03)
            out[w + 3] = c & 0xFF
            w += 4
        else:
            out[w] = c >> 8
            out[w + 1] = c & 0xFF
            w += 2


cdef object _ucs2_payload(int kind, const void* data, Py_ssize_t start, Py_ssize_t end, Py_ssize_t units):
    result = PyBytes_FromStringAndSize(NULL, 2 * units)
    cdef uint8_t* out = <uint8_t*>PyBytes_AS_STRING(result)
    if kind == PyUnicode_1BYTE_KIND:
        _utf16be(<const uint8_t*>data, start, end, out)
    elif kind == PyUnicode_2BYTE_KIND:
        _utf16be(<const uint16_t*>data, start, end, out)
    else:
        _utf16be(<const uint32_t*>data, start, end, out)
    return result


cdef object _septet_payload(const uint8_t* septets, Py_ssize_t count, bint packed, long fill_bits):
    if not packed:
        return PyBytes_FromStringAndSize(<const char*>septets, count)
    cdef bint extra
    cdef Py_ssize_t size = _packed_size(septets, count, fill_bits, True, &extra)
    result = PyBytes_FromStringAndSize(NULL, size)
    _pack_into(septets, count, fill_bits, extra, <uint8_t*>PyBytes_AS_STRING(result), size)
    return result


cdef object _joined(bytes udh, bytes payload):
    cdef Py_ssize_t a = PyBytes_GET_SIZE(udh), b = PyBytes_GET_SIZE(payload)
    if a == 0:
        return payload
    result = PyBytes_FromStringAndSize(NULL, a + b)
    cdef char* out = PyBytes_AS_STRING(result)
    memcpy(out, PyBytes_AS_STRING(udh), a)
    memcpy(out + a, PyBytes_AS_STRING(payload), b)
    return result


cdef object _udh(long reference, bint ref16, Py_ssize_t total, Py_ssize_t seq):
    """The concatenation element (IEI 0x00, or 0x08 with a 16-bit reference), with its
    header's length octet."""
    cdef uint8_t h[7]
    if ref16:
        h[0], h[1], h[2], h[3], h[4], h[5], h[6] = 6, 0x08, 4, reference >> 8, reference & 0xFF, total, seq
        return PyBytes_FromStringAndSize(<char*>h, 7)
    h[0], h[1], h[2], h[3], h[4], h[5] = 5, 0x00, 3, reference & 0xFF, total, seq
    return PyBytes_FromStringAndSize(<char*>h, 6)


cdef object _part(object cls, const Py_ssize_t* offsets, bint gsm7, bytes udh, bytes payload, object text):
    part = new_part(cls, _NO_ARGS)
    put(part, offsets[0], _GSM7_DC if gsm7 else _UCS2_DC)
    put(part, offsets[1], _UDHI if PyBytes_GET_SIZE(udh) else _NO_ESM)
    put(part, offsets[2], udh)
    put(part, offsets[3], payload)
    put(part, offsets[4], _joined(udh, payload))
    put(part, offsets[5], text)
    put(part, offsets[6], None)
    put(part, offsets[7], None)
    put(part, offsets[8], None)
    return part


cdef struct Scratch:
    uint8_t* septets  # room for 2n + 8 septets: a text's own, or ``spare``
    uint8_t* heap     # malloc'd room kept across the texts of a batch, or NULL
    Py_ssize_t room   # its size
    uint8_t spare[1032]


cdef uint8_t* _room(Scratch* s, Py_ssize_t n) except NULL:
    """Room for the septets of a text of ``n`` characters."""
    cdef Py_ssize_t need = 2 * n + 8
    if need <= <Py_ssize_t>sizeof(s.spare):
        return s.spare
    if need > s.room:
        free(s.heap)
        s.heap = <uint8_t*>malloc(need)
        s.room = need if s.heap != NULL else 0
        if s.heap == NULL:
            raise MemoryError()
    return s.heap


cdef object _one(object text, object cls, const Py_ssize_t* offsets, long reference, bint ref16,
                 bint packed, Scratch* scratch):
    """The parts of one text as a tuple, or None where ``sms_parts()``'s general path must
    answer: a lone surrogate, more than 255 parts, a multipart text without a reference."""
    PyUnicode_READY(text)
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text), units = 0, bad, k, total, start, end, a, b
    cdef int kind = PyUnicode_KIND(text)
    cdef const void* data = PyUnicode_DATA(text)
    cdef Cuts cuts
    cdef uint8_t* septets = NULL
    cdef bint gsm7 = True
    if n > PY_SSIZE_T_MAX // 4:
        return None
    cuts.count = 0
    cuts.over = False
    if kind != PyUnicode_4BYTE_KIND:  # a 4-byte text holds an astral character: not GSM-7
        septets = _room(scratch, n)
        if kind == PyUnicode_1BYTE_KIND:
            units = _default_septets(<const uint8_t*>data, n, septets, &bad)
        else:
            units = _default_septets(<const uint16_t*>data, n, septets, &bad)
        gsm7 = bad < 0
        if gsm7 and units > GSM_SINGLE:
            _septet_cuts(septets, units, GSM_MULTI[ref16], &cuts)
    else:
        gsm7 = False
    if not gsm7:
        if kind == PyUnicode_1BYTE_KIND:
            units = _ucs2_units(<const uint8_t*>data, n, UCS2_MULTI[ref16], &cuts)
        elif kind == PyUnicode_2BYTE_KIND:
            units = _ucs2_units(<const uint16_t*>data, n, UCS2_MULTI[ref16], &cuts)
        else:
            units = _ucs2_units(<const uint32_t*>data, n, UCS2_MULTI[ref16], &cuts)
        if units < 0:
            return None
    if units <= (GSM_SINGLE if gsm7 else UCS2_SINGLE):
        payload = (_septet_payload(septets, units, packed, 0) if gsm7
                   else _ucs2_payload(kind, data, 0, n, units))
        result = PyTuple_New(1)
        part = _part(cls, offsets, gsm7, _NO_UDH, payload, PyUnicode_Substring(text, 0, n))
        Py_INCREF(part)
        PyTuple_SET_ITEM(result, 0, part)
        untrack(result)
        return result
    if cuts.over or reference < 0:
        return None
    total = cuts.count + 1
    result = PyTuple_New(total)
    for k in range(total):
        start = 0 if k == 0 else cuts.index[k - 1]
        end = n if k == total - 1 else cuts.index[k]
        a = 0 if k == 0 else cuts.unit[k - 1]
        b = units if k == total - 1 else cuts.unit[k]
        udh = _udh(reference, ref16, total, k + 1)
        # a 6-octet header is 48 bits: one fill bit aligns the septets (TS 23.038 6.1.2.1.1)
        payload = (_septet_payload(septets + a, b - a, packed, 0 if ref16 else 1) if gsm7
                   else _ucs2_payload(kind, data, start, end, b - a))
        part = _part(cls, offsets, gsm7, udh, payload, PyUnicode_Substring(text, start, end))
        Py_INCREF(part)
        PyTuple_SET_ITEM(result, k, part)
    untrack(result)
    return result


def parts(object text, object cls, object reference, object ref16, bint packed):
    """Return ``sms_parts(text, reference=, ref16=, packed=)`` with the default tables and
    capacities and a UDH, its parts made as instances of ``cls`` (a class whose ``FIELDS``
    are ``__slots__`` members); or None where that call would raise, or takes another path:
    a non-``str`` text, a ``ref16`` that is not a bool, a bad reference, a lone surrogate, a
    multipart text without a reference, more than 255 parts. ``TypeError`` for such a ``cls``.
    """
    return _parts(text, cls, reference, ref16, packed)


cdef object _parts(object text, object cls, object reference, object ref16, bint packed):
    cdef Py_ssize_t offsets[N_FIELDS]
    cdef Scratch scratch
    _bind(cls, offsets)
    if not PyUnicode_Check(text) or (ref16 is not True and ref16 is not False):
        return None
    cdef bint r16 = ref16 is True
    cdef long ref = _reference(reference, r16)
    if ref < -1:
        return None
    scratch.heap = NULL
    scratch.room = 0
    try:
        return _one(text, cls, offsets, ref, r16, packed, &scratch)
    finally:
        free(scratch.heap)


cdef str _UDH_TRANSPORT = "udh"


def front(object cls, object default_limits, object general):
    """Return a decorator that puts a compiled front before ``sms_parts()``: the function it
    returns takes ``sms_parts()``'s arguments, answers the common case (``limits`` is
    ``default_limits``, a UDH, no tables, no encoding, languages or graphemes) as ``parts()``
    with ``cls`` does, and hands every other call, and every one ``parts()`` answers None
    for, to ``general(text, reference, ref16, packed, languages, locking, single, encoding,
    limits, transport, graphemes)``; the test is the Python front's, in its order. It is
    what the decorated function is, without that function's frame: the function stays its
    ``__wrapped__``, whose name, docstring and signature the front carries."""
    def decorate(python_front):
        def sms_parts(text, /, *, reference=None, ref16=False, packed=False, languages=_NO_ARGS, locking=None,
                      single=None, encoding=None, limits=default_limits, transport=_UDH_TRANSPORT,
                      graphemes=False):
            cdef object found
            if (limits is default_limits
                    and (transport is _UDH_TRANSPORT or transport == _UDH_TRANSPORT)
                    and locking is None and single is None and encoding is None
                    and (languages is _NO_ARGS or not languages)
                    and (graphemes is False or not graphemes)):
                found = _parts(text, cls, reference, ref16, packed)
                if found is not None:
                    return found
            return general(text, reference, ref16, packed, languages, locking, single, encoding, limits,
                           transport, graphemes)
        sms_parts.__name__ = python_front.__name__
        sms_parts.__qualname__ = python_front.__qualname__
        sms_parts.__module__ = python_front.__module__
        sms_parts.__doc__ = python_front.__doc__
        sms_parts.__wrapped__ = python_front
        return sms_parts
    return decorate


def parts_many(object texts, object cls, object references, object ref16, bint packed):
    """Return ``(found, stop)``: ``parts()`` of each of ``texts`` (a list) with the reference
    at the same index of ``references`` (a list as long, or None), up to the first text that
    ``parts()`` answers None for, whose index is ``stop`` (-1 when there is none). Each item
    is read when its turn comes: lists changed meanwhile (by a finalizer) are read as they
    are then, and one that has lost the item ends the batch there."""
    cdef Py_ssize_t offsets[N_FIELDS]
    cdef Scratch scratch
    cdef Py_ssize_t i, n
    cdef long ref = -1
    _bind(cls, offsets)
    if type(texts) is not list:
        raise TypeError(f"parts_many(): texts must be a list, not {type(texts).__name__}")
    if references is not None and type(references) is not list:
        raise TypeError(f"parts_many(): references must be a list or None, not {type(references).__name__}")
    n = PyList_GET_SIZE(texts)
    if references is not None and PyList_GET_SIZE(references) != n:
        raise ValueError(f"parts_many(): {PyList_GET_SIZE(references)} references for {n} texts")
    if ref16 is not True and ref16 is not False:
        return [], 0 if n else -1
    cdef bint r16 = ref16 is True
    cdef Py_ssize_t count = 0, stop = -1
    # The results wait in a C array, which the cycle collector does not walk again and again
    # as a growing list, until they go into the list at the end.
    cdef PyObject** held = <PyObject**>PyMem_Malloc(max(n, 1) * sizeof(PyObject*))
    if held == NULL:
        raise MemoryError()
    scratch.heap = NULL
    scratch.room = 0
    try:
        for i in range(n):
            # Each item is read, and held, as its turn comes (a copy of the lists would touch
            # every text twice more, cold): their sizes are read again, as a finalizer that
            # runs mid-loop may change them.
            if i >= PyList_GET_SIZE(texts) or (references is not None and i >= PyList_GET_SIZE(references)):
                stop = i if i < PyList_GET_SIZE(texts) else -1
                break
            text = <object>PyList_GET_ITEM(texts, i)
            if references is not None:
                reference = <object>PyList_GET_ITEM(references, i)
                ref = _reference(reference, r16)
            if ref < -1 or not PyUnicode_Check(text):
                stop = i
                break
            one = _one(text, cls, offsets, ref, r16, packed, &scratch)
            if one is None:
                stop = i
                break
            Py_INCREF(one)
            held[count] = <PyObject*>one
            count += 1
        found = list_of(held, count)
        count = 0  # the list holds them now
        return found, stop
    finally:
        for i in range(count):
            Py_DECREF(<object>held[i])
        PyMem_Free(held)
        free(scratch.heap)
