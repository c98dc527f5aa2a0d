"""Deterministic automata over the ten digits, built from phonenumbers' own patterns.

phonenumbers' number patterns use only digits, digit classes, groups, alternation and
repeats: regular languages over ten symbols. ``automaton(patterns)`` reads each pattern with
``re``'s own parser, builds one nondeterministic automaton for all of them (Thompson's
construction) with each pattern's accepting state tagged by its bit, and turns it into a
deterministic one by the subset construction. Walking a string of digits through it gives,
in one pass, the set of patterns that match the whole string: what ``re.fullmatch`` of each
would say. A pattern with any other construct (a look-around, an anchor, a negated class)
gives None, and the caller keeps using ``re``.

Both answers are pure functions of the pattern strings, and building them is most of what
``warm_up()`` costs. ``_automata.bin`` (package data, made by ``tools/build_automata.py``
from the installed phonenumbers) holds them, keyed by the patterns themselves: a pattern
found there is answered from it, any other (phonenumbers updated since) is built here as
before, so the answers never depend on the store being current. ``ALGORITHM`` names the
construction; the store is used only where it was made by the same one.

The table is flat: ``table[state * 10 + digit]`` is the next state; state 0 is dead and
state 1 the start; ``masks[state]`` holds the bits of the patterns that accept there.
"""

from __future__ import annotations

import base64
import importlib
import importlib.resources
import sys
import zlib
from array import array
from collections.abc import Iterable
from typing import Any

import orjson

__all__ = ["automaton", "first_digits", "walk"]

MAX_STATES = 50_000
ALGORITHM = 2  # bump when what automaton() or first_digits() answers changes: the store goes stale
STORE = "_automata.bin"


def _re_module(name: str, old: str) -> Any:
    try:
        return importlib.import_module(f"re.{name}")
    except ImportError:  # pragma: no cover - Python 3.10
        return importlib.import_module(old)


_sre = _re_module("_constants", "sre_constants")
_parser = _re_module("_parser", "sre_parse")
_ALL = 0x3FF  # the ten digits


class _Unsupported(Exception):
    """A construct outside digits, classes, groups, alternation and repeats (internal)."""


class _NFA:
    def __init__(self) -> None:
        self.eps: list[list[int]] = []
        self.edges: list[list[tuple[int, int]]] = []
        self.accept: list[int] = []

    def new(self) -> int:
        self.eps.append([])
        self.edges.append([])
        self.accept.append(0)
        return len(self.eps) - 1

    def sequence(self, items: Any, state: int) -> int:
        for op, av in items:
            state = self.item(op, av, state)
        return state

    def item(self, op: Any, av: Any, state: int) -> int:
        if op is _sre.LITERAL or op is _sre.IN or (op is _sre.CATEGORY and av is _sre.CATEGORY_DIGIT):
            mask = _digit(av) if op is _sre.LITERAL else _ALL if op is _sre.CATEGORY else _charset(av)
            end = self.new()
            if mask:
                self.edges[state].append((mask, end))
            return end
        if op is _sre.SUBPATTERN:
            return self.sequence(av[-1], state)
        if op is _sre.BRANCH:
            end = self.new()
            for branch in av[1]:
                start = self.new()
                self.eps[state].append(start)
                self.eps[self.sequence(branch, start)].append(end)
            return end
        if op is _sre.MAX_REPEAT or op is _sre.MIN_REPEAT:
            low, high, inner = av
            for _ in range(low):
                state = self.sequence(inner, state)
            if high is _sre.MAXREPEAT:
                loop = self.new()
                self.eps[state].append(loop)
                self.eps[self.sequence(inner, loop)].append(loop)
                return loop
            for _ in range(high - low):
                end = self.new()
                self.eps[state].append(end)
                self.eps[self.sequence(inner, state)].append(end)
                state = end
            return state
        raise _Unsupported(op)


def _digit(code: int) -> int:
    return 1 << (code - 48) if 48 <= code <= 57 else 0


def _charset(items: Any) -> int:
    mask = 0
    for op, av in items:
        if op is _sre.LITERAL:
            mask |= _digit(av)
        elif op is _sre.RANGE:
            for code in range(max(av[0], 48), min(av[1], 57) + 1):
                mask |= _digit(code)
        elif op is _sre.CATEGORY and av is _sre.CATEGORY_DIGIT:
            mask |= _ALL
        else:
            raise _Unsupported(op)
    return mask


