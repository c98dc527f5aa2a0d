# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: initializedcheck=False, embedsignature=True, autotestdict=False, auto_pickle=False
"""The compiled wire kernel: the JSON ``msg`` array written straight to bytes; for the
parsers, a parsed object's fields sorted by a table of keys (``pick``), plain local times
read (``plain_time``) and frozen slotted objects filled without their ``__init__`` (``fill``).

Its twin, ``_wire_py.py``, has the same names and answers: it builds plain dicts and hands
them to ``orjson.dumps``. This writer produces the same bytes as that path (compact, UTF-8,
orjson's escapes) without building the dicts. What it does not write itself (floats, ints
beyond 64 bits, types it does not know, text that UTF-8 cannot carry) it hands to
``orjson.dumps``, so output and errors stay those of the twin.

The layout of a message comes from the caller (``_json.py`` holds the wire names): a tuple of
``(attribute, key, kind, ...)``; rich content objects are written by exact type from a dict of
``type -> ((attribute, key), ...)``. ``prepare()`` turns both, once, into the plan that
``dump_messages()`` follows, here with each key already written as ``"key":``. A field that
is ``None`` or ``()`` is left out.
"""

cimport cython
from cpython.bytes cimport PyBytes_FromStringAndSize
from cpython.mem cimport PyMem_Free, PyMem_Malloc, PyMem_Realloc
from cpython.object cimport PyObject
from cpython.datetime cimport datetime_new, import_datetime
from libc.string cimport memcpy, memset

import enum
from types import MemberDescriptorType

import orjson

from cmcore._errors import PayloadError

cdef extern from "Python.h":
    bint PyUnicode_IS_ASCII(object)
    void* PyUnicode_DATA(object)
    Py_ssize_t PyUnicode_GET_LENGTH(object)
    const char* utf8 "PyUnicode_AsUTF8AndSize"(object, Py_ssize_t*)
    int PyErr_ExceptionMatches(object)
    void PyErr_Clear()
    long long PyLong_AsLongLongAndOverflow(object, int*) except? -1

cdef extern from *:
    """
    static int cmcore_descr_set(PyObject* descr, PyObject* obj, PyObject* value) {
        descrsetfunc set = Py_TYPE(descr)->tp_descr_set;
        if (set == NULL) {
            PyErr_SetString(PyExc_TypeError, "fill(): not a data descriptor");
            return -1;
        }
        return set(descr, obj, value);
    }
    #include "structmember.h"
    static int cmcore_raise_current(void) { return -1; }  /* the error is already set */

    /* Where a __slots__ member keeps its value in an instance, or -1 where ``descr`` is not
       such a member (then the writer goes through the descriptor). */
    static Py_ssize_t cmcore_slot_offset(PyObject* descr) {
        PyMemberDef* member;
        if (Py_TYPE(descr) != &PyMemberDescr_Type) return -1;
        member = ((PyMemberDescrObject*)descr)->d_member;
        return member->type == T_OBJECT_EX ? member->offset : -1;
    }

    /* The value at ``offset`` of ``obj``, borrowed; NULL (no error set) when unset. */
    static PyObject* cmcore_slot_read(PyObject* obj, Py_ssize_t offset) {
        return *(PyObject**)((char*)obj + offset);
    }
    """
    int cmcore_descr_set(object descr, object obj, object value) except -1
    Py_ssize_t cmcore_slot_offset(object descr)
    PyObject* cmcore_slot_read(object obj, Py_ssize_t offset)
    int raise_current "cmcore_raise_current"() except -1

# Message layout kinds (the twin has the same numbers).
cdef enum:
    KIND_VALUE = 0    # a value, written by type; left out when None or ()
    KIND_NUMBERS = 1  # a tuple of text, written as [{"number": …}, …]
    KIND_BODY = 2     # {"type": …, "content": …} from body_type and body

VALUE = KIND_VALUE
NUMBERS = KIND_NUMBERS
BODY = KIND_BODY

import_datetime()

