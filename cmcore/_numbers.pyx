# cython: language_level=3, boundscheck=True, wraparound=False
# cython: embedsignature=True, autotestdict=False, auto_pickle=False
"""The compiled phone number kernel: phonenumbers' parse steps for the common shapes of a
number, over plans that ``_phone.py`` compiles from phonenumbers' metadata.

Its twin, ``_numbers_py.py``, has the same names and answers. Here the shape of the text and
its digits are read from the str's buffer in one C loop, the country code is found without
slicing, and a plan's fields are C fields; the patterns themselves are ``re`` patterns, the
same ones the twin uses. ``fast()`` returns None where it does not decide, and the caller asks
phonenumbers itself.
"""

import re
from array import array

cimport cython
from cpython.object cimport PyObject
from cpython.ref cimport Py_INCREF, Py_XDECREF
from libc.stdlib cimport calloc, free

from libc.string cimport memcpy

cdef extern from "Python.h":
    bint PyUnicode_IS_ASCII(object)
    void* PyUnicode_DATA(object)
    Py_ssize_t PyUnicode_GET_LENGTH(object)
    object PyUnicode_New(Py_ssize_t, Py_UCS4)
    Py_UCS4 PyUnicode_READ_CHAR(object, Py_ssize_t)
    long PyLong_AsLongAndOverflow(object, int*) except? -1

TOO_SHORT, POSSIBLE, LOCAL, TOO_LONG, BAD_LENGTH = range(5)  # phonenumbers' _test_number_length
cdef enum:  # the C constants of the names below (a module's names are looked up and compared as objects)
    N_SHORT = -1
    N_LONG = -2
    N_MIN = 2
    N_MAX = 17
    N_INPUT = 250

SHORT_NSN = N_SHORT  # parse(): fewer than 2 digits after the country code
LONG_NSN = N_LONG  # parse(): more than 17
MIN_NSN = N_MIN
MAX_NSN = N_MAX
MAX_INPUT = N_INPUT
USES_AUTOMATON = True  # whether plans take the automaton of their patterns (``_automaton.py``)

cdef enum:
    P_GENERAL = 0  # a plan's patterns, in Plan._patterns
    P_MOBILE = 1
    P_PREFIX = 2
    P_LEADING = 3
    P_IDD = 4
    DIGITS_ROOM = 256  # room for the digits of a text of at most MAX_INPUT characters
    C_TOO_SHORT = 0
    C_POSSIBLE = 1
    C_LOCAL = 2
    C_TOO_LONG = 3
    C_BAD_LENGTH = 4


class Undecided(Exception):
    """A step of phonenumbers' parse this kernel does not take: let phonenumbers decide."""


cdef bint fits(object desc, object compiled, str number) except -1:
    """phonenumbers' ``_is_number_matching_desc``."""
    if desc is None or compiled is None:
        return False
    lengths = desc[0]
    return (lengths is None or len(number) in lengths) and compiled.fullmatch(number) is not None