def _closure(nfa: _NFA, states: set[int]) -> frozenset[int]:
    stack = list(states)
    seen = set(states)
    while stack:
        for nxt in nfa.eps[stack.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return frozenset(seen)


def automaton(patterns: list[str]) -> tuple[array[int], array[int]] | None:
    """(table, masks) of one automaton for ``patterns``, pattern ``i`` tagged ``1 << i``;
    None where a pattern holds a construct this module does not turn into states."""
    stored = _store()[0].get(_key(patterns), _MISSING)
    if stored is not _MISSING:
        return None if stored is None else (array("i", stored[0]), array("i", stored[1]))
    return build(patterns)


def build(patterns: list[str]) -> tuple[array[int], array[int]] | None:
    """``automaton()``, built here whatever the store holds."""
    nfa = _NFA()
    start = nfa.new()
    try:
        for bit, pattern in enumerate(patterns):
            begin = nfa.new()
            nfa.eps[start].append(begin)
            nfa.accept[nfa.sequence(_parser.parse(pattern), begin)] |= 1 << bit
    except (_Unsupported, Exception):
        return None
    closures: list[frozenset[int] | None] = [None] * len(nfa.eps)
    edges, accept = nfa.edges, nfa.accept

    def closure(s: int) -> frozenset[int]:
        """The states of ``s``'s closure that read a digit or accept: two sets alike in those
        behave alike, and the closure of a set is the union of its states' closures."""
        found = closures[s]
        if found is None:
            found = closures[s] = frozenset(x for x in _closure(nfa, {s}) if edges[x] or accept[x])
        return found

    first = closure(start)
    ids: dict[frozenset[int], int] = {first: 1}
    order: list[frozenset[int]] = [frozenset(), first]  # a state's number is its index; 0 is dead
    table = array("i", [0] * 20)
    masks = array("i", [0, _mask(nfa, first)])
    number = 1
    while number < len(order):
        by_mask: dict[int, set[int]] = {}  # the targets of the state's edges, by their digits
        for s in order[number]:
            for mask, t in edges[s]:
                held = by_mask.get(mask)
                if held is None:
                    by_mask[mask] = set(closure(t))
                else:
                    held |= closure(t)
        for digit in range(10):
            bit = 1 << digit
            reached = [targets for mask, targets in by_mask.items() if mask & bit]
            if not reached:
                continue
            closed = frozenset(reached[0]) if len(reached) == 1 else frozenset().union(*reached)
            target = ids.get(closed)
            if target is None:
                if len(order) > MAX_STATES:
                    return None
                target = ids[closed] = len(order)
                order.append(closed)
                table.extend([0] * 10)
                masks.append(_mask(nfa, closed))
            table[number * 10 + digit] = target
        number += 1
    return minimal(table, masks)


def minimal(table: array[int], masks: array[int]) -> tuple[array[int], array[int]]:
    """The same automaton with the fewest states (Moore's partition refinement: states alike
    in their mask, whose digits lead to alike states, are one), numbered as ``automaton()``
    numbers them (0 dead, 1 the start) and then in breadth-first order from the start, so that
    a walk reads a small table, near itself. States that cannot reach a mask join the dead one.
    """
    count = len(masks)
    useful = _useful(table, masks)
    group = [masks[s] if useful[s] else -1 for s in range(count)]
    while True:
        ids: dict[tuple[int, ...], int] = {}
        refined = [ids.setdefault((group[s], *(group[t] for t in table[s * 10:s * 10 + 10])), len(ids))
                   for s in range(count)]
        if len(ids) == len(set(group)):
            break
        group = refined
    dead, start = group[0], group[1]
    number = {dead: 0}
    order = [0]
    if start != dead:
        number[start] = 1
        order.append(1)
    queue = [1] if start != dead else []
    for s in queue:
        for t in table[s * 10:s * 10 + 10]:
            if group[t] not in number:
                number[group[t]] = len(order)
                order.append(t)
                queue.append(t)
    if len(order) == 1:  # nothing accepted: a start state that leads nowhere
        order.append(0)
    small = array("i", [0] * (10 * len(order)))
    for new, s in enumerate(order):
        if new or start != dead:
            small[new * 10:new * 10 + 10] = array("i", (number[group[t]] for t in table[s * 10:s * 10 + 10]))
    if start == dead:
        small[10:20] = array("i", [0] * 10)
    return small, array("i", [masks[s] if new else 0 for new, s in enumerate(order)])


def _useful(table: array[int], masks: array[int]) -> list[bool]:
    """Whether each state can reach a state with a mask (itself included)."""
    count = len(masks)
    back: list[list[int]] = [[] for _ in range(count)]
    for s in range(count):
        for t in set(table[s * 10:s * 10 + 10]):
            back[t].append(s)
    useful = [bool(masks[s]) for s in range(count)]
    stack = [s for s in range(count) if useful[s]]
    while stack:
        for s in back[stack.pop()]:
            if not useful[s]:
                useful[s] = True
                stack.append(s)
    return useful


def _mask(nfa: _NFA, states: frozenset[int]) -> int:
    mask = 0
    for s in states:
        mask |= nfa.accept[s]
    return mask


def walk(table: array[int], masks: array[int], digits: str) -> int:
    """The bits of the patterns that match all of ``digits`` (ASCII digits)."""
    state = 1
    for char in digits:
        state = table[state * 10 + ord(char) - 48]
        if not state:
            return 0
    return masks[state]


# -- the digits a pattern can begin with ------------------------------------------------------

_DIGITS = frozenset("0123456789")


def _first(items: Any) -> tuple[frozenset[str], bool]:
    """(characters a match of the parsed pattern ``items`` can start with, whether it can be
    empty): the FIRST set of a sequence, over what ``re``'s parser gives."""
    found: set[str] = set()
    for op, av in items:
        if op is _sre.LITERAL:
            chars, empty = frozenset(chr(av)), False
        elif op is _sre.IN:
            chars, empty = _set_chars(av), False
        elif op is _sre.CATEGORY and av is _sre.CATEGORY_DIGIT:
            chars, empty = _DIGITS, False
        elif op is _sre.BRANCH:
            parts = [_first(branch) for branch in av[1]]
            chars, empty = frozenset().union(*(p[0] for p in parts)), any(p[1] for p in parts)
        elif op is _sre.SUBPATTERN:
            chars, empty = _first(av[-1])
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT):
            chars, inner_empty = _first(av[2])
            empty = inner_empty or av[0] == 0
        elif op is _sre.AT:
            chars, empty = frozenset(), True
        else:
            raise _Unsupported(op)
        found |= chars
        if not empty:
            return frozenset(found), False
    return frozenset(found), True