cdef dumps = orjson.dumps
cdef object Enum = enum.Enum

# What follows a backslash for each byte that JSON needs escaped; 'u' means \u00XX.
cdef char ESCAPE[256]

def _fill_escapes() -> None:
    cdef int i
    for i in range(256):
        ESCAPE[i] = 0
    for i in range(0x20):
        ESCAPE[i] = b"u"
    ESCAPE[0x08] = b"b"
    ESCAPE[0x09] = b"t"
    ESCAPE[0x0A] = b"n"
    ESCAPE[0x0C] = b"f"
    ESCAPE[0x0D] = b"r"
    ESCAPE[0x22] = b'"'
    ESCAPE[0x5C] = b"\\"

_fill_escapes()

cdef const char* HEX = b"0123456789abcdef"

# Arrays and objects nest at most this deep (a message is level 1): a cyclic or absurdly deep
# value is refused with the twin's error instead of exhausting the C stack.
cdef enum:
    DEPTH_LIMIT = 64
MAX_DEPTH = DEPTH_LIMIT


cdef int too_deep() except -1:
    raise PayloadError(f"a value nested more than {DEPTH_LIMIT} levels deep (or a cycle) cannot be "
                       "written as JSON", code=305)


cdef struct Buf:
    char* data
    Py_ssize_t size
    Py_ssize_t cap


cdef int grow(Buf* b, Py_ssize_t need) except -1:
    cdef Py_ssize_t cap = b.cap * 2
    cdef char* data
    if cap < b.size + need:
        cap = b.size + need + 4096
    data = <char*>PyMem_Realloc(b.data, cap)
    if data == NULL:
        raise MemoryError()
    b.data = data
    b.cap = cap
    return 0


cdef inline int put(Buf* b, const char* src, Py_ssize_t n) except -1:
    if b.size + n > b.cap:
        grow(b, n)
    memcpy(b.data + b.size, src, n)
    b.size += n
    return 0


cdef inline int putc(Buf* b, char c) except -1:
    if b.size + 1 > b.cap:
        grow(b, 1)
    b.data[b.size] = c
    b.size += 1
    return 0


cdef int put_bytes(Buf* b, bytes data) except -1:
    return put(b, <const char*>data, len(data))


cdef int put_fallback(Buf* b, object value) except -1:
    """What the writer does not write itself, written by orjson (and its errors raised)."""
    return put_bytes(b, dumps(value))


cdef int put_str(Buf* b, object text) except -1:
    cdef Py_ssize_t n = 0, i, start
    cdef const char* p
    cdef unsigned char c
    cdef char e
    p = utf8(text, &n)
    if p == NULL:
        if not PyErr_ExceptionMatches(UnicodeEncodeError):
            raise_current()
        PyErr_Clear()
        return put_fallback(b, text)  # lone surrogates: orjson's error, as in the twin
    if b.size + n + 2 > b.cap:
        grow(b, n + 2)
    b.data[b.size] = b'"'
    b.size += 1
    start = 0
    for i in range(n):
        c = <unsigned char>p[i]
        e = ESCAPE[c]
        if e == 0:
            continue
        put(b, p + start, i - start)
        start = i + 1
        if e == b"u":
            put(b, b"\\u00", 4)
            putc(b, HEX[c >> 4])
            putc(b, HEX[c & 15])
        else:
            putc(b, b"\\")
            putc(b, e)
    put(b, p + start, n - start)
    putc(b, b'"')
    return 0


cdef int put_int(Buf* b, object value) except -1:
    cdef int overflow = 0
    cdef long long v = PyLong_AsLongLongAndOverflow(value, &overflow)
    cdef unsigned long long u
    cdef char digits[24]
    cdef int i = 24
    if overflow:
        return put_fallback(b, value)  # orjson writes up to 2**64 - 1 and refuses more
    if v < 0:
        u = <unsigned long long>(-(v + 1)) + 1
    else:
        u = <unsigned long long>v
    while True:
        i -= 1
        digits[i] = <char>(48 + u % 10)
        u //= 10
        if u == 0:
            break
    if v < 0:
        i -= 1
        digits[i] = b"-"
    return put(b, digits + i, 24 - i)