@cython.final
cdef class Plan:
    """One metadata (a region, or a non-geographic country code), compiled; the twin's
    ``Plan`` says what each argument is."""

    cdef readonly long cc
    cdef readonly object general, general_lengths, local_lengths, descs, mobile
    cdef readonly bint same_mobile
    cdef readonly object transform, kinds, prefix_first
    cdef int prefix_digits  # prefix_first as bits (bit d for digit d; all ten where it is None)
    # each pattern's source until first used, then compiled (most plans never use most of
    # them: the automaton stands for the number patterns); None where the metadata has none
    cdef list _patterns  # by P_GENERAL, P_MOBILE, P_PREFIX, P_LEADING, P_IDD
    cdef dict by_length
    cdef object unknown, fixed_line, fixed_or_mobile
    # the automaton of all the plan's patterns (general bit 0, type i bit i + 1, mobile last)
    cdef bint has_dfa
    cdef unsigned short[::1] table  # 2 octets a state and digit: a multinational walk's tables stay in cache
    cdef int[::1] masks
    cdef Py_ssize_t n_states
    cdef int n_descs, mobile_bit
    cdef unsigned long long general_mask, mobile_mask
    cdef unsigned long long desc_masks[16]
    cdef tuple desc_kinds

    def __init__(self, long cc, general, tuple general_lengths, tuple local_lengths, tuple descs, mobile,
                 bint same_mobile, prefix, transform, leading, idd, tuple kinds, prefix_first, dfa=None):
        self.cc = cc
        self.general = general
        self.general_lengths = general_lengths
        self.local_lengths = frozenset(local_lengths)
        self.descs = descs
        self.by_length = {}
        self.mobile = mobile
        self.same_mobile = same_mobile
        self.transform = transform
        self._patterns = [None if general is None else general[1], None if mobile is None else mobile[1], prefix,
                          leading, idd]
        self.kinds = kinds
        self.unknown, self.fixed_line, self.fixed_or_mobile = kinds
        self.prefix_first = prefix_first
        self.prefix_digits = 0x3FF if prefix_first is None else sum(
            1 << (ord(d) - 48) for d in "0123456789" if d in prefix_first)
        self.has_dfa = (dfa is not None and general is not None and len(descs) <= 14
                        and len(dfa[1]) <= 0xFFFF)
        if self.has_dfa:
            self.table, self.masks = narrow(dfa[0]), dfa[1]
            check_table(self.table, self.masks)
            self.n_states = len(self.masks)
            self.n_descs = len(descs)
            self.mobile_bit = len(descs) + 1
            self.general_mask = lengths_mask(general[0])
            self.mobile_mask = 0 if mobile is None else lengths_mask(mobile[0])
            for i in range(self.n_descs):
                self.desc_masks[i] = lengths_mask(descs[i][1])
            self.desc_kinds = tuple([d[0] for d in descs])

    @property
    def general_re(self):
        return self.pattern(P_GENERAL)

    @property
    def mobile_re(self):
        return self.pattern(P_MOBILE)

    @property
    def prefix(self):
        return self.pattern(P_PREFIX)

    @property
    def leading(self):
        return self.pattern(P_LEADING)

    @property
    def idd(self):
        return self.pattern(P_IDD)

    cdef object pattern(self, int which):
        """The plan's pattern ``which``, compiled now if it is not yet (None where none)."""
        found = self._patterns[which]
        if type(found) is str:
            found = self._patterns[which] = re.compile(found)
        return found

    cdef object leading_source(self):
        """The leading digits pattern's source (None where there is none)."""
        found = self._patterns[P_LEADING]
        return found if found is None or type(found) is str else found.pattern

    cdef object for_length(self, Py_ssize_t n, str first):
        general = self.general
        if (general is None or (general[0] is not None and n not in general[0])
                or (general[2] is not None and first not in general[2])):
            return None
        kinds = [(k, pattern) for k, lengths, pattern, digits in self.descs
                 if (lengths is None or n in lengths) and (digits is None or first in digits)]
        if not kinds:
            return None
        alternatives = "|".join([f"(?:{pattern})()" for _, pattern in kinds])
        return re.compile(f"(?=(?:{general[1]})\\Z)(?:{alternatives})"), tuple([k for k, _ in kinds])

    @cython.boundscheck(False)  # check_table(): every state has ten entries, each a state
    cdef object walk_type(self, str nsn):
        """``number_type`` through the automaton: one pass over ``nsn`` (ASCII, 1 to 63
        characters); None where a character is not a digit (``number_type`` then matches)."""
        cdef Py_ssize_t n = PyUnicode_GET_LENGTH(nsn), i
        cdef const unsigned char* p = <const unsigned char*>PyUnicode_DATA(nsn)
        cdef int state = 1, bits
        cdef unsigned int digit
        cdef unsigned long long length = 1ULL << n
        for i in range(n):
            digit = p[i] - 48u
            if digit > 9:
                return None
            state = self.table[state * 10 + digit]
            if state == 0:
                for i in range(i + 1, n):  # dead, but only a number of digits is the automaton's to answer
                    if not 48 <= p[i] <= 57:
                        return None
                return self.unknown
        bits = self.masks[state]
        if not (bits & 1) or not (self.general_mask & length):
            return self.unknown
        for i in range(self.n_descs):
            if bits >> (i + 1) & 1 and self.desc_masks[i] & length:
                kind = self.desc_kinds[i]
                if kind is self.fixed_line and (
                        self.same_mobile or (bits >> self.mobile_bit & 1 and self.mobile_mask & length)):
                    return self.fixed_or_mobile
                return kind
        return self.unknown

    cdef inline bint may_prefix(self, str number):
        """Whether ``number`` (not empty) starts with a digit the national prefix can start with."""
        cdef long first = <long>PyUnicode_READ_CHAR(number, 0)
        if 48 <= first <= 57:
            return self.prefix_digits >> (first - 48) & 1
        return self.prefix_first is None or number[0] in self.prefix_first

    cpdef object number_type(self, str nsn):
        """phonenumbers' ``_number_type_helper``: the first type whose lengths and pattern fit."""
        cdef Py_ssize_t n = len(nsn)
        if self.has_dfa and 0 < n < 64 and PyUnicode_IS_ASCII(nsn):
            found = self.walk_type(nsn)
            if found is not None:
                return found
        cdef long digit = ord(nsn[0]) - 48 if n else -1
        first = nsn[:1]
        if 0 <= digit <= 9:
            key = n * 11 + digit + 1  # the length and the first digit, as one int
            matcher = self.by_length.get(key, self)  # the plan itself stands for "not made yet"
            if matcher is self:
                matcher = self.by_length[key] = self.for_length(n, first)
        else:
            matcher = self.for_length(n, first)
        if matcher is None:
            return self.unknown
        match = (<tuple>matcher)[0].fullmatch(nsn)
        if match is None:
            return self.unknown
        kind = (<tuple>matcher)[1][match.lastindex - 1]
        if kind is self.fixed_line and (self.same_mobile or fits(self.mobile, self.pattern(P_MOBILE), nsn)):
            return self.fixed_or_mobile
        return kind

    @cython.boundscheck(False)  # check_table(): every state has ten entries, each a state
    cdef int walk_bits(self, str digits) noexcept:
        """The bits of the patterns that match all of ``digits`` (ASCII digits, fewer than 64)."""
        cdef Py_ssize_t n = PyUnicode_GET_LENGTH(digits), i
        cdef const unsigned char* p = <const unsigned char*>PyUnicode_DATA(digits)
        cdef int state = 1
        for i in range(n):
            state = self.table[state * 10 + p[i] - 48]
            if state == 0:
                return 0
        return self.masks[state]

    cpdef bint general_fits(self, str number) except -1:
        """phonenumbers' ``_match_national_number`` on the general description (no lengths):
        the automaton's bit 0 where it has one (the general pattern's full match), else ``re``."""
        cdef Py_ssize_t n = PyUnicode_GET_LENGTH(number)
        if self.has_dfa and 0 < n < 64 and PyUnicode_IS_ASCII(number) and is_digits(number):
            return self.walk_bits(number) & 1
        compiled = self.pattern(P_GENERAL)
        return compiled is not None and compiled.fullmatch(number) is not None

    cpdef int length(self, str number) except -1:
        """phonenumbers' ``_test_number_length`` for the general description."""
        cdef Py_ssize_t n = len(number)
        cdef tuple lengths = self.general_lengths
        if n in self.local_lengths:
            return C_LOCAL
        if not lengths:
            return C_BAD_LENGTH
        if lengths[0] == n:
            return C_POSSIBLE
        if lengths[0] > n:
            return C_TOO_SHORT
        if lengths[len(lengths) - 1] < n:
            return C_TOO_LONG
        return C_POSSIBLE if n in lengths[1:] else C_BAD_LENGTH

    cpdef str strip_prefix(self, str number):
        """phonenumbers' ``_maybe_strip_national_prefix_carrier_code``: the number with its
        national prefix (and carrier code) taken off, or as it was."""
        prefix = self.pattern(P_PREFIX) if number else None
        if prefix is None:
            return number
        match = prefix.match(number)
        if match is None:
            return number
        return self.strip_match(number, prefix, match)

    cdef str strip_match(self, str number, object prefix, object match):
        """``strip_prefix`` once the national prefix pattern ``prefix`` matched: ``match``."""
        viable = self.general_fits(number)
        groups = match.groups()
        if self.transform and not groups:
            raise Undecided  # phonenumbers itself fails here: let it say how
        if not self.transform or groups[len(groups) - 1] is None:
            if viable and not self.general_fits(number[match.end():]):
                return number
            return number[match.end():]
        transformed = prefix.sub(self.transform, number, count=1)
        if viable and not self.general_fits(transformed):
            return number
        return transformed


