# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# cython: initializedcheck=False, embedsignature=True, autotestdict=False, auto_pickle=False
"""The compiled screen of ``validate()``: one pass over a plain message, in C.

Most messages of a batch are plain: text from a sender to phone numbers, on channels of the
gateway, with nothing that needs a rule beyond the common ones. ``screen()`` proves such a
message valid and returns it normalised for the wire (phone numbers in the gateway's form,
channel names as ``Channel``); for every other message, and for any message it finds a
problem in, it returns ``None`` and ``validate()`` runs the full rules, which word the
errors. It never refuses, so it can only be wrong by passing what the rules refuse; the
tests hold it to the rules on both kernels.

A message is plain when it is exactly a ``Message`` and it has no rich content, validity,
part limits, dcs, app key or a body type but ``auto``. What is then checked:
- channels: members of ``Channel`` or their exact names, none twice; more than one only
  among the channels that fallback is available for; none whose rules read more than rich
  content (those messages take the full rules);
- sender (301): not blank; where SMS may carry the message, 1 to 11 characters of the
  alphanumeric alphabet or 1 to 16 digits;
- recipients (302, 303): at least one, each a non-blank str, and where they are phone
  numbers, one that the phone kernel gives a gateway form for;
- body (304): not empty, within the text limit of every channel listed, and short enough
  that it needs no count of its parts;
- reference: 1 to 32 of ``[A-Za-z0-9_]``; custom groupings 1 to 100 characters;
- text that UTF-8 cannot carry (a lone surrogate) anywhere: not plain.

Its twin, ``_screen_py.py``, has the same names and answers.
"""

from cpython.object cimport PyObject

from types import MemberDescriptorType

cdef extern from "Python.h":
    bint PyUnicode_IS_ASCII(object)
    int PyUnicode_KIND(object)
    void* PyUnicode_DATA(object)
    Py_ssize_t PyUnicode_GET_LENGTH(object)
    Py_UCS4 PyUnicode_READ_CHAR(object, Py_ssize_t)
    bint Py_UNICODE_ISSPACE(Py_UCS4)

cdef extern from *:
    """
    #include "structmember.h"
    /* Where a __slots__ member keeps its value in an instance, or -1. */
    static Py_ssize_t cmcore_screen_offset(PyObject* descr) {
        PyMemberDef* member;
        if (Py_TYPE(descr) != &PyMemberDescr_Type) return -1;
        member = ((PyMemberDescrObject*)descr)->d_member;
        return member->type == T_OBJECT_EX ? member->offset : -1;
    }
    static int cmcore_screen_set(PyObject* descr, PyObject* obj, PyObject* value) {
        return Py_TYPE(descr)->tp_descr_set(descr, obj, value);
    }
    static PyObject* cmcore_screen_read(PyObject* obj, Py_ssize_t offset) {
        return *(PyObject**)((char*)obj + offset);
    }
    """
    Py_ssize_t cmcore_screen_offset(object descr)
    PyObject* cmcore_screen_read(object obj, Py_ssize_t offset)
    int cmcore_screen_set(object descr, object obj, object value) except -1

# The fields screen() reads, in the order of FIELDS.
cdef enum:
    F_SENDER, F_RECIPIENTS, F_BODY, F_BODY_TYPE, F_DCS, F_CHANNELS, F_REFERENCE, F_GROUPING1,
    F_GROUPING2, F_GROUPING3, F_VALIDITY, F_MIN_PARTS, F_MAX_PARTS, F_APP_KEY, F_RICH, F_COUNT

FIELDS = ("sender", "recipients", "body", "body_type", "dcs", "allowed_channels", "reference",
          "custom_grouping", "custom_grouping2", "custom_grouping3", "validity", "min_parts",
          "max_parts", "app_key", "rich_content")

cdef enum:
    MAX_CHANNELS = 32
    # Longer bodies go to the full rules, which count their parts (at most 255): a body of at
    # most this many characters needs at most 2 of them a character and fits in 255 parts.
    MAX_PLAIN_BODY = 8000


cdef class Rules:
    """What ``screen()`` needs to know, made once by ``rules()``."""
    cdef object message_class
    cdef tuple descriptors
    cdef Py_ssize_t offsets[F_COUNT]
    cdef Py_ssize_t recipients_at, channels_at
    cdef tuple members
    cdef dict names
    cdef unsigned long long phone_mask, sms_mask, fallback_mask, full_mask
    cdef Py_ssize_t limits[MAX_CHANNELS]
    cdef unsigned char sender_chars[128]
    cdef object auto
    cdef object gateway


