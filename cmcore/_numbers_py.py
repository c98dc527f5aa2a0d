"""The pure-Python twin of the compiled phone number kernel ``_numbers.pyx``: same names, same
answers.

It takes phonenumbers' parse steps for the common shapes of a number, over plans that
``_phone.py`` compiles from phonenumbers' metadata: ``fast()`` reads the digits, the country
code, the national prefix and the lengths, picks the region, and matches the number types.
``None`` means "not decided here": the caller asks phonenumbers itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

TOO_SHORT, POSSIBLE, LOCAL, TOO_LONG, BAD_LENGTH = range(5)  # phonenumbers' _test_number_length
SHORT_NSN = -1  # parse(): fewer than 2 digits after the country code
LONG_NSN = -2  # parse(): more than 17
MIN_NSN = 2
MAX_NSN = 17
MAX_INPUT = 250
USES_AUTOMATON = False  # whether plans take the automaton of their patterns (``_automaton.py``)
_SHAPE = re.compile(r"[0-9(][0-9 ().\-]*", re.ASCII)  # after a + or 00
_NOT_DIGIT = re.compile(r"[^0-9]", re.ASCII)

Desc = tuple[frozenset[int] | None, str, frozenset[str] | None]


class Undecided(Exception):
    """A step of phonenumbers' parse this kernel does not take: let phonenumbers decide."""


def _fits(desc: Desc | None, compiled: re.Pattern[str] | None, number: str) -> bool:
    """phonenumbers' ``_is_number_matching_desc``."""
    if desc is None or compiled is None:
        return False
    return (desc[0] is None or len(number) in desc[0]) and compiled.fullmatch(number) is not None


