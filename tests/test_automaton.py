"""The digit automata: walking a string gives exactly the patterns whose re.fullmatch says yes,
for every pattern phonenumbers' metadata holds, on random and near-example digit strings."""

from __future__ import annotations

import random
import re
import zlib

import orjson
import phonenumbers as pn
import pytest

from cmcore import _automaton, _phone
from cmcore._automaton import automaton, walk

ATTRS = ["general_desc", "fixed_line", "mobile", "toll_free", "premium_rate", "shared_cost",
         "personal_number", "voip", "pager", "uan", "voicemail"]


def patterns(region: str) -> list[str]:
    metadata = pn.PhoneMetadata.metadata_for_region(region)
    return [getattr(metadata, a).national_number_pattern for a in ATTRS
            if getattr(metadata, a) is not None and getattr(metadata, a).national_number_pattern]


@pytest.mark.parametrize("region", sorted(pn.SUPPORTED_REGIONS))
def test_the_automaton_says_what_fullmatch_says(region: str) -> None:
    found = patterns(region)
    built = automaton(found)
    assert built is not None
    compiled = [re.compile(p) for p in found]
    rng = random.Random(region)
    examples = [str(n.national_number) for t in range(12)
                if (n := pn.example_number_for_type(region, t)) is not None]
    for _ in range(200):
        if examples and rng.random() < 0.7:
            digits = rng.choice(examples)
            cut = rng.randrange(len(digits) + 1)
            digits = digits[:cut] + "".join(rng.choice("0123456789") for _ in range(rng.randrange(3)))
        else:
            digits = "".join(rng.choice("0123456789") for _ in range(rng.randrange(18)))
        want = sum(1 << i for i, c in enumerate(compiled) if c.fullmatch(digits))
        assert walk(*built, digits) == want, (region, digits)


@pytest.mark.parametrize("pattern, accepted, refused", [
    (r"\d{2,4}", ["12", "1234"], ["1", "12345", ""]),
    (r"(?:1|23)*4", ["4", "14", "23234", "1231234"], ["", "2", "234x"]),
    (r"[2-4]?0", ["0", "20", "40"], ["50", "200"]),
    (r"", [""], ["1"]),
])
def test_small_patterns(pattern: str, accepted: list[str], refused: list[str]) -> None:
    built = automaton([pattern])
    assert built is not None
    assert all(walk(*built, s) == 1 for s in accepted if s.isdigit() or s == "")
    assert all(walk(*built, s) == 0 for s in refused if s.isdigit() or s == "")


@pytest.mark.parametrize("pattern", [r"(?=1)\d", r"[^1]", r"\d$", r"(1)\1", r"."])
def test_what_it_does_not_turn_into_states_gives_none(pattern: str) -> None:
    assert automaton([pattern]) is None


# -- the store of built automata (cmcore/_automata.bin) -------------------------------------------

def test_the_store_answers_what_building_answers() -> None:
    """Every automaton and first-digit set the shipped store holds is what building gives now:
    a change to the construction without a new ALGORITHM (or a rebuilt store) fails here."""
    automata, first = _automaton._store()
    assert automata and first, "the shipped store is missing or unreadable: run tools/build_automata.py"
    for key, stored in automata.items():
        built = _automaton.build(key.split("\x00"))
        assert (None if stored is None else tuple(stored)) == built, key[:80]
    for pattern, digits in first.items():
        found = _automaton.build_first_digits(pattern)
        assert (None if digits is None else frozenset(digits)) == found, pattern


def test_the_store_covers_what_warm_up_compiles() -> None:
    """With the phonenumbers the store was made from, warm_up() builds nothing itself."""
    built: list[object] = []
    saved = _automaton.build, _automaton.build_first_digits
    try:
        _automaton.build = lambda p: built.append(p) or saved[0](p)  # type: ignore[assignment]
        _automaton.build_first_digits = lambda p: built.append(p) or saved[1](p)  # type: ignore[assignment]
        for table in (_phone._PLANS, _phone._COUNTRIES, _phone._REGIONS):
            table.clear()
        _phone.warm_up()
    finally:
        _automaton.build, _automaton.build_first_digits = saved
    source = orjson.loads(zlib.decompress(_automaton._store_bytes()))["source"]
    if source != f"phonenumbers {pn.__version__}":
        pytest.skip(f"the store was made from {source}, this is phonenumbers {pn.__version__}")
    assert built == []


def test_a_store_round_trips_and_a_bad_one_is_empty() -> None:
    lists, patterns = [[r"\d{2}", r"1\d"], [r"(?=1)\d"]], [r"[2-4]\d", r"\d*"]
    automata, first = _automaton.read_store(_automaton.write_store(lists, patterns))
    assert automata[_automaton._key(lists[0])] == _automaton.build(lists[0])
    assert automata[_automaton._key(lists[1])] is None
    assert first == {r"[2-4]\d": "234", r"\d*": None}
    assert _automaton.read_store(b"not zlib") == ({}, {})
    other = zlib.compress(orjson.dumps({"algorithm": _automaton.ALGORITHM + 1, "automata": {}, "first": {}}))
    assert _automaton.read_store(other) == ({}, {})


def test_a_pattern_the_store_lacks_is_built() -> None:
    pattern = r"9{3}[05]\d{2,3}"  # not one of phonenumbers'
    assert _automaton._key([pattern]) not in _automaton._store()[0]
    assert automaton([pattern]) == _automaton.build([pattern])
    assert walk(*automaton([pattern]), "999512") == 1