cdef inline bint is_empty(object value, dict classes) except -1:
    """The twin's ``value is None or value == ()``, without a comparison where the answer is
    known: builtins, and the plan's dataclasses, whose ``__eq__`` takes only their own class."""
    cdef type t
    if value is None:
        return True
    t = type(value)
    if t is tuple:
        return len(<tuple>value) == 0
    if t is str or t is int or t is bool or t is float or t in classes:
        return False
    return value == ()


cdef int put_value(Buf* b, object value, dict classes, int depth) except -1:
    cdef type t = type(value)
    cdef object fields
    if t is str:
        return put_str(b, value)
    if t is bool:
        return put(b, b"true", 4) if value else put(b, b"false", 5)
    if t is int:
        return put_int(b, value)
    if t is tuple or t is list:
        return put_array(b, value, classes, depth + 1)
    fields = classes.get(t)
    if fields is not None:
        return put_object(b, value, <_ObjectPlan>fields, classes, depth + 1)
    if isinstance(value, (tuple, list)):
        return put_array(b, value, classes, depth + 1)
    if isinstance(value, Enum):
        return put_bytes(b, enum_value(value))
    return put_fallback(b, value)


# Each enum member's value, as orjson writes it, by exact enum type (members are few and
# live as long as their class).
cdef dict ENUM_VALUES = {}


cdef bytes enum_value(object member):
    cdef dict values = ENUM_VALUES.get(type(member))
    if values is None:
        values = ENUM_VALUES[type(member)] = {}
    written = values.get(member)
    if written is None:
        written = values[member] = dumps(member.value)
    return written


cdef int put_array(Buf* b, object value, dict classes, int depth) except -1:
    cdef bint first = True
    if depth > DEPTH_LIMIT:
        too_deep()
    putc(b, b"[")
    for item in value:
        if not first:
            putc(b, b",")
        first = False
        put_value(b, item, classes, depth)
    return putc(b, b"]")


cdef inline object read(object obj, object attr, Py_ssize_t offset, bint fast):
    """``getattr(obj, attr)``, read straight from the slot where ``obj`` is of the exact
    class the plan was made for."""
    cdef PyObject* raw
    if fast and offset >= 0:
        raw = cmcore_slot_read(obj, offset)
        if raw != NULL:
            return <object>raw
    return getattr(obj, attr)


cdef class _ObjectPlan:
    """How one rich class is written: for each field where its ``__slots__`` member keeps it
    (or its name, where it has none) and its key, in C arrays so that writing touches no
    tuples. Only an instance of exactly ``cls`` is read through the offsets."""

    cdef Py_ssize_t n
    cdef Py_ssize_t* offsets
    cdef PyObject** attrs
    cdef PyObject** keys
    cdef list keep

    def __cinit__(self, type cls, tuple pairs):
        cdef Py_ssize_t i
        self.n = len(pairs)
        self.keep = []
        self.offsets = <Py_ssize_t*>PyMem_Malloc(max(self.n, 1) * sizeof(Py_ssize_t))
        self.attrs = <PyObject**>PyMem_Malloc(max(self.n, 1) * sizeof(PyObject*))
        self.keys = <PyObject**>PyMem_Malloc(max(self.n, 1) * sizeof(PyObject*))
        if self.offsets == NULL or self.attrs == NULL or self.keys == NULL:
            raise MemoryError()
        for i in range(self.n):
            attr, name = pairs[i]
            written = key(name)
            self.keep += [attr, written]
            self.attrs[i] = <PyObject*>attr
            self.offsets[i] = offset_of(cls, attr)
            self.keys[i] = <PyObject*>written

    def __dealloc__(self):
        PyMem_Free(self.offsets)
        PyMem_Free(self.attrs)
        PyMem_Free(self.keys)


