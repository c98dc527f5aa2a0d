# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: initializedcheck=False, embedsignature=True, autotestdict=False, auto_pickle=False
"""The compiled row loop of campaign files: CSV records with their physical lines, and the
numbers seen, in C.

``csv_records()`` reads the records of a buffer of UTF-8 CSV exactly as ``csv.reader`` (its
default dialect with the given delimiter) reads the same bytes line by line: quoted fields
with ``""`` and newlines inside, ``\\r\\n`` or ``\\n`` line ends, a quote inside an unquoted
field kept as it is. Each record comes with the physical line it starts on (the ``\\n`` seen
before it counted). What is not that common case is not guessed at:
- a record ``csv`` would word an error for, or read in a way that depends on the Python
  version (a lone ``\\r``, text after a closing quote, a quoted field still open at the end of
  the file), or whose bytes are not UTF-8, comes back as its raw bytes, the physical lines
  ``csv`` would take for it, for the caller to read with ``csv`` itself;
- a NUL byte, or a field longer than the field limit, stops the reading at the start of its
  record (``stop``), for the caller to read the rest with ``csv`` itself.

``Seen`` holds the numbers seen, as 64-bit integers in an open-addressing table beside the
line each was first seen on: 16 bytes a slot, not a Python object a number; ``add_valid``
asks memory for the slot of a number some rows before it probes it.

Its twin, ``_rows_py.py``, has the same names and answers.
"""

cimport cython
from libc.stdlib cimport free, malloc, calloc, realloc, qsort
from libc.stdint cimport int64_t, uint16_t, uint32_t, uint64_t, uintptr_t
from libc.string cimport memchr, memcmp, memcpy, memset
from cpython.object cimport PyObject
from cpython.ref cimport Py_INCREF, Py_XDECREF
from cpython cimport array as carray

import json
from array import array

cdef extern from "Python.h":
    object PyUnicode_DecodeUTF8(const char*, Py_ssize_t, const char*)
    bint PyUnicode_IS_ASCII(object)
    void* PyUnicode_DATA(object)
    Py_ssize_t PyUnicode_GET_LENGTH(object)
    int PyUnicode_KIND(object)


cdef carray.array _INT64 = array("q")  # the template of the int64 arrays made here


cdef enum:
    CSV_OK = 0
    CSV_ODD = 1    # the record is read by csv itself, from its raw bytes
    CSV_STOP = 2   # the rest of the input is read by csv itself
    CSV_MORE = 3   # the record runs past the buffer: more bytes are needed


cdef enum:
    SETS = 256          # sets of two slots of the cache of short field values (a power of two)
    CACHE = 512         # its slots: 2 x SETS
    CACHE_BYTES = 24    # the longest value it holds
    CACHE_COLUMNS = 64  # the columns that may use it
    CACHE_TRIAL = 64    # misses after which a column that hits less often than it misses stops


cdef struct Cached:
    Py_ssize_t size
    char data[CACHE_BYTES]
    PyObject* value  # a reference held, or NULL


@cython.final
cdef class FieldCache:
    """The short field values a reader has made, kept from one ``csv_records`` call to the
    next of the same file: a value that comes back (a name, a shop, a region) is then the str
    already made, and each column's record of hits and misses carries on."""
    cdef Cached cache[CACHE]  # two ways a set: slots 2s and 2s + 1 hold the values of set s
    cdef unsigned char older[SETS]  # the way of each set to replace next (the one not used last)
    cdef Py_ssize_t hits[CACHE_COLUMNS]
    cdef Py_ssize_t misses[CACHE_COLUMNS]

    def __dealloc__(self):
        cdef Py_ssize_t i
        for i in range(CACHE):
            Py_XDECREF(self.cache[i].value)
            self.cache[i].value = NULL

    cdef inline bint caches(self, Py_ssize_t column, Py_ssize_t size) noexcept:
        return (0 < size <= CACHE_BYTES and column < CACHE_COLUMNS
                and (self.misses[column] < CACHE_TRIAL or self.hits[column] >= self.misses[column]))


@cython.final
cdef class _Reader:
    """One pass of ``csv_records`` over a buffer: the scratch space for unescaped fields, and
    a cache of short values, so that a column of repeated values (a region, a shop, a sender)
    holds one str a value, not one a row: the same texts, fewer objects to make and free."""

    cdef const unsigned char* d
    cdef Py_ssize_t n
    cdef int delim
    cdef bint final
    cdef Py_ssize_t limit
    cdef char* scratch
    cdef Py_ssize_t room
    cdef FieldCache fc
    cdef PyObject** vals  # the fields of the record being read (references held), up to width
    cdef int64_t* lines  # the physical line of each record read
    cdef Py_ssize_t n_lines
    cdef Py_ssize_t lines_room
    cdef Py_ssize_t width
    cdef Py_ssize_t count  # the fields of the record so far (past width too)

    def __dealloc__(self):
        if self.scratch != NULL:
            free(self.scratch)
        if self.vals != NULL:
            self.clear()
            free(self.vals)
        free(self.lines)

    cdef inline int add_line(self, int64_t line) except -1:
        cdef int64_t* bigger
        if self.n_lines == self.lines_room:
            bigger = <int64_t*>realloc(self.lines, (self.lines_room * 2 + 256) * sizeof(int64_t))
            if bigger == NULL:
                raise MemoryError()
            self.lines, self.lines_room = bigger, self.lines_room * 2 + 256
        self.lines[self.n_lines] = line
        self.n_lines += 1
        return 0

    cdef object taken(self):
        """The lines of the records read, as ``array("q")``."""
        cdef carray.array out = carray.clone(_INT64, self.n_lines, False)
        if self.n_lines:
            memcpy(out.data.as_voidptr, self.lines, self.n_lines * sizeof(int64_t))
        return out

    cdef int hold(self, Py_ssize_t width) except -1:
        self.vals = <PyObject**>calloc(width, sizeof(PyObject*))
        if self.vals == NULL:
            raise MemoryError()
        self.width = width
        return 0

    cdef inline void clear(self) noexcept:
        """Let go of the record's fields."""
        cdef Py_ssize_t k
        for k in range(min(self.count, self.width)):
            Py_XDECREF(self.vals[k])
            self.vals[k] = NULL
        self.count = 0

    cdef inline void push(self, object value) noexcept:
        """One more field of the record (held only up to width: a record with more is csv's)."""
        if self.count < self.width:
            Py_INCREF(value)
            self.vals[self.count] = <PyObject*>value
        self.count += 1

    cdef int grow(self, Py_ssize_t need) except -1:
        cdef char* bigger
        if need <= self.room:
            return 0
        bigger = <char*>malloc(need * 2)
        if bigger == NULL:
            raise MemoryError()
        if self.scratch != NULL:
            free(self.scratch)
        self.scratch = bigger
        self.room = need * 2
        return 0

    cdef Py_ssize_t line_end(self, Py_ssize_t p) noexcept:
        """After the ``\\n`` that ends the physical line holding ``p`` (the buffer's end at
        the end of the input), or -1 where the line runs past the buffer."""
        cdef const void* at = memchr(self.d + p, 10, self.n - p)
        if at != NULL:
            return <const unsigned char*>at - self.d + 1
        return self.n if self.final else -1

    cdef inline int too_long(self, Py_ssize_t start, Py_ssize_t end, Py_ssize_t quotes) noexcept:
        """Whether the field's characters (its bytes that do not continue a UTF-8 sequence,
        less one for each doubled quote) pass the field limit."""
        cdef Py_ssize_t chars = 0, i
        if end - start - quotes <= self.limit:
            return 0
        for i in range(start, end):
            if (self.d[i] & 0xC0) != 0x80:
                chars += 1
        return chars - quotes > self.limit