class Plan:
    """One metadata (a region, or a non-geographic country code), compiled.

    ``general`` and ``mobile`` are ``(lengths or None, pattern, first digits or None)``;
    ``descs`` holds ``(kind, lengths or None, pattern, first digits or None)`` for each
    number type in phonenumbers' order; None takes any length, or any first digit. Number
    types are matched by one pattern a national-number length and first digit, made when
    such a number first comes: the types that can have it, in order, each ending in an empty
    group that tells which matched, behind a look-ahead for the general pattern.
    ``prefix_first`` holds the digits a national prefix can begin with (None: any)."""

    __slots__ = ("cc", "general", "general_re", "general_lengths", "local_lengths", "descs", "by_length",
                 "mobile", "mobile_re", "same_mobile", "prefix", "transform", "leading", "idd", "kinds",
                 "prefix_first")

    def __init__(self, cc: int, general: Desc | None, general_lengths: tuple[int, ...],
                 local_lengths: tuple[int, ...], descs: tuple[tuple[Any, frozenset[int] | None, str, frozenset[str] | None], ...],
                 mobile: Desc | None, same_mobile: bool, prefix: str | None, transform: str | None,
                 leading: str | None, idd: str | None, kinds: tuple[Any, Any, Any],
                 prefix_first: frozenset[str] | None, dfa: Any = None) -> None:
        # ``dfa``, the automaton of the plan's patterns, is the compiled kernel's way to the
        # same answers; the twin matches with ``re``.
        self.cc = cc
        self.general = general
        self.general_re = None if general is None else re.compile(general[1])
        self.general_lengths = general_lengths
        self.local_lengths = frozenset(local_lengths)
        self.descs = descs
        self.by_length: dict[tuple[int, str], tuple[re.Pattern[str], tuple[Any, ...]] | None] = {}
        self.mobile = mobile
        self.mobile_re = None if mobile is None else re.compile(mobile[1])
        self.same_mobile = same_mobile
        self.prefix = None if prefix is None else re.compile(prefix)
        self.transform = transform
        self.leading = None if leading is None else re.compile(leading)
        self.idd = None if idd is None else re.compile(idd)
        self.kinds = kinds  # (unknown, fixed line, fixed line or mobile)
        self.prefix_first = prefix_first

    def _for_length(self, n: int, first: str) -> tuple[re.Pattern[str], tuple[Any, ...]] | None:
        general = self.general
        if (general is None or (general[0] is not None and n not in general[0])
                or (general[2] is not None and first not in general[2])):
            return None
        kinds = [(k, pattern) for k, lengths, pattern, digits in self.descs
                 if (lengths is None or n in lengths) and (digits is None or first in digits)]
        if not kinds:
            return None
        alternatives = "|".join(f"(?:{pattern})()" for _, pattern in kinds)
        return re.compile(f"(?=(?:{general[1]})\\Z)(?:{alternatives})"), tuple(k for k, _ in kinds)

    def number_type(self, nsn: str) -> Any:
        """phonenumbers' ``_number_type_helper``: the first type whose lengths and pattern fit."""
        key = (len(nsn), nsn[:1])
        try:
            matcher = self.by_length[key]
        except KeyError:
            matcher = self.by_length[key] = self._for_length(*key)
        if matcher is None:
            return self.kinds[0]
        match = matcher[0].fullmatch(nsn)
        if match is None:
            return self.kinds[0]
        kind = matcher[1][match.lastindex - 1]  # type: ignore[operator]
        if kind is self.kinds[1] and (self.same_mobile or _fits(self.mobile, self.mobile_re, nsn)):
            return self.kinds[2]
        return kind

    def general_fits(self, number: str) -> bool:
        """phonenumbers' ``_match_national_number`` on the general description (no lengths)."""
        return self.general_re is not None and self.general_re.fullmatch(number) is not None

    def length(self, number: str) -> int:
        """phonenumbers' ``_test_number_length`` for the general description."""
        n = len(number)
        if n in self.local_lengths:
            return LOCAL
        lengths = self.general_lengths
        if not lengths:
            return BAD_LENGTH
        if lengths[0] == n:
            return POSSIBLE
        if lengths[0] > n:
            return TOO_SHORT
        if lengths[-1] < n:
            return TOO_LONG
        return POSSIBLE if n in lengths[1:] else BAD_LENGTH

    def strip_prefix(self, number: str) -> str:
        """phonenumbers' ``_maybe_strip_national_prefix_carrier_code``: the number with its
        national prefix (and carrier code) taken off, or as it was."""
        if not number or self.prefix is None:
            return number
        match = self.prefix.match(number)
        if match is None:
            return number
        viable = self.general_fits(number)
        groups = match.groups()
        if self.transform and not groups:
            raise Undecided  # phonenumbers itself fails here: let it say how
        if not self.transform or groups[-1] is None:
            if viable and not self.general_fits(number[match.end():]):
                return number
            return number[match.end():]
        transformed = self.prefix.sub(self.transform, number, count=1)
        if viable and not self.general_fits(transformed):
            return number
        return transformed


Country = tuple[Plan, tuple[tuple[str, Plan | None], ...], tuple[tuple[Any, ...], ...]]


def _international(digits: str, codes: dict[str, int]) -> tuple[int, str] | None:
    """Country code and the rest, for the digits after ``+``; None where phonenumbers would
    raise or try again (it does both for an unknown code)."""
    if len(digits) <= MIN_NSN or digits[0] == "0":
        return None
    for size in (1, 2, 3):  # phonenumbers reads the shortest code it knows
        cc = codes.get(digits[:size])
        if cc is not None:
            return cc, digits[size:]
    return None


def _national(digits: str, plan: Plan, codes: dict[str, int]) -> tuple[int, str, Plan | None] | None:
    """phonenumbers' ``_maybe_extract_country_code`` for a number without ``+``, read in the
    region of ``plan``: an international prefix, the region's own country code, or none."""
    if plan.idd is not None:
        match = plan.idd.match(digits)
        if match is not None:
            after = digits[match.end():]
            if not after.startswith("0") or not after:
                found = _international(after, codes) if after else None
                return None if found is None else (*found, None)
    code = str(plan.cc)
    if digits.startswith(code):
        potential = plan.strip_prefix(digits[len(code):])
        if ((not plan.general_fits(digits) and plan.general_fits(potential))
                or plan.length(digits) == TOO_LONG):
            return plan.cc, potential, None
    return plan.cc, digits, plan  # no country code: the region's own rules read it