cdef object narrow(object table):
    """``array("H", table)``, in one loop where ``table`` is an ``array("i")`` (``array()``
    converts an item at a time through ``PyArg_Parse``: a tenth of a campaign run's start);
    an entry outside 0-65535 is an ``OverflowError``, as ``array()`` makes it."""
    cdef const int[::1] src
    cdef unsigned short[::1] out
    cdef Py_ssize_t i, n
    if type(table) is not array or (<object>table).typecode != "i":
        return array("H", table)
    src = table
    n = src.shape[0]
    found = array("H", bytes(2 * n))
    out = found
    for i in range(n):
        if not 0 <= src[i] <= 0xFFFF:
            raise OverflowError(f"an automaton's entry {i} ({src[i]}) is not a state")
        out[i] = <unsigned short>src[i]
    return found


cdef int check_table(const unsigned short[::1] table, const int[::1] masks) except -1:
    """``ValueError`` unless ``table`` holds ten entries a state of ``masks``, each a state
    (state 0 dead, state 1 the start): the walks index it unchecked."""
    cdef Py_ssize_t i, n = masks.shape[0]
    if n < 2 or table.shape[0] != 10 * n:
        raise ValueError("an automaton's table must hold ten entries for each of at least two states")
    for i in range(table.shape[0]):
        if table[i] >= n:
            raise ValueError(f"an automaton's entry {i} names state {table[i]} of {n}")
    return 0