cdef inline Py_ssize_t _hash(const char* p, Py_ssize_t size) noexcept:
    """The cache set of ``size`` bytes at ``p``: eight bytes a step (a multiply a word, not a
    byte), the last few gathered one by one."""
    cdef uint64_t h = <uint64_t>size * 0x9E3779B97F4A7C15ULL, w
    cdef Py_ssize_t i = 0, j
    while i + 8 <= size:
        memcpy(&w, p + i, 8)
        h = (h ^ w) * 0xFF51AFD7ED558CCDULL
        h ^= h >> 32
        i += 8
    if i < size:
        w = 0
        for j in range(size - i):
            w |= <uint64_t>(<unsigned char>p[i + j]) << (8 * j)
        h = (h ^ w) * 0xC4CEB9FE1A85EC53ULL
    h ^= h >> 29
    h *= 0x9E3779B97F4A7C15ULL
    return <Py_ssize_t>((h >> 40) & (SETS - 1))  # a set of the cache


cdef object _field(_Reader r, Py_ssize_t start, Py_ssize_t end, Py_ssize_t quotes, Py_ssize_t column,
                   bint ascii):
    """The text of field ``column``; None where its bytes are not UTF-8. ``ascii``: the
    bytes are known to be ASCII (else they are looked at)."""
    cdef Py_ssize_t i, k = 0
    cdef const unsigned char* d = r.d
    cdef const char* src = <const char*>(d + start)
    cdef Py_ssize_t size = end - start
    if quotes:
        r.grow(size)
        i = start
        while i < end:
            r.scratch[k] = <char>d[i]
            k += 1
            i += 2 if d[i] == 34 else 1
        src = r.scratch
        size = k
    cdef FieldCache fc = r.fc
    if not fc.caches(column, size):
        return _text(src, size, ascii)
    cdef Py_ssize_t at = _hash(src, size), way
    cdef Cached* slot
    for way in range(2):  # two hot values of one set (two names, say) do not evict each other
        slot = &fc.cache[2 * at + way]
        if slot.value != NULL and slot.size == size and memcmp(slot.data, src, size) == 0:
            fc.hits[column] += 1
            fc.older[at] = 1 - way
            return <object>slot.value
    fc.misses[column] += 1
    way = fc.older[at]
    slot = &fc.cache[2 * at + way]
    value = _text(src, size, ascii)
    if value is not None:
        Py_XDECREF(slot.value)
        Py_INCREF(value)
        slot.value = <PyObject*>value
        slot.size = size
        memcpy(slot.data, src, size)
        fc.older[at] = 1 - way
    return value


cdef object _text(const char* src, Py_ssize_t size, bint ascii):
    """The text of ``size`` bytes of UTF-8 at ``src``; None where they are not UTF-8.
    ``ascii``: they are known to be ASCII."""
    cdef Py_ssize_t i
    if not ascii:
        ascii = True
        for i in range(size):
            if <unsigned char>src[i] >= 128:
                ascii = False
                break
    if ascii:  # copied as it is
        out = PyUnicode_New(size, 127)
        memcpy(PyUnicode_DATA(out), src, size)
        return out
    try:
        return PyUnicode_DecodeUTF8(src, size, NULL)
    except UnicodeDecodeError:
        return None


cdef inline Py_ssize_t _unquoted(const unsigned char* d, Py_ssize_t p, Py_ssize_t n, const unsigned char* stops,
                                 unsigned char* seen) noexcept:
    """Where the unquoted text from ``p`` ends: at a byte of ``stops`` (the delimiter, ``\r``,
    ``\n``; a NUL gives -1) or the end of the buffer. ``seen`` gets the OR of the bytes before
    it (128 or more: not ASCII)."""
    cdef unsigned char c, acc = 0
    while p < n:
        c = d[p]
        if stops[c]:
            if c == 0:
                p = -1
            break
        acc |= c
        p += 1
    seen[0] = acc
    return p


