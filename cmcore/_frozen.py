"""``FrozenMap``: the read-only mapping that parsed results keep their extra fields in.

Unlike ``types.MappingProxyType`` it pickles and deep-copies, so results can be shipped to the
workers of a pool or a cluster and compare equal there. A map may lay its own items over a
``base`` map that many maps share (the envelope-level fields of a status report, say): each
holds only its own items, so n maps over one base of k items cost n + k, not n × k.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, TypeVar

K = TypeVar("K")
V = TypeVar("V")

__all__ = ["MAX_NESTING", "FrozenMap", "too_deep"]

#: How deep a kept value may nest: deeper, and repr, pickle and == would run out of stack.
MAX_NESTING = 100


def too_deep(value: Any, limit: int = MAX_NESTING) -> bool:
    """Whether the lists and dicts of ``value`` nest more than ``limit`` levels (walked with
    a stack, not recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


class FrozenMap(Mapping[K, V]):
    """A read-only mapping of ``items`` laid over ``base`` (an item of ``items`` wins)."""

    __slots__ = ("_items", "_base", "_size")

    _items: dict[K, V]
    _base: Mapping[K, V]
    _size: int

    def __init__(self, items: Mapping[K, V] | None = None, base: Mapping[K, V] | None = None) -> None:
        own = dict(items) if items else {}
        under: Mapping[K, V] = base if base else {}
        object.__setattr__(self, "_items", own)
        object.__setattr__(self, "_base", under)
        object.__setattr__(self, "_size", len(under) + sum(1 for k in own if k not in under))

    def __getitem__(self, key: K) -> V:
        try:
            return self._items[key]
        except KeyError:
            return self._base[key]

    def __contains__(self, key: object) -> bool:
        return key in self._items or key in self._base

    def __iter__(self) -> Iterator[K]:
        yield from self._items
        for key in self._base:
            if key not in self._items:
                yield key

    def __len__(self) -> int:
        return self._size

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("FrozenMap is read-only")

    def __repr__(self) -> str:
        return f"FrozenMap({dict(self.items())!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return FrozenMap, (self._items, self._base or None)

    def __copy__(self) -> FrozenMap[K, V]:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> FrozenMap[K, V]:
        import copy

        return FrozenMap(copy.deepcopy(self._items, memo), copy.deepcopy(self._base, memo) or None)

    __hash__ = None  # type: ignore[assignment]  # holds values of any kind, as a dict does