cdef int put_object(Buf* b, object obj, _ObjectPlan plan, dict classes, int depth) except -1:
    cdef bint first = True
    cdef Py_ssize_t i
    cdef type t
    cdef object nested
    if depth > DEPTH_LIMIT:
        too_deep()
    putc(b, b"{")
    cdef PyObject* raw
    for i in range(plan.n):
        raw = cmcore_slot_read(obj, plan.offsets[i]) if plan.offsets[i] >= 0 else NULL
        if raw != NULL:
            item = <object>raw
        else:  # no slot, or an unset one: getattr says what it says
            item = getattr(obj, <object>plan.attrs[i])
        if item is None:
            continue
        t = type(item)
        nested = None
        if t is str:
            pass
        elif t is tuple:
            if len(<tuple>item) == 0:
                continue
        else:
            nested = classes.get(t)
            if nested is None and is_empty(item, classes):
                continue
        if not first:
            putc(b, b",")
        first = False
        put_bytes(b, <bytes>plan.keys[i])
        if t is str:
            put_str(b, item)
        elif nested is not None:
            put_object(b, item, <_ObjectPlan>nested, classes, depth + 1)
        else:
            put_value(b, item, classes, depth)
    return putc(b, b"}")


cdef struct Field:
    int kind
    Py_ssize_t offset      # where an exact message keeps it, or -1
    PyObject* attr
    PyObject* key          # b'"from":'
    PyObject* item_key     # NUMBERS: b'{"number":'; BODY: b'"type":'
    PyObject* last_key     # BODY: b'"content":'
    PyObject* kind_attr    # BODY: the attribute of the body type
    Py_ssize_t kind_offset


cdef class _Plan:
    """How messages are written: the layout in a C array, the rich classes' ``_ObjectPlan``s."""

    cdef type message_class
    cdef Py_ssize_t n
    cdef Field* fields
    cdef dict classes
    cdef list keep

    def __cinit__(self, type message_class, tuple layout, dict classes):
        cdef Py_ssize_t i
        cdef Field* f
        self.message_class = message_class
        self.classes = {cls: _ObjectPlan(cls, pairs) for cls, pairs in classes.items()}
        self.keep = []
        self.n = len(layout)
        self.fields = <Field*>PyMem_Malloc(max(self.n, 1) * sizeof(Field))
        if self.fields == NULL:
            raise MemoryError()
        for i in range(self.n):
            f = &self.fields[i]
            attr, name, kind = layout[i][:3]
            extra = [b"{" + key(layout[i][3])] if kind == KIND_NUMBERS else \
                [key(layout[i][4]), key(layout[i][5]), layout[i][3]] if kind == KIND_BODY else []
            written = key(name)
            self.keep += [attr, written, *extra]
            f.kind = kind
            f.offset = offset_of(message_class, attr)
            f.attr = <PyObject*>attr
            f.key = <PyObject*>written
            f.item_key = <PyObject*>extra[0] if extra else NULL
            f.last_key = <PyObject*>extra[1] if kind == KIND_BODY else NULL
            f.kind_attr = <PyObject*>extra[2] if kind == KIND_BODY else NULL
            f.kind_offset = offset_of(message_class, extra[2]) if kind == KIND_BODY else -1

    def __dealloc__(self):
        PyMem_Free(self.fields)