def csv_records(bytes data, Py_ssize_t start, Py_ssize_t line, int delimiter, bint final, Py_ssize_t field_limit,
                Py_ssize_t width, Py_ssize_t max_records=-1, FieldCache cache=None):
    """The records of ``data[start:]``, a record starting at ``start`` on physical line
    ``line``: ``(end, line, skipped, lines, columns, odd, stop)``. ``columns[k][i]`` is field
    ``k`` of record ``i``, and ``lines[i]`` (an ``array("q")``) the line it starts on; ``odd`` maps the index of
    each record for ``csv`` to read (see above, and any of other than ``width`` fields) to its
    raw bytes, its fields None. Blank records (one field of white space only, or none) are
    not records: ``skipped`` counts their lines. ``end`` and ``line`` are where reading goes on: the start of a record that runs
    past ``data`` (unless ``final``, which says ``data`` ends the input), or, where ``stop``,
    of the record from which ``csv`` reads the rest. With ``max_records`` of 0 or more, reading
    stops after that many records (blank ones not counted): ``end`` is then where the next
    begins. ``cache``: the ``FieldCache`` of the file's earlier calls (a new one if None)."""
    cdef _Reader r = _Reader()
    r.fc = FieldCache() if cache is None else cache
    cdef const unsigned char* d = data
    cdef Py_ssize_t n = len(data), p, rec, rec_line, fstart, fend, quotes, end, skipped = 0
    cdef int status, delim = delimiter
    cdef unsigned char c, high = 0
    cdef unsigned char stops[256]  # the bytes that end unquoted text
    cdef bint bad
    cdef list columns, column
    cdef dict odd = {}
    cdef Py_ssize_t k, count = 0
    if not 0 <= start <= n:
        raise ValueError(f"start {start} is outside the buffer of {n} bytes")
    if not 0 < delimiter < 128 or delimiter in (10, 13, 34):
        raise ValueError(f"delimiter {delimiter!r} must be an ASCII character other than a quote or a newline")
    if width < 1:
        raise ValueError(f"width must be at least 1, not {width}")
    memset(stops, 0, sizeof(stops))
    stops[delim] = stops[10] = stops[13] = stops[0] = 1
    columns = [[] for k in range(width)]
    r.d, r.n, r.delim, r.final, r.limit = d, n, delim, final, field_limit
    r.hold(width)
    p = start
    while p < n:
        if 0 <= max_records <= r.n_lines:
            break
        rec, rec_line = p, line
        r.clear()
        status = CSV_OK
        bad = False
        while True:  # a field a turn
            quotes = 0
            high = 0
            if d[p] == 34:  # quoted
                p += 1
                fstart = p
                while True:
                    if p >= n:
                        status = CSV_ODD if final else CSV_MORE  # still open at the end
                        break
                    c = d[p]
                    if c == 34:
                        if p + 1 < n and d[p + 1] == 34:
                            quotes += 1
                            p += 2
                            continue
                        if p + 1 >= n and not final:
                            status = CSV_MORE
                        break
                    if c == 10:
                        line += 1
                    elif c == 0:
                        status = CSV_STOP
                        break
                    high |= c
                    p += 1
                if status != CSV_OK:
                    break
                fend = p
                p += 1  # the closing quote
                if p < n and d[p] != delim and d[p] != 10 and d[p] != 13:
                    bad = True  # csv keeps text after a closing quote: the record is csv's to read
                    p = _unquoted(d, p, n, stops, &high)
                    status = CSV_STOP if p < 0 else CSV_MORE if p >= n and not final else CSV_OK
                    if status != CSV_OK:
                        break
                    fend, quotes = p, 0
            else:
                fstart = p
                p = _unquoted(d, p, n, stops, &high)
                status = CSV_STOP if p < 0 else CSV_MORE if p >= n and not final else CSV_OK
                if status != CSV_OK:
                    break
                fend = p
            if r.too_long(fstart, fend, quotes):
                status = CSV_STOP
                break
            if not bad:
                value = _field(r, fstart, fend, quotes, r.count, high < 128)
                if value is None:
                    bad = True
                else:
                    r.push(value)
            if p >= n:  # the end of the input ends the record
                break
            c = d[p]
            p += 1
            if c == delim:
                if p >= n and not final:
                    status = CSV_MORE
                    break
                if p >= n or d[p] == 10 or d[p] == 13:  # an empty last field
                    r.push("")
                    if p >= n:
                        break
                    c = d[p]
                    p += 1
                else:
                    continue
            if c == 10:
                line += 1
                break
            # c == 13: a line end only before \n (or at the end of the input)
            if p < n and d[p] == 10:
                p += 1
                line += 1
                break
            if p >= n:
                if not final:
                    status = CSV_MORE
                break
            status = CSV_ODD  # a lone \r: csv calls it an error
            break
        if status == CSV_MORE:
            return rec, rec_line, skipped, r.taken(), columns, odd, False
        if status == CSV_STOP:
            return rec, rec_line, skipped, r.taken(), columns, odd, True
        if status == CSV_ODD or bad:
            if status == CSV_ODD:  # csv takes the rest of the physical line the record ends on
                end = r.line_end(p) if p < n else n
                if end < 0:
                    return rec, rec_line, skipped, r.taken(), columns, odd, False
                if memchr(d + p, 0, end - p) != NULL:
                    return rec, rec_line, skipped, r.taken(), columns, odd, True
                if end > p and d[end - 1] == 10:
                    line += 1
                p = end
            odd[r.n_lines] = data[rec:p]
            r.add_line(rec_line)
            for column in columns:
                column.append(None)
            continue
        if r.count == 1 and not (<str>r.vals[0]).strip():
            skipped += line - rec_line + (0 if d[p - 1] == 10 else 1)  # the lines it spans
            continue
        if r.count != width:  # csv's to read, as it words the error
            odd[r.n_lines] = data[rec:p]
            r.add_line(rec_line)
            for column in columns:
                column.append(None)
            continue
        r.add_line(rec_line)
        for k in range(width):
            columns[k].append(<object>r.vals[k])
    return p, line, skipped, r.taken(), columns, odd, False


def numbered(object lines, Py_ssize_t first):
    """``(array("q", lines), array("q", range(first, first + len(lines))))``: a batch's lines
    (a list, or an ``array("q")`` as ``csv_records`` gives them) and record numbers, without
    ``array``'s conversion of one item at a time."""
    cdef Py_ssize_t i, n = len(lines)
    cdef carray.array at, records = carray.clone(_INT64, n, False)
    cdef int64_t* r = <int64_t*>records.data.as_voidptr
    cdef int64_t* a
    if type(lines) is array and (<carray.array>lines).ob_descr.typecode == 113:  # "q"
        at = carray.copy(<carray.array>lines)
    elif type(lines) is list:
        at = carray.clone(_INT64, n, False)
        a = <int64_t*>at.data.as_voidptr
        for i in range(n):
            item = (<list>lines)[i]
            if type(item) is not int:  # an exact int: no code of the caller's runs while the list is read
                raise TypeError(f"line {i} must be an int, not {type(item).__name__}")
            a[i] = <int64_t>item
    else:
        raise TypeError(f"lines must be a list or an array('q'), not {type(lines).__name__}")
    for i in range(n):
        r[i] = first + i
    return at, records


cdef inline uint64_t _slot(int64_t key, uint64_t mask) noexcept:
    return ((<uint64_t>key ^ (<uint64_t>key >> 17)) * 0x9E3779B1ULL) & mask


cdef int64_t _key(object number) except -1:
    """The gateway form ``00…`` of a number as an int (its leading zeros gone)."""
    cdef Py_ssize_t n, i
    cdef const unsigned char* p
    cdef int64_t key = 0
    if type(number) is not str:
        raise TypeError(f"a number must be str, not {type(number).__name__}")
    n = PyUnicode_GET_LENGTH(number)
    if not PyUnicode_IS_ASCII(number) or n == 0 or n > 18:
        raise ValueError(f"{number!r} is not a number in the gateway's form (00 and 1 to 16 digits)")
    p = <const unsigned char*>PyUnicode_DATA(number)
    for i in range(n):
        if not 48 <= p[i] <= 57:
            raise ValueError(f"{number!r} is not a number in the gateway's form (00 and 1 to 16 digits)")
        key = key * 10 + (p[i] - 48)
    if key == 0:
        raise ValueError(f"{number!r} is not a number in the gateway's form (00 and 1 to 16 digits)")
    return key


cdef int64_t _key_or_zero(object number) noexcept:
    """``_key``, or 0 for what is not a number in the gateway's form."""
    cdef Py_ssize_t n, i
    cdef const unsigned char* p
    cdef int64_t key = 0
    if type(number) is not str:
        return 0
    n = PyUnicode_GET_LENGTH(number)
    if not PyUnicode_IS_ASCII(number) or n == 0 or n > 18:
        return 0
    p = <const unsigned char*>PyUnicode_DATA(number)
    for i in range(n):
        if not 48 <= p[i] <= 57:
            return 0
        key = key * 10 + (p[i] - 48)
    return key


cdef struct Slot:
    int64_t key    # 0: empty
    int64_t first  # the line the number was first seen on