cdef unsigned long long lengths_mask(object lengths) except? 0:
    """The possible lengths as bits (bit n for length n); every bit for None (any length)."""
    cdef unsigned long long mask = 0
    if lengths is None:
        return ~0ULL
    for n in lengths:
        if 0 <= n < 64:
            mask |= 1ULL << n
    return mask


cdef bint is_digits(str text) noexcept:
    """Whether ``text`` (ASCII) is all digits."""
    cdef Py_ssize_t i, n = PyUnicode_GET_LENGTH(text)
    cdef const unsigned char* p = <const unsigned char*>PyUnicode_DATA(text)
    for i in range(n):
        if not 48 <= p[i] <= 57:
            return False
    return True


cdef char KNOWN[1000]  # KNOWN[n]: whether n is a country code of ``codes`` (filled from it)
cdef object KNOWN_FROM = None  # the ``codes`` dict KNOWN was filled from


cdef int know(dict codes) except -1:
    global KNOWN_FROM
    cdef long cc
    if codes is KNOWN_FROM:
        return 0
    for i in range(1000):
        KNOWN[i] = 0
    for value in codes.values():
        cc = value
        if 0 <= cc < 1000:
            KNOWN[cc] = 1
    KNOWN_FROM = codes
    return 0


cdef object international(str digits, dict codes):
    """Country code and the rest, for the digits after ``+`` (ASCII digits); None where
    phonenumbers would raise or try again (it does both for an unknown code)."""
    cdef Py_ssize_t size, n = PyUnicode_GET_LENGTH(digits)
    cdef const unsigned char* p = <const unsigned char*>PyUnicode_DATA(digits)
    cdef long cc = 0
    if n <= N_MIN or p[0] == 48:
        return None
    know(codes)
    for size in range(3):  # phonenumbers reads the shortest code it knows
        cc = cc * 10 + (p[size] - 48)
        if KNOWN[cc]:
            return cc, digits[size + 1:]
    return None


cdef object national(str digits, Plan plan, dict codes):
    """phonenumbers' ``_maybe_extract_country_code`` for a number without ``+``, read in the
    region of ``plan``: an international prefix, the region's own country code, or none."""
    idd = plan.pattern(P_IDD)
    if idd is not None:
        match = idd.match(digits)
        if match is not None:
            after = digits[match.end():]
            if not after.startswith("0") or not after:
                found = international(after, codes) if after else None
                return None if found is None else (found[0], found[1], None)
    code = str(plan.cc)
    if digits.startswith(code):
        potential = plan.strip_prefix(digits[len(code):])
        if ((not plan.general_fits(digits) and plan.general_fits(potential))
                or plan.length(digits) == C_TOO_LONG):
            return plan.cc, potential, None
    return plan.cc, digits, plan  # no country code: the region's own rules read it