def rules(message_class: type, members: tuple, phone_channels: frozenset, sms: object, fallback: frozenset,
          full: frozenset, limits: dict, sender_alphabet: str, auto: object, gateway: object) -> Rules:
    """The rules for ``screen()``: the message class (its slots are read directly), the
    channel members in order, which take phone numbers, the SMS member, the channels a
    message of more than one channel may list (a fallback), the channels whose messages
    always take the full rules (``full``: rules on more than rich content), the text limit of
    each channel that has one, the characters of an alphanumeric sender, the ``auto`` body
    type, and ``gateway(text, region) -> str | None``, the phone kernel's gateway form."""
    cdef Rules r = Rules.__new__(Rules)
    cdef Py_ssize_t i
    if len(members) > MAX_CHANNELS:
        raise ValueError("rules(): too many channels")
    r.message_class = message_class
    names = [f for f in message_class.__dataclass_fields__]
    r.descriptors = tuple(getattr(message_class, n) for n in names)
    for descriptor in r.descriptors:
        if type(descriptor) is not MemberDescriptorType or cmcore_screen_offset(descriptor) < 0:
            raise TypeError(f"rules(): every field of {message_class.__name__} must be a slot")
    for i, name in enumerate(FIELDS):
        descriptor = getattr(message_class, name)
        if type(descriptor) is not MemberDescriptorType or cmcore_screen_offset(descriptor) < 0:
            raise TypeError(f"rules(): {message_class.__name__}.{name} is not a slot")
        r.offsets[i] = cmcore_screen_offset(descriptor)
    r.recipients_at = names.index("recipients")
    r.channels_at = names.index("allowed_channels")
    r.members = tuple(members)
    r.names = {str(m.value): m for m in members}
    r.phone_mask = r.sms_mask = r.fallback_mask = r.full_mask = 0
    for i in range(len(members)):
        if members[i] in phone_channels:
            r.phone_mask |= 1ULL << i
        if members[i] is sms:
            r.sms_mask |= 1ULL << i
        if members[i] in fallback:
            r.fallback_mask |= 1ULL << i
        if members[i] in full:
            r.full_mask |= 1ULL << i
        r.limits[i] = limits.get(members[i], -1)
    for i in range(128):
        r.sender_chars[i] = 0
    for c in sender_alphabet:
        if ord(c) >= 128:
            raise ValueError("rules(): the sender alphabet is ASCII")
        r.sender_chars[ord(c)] = 1
    r.auto = auto
    r.gateway = gateway
    return r


cdef bint utf8_safe(object text) noexcept:
    """Whether UTF-8 carries ``text``: no lone surrogate (none in ASCII or Latin-1 text)."""
    cdef Py_ssize_t i, n
    cdef int kind
    cdef const unsigned short* two
    cdef const Py_UCS4* four
    if PyUnicode_IS_ASCII(text):
        return True
    kind = PyUnicode_KIND(text)
    n = PyUnicode_GET_LENGTH(text)
    if kind == 2:
        two = <const unsigned short*>PyUnicode_DATA(text)
        for i in range(n):
            if 0xD800 <= two[i] <= 0xDFFF:
                return False
    elif kind == 4:
        four = <const Py_UCS4*>PyUnicode_DATA(text)
        for i in range(n):
            if 0xD800 <= four[i] <= 0xDFFF:
                return False
    return True


cdef bint blank(object text) noexcept:
    """Whether ``text`` is empty or only white space, as ``not text.strip()``."""
    cdef Py_ssize_t i
    for i in range(PyUnicode_GET_LENGTH(text)):
        if not Py_UNICODE_ISSPACE(PyUnicode_READ_CHAR(text, i)):
            return False
    return True