cdef extern from *:
    """
    #if defined(__GNUC__) || defined(__clang__)
    #define cmcore_prefetch(p) __builtin_prefetch((p), 1)
    #else
    #define cmcore_prefetch(p) ((void)(p))
    #endif
    #include <stdlib.h>
    #include <string.h>
    #if defined(__linux__)
    #include <sys/mman.h>
    #endif
    /* A zeroed table of `bytes`. On Linux, one of 4 MiB or more is mapped on its own and
       asked for huge pages (where the system grants them on request), so that probing
       a table of millions of numbers does not miss the TLB at every probe. */
    #define CMCORE_BIG_TABLE (4u << 20)
    static void* cmcore_table_alloc(size_t bytes) {
    #if defined(__linux__) && defined(MADV_HUGEPAGE)
        if (bytes >= CMCORE_BIG_TABLE) {
            void* p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (p == MAP_FAILED) return NULL;
            (void)madvise(p, bytes, MADV_HUGEPAGE);  /* advice only: the table works without */
            return p;
        }
    #endif
        return calloc(bytes, 1);
    }
    static void cmcore_table_free(void* p, size_t bytes) {
        if (p == NULL) return;
    #if defined(__linux__) && defined(MADV_HUGEPAGE)
        if (bytes >= CMCORE_BIG_TABLE) { munmap(p, bytes); return; }
    #endif
        free(p);
    }
    """
    void prefetch "cmcore_prefetch"(const void* p) noexcept nogil
    void* table_alloc "cmcore_table_alloc"(size_t bytes) noexcept nogil
    void table_free "cmcore_table_free"(void* p, size_t bytes) noexcept nogil


cdef enum:
    AHEAD = 8  # add_valid() fetches the slot of the number this many rows on while it probes


cdef Py_ssize_t MAX_RESERVE = 1LL << 34  # the most numbers a table is made ready for at once


cdef class Seen:
    """The numbers seen, each with the line it was first seen on; ``found`` counts the
    numbers seen again."""

    cdef Slot* slots  # key and line side by side: one cache line a probe
    cdef uint64_t mask
    cdef Py_ssize_t used
    cdef readonly Py_ssize_t found

    def __cinit__(self, Py_ssize_t size=1 << 16):
        if size < 8 or size & (size - 1):
            raise ValueError(f"size must be a power of two from 8, not {size}")
        self.slots = <Slot*>table_alloc(size * sizeof(Slot))
        if self.slots == NULL:
            raise MemoryError()
        self.mask = size - 1

    def __init__(self, Py_ssize_t size=1 << 16):
        pass  # __cinit__ made the table; this gives the class its signature

    def __dealloc__(self):
        table_free(self.slots, (self.mask + 1) * sizeof(Slot))

    def __len__(self):
        return self.used

    def reserve(self, Py_ssize_t numbers):
        """Make room for ``numbers`` numbers in all now: the table they would grow it to, at
        once (a file whose size tells about how many rows it holds then grows its table once,
        not a dozen times, each time on fresh memory). Never shrinks it."""
        cdef uint64_t size = self.mask + 1
        if not 0 <= numbers <= MAX_RESERVE:
            raise ValueError(f"numbers must be from 0 to {MAX_RESERVE}, not {numbers}")
        while <uint64_t>numbers * 3 > (size - 1) * 2:  # as put() grows it: past two-thirds full
            size *= 2
        if size > self.mask + 1:
            self.resize(size)

    cdef int grow(self) except -1:
        return self.resize((self.mask + 1) * 2)

    cdef int resize(self, uint64_t size) except -1:
        cdef uint64_t i, at
        cdef Slot* slots = <Slot*>table_alloc(size * sizeof(Slot))
        if slots == NULL:
            raise MemoryError()
        for i in range(self.mask + 1):
            if self.slots[i].key:
                at = _slot(self.slots[i].key, size - 1)
                while slots[at].key:
                    at = (at + 1) & (size - 1)
                slots[at] = self.slots[i]
        table_free(self.slots, (self.mask + 1) * sizeof(Slot))
        self.slots, self.mask = slots, size - 1
        return 0

    cdef int64_t put(self, int64_t key, int64_t line) except -1:
        cdef uint64_t at = _slot(key, self.mask)
        if line < 1:
            raise ValueError(f"a line is from 1, not {line}")
        while self.slots[at].key:
            if self.slots[at].key == key:
                self.found += 1
                return self.slots[at].first
            at = (at + 1) & self.mask
        self.slots[at].key = key
        self.slots[at].first = line
        self.used += 1
        if <uint64_t>self.used * 3 > self.mask * 2:
            self.grow()
        return 0

    def add(self, object number, Py_ssize_t line):
        """0 for a number not seen before (now held, with ``line``); else the line it was
        first seen on. Raises ``ValueError`` for a number not in the gateway's form."""
        return self.put(_key(number), line)

    def add_valid(self, list numbers, const int64_t[::1] lines, const unsigned char[::1] status):
        """``add`` for each row with status 0 and a number in the gateway's form (others are
        passed over), in order: ``{row: first line}`` for the numbers seen before."""
        cdef Py_ssize_t i, n = len(numbers)
        cdef int64_t key, first
        cdef dict out = {}
        cdef int64_t ahead[AHEAD]  # the keys of rows i .. i + AHEAD - 1, their slots fetched
        if lines.shape[0] != n or status.shape[0] != n:
            raise ValueError(f"{n} numbers but {lines.shape[0]} lines and {status.shape[0]} statuses")
        for i in range(min(n, AHEAD)):
            ahead[i] = self.fetch(numbers[i], status[i])
        for i in range(n):
            key = ahead[i % AHEAD]
            if i + AHEAD < n:
                ahead[i % AHEAD] = self.fetch(numbers[i + AHEAD], status[i + AHEAD])
            if key:
                first = self.put(key, lines[i])
                if first:
                    out[i] = first
        return out

    cdef inline int64_t fetch(self, object number, unsigned char status) noexcept:
        """The key of a row's number (0 to pass it over), its slot asked of memory now."""
        if status:
            return 0
        cdef int64_t key = _key_or_zero(number)
        if key:
            prefetch(&self.slots[_slot(key, self.mask)])
        return key

    def add_many(self, list numbers, list lines):
        """``add`` over ``numbers`` and ``lines`` pairwise, the loop here."""
        cdef Py_ssize_t i, n = len(numbers)
        if len(lines) != n:
            raise ValueError(f"{n} numbers but {len(lines)} lines")
        return [self.put(_key(numbers[i]), lines[i]) for i in range(n)]


cdef extern from "Python.h":
    object PyUnicode_New(Py_ssize_t, Py_UCS4)
    PyObject* PyList_GET_ITEM(object, Py_ssize_t)
    Py_UCS4 PyUnicode_MAX_CHAR_VALUE(object)


cdef extern from "Python.h":
    void PyList_SET_ITEM(object, Py_ssize_t, PyObject*)
    Py_ssize_t PyList_GET_SIZE(object)