class Leading:
    """The leading digits of a run of regions, in region order: which region's pattern is
    the first to match at the start of a national number (``re.match`` of one alternation
    of them all, each ending in an empty group that tells which). ``automaton`` is the
    compiled kernel's way to walk digits instead; here it is not used."""

    __slots__ = ("has_dfa", "pattern")

    def __init__(self, sources: list[str], automaton: Callable[[list[str]], Any] | None = None) -> None:
        self.pattern = re.compile("|".join(f"(?:{source})()" for source in sources))
        self.has_dfa = False

    def first(self, nsn: str) -> int:
        """The index of the first pattern that matches at the start of ``nsn``, or -1."""
        match = self.pattern.match(nsn)
        return -1 if match is None else match.lastindex - 1  # type: ignore[operator]


def steps(regions: tuple[tuple[str, Plan | None], ...],
          automaton: Callable[[list[str]], Any] | None = None) -> tuple[tuple[Any, ...], ...]:
    """How ``region_of`` walks the regions of a shared country code: a region without
    ``leading_digits`` is one step, a full check; each run of regions with them is one step,
    a ``Leading`` of all their leading digits in region order. ``automaton`` (``_automaton``'s)
    is the compiled kernel's way to walk digits; the twin matches ``re`` patterns."""
    out: list[tuple[Any, ...]] = []
    run: list[tuple[str, Plan]] = []

    def close() -> None:
        if run:
            out.append((Leading([plan.leading.pattern for _, plan in run], automaton),  # type: ignore[union-attr]
                        tuple(run)))
            run.clear()

    for region, plan in regions:
        if plan is None:
            continue
        if plan.leading is not None:
            run.append((region, plan))
        else:
            close()
            out.append((None, ((region, plan),)))
    close()
    return tuple(out)


def _region_of(nsn: str, walk: tuple[tuple[Any, ...], ...], unknown: Any) -> tuple[str | None, Plan | None]:
    """phonenumbers' ``region_code_for_number``, with the plan of that region."""
    for leading, regions in walk:
        if leading is None:
            region, plan = regions[0]
            if plan.number_type(nsn) is not unknown:
                return region, plan
        else:
            k = leading.first(nsn)
            if k >= 0:
                return regions[k]  # type: ignore[no-any-return]
    return None, None


def _finish(cc: int, number: str, parsing: Plan | None, countries: dict[int, Country],
            load: Callable[[int], Country | None]) -> tuple[Any, ...] | int | None:
    country = countries.get(cc) or load(cc)
    if country is None:
        return None
    main, regions, walk = country
    if len(number) < MIN_NSN:
        return SHORT_NSN
    parsing = parsing or main
    if (parsing.prefix is not None and (parsing.prefix_first is None or number[0] in parsing.prefix_first)
            and parsing.prefix.match(number)):
        potential = parsing.strip_prefix(number)
        if parsing.length(potential) not in (TOO_SHORT, LOCAL, BAD_LENGTH):
            number = potential
    if len(number) > MAX_NSN:
        return LONG_NSN
    unknown = main.kinds[0]
    region, plan = regions[0] if len(regions) == 1 else _region_of(number, walk, unknown)
    kind = unknown if plan is None else plan.number_type(number)
    return cc, number, region, plan, kind