@cython.final
cdef class Leading:
    """The leading digits of a run of regions, in region order: which region's pattern is
    the first to match at the start of a national number (``re.match`` of one alternation
    of them all, each ending in an empty group). Where ``automaton`` turns every pattern,
    followed by any digits, into one digit automaton, a number of ASCII digits walks it
    instead: the pattern ``k`` that matches a start of the number is the one that matches
    all of it with the digits after, so the lowest bit of the state it ends in is the
    alternation's answer, in one pass and without ``re``."""

    cdef readonly object pattern
    cdef readonly bint has_dfa  # whether it walks an automaton
    cdef unsigned short[::1] table
    cdef int[::1] masks

    def __init__(self, list sources, automaton=None):
        self.pattern = re.compile("|".join([f"(?:{source})()" for source in sources]))
        dfa = (automaton([f"(?:{source})[0-9]*" for source in sources])
               if automaton is not None and len(sources) <= 31 else None)
        self.has_dfa = dfa is not None and len(dfa[1]) <= 0xFFFF
        if self.has_dfa:
            self.table, self.masks = narrow(dfa[0]), dfa[1]
            check_table(self.table, self.masks)

    @cython.boundscheck(False)  # check_table(): every state has ten entries, each a state
    cpdef int first(self, str nsn) except -2:
        """The index of the first pattern that matches at the start of ``nsn``, or -1."""
        cdef Py_ssize_t n = PyUnicode_GET_LENGTH(nsn), i
        cdef const unsigned char* p
        cdef int state = 1, bits, k
        if self.has_dfa and PyUnicode_IS_ASCII(nsn) and is_digits(nsn):
            p = <const unsigned char*>PyUnicode_DATA(nsn)
            for i in range(n):
                state = self.table[state * 10 + p[i] - 48]
                if state == 0:
                    return -1
            bits = self.masks[state]
            for k in range(31):
                if bits >> k & 1:
                    return k
            return -1
        match = self.pattern.match(nsn)
        return -1 if match is None else match.lastindex - 1


def steps(tuple regions, automaton=None):
    """How ``region_of`` walks the regions of a shared country code: a region without
    ``leading_digits`` is one step, a full check; each run of regions with them is one step,
    a ``Leading`` of all their leading digits in region order. ``automaton`` (``_automaton``'s)
    lets a ``Leading`` walk digits instead of matching its pattern."""
    out = []
    run = []
    for region, plan in regions:
        if plan is None:
            continue
        if (<Plan>plan)._patterns[P_LEADING] is not None:
            run.append((region, plan))
        else:
            if run:
                out.append((Leading([(<Plan>p).leading_source() for _, p in run], automaton), tuple(run)))
                run = []
            out.append((None, ((region, plan),)))
    if run:
        out.append((Leading([(<Plan>p).leading_source() for _, p in run], automaton), tuple(run)))
    return tuple(out)


cdef enum:
    CODES = 1000  # country codes are 1 to 999
    KINDS = 128  # phonenumbers' number types are ints below this