cdef inline int _put(list column, Py_ssize_t i, object value) except -1:
    """``column[i] = value`` without the generic item assignment (a row's columns are filled
    a value at a time); still refused outside the list."""
    if not 0 <= i < PyList_GET_SIZE(column):
        raise IndexError(f"row {i} is outside a column of {PyList_GET_SIZE(column)}")
    cdef PyObject* old = PyList_GET_ITEM(column, i)
    Py_INCREF(value)
    PyList_SET_ITEM(column, i, <PyObject*>value)
    Py_XDECREF(old)
    return 0


cdef struct Piece:
    PyObject* literal  # the literal text (the pieces tuple holds it), or NULL for a field
    PyObject* column   # the column of the field (the columns list holds it)


cdef inline void _widen(void* into, int kind, Py_ssize_t at, str value, Py_ssize_t size) noexcept:
    """Copy ``value`` (of a narrower or the same kind) into the ``kind`` buffer ``into`` from
    character ``at``."""
    cdef int own = PyUnicode_KIND(value)
    cdef const void* src = PyUnicode_DATA(value)
    cdef Py_ssize_t j
    cdef uint16_t* two
    cdef uint32_t* four
    if own == kind:
        memcpy(<char*>into + at * kind, src, size * kind)
    elif kind == 2:  # from one octet a character
        two = <uint16_t*>into + at
        for j in range(size):
            two[j] = (<const unsigned char*>src)[j]
    else:
        four = <uint32_t*>into + at
        if own == 1:
            for j in range(size):
                four[j] = (<const unsigned char*>src)[j]
        else:
            for j in range(size):
                four[j] = (<const uint16_t*>src)[j]


cdef object _render(const Piece* pieces, Py_ssize_t count, Py_ssize_t i, Py_ssize_t fixed, Py_UCS4 fixed_top):
    """The pieces joined, for row ``i``; ``fixed`` and ``fixed_top``: the length and the
    widest character of the literal pieces, worked out once."""
    cdef Py_ssize_t total = fixed, at = 0, size, k
    cdef Py_UCS4 top = fixed_top, m
    cdef PyObject* value
    for k in range(count):
        if pieces[k].literal == NULL:
            value = PyList_GET_ITEM(<object>pieces[k].column, i)
            total += PyUnicode_GET_LENGTH(<str>value)
            m = PyUnicode_MAX_CHAR_VALUE(<str>value)
            if m > top:
                top = m
    out = PyUnicode_New(total, top)
    cdef void* into = PyUnicode_DATA(out)
    cdef int kind = PyUnicode_KIND(out)
    for k in range(count):
        value = pieces[k].literal
        if value == NULL:
            value = PyList_GET_ITEM(<object>pieces[k].column, i)
        size = PyUnicode_GET_LENGTH(<str>value)
        if size:
            _widen(into, kind, at, <str>value, size)
            at += size
    return out


def render(list columns, Py_ssize_t n, tuple pieces, tuple need, bint allow_empty, Py_ssize_t region_at,
           object region, object regions):
    """The rows a campaign can judge in columns: ``(todo, texts, regions)``, the index of each
    such row (an ``array("q")``), its text (``pieces`` joined: literal str, or the index of a column) and its
    reading region (the region field stripped and upper-cased, else ``region``). ``columns``
    holds ``n`` rows. A row is left out where a field is not a str, where a field of ``need``
    is empty (unless ``allow_empty``), or where its region is not in ``regions``."""
    cdef Py_ssize_t i, k, width = len(columns), taken
    cdef list texts = [], found = []
    cdef carray.array todo
    cdef object piece, where, value
    cdef bint whole = len(pieces) == 1 and type(pieces[0]) is not str
    cdef Py_ssize_t count = len(pieces)
    cdef Piece* parts
    for k in range(width):
        if type(columns[k]) is not list or len(<list>columns[k]) != n:
            raise ValueError(f"column {k} is not a list of {n}")
    for k in range(len(pieces)):
        piece = pieces[k]
        if type(piece) is not str and not 0 <= <Py_ssize_t>piece < width:
            raise ValueError(f"piece {piece!r} is not a column of {width}")
    for k in range(len(need)):
        if not 0 <= <Py_ssize_t>need[k] < width:
            raise ValueError(f"need {need[k]!r} is not a column of {width}")
    if region_at >= width:
        raise ValueError(f"region_at {region_at} is not a column of {width}")
    parts = <Piece*>malloc((count or 1) * sizeof(Piece))
    if parts == NULL:
        raise MemoryError()
    for k in range(count):
        piece = pieces[k]
        if type(piece) is str:
            parts[k].literal, parts[k].column = <PyObject*>piece, NULL
        else:
            parts[k].literal, parts[k].column = NULL, <PyObject*>columns[<Py_ssize_t>piece]
    todo = carray.clone(_INT64, n, False)
    try:
        taken = _render_rows(columns, n, width, need, allow_empty, region_at, region, regions, whole, parts, count,
                             <int64_t*>todo.data.as_voidptr, texts, found)
    finally:
        free(parts)
    carray.resize(todo, taken)
    return todo, texts, found


cdef inline PyObject* _cell(PyObject** cols, Py_ssize_t k, Py_ssize_t i) except NULL:
    """Item ``i`` of column ``k`` (borrowed), read as the column is now."""
    if i >= PyList_GET_SIZE(<object>cols[k]):
        raise IndexError(f"column {k} changed while its rows were read")
    return PyList_GET_ITEM(<object>cols[k], i)


cdef Py_ssize_t _render_rows(list columns, Py_ssize_t n, Py_ssize_t width, tuple need, bint allow_empty,
                             Py_ssize_t region_at, object region, object regions, bint whole, const Piece* parts,
                             Py_ssize_t count, int64_t* todo, list texts, list found) except -1:
    """Render the rows; how many (their indexes in ``todo``, which has room for ``n``). A row's
    region is asked of ``regions`` first; its cells are then read and rendered with no Python
    code run between (each read checked against its column as it is then)."""
    cdef Py_ssize_t i, k, taken = 0, fixed = 0, n_need = len(need)
    cdef Py_UCS4 fixed_top = 127
    cdef object where, value
    cdef bint ok
    cdef PyObject** cols = <PyObject**>calloc(width or 1, sizeof(PyObject*))  # the columns, references held
    cdef Py_ssize_t* need_at = <Py_ssize_t*>malloc((n_need or 1) * sizeof(Py_ssize_t))
    if cols == NULL or need_at == NULL:
        free(cols)
        free(need_at)
        raise MemoryError()
    try:
        for k in range(width):
            value = columns[k]
            Py_INCREF(value)
            cols[k] = <PyObject*>value
        for k in range(n_need):
            need_at[k] = <Py_ssize_t>need[k]
        for k in range(count):  # the literal pieces, the same on every row
            if parts[k].literal != NULL:
                fixed += PyUnicode_GET_LENGTH(<str>parts[k].literal)
                if PyUnicode_MAX_CHAR_VALUE(<str>parts[k].literal) > fixed_top:
                    fixed_top = PyUnicode_MAX_CHAR_VALUE(<str>parts[k].literal)
        for i in range(n):
            where = region
            if region_at >= 0:
                value = <object>_cell(cols, region_at, i)
                if type(value) is not str:
                    continue
                if _upper2(value):
                    where = value
                elif PyUnicode_GET_LENGTH(value):
                    value = (<str>value).strip().upper()
                    if PyUnicode_GET_LENGTH(value):
                        where = value
                if where is not None and where not in regions:
                    continue
            ok = True
            for k in range(width):
                if type(<object>_cell(cols, k, i)) is not str:
                    ok = False
                    break
            if ok and not allow_empty:
                for k in range(n_need):
                    if PyUnicode_GET_LENGTH(<object>_cell(cols, need_at[k], i)) == 0:
                        ok = False
                        break
            if not ok:
                continue
            todo[taken] = i
            taken += 1
            texts.append(<object>PyList_GET_ITEM(<object>parts[0].column, i) if whole
                         else _render(parts, count, i, fixed, fixed_top))
            found.append(where)
    finally:
        for k in range(width):
            Py_XDECREF(cols[k])
        free(cols)
        free(need_at)
    return taken


