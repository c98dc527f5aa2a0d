"""The digit automata: walking a string gives exactly the patterns whose re.fullmatch says yes,
for every pattern phonenumbers' metadata holds, on random and near-example digit strings."""

from __future__ import annotations

import random
import re

import phonenumbers as pn
import pytest

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