@cython.final
cdef class Answer:
    """What ``finish`` found before it is a tuple: one a call of ``fast_into``, filled row
    after row (its fields are what the tuple would hold). For ``fast_into`` it also keeps,
    for that call, each country code's entry of ``countries`` and each type's name as they
    are first looked up (references held): most rows of a batch then look neither up."""
    cdef object cc, number, region, plan, kind
    cdef PyObject** seen  # CODES countries, then KINDS names; NULL until remember() (single calls)
    cdef dict countries, names  # the dicts they were looked up in

    def __dealloc__(self):
        cdef Py_ssize_t i
        if self.seen != NULL:
            for i in range(CODES + KINDS):
                Py_XDECREF(self.seen[i])
            free(self.seen)

    cdef int remember(self, dict countries, dict names) except -1:
        self.seen = <PyObject**>calloc(CODES + KINDS, sizeof(PyObject*))
        if self.seen == NULL:
            raise MemoryError()
        self.countries, self.names = countries, names
        return 0

    cdef object country(self, object cc, dict countries):
        """``countries.get(cc)``, from what this call has looked up where it can."""
        cdef long code
        cdef int over = 0
        if self.seen == NULL or countries is not self.countries or type(cc) is not int:
            return countries.get(cc)
        code = PyLong_AsLongAndOverflow(cc, &over)
        if over or not 0 <= code < CODES:
            return countries.get(cc)
        if self.seen[code] == NULL:
            found = countries.get(cc)
            if found is None:
                return None  # not kept: load() may add it
            Py_INCREF(found)
            self.seen[code] = <PyObject*>found
        return <object>self.seen[code]

    cdef object name(self, object kind):
        """``names[kind]``, as ``country`` does."""
        cdef long code
        cdef int over = 0
        if self.seen == NULL or type(kind) is not int:  # remember() not called: nothing kept
            return self.names[kind]
        code = PyLong_AsLongAndOverflow(kind, &over)
        if over or not 0 <= code < KINDS:
            return self.names[kind]
        if self.seen[CODES + code] == NULL:
            found = self.names[kind]
            Py_INCREF(found)
            self.seen[CODES + code] = <PyObject*>found
        return <object>self.seen[CODES + code]

    cdef tuple as_tuple(self):
        return self.cc, self.number, self.region, self.plan, self.kind


cdef int region_into(str nsn, tuple walk, object unknown, Answer out) except -1:
    """phonenumbers' ``region_code_for_number``, with the plan of that region, into ``out``
    (None and None where no region's rules take the number)."""
    for leading, regions in walk:
        if leading is None:
            region, plan = (<tuple>regions)[0]
            if (<Plan>plan).number_type(nsn) is not unknown:
                out.region, out.plan = region, plan
                return 0
        else:
            k = (<Leading>leading).first(nsn)
            if k >= 0:
                out.region, out.plan = (<tuple>regions)[k]
                return 0
    out.region = out.plan = None
    return 0


cdef list _CODE_INTS = list(range(1000))  # the int of each country code, made once (not one a number past 256)


cdef enum:
    FOUND = 1  # finish_into(): the answer is in the Answer
    NOTHING = 0  # None: not decided here (or no country)


cdef object finish(object cc, str number, object parsing, dict countries, object load):
    cdef Answer out = Answer()
    return _answer(finish_into(cc, number, parsing, countries, load, out), out)


cdef object _answer(int status, Answer out):
    """The answer ``fast()`` gives for a status of ``finish_into`` and what it filled."""
    if status == FOUND:
        return out.as_tuple()
    return None if status == NOTHING else status  # SHORT_NSN or LONG_NSN


cdef int finish_into(object cc, str number, object parsing, dict countries, object load, Answer out) except -99:
    """The rest of parse() for the national number ``number`` of country code ``cc`` (read in
    the plan ``parsing``, or in the country's main plan): FOUND with ``(cc, number, region,
    plan, type)`` in ``out``, SHORT_NSN or LONG_NSN for parse()'s length errors, or NOTHING
    where the country code is not one phonenumbers knows."""
    cdef Plan main, by
    cdef int result
    country = out.country(cc, countries)
    if country is None:
        country = load(cc)
        if country is None:
            return NOTHING
    main = <Plan>(<tuple>country)[0]
    regions = <tuple>(<tuple>country)[1]
    walk = <tuple>(<tuple>country)[2]
    if len(number) < N_MIN:
        return N_SHORT
    by = main if parsing is None else <Plan>parsing
    if by._patterns[P_PREFIX] is not None and by.may_prefix(number):
        prefix = by.pattern(P_PREFIX)
        match = prefix.match(number)
        if match is not None:  # strip_prefix(), without matching again
            potential = by.strip_match(number, prefix, match)
            result = by.length(potential)
            if result != C_TOO_SHORT and result != C_LOCAL and result != C_BAD_LENGTH:
                number = potential
    if len(number) > N_MAX:
        return N_LONG
    if len(regions) == 1:
        out.region, out.plan = regions[0]
    else:
        region_into(number, walk, main.unknown, out)
    out.cc, out.number = cc, number
    out.kind = main.unknown if out.plan is None else (<Plan>out.plan).number_type(number)
    return FOUND