cdef bint _upper2(str text) noexcept:
    """Two ASCII capitals: what ``strip().upper()`` leaves as it is."""
    cdef const unsigned char* p
    if PyUnicode_GET_LENGTH(text) != 2 or not PyUnicode_IS_ASCII(text):
        return False
    p = <const unsigned char*>PyUnicode_DATA(text)
    return 65 <= p[0] <= 90 and 65 <= p[1] <= 90


cdef extern from "Python.h":
    Py_UCS4 PyUnicode_READ(int, void*, Py_ssize_t)
    bint Py_UNICODE_ISSPACE(Py_UCS4)


cdef bint _surrogate(str text) noexcept:
    cdef Py_ssize_t i, n = PyUnicode_GET_LENGTH(text)
    cdef int kind
    cdef void* data
    cdef Py_UCS4 c
    if PyUnicode_IS_ASCII(text):
        return False
    kind = PyUnicode_KIND(text)
    if kind == 1:
        return False
    data = PyUnicode_DATA(text)
    for i in range(n):
        c = PyUnicode_READ(kind, data, i)
        if 0xD800 <= c <= 0xDFFF:
            return True
    return False


cdef bint _padded(str text) noexcept:
    """Whether ``text`` starts or ends with white space (``str.strip`` would change it)."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text)
    cdef int kind = PyUnicode_KIND(text)
    cdef void* data = PyUnicode_DATA(text)
    return n > 0 and (Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, 0))
                      or Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, n - 1)))


cdef bint _reference(str text) noexcept:
    """``[A-Za-z0-9_]{1,32}``"""
    cdef Py_ssize_t i, n = PyUnicode_GET_LENGTH(text)
    cdef const unsigned char* p
    cdef unsigned char c
    if not 1 <= n <= 32 or not PyUnicode_IS_ASCII(text):
        return False
    p = <const unsigned char*>PyUnicode_DATA(text)
    for i in range(n):
        c = p[i]
        if not (48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122 or c == 95):
            return False
    return True


def screen(const int64_t[::1] todo, list texts, list regions, list columns, const unsigned char[::1] gsm7,
           const int64_t[::1] units, const int64_t[::1] parts, object batch, tuple config):
    """Fill the batch's columns for the rows of ``todo`` (with their ``texts``, reading
    ``regions`` and counts), and prove each valid as the campaign's screen does: the text
    (not empty, at most ``limit`` parts and 8000 characters, no lone surrogate), the
    reference, the sender (``sender_ok``, asked once a sender) and the number (the phone
    kernel's ``fast_many``, once for the rows left: a type other than ``unknown``; the number in the gateway's form, its
    region and type then written). Returns ``(slow, numbers, answers)``: the rows not proved valid,
    for ``validate()``, those of them where only the number is left to judge, and the phone
    kernel's answer for each of these (for ``judge_numbers``).

    ``config``: ``(phone_at, sender_at, reference_at, sender, limit, plain, fast_many, plan_of,
    countries, codes, load, unknown, names, senders, sender_ok, plans)``; ``plans`` (region ->
    ``plan_of(region)``) is the caller's, filled here and kept from batch to batch."""
    cdef Py_ssize_t k, i, n = todo.shape[0], phone_at, sender_at, ref_at, limit, rows, n_asked = 0
    cdef list slow = [], phones_left, answers_left, asked_numbers = [], asked_plans = []
    cdef carray.array asked_rows
    cdef int64_t* asked
    cdef list b_texts, b_numbers, b_senders, b_refs, b_regions, b_types
    cdef list phones, sender_column = None, ref_column = None
    cdef unsigned char[::1] b_gsm7
    cdef int64_t[::1] b_units, b_parts
    cdef dict plans, senders, names
    cdef bint plain, every_ok = False
    (phone_at, sender_at, ref_at, sender, limit, plain, fast_into, plan_of, countries, codes, load, unknown,
     names, senders, sender_ok, plans) = config
    if len(texts) != n or len(regions) != n or gsm7.shape[0] != n or units.shape[0] != n or parts.shape[0] != n:
        raise ValueError("todo, texts, regions and the counts must be as long")
    b_texts, b_numbers, b_senders = batch.texts, batch.numbers, batch.senders
    b_refs, b_regions, b_types = batch.references, batch.regions, batch.types
    b_gsm7, b_units, b_parts = batch.gsm7, batch.units, batch.parts
    phones = columns[phone_at]
    rows = len(phones)
    if sender_at >= 0:
        sender_column = columns[sender_at]
    if ref_at >= 0:
        ref_column = columns[ref_at]
    for column in (b_texts, b_numbers, b_senders, b_refs, b_regions, b_types, sender_column, ref_column):
        if column is not None and len(<list>column) != rows:
            raise ValueError(f"the batch's and the fields' columns must hold {rows} rows")
    if b_gsm7.shape[0] != rows or b_units.shape[0] != rows or b_parts.shape[0] != rows:
        raise ValueError(f"the batch's counts must hold {rows} rows")
    for k in range(n):
        if not 0 <= todo[k] < rows:
            raise IndexError(f"row {todo[k]} is not one of {rows}")
    if sender_column is None and n:  # one sender for every row: asked once
        ok = senders.get(sender)
        every_ok = sender_ok(sender) if ok is None else ok
    asked_rows = carray.clone(_INT64, n, False)
    asked = <int64_t*>asked_rows.data.as_voidptr
    _screen_rows(todo, texts, regions, gsm7, units, parts, n, phones, sender_column, ref_column, sender, limit,
                 plain, every_ok, senders, sender_ok, plans, plan_of, b_texts, b_numbers, b_senders, b_refs,
                 b_regions, b_gsm7, b_units, b_parts, slow, asked, &n_asked, asked_numbers, asked_plans)
    carray.resize(asked_rows, n_asked)
    # one call: the phone kernel's loop, writing each valid number's columns itself
    phones_left, answers_left = fast_into(asked_numbers, asked_plans, countries, codes, load, asked_rows,
                                          b_numbers, b_regions, b_types, names, unknown)
    return slow, phones_left, answers_left


