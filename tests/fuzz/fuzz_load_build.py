"""Fuzz ``load_json()`` and the builders (``build_json``, ``build_xml``, ``build_query``) on
what it loads, under both kernels.

The input is one header byte (how the JSON is passed) and a send request; seeds are the
spec's examples with ``TOKEN`` as their product token. No error may show the product token
the input gives (as written or as repr escapes it, or its first 16 characters), wherever else
the input puts it too; where it is only the product token, no repr may show it either, and the
built bytes hold it only as their product token. Where a request builds, loading the JSON
built gives the same request, which builds the same bytes.
"""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

import _common as c
import orjson
from lxml import etree

import cmcore

ERRORS = (cmcore.PayloadError,)


def _tree(body: bytes) -> Any:
    """The input as parsed by json, objects as lists of (key, value) pairs; None if it is no JSON."""
    try:
        return json.loads(body.decode("utf-8", "surrogatepass"), object_pairs_hook=lambda items: items)
    except (ValueError, RecursionError):
        return None


def _strings(tree: Any) -> list[tuple[tuple[str, ...], str, bool]]:
    """(path, string, is it a key) of every string in the parsed input."""
    out, stack = [], [((), tree)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, str):
            out.append((path, node, False))
        elif isinstance(node, list):
            for item in node:
                if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str):
                    out.append(((*path, item[0]), item[0], True))
                    stack.append(((*path, item[0].lower()), item[1]))
                else:
                    stack.append(((*path, "[]"), item))
    return out


AUTH = ("messages", "authentication", "producttoken")


def secrets(tree: Any) -> list[str]:
    """The product tokens the input gives (``authentication.productToken``, keys in any case)
    that hold the planted token: others are too short or too plain to look for."""
    return [text for path, text, key in _strings(tree) if path == AUTH and not key and c.leaks(text)]


def windows(secret: str, tree: Any) -> list[str]:
    """What shows the secret: itself as written and as ``repr``/``ascii`` escape it, or the
    first 16 characters of one of those (a message cut short) where they hold a piece of the
    token and no other string of the input holds them but as the start of the whole secret
    (else they may be that string's own)."""
    forms = {secret, repr(secret)[1:-1], ascii(secret)[1:-1]}
    others = [text for path, text, key in _strings(tree) if key or path != AUTH]
    cut = {form[:16] for form in forms if c.leaks(form[:16])}
    return sorted(forms | {p for p in cut if not any(p in t.replace(secret, "") for t in others)})


def shows(texts: list[str], found: list[str]) -> str | None:
    for text in texts:
        if any(w in text for w in found):
            return text
    return None


def only_in_auth(tree: Any, found: list[str]) -> bool:
    """Whether no string but the product token itself holds a piece of it."""
    return all(path == AUTH and not key for path, text, key in _strings(tree) if any(w in text for w in found))


def rest_of_json(built: bytes, token: str) -> str:
    doc = orjson.loads(built)
    assert doc["messages"]["authentication"]["producttoken"] == token, "the token is not the product token"
    doc["messages"]["authentication"]["producttoken"] = ""
    return orjson.dumps(doc).decode()


def rest_of_xml(built: bytes, token: str) -> str:
    root = etree.fromstring(built)
    [element] = root.iter("PRODUCTTOKEN")
    assert element.text == token, "the token is not the product token"
    element.text = ""
    return etree.tostring(root, encoding="unicode")


def rest_of_query(built: str, token: str) -> str:
    params = urllib.parse.parse_qsl(built, keep_blank_values=True)
    assert [v for k, v in params if k == "producttoken"] == [token], "the token is not the product token"
    return repr([(k, v) for k, v in params if k != "producttoken"])


BUILDERS = [(cmcore.build_json, rest_of_json, cmcore.json_request), (cmcore.build_xml, rest_of_xml, cmcore.xml_request),
            (cmcore.build_query, rest_of_query, cmcore.query_request)]


def no_leak(outcome: c.Outcome, call: str, found: list[str], results: bool) -> None:
    """No error shows the token, wherever the input put it; nor, where it is only the product
    token, the repr of a result."""
    texts = c.error_texts(outcome.error) if outcome.error is not None else [repr(outcome.value)] if results else []
    text = shows(texts, found)
    if text is not None:
        where = outcome.error.location if isinstance(outcome.error, cmcore.PayloadError) else "result"
        raise c.Finding("leak", f"the token is in {text[:800]!r}\n  from {call}", c._digitless(str(where)))


def build(loaded: dict[str, c.Outcome], shown: str, found: list[str], strict: bool) -> None:
    for builder, rest, http in BUILDERS:
        call = f"cmcore.{builder.__name__}(cmcore.load_json({shown}))"
        outcomes = {}
        for kernel in ("c", "py"):
            c.use(kernel)
            outcomes[kernel] = c.run(builder, loaded[kernel].value)
        c.use("c")
        for outcome in outcomes.values():
            c.typed(outcome, call, ERRORS, "text")
        c.agree(outcomes, call)
        built = outcomes["c"]
        no_leak(built, call, found, results=False)
        if built.error is not None:
            continue
        token = loaded["c"].value.product_token.reveal()
        if strict and shows([rest(built.value, token), repr(http(loaded["c"].value))], found):
            raise c.Finding("leak", f"the token is in the built request, not as its product token: {call}",
                            builder.__name__)
        if builder is cmcore.build_json:
            again = c.run(lambda: cmcore.build_json(cmcore.load_json(built.value)))
            if again.describe() != built.describe():
                raise c.Finding("roundtrip", f"{call} gives {c.show(built.value)}, which loads and builds as "
                                             f"{again.describe()[:1500]}", again.describe()[:30])


def check(data: bytes) -> None:
    given = c.Input.of(data, either=(bytearray, memoryview))
    shown = given.shown("ARG")
    loaded = c.both(cmcore.load_json, given.value)
    for outcome in loaded.values():
        c.typed(outcome, f"cmcore.load_json({shown})", ERRORS, given.form)
    c.agree(loaded, f"cmcore.load_json({shown})")
    tree = _tree(given.body)
    found = [w for secret in secrets(tree) for w in windows(secret, tree)]
    strict = bool(found) and only_in_auth(tree, found)
    no_leak(loaded["c"], f"cmcore.load_json({shown})", found, results=strict)
    if loaded["c"].error is None:
        build(loaded, shown, found, strict)


if __name__ == "__main__":
    SEEDS = c.request_seeds()
    c.main(check, SEEDS, c.mutator(SEEDS, "json", c.fragments()))
