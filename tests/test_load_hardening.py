"""load_json on hostile input: only PayloadError, nothing dropped or changed silently, duplicate
keys found where the input cannot forge them, the same errors in the same order on every run,
and the product token in none of them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from typing import Any

import pytest

import cmcore

TOKEN = "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"


def payload(msg: dict[str, Any] | None = None, **top: Any) -> dict[str, Any]:
    msg = msg if msg is not None else {"from": "CM", "to": [{"number": "0031612345678"}], "body": {"content": "hi"}}
    return {"messages": {"authentication": {"producttoken": TOKEN}, "msg": [msg]}, **top}


def problems(data: bytes | str) -> list[tuple[int, str]]:
    with pytest.raises(cmcore.PayloadError) as info:
        cmcore.load_json(data)
    return [(e.code, e.location) for e in info.value.errors]


def test_a_key_spelled_like_an_old_sentinel_cannot_hide_a_duplicate() -> None:
    forged = ('{"messages": {"authentication": {"producttoken": "%s"}, "msg": []}, '
              '"MESSAGES": {"authentication": {"producttoken": "%s"}, "msg": []}, '
              '"\\u0000duplicates": []}' % (TOKEN, "f" * 36))
    found = problems(forged)
    assert (202, "request") in found


@pytest.mark.parametrize("key", ["\x00duplicates", "\x00", "\x00from", "\x00\x00x"])
def test_keys_that_start_with_nul_are_unknown_keys(key: str) -> None:
    data = payload()
    data["messages"]["msg"][0][key] = 1
    assert problems(json.dumps(data)) == [(305, f"msg[0].{key}")]


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e400", "-1e400", "1" * 5000])
def test_numbers_json_cannot_keep_are_refused_not_nulled(number: str) -> None:
    text = json.dumps(payload()).replace('"hi"}', '"hi"}, "dcs": ' + number, 1)
    assert problems(text) == [(202, "body")]


def test_deep_nesting_is_a_payload_error() -> None:
    assert problems("[" * 100_000 + "]" * 100_000) == [(202, "body")]
    deep = json.dumps(payload()).replace('"hi"}', '"hi"}, "x": ' + "[" * 500 + "]" * 500, 1)
    assert problems(deep) == [(305, "msg[0].x")]  # read, and reported as the unknown key it is
    deeper = json.dumps(payload()).replace('"hi"}', '"hi"}, "x": ' + "[" * 50_000 + "]" * 50_000, 1)
    assert problems(deeper) == [(202, "body")]


@pytest.mark.parametrize("data", [b"\xff\xfe\x00", b'{"messages": "\xe9"}', "\ud800", '{"a": "\\ud800"}', b"", "  "])
def test_undecodable_or_odd_text_is_a_payload_error(data: bytes | str) -> None:
    with pytest.raises(cmcore.PayloadError):
        cmcore.load_json(data)


def test_a_to_number_without_quotes_is_reported_not_rounded() -> None:
    text = json.dumps(payload()).replace('"0031612345678"', "316123456789012345678901")
    assert problems(text) == [(302, "msg[0].to[0].number")]


def test_unknown_keys_are_reported_in_input_order() -> None:
    data = payload(zeta=1, alpha=2, mid=3)
    assert problems(json.dumps(data)) == [(305, "zeta"), (305, "alpha"), (305, "mid")]


def test_the_order_of_errors_does_not_depend_on_the_hash_seed() -> None:
    script = (
        "import cmcore, json\n"
        "d = {'messages': {'authentication': {'producttoken': 'x', 'a': 1, 'b': 2, 'c': 3},"
        " 'msg': [{'from': 1, 'to': [{'number': 5, 'k': 1, 'l': 2, 'm': 3}], 'body': {'content': 'x', 'p': 1, 'q': 2},"
        " 'x': 1, 'y': 2, 'z': 3}], 'e': 1, 'f': 2}, 'g': 1, 'h': 2}\n"
        "try:\n    cmcore.load_json(json.dumps(d))\n"
        "except cmcore.PayloadError as e:\n    print([(x.code, x.location) for x in e.errors])\n"
    )
    seen = set()
    for seed in ("1", "2", "3", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env,
                             cwd=tempfile.gettempdir(), check=True).stdout
        seen.add(out)
    assert len(seen) == 1, seen


@pytest.mark.parametrize("where", ["key", "from", "reference", "channel", "number"])
def test_the_token_is_in_no_load_error(where: str) -> None:
    msg: dict[str, Any] = {"from": "CM", "to": [{"number": "0031612345678"}], "body": {"content": "hi"}}
    if where == "key":
        msg[TOKEN] = 1
    elif where == "from":
        msg["from"] = [TOKEN]
    elif where == "reference":
        msg["reference"] = {TOKEN: 1}
    elif where == "channel":
        msg["allowedChannels"] = [TOKEN, 5]
    else:
        msg["to"] = [{"number": TOKEN, TOKEN: 2}]
    with pytest.raises(cmcore.PayloadError) as info:
        cmcore.load_json(json.dumps(payload(msg)))
    for error in (info.value, *info.value.errors):
        assert TOKEN not in str(error) and TOKEN not in error.location


def test_load_rich_content_takes_a_callers_dict() -> None:
    rich = cmcore.load_rich_content({"conversation": [{"Text": "hi"}]})
    assert rich.conversation[0].text == "hi"
    with pytest.raises(cmcore.PayloadError) as info:
        cmcore.load_rich_content({"conversation": [{"text": "a", "TEXT": "b"}]})
    assert [e.code for e in info.value.errors] == [202]
    with pytest.raises(cmcore.PayloadError):
        cmcore.load_rich_content({1: "x"})  # type: ignore[dict-item]


@pytest.mark.parametrize("document", [
    '{"messages": {"authentication": {"producttoken": "%s", "PRODUCTTOKEN": 5}, "msg": [{"body": {"type": "%s"}}]}}',
    '{"messages": {"authentication": {"producttoken": "%s"}, "Authentication": 2, "msg": [{"body": {"type": "%s"}}]}}',
    '{"messages": {"msg": [{"body": {"type": "%s"}}], "x": {"productToken": "%s"}}}',
])
def test_every_text_given_as_the_token_is_kept_out_of_the_errors(document: str) -> None:
    with pytest.raises(cmcore.PayloadError) as info:
        cmcore.load_json(document % (TOKEN, TOKEN))
    for error in (info.value, *info.value.errors):
        assert TOKEN not in str(error) and TOKEN not in repr(error)