def judge_numbers(list rows, list answers, object batch, dict errors, tuple config):
    """The numbers of ``rows`` (the screen's rows left with only the number to judge), each
    with the phone kernel's answer for it (``answers``), judged as ``validate()`` judges a
    recipient: the batch's number (the gateway form, or None), region and type written, and
    for a number that is empty or not valid, its one problem into ``errors`` (row -> list).

    ``config``: ``(column, where, reasons, slow, countries, length_problems, nsn_problems,
    not_valid, unknown, unknown_type, type_names, probe, scrub, fill, problem_type, slots)``:
    the input column's name and ``", column '...'"``; the words of each ``PhoneProblem``;
    ``slow(text, region)``, phonenumbers' own verdict where the kernel did not decide; the
    country plans; the problems of a length result and of a parse length error; the
    problem where no length rule says more; phonenumbers' unknown type and ours; our name of
    each type; the probe token's text and ``scrub``; and ``fill``, ``CampaignProblem`` and its
    slots, which make a problem."""
    cdef Py_ssize_t k, i, n = len(rows)
    cdef list numbers = batch.numbers, regions = batch.regions, types = batch.types
    cdef const int64_t[::1] lines = batch.lines
    cdef dict reasons, countries, length_problems, nsn_problems, type_names
    (column, where, reasons, slow, countries, length_problems, nsn_problems, not_valid, unknown, unknown_type,
     type_names, probe, scrub, fill, problem_type, slots) = config
    if len(answers) != n:
        raise ValueError("rows and answers must be as long")
    for k in range(n):
        i = rows[k]
        if not 0 <= i < lines.shape[0]:
            raise IndexError(f"row {i} is not one of {lines.shape[0]}")
    for k in range(n):
        i = rows[k]
        raw = numbers[i] or ""
        stripped = raw.strip()
        found = answers[k]
        if type(found) is tuple and len(<tuple>found) == 5:
            cc, nsn, region, _, kind = <tuple>found
            if kind is unknown:
                number, kind = None, unknown_type
                reason = length_problems.get((<tuple>countries[cc])[0].length(nsn), not_valid)
            else:  # valid after all (not what the screen leaves): as verdict() words it
                number, kind, reason = f"00{cc}{nsn}", type_names[kind], None
        else:
            reason = nsn_problems.get(found) if type(found) is int else None
            if reason is None:
                number, region, kind, _, reason = slow(stripped, regions[i])
            else:  # parse() raises TOO_SHORT_NSN or TOO_LONG there: its verdict, without the parse
                number, region, kind = None, None, unknown_type
        numbers[i], regions[i], types[i] = number, region, kind if number is not None else None
        if not stripped:
            message = f"recipient {raw!r} is empty or not text"
            errors[i] = [fill(problem_type, slots, [302, column, message, f"line {lines[i]}{where}"])]
            continue
        if number is not None:
            continue
        message = f"{raw!r} is not a valid phone number: {reasons.get(reason) or str(reason)}"
        if probe in message:  # as validate() scrubs its token
            message = scrub(message, probe)
        errors[i] = [fill(problem_type, slots, [303, column, message, f"line {lines[i]}{where}"])]


cdef int _screen_rows(const int64_t[::1] todo, list texts, list regions, const unsigned char[::1] gsm7,
                      const int64_t[::1] units, const int64_t[::1] parts, Py_ssize_t n, list phones,
                      list sender_column, list ref_column, object sender, Py_ssize_t limit, bint plain,
                      bint every_ok, dict senders, object sender_ok, dict plans, object plan_of, list b_texts,
                      list b_numbers, list b_senders, list b_refs, list b_regions, unsigned char[::1] b_gsm7,
                      int64_t[::1] b_units, int64_t[::1] b_parts, list slow, int64_t* asked, Py_ssize_t* n_asked,
                      list asked_numbers, list asked_plans) except -1:
    """The per-row part of ``screen``: the rows' columns filled, the rows left for
    ``validate()`` into ``slow``, those whose number is to be asked into ``asked``."""
    cdef Py_ssize_t k, i
    cdef str text
    cdef int64_t count
    cdef object last_region = plans, plan = None  # the region of the row before (none yet), its plan
    for k in range(n):
        i = todo[k]
        text = texts[k]
        region = regions[k]
        number = phones[i]
        who = sender if sender_column is None else (sender_column[i] or sender)
        ref = None if ref_column is None else (ref_column[i] or None)
        count = parts[k]
        _put(b_texts, i, text)
        _put(b_numbers, i, number)
        _put(b_senders, i, who)
        _put(b_refs, i, ref)
        _put(b_regions, i, region)
        b_gsm7[i] = gsm7[k]
        b_units[i] = units[k]
        b_parts[i] = count
        if not (plain and PyUnicode_GET_LENGTH(text) and count <= limit and PyUnicode_GET_LENGTH(text) <= 8000
                and not _surrogate(text) and (ref is None or _reference(ref))):
            slow.append(i)
            continue
        if sender_column is None:
            ok = every_ok
        else:
            ok = senders.get(who)
            if ok is None:
                ok = sender_ok(who)
        if not ok:
            slow.append(i)
            continue
        if region is not last_region:
            plan = plans.get(region, plans)
            if plan is plans:
                plan = plans[region] = plan_of(region)
            last_region = region
        if _padded(number):
            number = (<str>number).strip()
        asked[n_asked[0]] = i
        n_asked[0] += 1
        asked_numbers.append(number)
        asked_plans.append(plan)
    return 0


cdef enum:
    NEAR = 512  # slots of tally()'s table of region objects by address (a power of two)