def fast(text: str, region: Plan | None, countries: dict[int, Country], codes: dict[str, int],
         load: Callable[[int], Country | None]) -> tuple[Any, ...] | int | None:
    """phonenumbers' parse of ``text`` (stripped; ``00…`` read as ``+…``) in the region whose
    plan is ``region`` (None: no valid region): ``(cc, nsn, region code, plan, type)``,
    ``SHORT_NSN`` or ``LONG_NSN`` for parse()'s length errors, or None where it is not
    decided here. ``countries`` caches each country code's ``(main plan, regions, steps)``,
    which ``load`` compiles on a miss. Raises ``Undecided`` where phonenumbers must decide."""
    if len(text) > MAX_INPUT:
        return None
    lead = text[:2]
    international = lead == "00" or lead[:1] == "+"
    body = text[2:] if lead == "00" else text[1:] if international else text
    if body.isdigit() and body.isascii():
        digits = body
    elif _SHAPE.fullmatch(body):
        digits = _NOT_DIGIT.sub("", body)
    else:
        return None
    if len(digits) < 3:
        return None  # phonenumbers' viability rules for two digits: let it decide
    if international:
        found = _international(digits, codes)
        return None if found is None else _finish(found[0], found[1], None, countries, load)
    if region is None:
        return None
    national = _national(digits, region, codes)
    return None if national is None else _finish(*national, countries, load)


def fast_many(texts: list[str], regions: list[Plan | None], countries: dict[int, Country], codes: dict[str, int],
              load: Callable[[int], Country | None]) -> list[tuple[Any, ...] | int | None]:
    """``fast()`` of each str of ``texts`` in the plan at the same index of ``regions``, as a
    list; None where a step is ``Undecided``. ``TypeError`` for an item that is not a str,
    ``ValueError`` unless the lists are as long."""
    if len(regions) != len(texts):
        raise ValueError(f"texts and regions must be as long, not {len(texts)} and {len(regions)}")
    out: list[tuple[Any, ...] | int | None] = []
    for i, (text, region) in enumerate(zip(texts, regions)):
        if not isinstance(text, str):
            raise TypeError(f"fast_many() item {i} must be str, not {type(text).__name__}")
        try:
            out.append(fast(text, region, countries, codes, load))
        except Undecided:
            out.append(None)
    return out


def fast_into(texts: list[str], regions: list[Plan | None], countries: dict[int, Country], codes: dict[str, int],
              load: Callable[[int], Country | None], rows: Any, numbers: list[Any], found_regions: list[Any],
              types: list[Any], names: dict[Any, Any], unknown: Any) -> tuple[list[int], list[Any]]:
    """See ``_numbers.pyx``."""
    if len(regions) != len(texts) or len(rows) != len(texts):
        raise ValueError(f"texts, regions and rows must be as long, not {len(texts)}, {len(regions)} and {len(rows)}")
    for row in rows:
        if not 0 <= row < min(len(numbers), len(found_regions), len(types)):
            raise IndexError(f"row {row} is outside the columns")
    left: list[int] = []
    answers: list[Any] = []
    for k, (text, region, row) in enumerate(zip(texts, regions, rows)):
        if not isinstance(text, str):
            raise TypeError(f"fast_into() item {k} must be str, not {type(text).__name__}")
        try:
            found = fast(text, region, countries, codes, load)
        except Undecided:
            found = None
        if type(found) is tuple and found[4] != unknown:
            numbers[row] = f"00{found[0]}{found[1]}"
            found_regions[row], types[row] = found[2], names[found[4]]
            continue
        left.append(row)
        answers.append(found)
    return left, answers


def gateway(text: str, region: Plan | None, countries: dict[int, Country], codes: dict[str, int],
            load: Callable[[int], Country | None]) -> str | bool | None:
    """``fast()``'s answer as the gateway form: ``00`` + country code + national number for a
    valid number, False for one that is not valid, None where not decided here (a parse
    error included: phonenumbers words those)."""
    found = fast(text, region, countries, codes, load)
    if type(found) is not tuple:
        return None
    cc, nsn, _, plan, kind = found
    if plan is None or kind is plan.kinds[0]:
        return False
    return f"00{cc}{nsn}"