cdef Py_ssize_t read_digits(str text, Py_ssize_t start, char* out) noexcept:
    """How many ASCII digits ``text[start:]`` holds (copied to ``out``, room for DIGITS_ROOM)
    where it is a digit or ``(`` followed by digits, spaces, brackets, dots and dashes only;
    -1 for any other text."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text) - start, i, count = 0
    cdef const unsigned char* p
    cdef unsigned char c
    if n <= 0 or n > N_INPUT or not PyUnicode_IS_ASCII(text):
        return -1
    p = <const unsigned char*>PyUnicode_DATA(text) + start
    if not (48 <= p[0] <= 57 or p[0] == 40):
        return -1
    for i in range(n):
        c = p[i]
        if 48 <= c <= 57:
            out[count] = <char>c
            count += 1
        elif c != 32 and c != 40 and c != 41 and c != 46 and c != 45:
            return -1
    return count


cdef str ascii_str(const char* data, Py_ssize_t size):
    """A str of ``size`` ASCII characters from ``data`` (no scan for the widest character)."""
    text = PyUnicode_New(size, 127)
    if size:
        memcpy(PyUnicode_DATA(text), data, size)
    return text


cdef str digits_of(str body):
    """The ASCII digits of ``body`` (``read_digits``), or None."""
    cdef char out[DIGITS_ROOM]
    cdef Py_ssize_t count = read_digits(body, 0, out)
    return None if count < 0 else ascii_str(out, count)


cdef str international_nsn(str text, Py_ssize_t start, dict codes, long* cc):
    """``international(digits_of(text[start:]))`` without the strs between: the national
    number, its country code in ``cc``; None where ``fast()`` does not decide."""
    cdef char out[DIGITS_ROOM]
    cdef Py_ssize_t count = read_digits(text, start, out), size
    cdef long code = 0
    if count < 3 or out[0] == 48:  # fewer than 3 digits: parse()'s viability rules decide
        return None
    know(codes)
    for size in range(3):  # phonenumbers reads the shortest code it knows
        code = code * 10 + (out[size] - 48)
        if KNOWN[code]:
            cc[0] = code
            return ascii_str(out + size + 1, count - size - 1)
    return None


def fast(str text, region, dict countries, dict codes, load):
    """phonenumbers' parse of ``text`` (stripped; ``00…`` read as ``+…``) in the region whose
    plan is ``region`` (None: no valid region): ``(cc, nsn, region code, plan, type)``,
    ``SHORT_NSN`` or ``LONG_NSN`` for parse()'s length errors, or None where it is not
    decided here. ``countries`` caches each country code's ``(main plan, regions, steps)``,
    which ``load`` compiles on a miss. Raises ``Undecided`` where phonenumbers must decide."""
    return fast_one(text, region, countries, codes, load)


def fast_many(list texts, list regions, dict countries, dict codes, load):
    """``fast()`` of each str of ``texts`` in the plan at the same index of ``regions``, as a
    list; None where a step is ``Undecided``. ``TypeError`` for an item that is not a str,
    ``ValueError`` unless the lists are as long."""
    cdef Py_ssize_t i, n = len(texts)
    if len(regions) != n:
        raise ValueError(f"texts and regions must be as long, not {n} and {len(regions)}")
    cdef list out = [None] * n
    for i in range(n):
        text = texts[i]
        if not isinstance(text, str):
            raise TypeError(f"fast_many() item {i} must be str, not {type(text).__name__}")
        try:
            out[i] = fast_one(<str>text, regions[i], countries, codes, load)
        except Undecided:
            pass
    return out


cdef object fast_one(str text, region, dict countries, dict codes, load):
    cdef Answer out = Answer()
    return _answer(fast_one_into(text, region, countries, codes, load, out), out)


cdef int fast_one_into(str text, region, dict countries, dict codes, load, Answer out) except -99:
    """``fast()`` as a status of ``finish_into`` (NOTHING where it gives None), its answer in ``out``."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text)
    cdef str digits, nsn
    cdef long cc = 0
    if n > N_INPUT:
        return NOTHING
    if n >= 2 and text[0] == "0" and text[1] == "0" or n >= 1 and text[0] == "+":
        nsn = international_nsn(text, 1 if text[0] == "+" else 2, codes, &cc)
        return NOTHING if nsn is None else finish_into(_CODE_INTS[cc], nsn, None, countries, load, out)
    digits = digits_of(text)
    if digits is None or len(digits) < 3:
        return NOTHING  # another shape, or phonenumbers' viability rules for two digits
    if region is None:
        return NOTHING
    found = national(digits, <Plan>region, codes)
    return NOTHING if found is None else finish_into(found[0], found[1], found[2], countries, load, out)