def tally(const unsigned char[::1] status, const int64_t[::1] parts, const int64_t[::1] units,
          const unsigned char[::1] gsm7, list regions, dict histogram, dict encodings):
    """Count the rows with a status other than 2 (invalid): parts into ``histogram`` (parts ->
    rows), encodings into ``encodings`` (region, or "unknown" -> [UCS-2 rows, GSM-7 rows]).
    Returns ``(rows counted, their parts, the first row of the most units or -1)``. The
    counts are kept in C arrays while the rows are read (a slot a region seen), and added
    to the dicts once at the end."""
    cdef Py_ssize_t i, n = status.shape[0], top = -1, good = 0, at, used = 0
    cdef int64_t total = 0, count
    cdef int64_t by_parts[256]
    cdef int64_t* order  # the part counts in the order first seen: the dict's order, as the twin's
    cdef Py_ssize_t kinds = 0
    cdef dict big = {}  # the rows of each part count past 255 (none the gateway takes)
    cdef int64_t* pairs  # UCS-2 rows, then GSM-7 rows, of each region slot
    cdef dict slots = {}  # region -> its slot
    cdef list named = []  # the region of each slot
    cdef PyObject* near_keys[NEAR]  # region objects seen, by address: a slot without the dict
    cdef Py_ssize_t near_at[NEAR]
    cdef Py_ssize_t near_used = 0, h
    cdef PyObject* key
    if parts.shape[0] != n or units.shape[0] != n or gsm7.shape[0] != n or len(regions) != n:
        raise ValueError("the columns must be as long")
    memset(by_parts, 0, sizeof(by_parts))
    memset(near_keys, 0, sizeof(near_keys))
    pairs = <int64_t*>calloc(3 * n + 2, sizeof(int64_t))
    if pairs == NULL:
        raise MemoryError()
    order = pairs + 2 * n + 2
    try:
        for i in range(n):
            if status[i] == 2:
                continue
            good += 1
            count = parts[i]
            total += count
            if 0 <= count < 256:
                if not by_parts[count]:
                    order[kinds] = count
                    kinds += 1
                by_parts[count] += 1
            else:
                if count not in big:
                    order[kinds] = count
                    kinds += 1
                big[count] = big.get(count, 0) + 1
            region = regions[i]
            key = <PyObject*>region
            h = ((<uintptr_t>key) >> 4) & (NEAR - 1)
            while near_keys[h] != NULL and near_keys[h] != key:
                h = (h + 1) & (NEAR - 1)
            if near_keys[h] == key:  # the same object as a row before: its slot, without hashing it
                at = near_at[h]
            else:
                found = slots.get(region)
                if found is None:
                    at = used
                    slots[region] = at
                    named.append(region)
                    used += 1
                else:
                    at = found
                if near_used * 4 < NEAR * 3:  # the regions list holds the object while the loop runs
                    near_keys[h], near_at[h] = key, at
                    near_used += 1
            pairs[2 * at + (1 if gsm7[i] else 0)] += 1
            if top < 0 or units[i] > units[top]:
                top = i
        for i in range(kinds):
            count = order[i]
            histogram[count] = histogram.get(count, 0) + (by_parts[count] if 0 <= count < 256 else big[count])
        for at in range(used):
            region = named[at]
            if region is None:
                region = "unknown"
            pair = encodings.get(region)
            if pair is None:
                pair = encodings[region] = [0, 0]
            pair[0] = pair[0] + pairs[2 * at]
            pair[1] = pair[1] + pairs[2 * at + 1]
    finally:
        free(pairs)
    return good, total, top


cdef bint _plain(str text) noexcept:
    """Whether ``json.dumps(text, ensure_ascii=False)`` is ``text`` in quotes: no quote, no
    backslash, no character below U+0020."""
    cdef Py_ssize_t i, n = PyUnicode_GET_LENGTH(text)
    cdef int kind = PyUnicode_KIND(text)
    cdef void* data = PyUnicode_DATA(text)
    cdef Py_UCS4 c
    for i in range(n):
        c = PyUnicode_READ(kind, data, i)
        if c < 32 or c == 34 or c == 92:
            return False
    return True


cdef str _quoted(object text):
    if type(text) is str and _plain(<str>text):
        return f'"{text}"'
    return json.dumps(text, ensure_ascii=False)


def json_lines(dict problems, const int64_t[::1] lines, const int64_t[::1] records, const unsigned char[::1] status):
    """The ``--json`` lines of the rows of ``problems`` (row -> its problems, each with
    ``code``, ``field`` and ``message``), in its order: ``json.dumps`` (``ensure_ascii=False``)
    of ``{"line", "record", "status", "problems": [{"code", "field", "message"}]}``, byte for
    byte, each ending in a newline; status 2 is "invalid", any other "warning"."""
    cdef list out = [], parts
    cdef Py_ssize_t i, n = lines.shape[0]
    if records.shape[0] != n or status.shape[0] != n:
        raise ValueError("lines, records and status must be as long")
    for key, found in problems.items():
        i = key
        if not 0 <= i < n:
            raise IndexError(f"row {key!r} is not one of {n}")
        parts = [f'{{"code": {p.code}, "field": {_quoted(p.field)}, "message": {_quoted(p.message)}}}'
                 for p in found]
        kind = "invalid" if status[i] == 2 else "warning"
        out.append(f'{{"line": {lines[i]}, "record": {records[i]}, "status": "{kind}", "problems": [{", ".join(parts)}]}}\n')
    return "".join(out)


cdef int _by_value(const void* a, const void* b) noexcept nogil:
    cdef int64_t x = (<const int64_t*>a)[0], y = (<const int64_t*>b)[0]
    return (x > y) - (x < y)


def finish_problems(dict errors, object seen, unsigned char[::1] status, list numbers, const int64_t[::1] lines,
                    str column, tuple make):
    """The problems of a judged batch, by row in the rows' order (each a tuple): the rows of
    ``errors`` (row -> list of problems) marked invalid (2); then ``seen.add_valid`` over the
    rows still valid, and each number seen before a warning (1) naming the line it was first
    on. ``make``: ``(fill, CampaignProblem, slots)``."""
    cdef Py_ssize_t n = status.shape[0], k, count = 0, i
    cdef dict found = {}, out = {}
    cdef dict repeated
    cdef int64_t* order
    fill, problem_type, slots = make
    if lines.shape[0] != n or len(numbers) != n:
        raise ValueError(f"{n} statuses but {lines.shape[0]} lines and {len(numbers)} numbers")
    for key, these in errors.items():
        i = key
        if not 0 <= i < n:
            raise IndexError(f"row {i} is not one of {n}")
        status[i] = 2
        found[i] = tuple(these)
    repeated = seen.add_valid(numbers, lines, status)
    for key, first in repeated.items():
        i = key
        if not 0 <= i < n or i in found:
            raise IndexError(f"row {i} is not a valid one of {n}")
        status[i] = 1
        found[i] = (fill(problem_type, slots, [303, column, f"the number {numbers[i]} is on line {first} too",
                                               f"line {lines[i]}"]),)
    order = <int64_t*>malloc((len(found) or 1) * sizeof(int64_t))
    if order == NULL:
        raise MemoryError()
    try:
        for key in found:
            order[count] = <Py_ssize_t>key
            count += 1
        qsort(order, count, sizeof(int64_t), _by_value)
        for k in range(count):
            key = order[k]
            out[key] = found[key]
    finally:
        free(order)
    return out


def count_problems(dict problems, const unsigned char[::1] status, dict by_code, dict by_problem):
    """Count a batch's ``problems`` (row -> tuple): each invalid row under the code of its
    first problem in ``by_code``, each of its problems under its code in ``by_problem``;
    returns how many rows have a warning instead."""
    cdef Py_ssize_t i, warnings = 0, n = status.shape[0]
    for key, these in problems.items():
        i = key
        if not 0 <= i < n:
            raise IndexError(f"row {i} is not one of {n}")
        if status[i] != 2:
            warnings += 1
            continue
        code = (<tuple>these)[0].code
        by_code[code] = by_code.get(code, 0) + 1
        for one in <tuple>these:
            code = one.code
            by_problem[code] = by_problem.get(code, 0) + 1
    return warnings