cdef int put_message(Buf* b, object msg, bint fast, _Plan plan) except -1:
    cdef bint first = True
    cdef bint first_number
    cdef Py_ssize_t i
    cdef Field* f
    cdef dict classes = plan.classes
    putc(b, b"{")
    for i in range(plan.n):
        f = &plan.fields[i]
        item = read(msg, <object>f.attr, f.offset, fast)
        if f.kind == KIND_BODY:
            if not first:
                putc(b, b",")
            first = False
            put_bytes(b, <bytes>f.key)
            putc(b, b"{")
            kind_of = read(msg, <object>f.kind_attr, f.kind_offset, fast)
            if kind_of:
                put_bytes(b, <bytes>f.item_key)
                put_value(b, kind_of, classes, 2)
                putc(b, b",")
            put_bytes(b, <bytes>f.last_key)
            put_value(b, item, classes, 2)
            putc(b, b"}")
            continue
        if f.kind == KIND_NUMBERS:
            first_number = True
            if not first:
                putc(b, b",")
            first = False
            put_bytes(b, <bytes>f.key)
            putc(b, b"[")
            for number in item:
                if not first_number:
                    putc(b, b",")
                first_number = False
                put_bytes(b, <bytes>f.item_key)
                put_value(b, number, classes, 3)
                putc(b, b"}")
            putc(b, b"]")
            continue
        if is_empty(item, classes):
            continue
        if not first:
            putc(b, b",")
        first = False
        put_bytes(b, <bytes>f.key)
        put_value(b, item, classes, 1)
    return putc(b, b"}")


cdef bytes key(str name):
    return dumps(name) + b":"


cdef Py_ssize_t offset_of(type cls, str attr) except -2:
    """Where an instance of exactly ``cls`` keeps ``attr`` (a ``__slots__`` member), else -1."""
    if cls.__getattribute__ is not object.__getattribute__:
        return -1
    for klass in cls.__mro__:
        found = klass.__dict__.get(attr)
        if found is not None:
            return cmcore_slot_offset(found) if type(found) is MemberDescriptorType else -1
    return -1


def prepare(message_class: type, layout: tuple, classes: dict) -> _Plan:
    """The plan for ``dump_messages()``: the layout with its keys written out and where each
    field of ``message_class`` and of each rich class is kept."""
    return _Plan(message_class, layout, classes)


def dump_messages(messages: tuple, _Plan plan) -> bytes:
    """The JSON array of ``messages``, as ``plan`` (from ``prepare()``) lays them out."""
    cdef Buf b
    cdef Py_ssize_t i
    b.size = 0
    b.cap = 256 + 256 * len(messages)
    b.data = <char*>PyMem_Malloc(b.cap)
    if b.data == NULL:
        raise MemoryError()
    try:
        putc(&b, b"[")
        for i in range(len(messages)):
            if i:
                putc(&b, b",")
            msg = messages[i]
            put_message(&b, msg, type(msg) is plan.message_class, plan)
        putc(&b, b"]")
        return PyBytes_FromStringAndSize(b.data, b.size)
    finally:
        PyMem_Free(b.data)


def dump_value(value: object, _Plan plan) -> bytes:
    """The JSON of one value (a rich content object, say), written as in a message."""
    cdef Buf b
    b.size = 0
    b.cap = 1024
    b.data = <char*>PyMem_Malloc(b.cap)
    if b.data == NULL:
        raise MemoryError()
    try:
        put_value(&b, value, plan.classes, 0)
        return PyBytes_FromStringAndSize(b.data, b.size)
    finally:
        PyMem_Free(b.data)


cdef inline object fold_key(object key):
    """``key.lower()``, without a call where ``key`` is ASCII with no capital letter."""
    cdef Py_ssize_t i, n
    cdef const char* p
    if type(key) is str and PyUnicode_IS_ASCII(key):
        p = <const char*>PyUnicode_DATA(key)
        n = PyUnicode_GET_LENGTH(key)
        for i in range(n):
            if b"A" <= p[i] <= b"Z":
                return key.lower()
        return key
    return key.lower()


@cython.boundscheck(True)  # the table's keys could run code that changes ``values``
cdef int sort_field(object low, object value, dict table, list values, char* seen, dict rest) except -1:
    """Sort one field of ``pick``; 1 where its key was sorted before (0 else)."""
    cdef Py_ssize_t at
    index = table.get(low)
    if index is not None:
        at = index
        if not 0 <= at < len(values):
            raise IndexError("pick(): an index of the table is past the values")
        if seen[at]:
            return 1
        seen[at] = 1
        if type(value) is str:
            values[at] = value if len(<str>value) else None
            return 0
    elif low in rest:
        return 1
    rest[low] = value
    return 0


