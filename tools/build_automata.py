"""Write ``cmcore/_automata.bin``: the digit automata and first digits of every pattern that
``warm_up()`` compiles from the installed phonenumbers, so that a process loads them instead
of building them (``cmcore/_automaton.py`` says how the store is used and why it is safe).

Run it after upgrading phonenumbers or changing ``_automaton.ALGORITHM``:

    python tools/build_automata.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import phonenumbers

from cmcore import _automaton, _phone


def collect() -> tuple[list[list[str]], list[str]]:
    """The pattern lists and patterns ``warm_up()`` asks the automaton module about."""
    lists: dict[str, list[str]] = {}
    patterns: dict[str, None] = {}
    built, first = _automaton.automaton, _automaton.first_digits

    def automaton(found: list[str]) -> object:
        lists.setdefault(_automaton._key(found), list(found))
        return _automaton.build(found)

    def first_digits(pattern: str) -> object:
        patterns.setdefault(pattern)
        return _automaton.build_first_digits(pattern)

    _automaton.automaton, _automaton.first_digits = automaton, first_digits  # type: ignore[assignment]
    try:
        for table in (_phone._PLANS, _phone._COUNTRIES, _phone._REGIONS):
            table.clear()
        _phone.warm_up()
        for region in sorted(phonenumbers.SUPPORTED_REGIONS):
            _phone._region_plan(region)
    finally:
        _automaton.automaton, _automaton.first_digits = built, first
    return list(lists.values()), list(patterns)


def main() -> None:
    lists, patterns = collect()
    blob = _automaton.write_store(lists, patterns, f"phonenumbers {phonenumbers.__version__}")
    out = Path(_automaton.__file__).with_name(_automaton.STORE)
    out.write_bytes(blob)
    print(f"{out}: {len(lists)} automata, {len(patterns)} patterns, {len(blob):,} bytes "
          f"(phonenumbers {phonenumbers.__version__})", file=sys.stderr)


if __name__ == "__main__":
    main()