def _set_chars(items: Any) -> frozenset[str]:
    chars: set[str] = set()
    for op, av in items:
        if op is _sre.LITERAL:
            chars.add(chr(av))
        elif op is _sre.RANGE:
            chars.update(chr(c) for c in range(av[0], av[1] + 1))
        elif op is _sre.CATEGORY and av is _sre.CATEGORY_DIGIT:
            chars |= _DIGITS
        else:
            raise _Unsupported(op)
    return frozenset(chars)


def first_digits(pattern: str) -> frozenset[str] | None:
    """The digits a match of ``pattern`` (at the start of a string of ASCII digits) can begin
    with; None where that is not worked out here or the pattern can match nothing at all, so
    that no number is ever kept from the pattern."""
    stored = _store()[1].get(pattern, _MISSING)
    if stored is not _MISSING:
        return None if stored is None else frozenset(stored)
    return build_first_digits(pattern)


def build_first_digits(pattern: str) -> frozenset[str] | None:
    """``first_digits()``, worked out here whatever the store holds."""
    try:
        chars, empty = _first(_parser.parse(pattern))
    except (_Unsupported, Exception):
        return None
    return None if empty else frozenset(chars & _DIGITS)


# -- the store ---------------------------------------------------------------------------------

_MISSING: Any = object()
_LOADED: list[tuple[dict[str, Any], dict[str, Any]]] = []


def _key(patterns: Iterable[str]) -> str:
    return "\x00".join(patterns)  # no pattern holds a NUL


def _table(data: bytes) -> array[int]:
    found = array("i", data)
    if sys.byteorder == "big":  # pragma: no cover - the store is little-endian
        found.byteswap()
    return found


def _store() -> tuple[dict[str, Any], dict[str, Any]]:
    """(automata by key, first digits by pattern) from the store; empty where it is missing,
    unreadable or made by another ``ALGORITHM``."""
    if not _LOADED:
        _LOADED.append(read_store(_store_bytes()))
    return _LOADED[0]


def _store_bytes() -> bytes:
    try:
        return importlib.resources.files("cmcore").joinpath(STORE).read_bytes()
    except OSError:  # pragma: no cover - an install without its package data
        return b""


def read_store(blob: bytes) -> tuple[dict[str, Any], dict[str, Any]]:
    """The dicts ``_store()`` holds, read from ``blob`` (``write_store``'s bytes)."""
    try:
        data = orjson.loads(zlib.decompress(blob))
    except (zlib.error, orjson.JSONDecodeError):
        return {}, {}
    if type(data) is not dict or data.get("algorithm") != ALGORITHM or array("i").itemsize != 4:
        return {}, {}
    try:
        automata = {key: None if found is None else tuple(_table(base64.b64decode(t)) for t in found)
                    for key, found in data["automata"].items()}
        return automata, dict(data["first"])
    except (KeyError, TypeError, ValueError, AttributeError):  # not a store this module wrote
        return {}, {}


def write_store(pattern_lists: Iterable[list[str]], patterns: Iterable[str], source: str = "") -> bytes:
    """The store of the automata of ``pattern_lists`` and the first digits of ``patterns``,
    built here (never read from another store); ``source`` says where the patterns came from."""
    def packed(found: tuple[array[int], array[int]] | None) -> list[str] | None:
        if found is None:
            return None
        parts = []
        for table in found:
            little = array("i", table)
            if sys.byteorder == "big":  # pragma: no cover
                little.byteswap()
            parts.append(base64.b64encode(little.tobytes()).decode("ascii"))
        return parts

    def digits(found: frozenset[str] | None) -> str | None:
        return None if found is None else "".join(sorted(found))

    data = {"algorithm": ALGORITHM, "source": source,
            "automata": {_key(p): packed(build(p)) for p in pattern_lists},
            "first": {p: digits(build_first_digits(p)) for p in patterns}}
    return zlib.compress(orjson.dumps(data, option=orjson.OPT_SORT_KEYS), 9)