def pick(object obj, dict table, list values, dict defaults=None) -> object:
    """Sort the fields of ``obj``, keys read case-insensitively.

    Where the lower-case key is in ``table`` (key -> index; at most 64 distinct indexes) and
    the value is a str, ``values[index]`` becomes the value (None for ""). Every other field
    is returned in a dict, keys in lower case. Returns None where two keys differ only in
    case. Then each field of ``defaults`` (keys in lower case) whose key ``obj`` does not
    have is sorted the same way.
    """
    cdef dict rest = {}
    cdef char seen[64]
    if not isinstance(obj, dict):
        raise TypeError(f"pick() argument 'obj' must be dict, not {type(obj).__name__}")
    if len(values) > 64:
        raise ValueError("pick(): at most 64 values")
    memset(seen, 0, 64)
    for key, value in (<dict>obj).items():
        if sort_field(fold_key(key), value, table, values, seen, rest):
            return None  # two spellings of one key
    if defaults:
        for low, value in defaults.items():
            sort_field(low, value, table, values, seen, rest)  # where obj has it, it stays
    return rest


cdef inline int digits(const unsigned char* p, int n) noexcept:
    """The number written by ``n`` ASCII digits at ``p``, or -1."""
    cdef int value = 0, i
    for i in range(n):
        if not 48 <= p[i] <= 57:
            return -1
        value = value * 10 + (p[i] - 48)
    return value


def plain_time(str text, tzinfo) -> object:
    """``yyyy-mm-ddThh:ii:ss`` (or a space for the T) exactly, as a datetime in ``tzinfo``;
    None for any other text, an impossible date included (the caller's full parse then
    says what is wrong)."""
    cdef const unsigned char* p
    cdef int year, month, day, hour, minute, second
    if PyUnicode_GET_LENGTH(text) != 19 or not PyUnicode_IS_ASCII(text):
        return None
    p = <const unsigned char*>PyUnicode_DATA(text)
    if p[4] != 45 or p[7] != 45 or p[13] != 58 or p[16] != 58 or (p[10] != 84 and p[10] != 32):
        return None
    year, month, day = digits(p, 4), digits(p + 5, 2), digits(p + 8, 2)
    hour, minute, second = digits(p + 11, 2), digits(p + 14, 2), digits(p + 17, 2)
    if year < 0 or month < 0 or day < 0 or hour < 0 or minute < 0 or second < 0:
        return None
    try:
        return datetime_new(year, month, day, hour, minute, second, 0, tzinfo)
    except ValueError:
        return None


@cython.boundscheck(True)  # a descriptor could run code that changes ``values``
def fill(cls: type, descriptors: tuple, values: list) -> object:
    """A new ``cls`` with each slot descriptor set to its value, ``__init__`` not run."""
    cdef Py_ssize_t i
    if len(descriptors) != len(values):
        raise ValueError("fill(): one value a descriptor")
    obj = object.__new__(cls)
    for i in range(len(descriptors)):
        cmcore_descr_set(descriptors[i], obj, values[i])
    return obj


def exact_tuple(value: object, kinds: frozenset) -> object:
    """``value`` as a tuple where it is a tuple or a list whose items are all of exactly one
    of ``kinds`` (the tuple itself, unchanged); else ``None``, for the full check."""
    cdef Py_ssize_t i
    if type(value) is tuple:
        for i in range(len(<tuple>value)):
            if type((<tuple>value)[i]) not in kinds:
                return None
        return value
    if type(value) is list:
        for i in range(len(<list>value)):
            if type((<list>value)[i]) not in kinds:
                return None
        return tuple(<list>value)
    return None


def assign(obj: object, descriptors: tuple, values: tuple) -> None:
    """Set each slot descriptor of ``obj`` to its value: a frozen object's ``__init__``."""
    cdef Py_ssize_t i
    if len(descriptors) != len(values):
        raise ValueError("assign(): one value a descriptor")
    for i in range(len(descriptors)):
        cmcore_descr_set(descriptors[i], obj, values[i])