cdef str gateway_of(object cc, str nsn):
    """``f"00{cc}{nsn}"``, written at once where the code is from 1 to 999 and the national
    number ASCII (what the kernel gives)."""
    cdef long code
    cdef Py_ssize_t size, digits, k
    cdef char* into
    if type(cc) is not int or not PyUnicode_IS_ASCII(nsn):
        return f"00{cc}{nsn}"
    code = cc
    if not 0 < code < 1000:
        return f"00{cc}{nsn}"
    digits = 1 if code < 10 else 2 if code < 100 else 3
    size = PyUnicode_GET_LENGTH(nsn)
    out = PyUnicode_New(2 + digits + size, 127)
    into = <char*>PyUnicode_DATA(out)
    into[0] = into[1] = 48
    for k in range(digits):
        into[1 + digits - k] = <char>(48 + code % 10)
        code //= 10
    memcpy(into + 2 + digits, PyUnicode_DATA(nsn), size)
    return out


cdef inline bint _same_kind(object kind, object other) except -1:
    """``kind == other``, two small ints compared in C (the kinds are phonenumbers' ints)."""
    cdef int over = 0, over_other = 0
    cdef long a, b
    if kind is other:
        return True
    if type(kind) is int and type(other) is int:
        a = PyLong_AsLongAndOverflow(kind, &over)
        b = PyLong_AsLongAndOverflow(other, &over_other)
        if not over and not over_other:
            return a == b
    return kind == other


def fast_into(list texts, list regions, dict countries, dict codes, load, const long long[::1] rows,
              list numbers, list found_regions, list types, dict names, unknown):
    """``fast_many()``, written where it proves a number valid: for text ``k`` whose answer
    has a type other than ``unknown``, row ``rows[k]`` of ``numbers`` gets the gateway form,
    of ``found_regions`` the region and of ``types`` ``names[type]``. Returns ``(left,
    answers)``: the other rows, each with ``fast_many()``'s answer. No tuple is made for a
    valid number."""
    cdef Py_ssize_t k, row, n = len(texts)
    cdef int status
    cdef Answer out = Answer()
    cdef list left = [], answers = []
    out.remember(countries, names)
    if len(regions) != n or rows.shape[0] != n:
        raise ValueError(f"texts, regions and rows must be as long, not {n}, {len(regions)} and {rows.shape[0]}")
    for k in range(n):
        if not 0 <= rows[k] < min(len(numbers), len(found_regions), len(types)):
            raise IndexError(f"row {rows[k]} is outside the columns")
    for k in range(n):
        text = texts[k]
        if not isinstance(text, str):
            raise TypeError(f"fast_into() item {k} must be str, not {type(text).__name__}")
        try:
            status = fast_one_into(<str>text, regions[k], countries, codes, load, out)
        except Undecided:
            status = NOTHING
        row = rows[k]
        if status == FOUND and not _same_kind(out.kind, unknown):
            numbers[row] = gateway_of(out.cc, out.number)
            found_regions[row] = out.region
            types[row] = out.name(out.kind)
            continue
        left.append(row)
        answers.append(_answer(status, out))
    return left, answers


def gateway(str text, region, dict countries, dict codes, load):
    """``fast()``'s answer as the gateway form: ``00`` + country code + national number for a
    valid number, False for one that is not valid, None where not decided here (a parse
    error included: phonenumbers words those)."""
    found = fast_one(text, region, countries, codes, load)
    if type(found) is not tuple:
        return None
    cdef long cc = (<tuple>found)[0]
    cdef str nsn = (<tuple>found)[1]
    plan, kind = (<tuple>found)[3], (<tuple>found)[4]
    if plan is None or kind is (<Plan>plan).unknown:
        return False
    return f"00{cc}{nsn}"