cdef bint padded(object text) noexcept:
    """Whether ``text`` begins or ends with white space (so ``strip()`` changes it)."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text)
    return n > 0 and (Py_UNICODE_ISSPACE(PyUnicode_READ_CHAR(text, 0))
                      or Py_UNICODE_ISSPACE(PyUnicode_READ_CHAR(text, n - 1)))


cdef bint sms_sender(Rules r, object sender) noexcept:
    cdef Py_ssize_t i, n = PyUnicode_GET_LENGTH(sender)
    cdef const unsigned char* p
    cdef bint digits = True
    if not PyUnicode_IS_ASCII(sender) or n < 1 or n > 16:
        return False
    p = <const unsigned char*>PyUnicode_DATA(sender)
    for i in range(n):
        if not (48 <= p[i] <= 57):
            digits = False
            if not r.sender_chars[p[i]]:
                return False
    return digits or n <= 11


cdef bint reference_ok(object text) noexcept:
    cdef Py_ssize_t i, n = PyUnicode_GET_LENGTH(text)
    cdef const unsigned char* p
    cdef unsigned char c
    if not PyUnicode_IS_ASCII(text) or n < 1 or n > 32:
        return False
    p = <const unsigned char*>PyUnicode_DATA(text)
    for i in range(n):
        c = p[i]
        if not (48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122 or c == 95):
            return False
    return True


def screen(msg: object, Rules r, region: object) -> object:
    """``msg`` normalised for the wire where it is plain and valid, else ``None``."""
    cdef PyObject* v[F_COUNT]
    cdef Py_ssize_t i, j, n, length
    cdef unsigned long long mask = 0, bit
    cdef bint renamed = False, moved = False
    cdef object sender, body, item, form, found
    cdef tuple recipients, channels
    cdef list out_recipients = None, out_channels = None
    if type(msg) is not r.message_class:
        return None
    for i in range(F_COUNT):
        v[i] = cmcore_screen_read(msg, r.offsets[i])
        if v[i] == NULL:
            return None
    if not (<object>v[F_DCS] is None and <object>v[F_VALIDITY] is None and <object>v[F_MIN_PARTS] is None
            and <object>v[F_MAX_PARTS] is None and <object>v[F_APP_KEY] is None and <object>v[F_RICH] is None):
        return None
    if <object>v[F_BODY_TYPE] is not r.auto:
        return None
    # channels
    if type(<object>v[F_CHANNELS]) is not tuple:
        return None
    channels = <tuple>v[F_CHANNELS]
    for i in range(len(channels)):
        item = channels[i]
        for j in range(len(r.members)):
            if item is r.members[j]:
                break
        else:
            if type(item) is not str:
                return None
            found = r.names.get(item)
            if found is None:
                return None
            item = found
            renamed = True
            for j in range(len(r.members)):
                if item is r.members[j]:
                    break
        bit = 1ULL << j
        if mask & bit:
            return None
        mask |= bit
        if renamed and out_channels is None:
            out_channels = list(channels[:i])
        if out_channels is not None:
            out_channels.append(item)
    if mask & (mask - 1) and mask & ~r.fallback_mask:  # more than one channel: a fallback
        return None
    if mask & r.full_mask:
        return None
    # sender
    sender = <object>v[F_SENDER]
    if type(sender) is not str or blank(sender) or not utf8_safe(sender):
        return None
    if (mask == 0 or mask & r.sms_mask) and not sms_sender(r, sender):
        return None
    # body, and the text limits of the channels listed
    body = <object>v[F_BODY]
    if type(body) is not str or PyUnicode_GET_LENGTH(body) == 0 or not utf8_safe(body):
        return None
    length = PyUnicode_GET_LENGTH(body)
    if length > MAX_PLAIN_BODY:
        return None
    for j in range(len(r.members)):
        if mask & (1ULL << j) and 0 <= r.limits[j] < length:
            return None
    # reference and custom groupings
    item = <object>v[F_REFERENCE]
    if item is not None and (type(item) is not str or not reference_ok(item)):
        return None
    for i in range(F_GROUPING1, F_GROUPING3 + 1):
        item = <object>v[i]
        if item is not None and (type(item) is not str or not 0 < PyUnicode_GET_LENGTH(item) <= 100
                                 or not utf8_safe(item)):
            return None
    # recipients
    if type(<object>v[F_RECIPIENTS]) is not tuple:
        return None
    recipients = <tuple>v[F_RECIPIENTS]
    n = len(recipients)
    if n == 0:
        return None
    for i in range(n):
        item = recipients[i]
        if type(item) is not str or blank(item) or not utf8_safe(item):
            return None
        if mask == 0 or mask & r.phone_mask:
            form = r.gateway(item.strip() if padded(item) else item, region)
            if type(form) is not str:
                return None
            if form != item:
                if out_recipients is None:
                    out_recipients = list(recipients[:i])
                item = form
        if out_recipients is not None:
            out_recipients.append(item)
    if out_recipients is None and out_channels is None:
        return msg
    return rebuilt(msg, r, out_recipients, out_channels)


cdef object rebuilt(object msg, Rules r, list recipients, list channels):
    """A copy of ``msg`` with new recipients and/or channels, its ``__init__`` not run: every
    value in it is checked."""
    cdef Py_ssize_t i
    cdef PyObject* p
    new = object.__new__(r.message_class)
    for i in range(len(r.descriptors)):
        descriptor = r.descriptors[i]
        if i == r.recipients_at and recipients is not None:
            value = tuple(recipients)
        elif i == r.channels_at and channels is not None:
            value = tuple(channels)
        else:
            p = cmcore_screen_read(msg, cmcore_screen_offset(descriptor))
            if p == NULL:
                return None
            value = <object>p
        cmcore_screen_set(descriptor, new, value)
    return new
