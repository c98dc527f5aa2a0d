"""What every atheris harness shares: the seed corpus, the structure-aware mutator, the kernel
switch and the checks, so that each fuzz_*.py says only what it calls.

The checks, each of which stops the run with the input (or, with ``--keep-going=FILE``, logs
it once a signature and goes on):

* a crash (libFuzzer reports it with the input);
* an untyped error: a parser may raise ``ResponseError`` or ``PayloadError`` only, and
  ``TypeError`` only for input that is not bytes or str;
* a disagreement between the compiled kernels and the pure-Python twins: equal results
  (their ``repr``) or equal errors (type, message, code, location, every one in ``.errors``);
* a leaked product token: the planted ``TOKEN`` (any 12 characters of it, in any case) in a
  ``str()``/``repr()`` of a result, of an error or of any error in ``.errors`` or in its
  chain. A parser is held to this where every copy of the token in its input follows the
  gateway's echo ``Parameter 'producttoken' contains an invalid value:`` (a token in a
  reference field is data, and comes back as data).

The mutator parses a seed (or the input) as JSON, XML, text words or TLVs, changes the tree
(types, key case, duplicate and NUL-prefixed keys, deep nesting, huge numbers, NaN, non-ASCII
digits, lone surrogates, the token in its echo), writes it back, and now and then lets
libFuzzer change bytes. Seeds come from the spec: ``tests/data/spec`` and the spec text in
``shared/spec`` beside the clone (or ``CMCORE_SPEC_DIR``).
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import random
import re
import sys
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import atheris

# --instrument: cmcore's Python code reports coverage to libFuzzer, which then keeps the inputs
# that reach new code (slower a run, deeper a campaign). The compiled kernels never do.
with atheris.instrument_imports(include=["cmcore"]) if "--instrument" in sys.argv else contextlib.nullcontext():
    import cmcore
    from cmcore import _json, _wire_py
    from cmcore._models import Message

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "tests" / "data" / "spec"
TOKEN = "0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d"
PHRASE = "Parameter 'producttoken' contains an invalid value: "
_WINDOWS = [TOKEN[i:i + 12] for i in range(len(TOKEN) - 11)]
_ECHO = re.compile(r"parameter 'producttoken' contains an invalid value:?\s*(?:\\?['\"])?[0-9a-f'\"\-]*", re.I)


# -- the product token ------------------------------------------------------------------------

def echoes() -> list[str]:
    """The gateway's echo of a bad token, as it comes and as it might come."""
    return [f"{PHRASE}'{TOKEN}'", f'{PHRASE}"{TOKEN}"', f"{PHRASE}'{TOKEN}", f"{PHRASE}{TOKEN}",
            f"{PHRASE}'{TOKEN[:8]}'{TOKEN[8:]}'", f"{PHRASE}'{TOKEN.upper()}'", f"{PHRASE.upper()}'{TOKEN}'",
            f"{PHRASE}'{TOKEN}'.", f"{PHRASE}'{TOKEN}' and more", f"{PHRASE}'\n{TOKEN}'",
            f"{PHRASE}  '{TOKEN}'", f"{PHRASE}'{TOKEN}''{TOKEN}'", f"Error: ERROR {PHRASE}'{TOKEN}'"]


def leaks(text: str) -> bool:
    """Whether 12 characters of the token, in any case, are in ``text``."""
    low = text.lower()
    return any(window in low for window in _WINDOWS)


def in_keys(body: bytes) -> bool:
    """Whether a JSON key of the input holds the token (a gateway never writes one there)."""
    found: list[bool] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        found.extend(leaks(k) for k, _ in items)
        return dict(items)
    try:
        json.loads(body.decode("utf-8", "surrogatepass"), object_pairs_hook=pairs)
    except (ValueError, RecursionError):
        return leaks(body.decode("utf-8", "replace"))  # no telling where: not held to it
    return any(found)


_FORM = re.compile(r"(?<![0-9a-f])[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![0-9a-f])", re.I)


def echo_only(texts: Iterable[str], formed: bool = False) -> bool:
    """True where every copy of the token in ``texts`` follows the gateway's echo, or (with
    ``formed``) is a whole string of the token's form, 8-4-4-4-12 hexadecimal digits."""
    def rest(text: str) -> str:
        text = _ECHO.sub("", text)
        return _FORM.sub("", text) if formed else text
    return not any(leaks(rest(text)) for text in texts)


# -- the spec's examples ----------------------------------------------------------------------

def _spec_texts() -> list[str]:
    found = [Path(os.environ["CMCORE_SPEC_DIR"])] if os.environ.get("CMCORE_SPEC_DIR") else []
    found += [ROOT.parent / "shared" / "spec", Path("/work/shared/spec")]
    for folder in found:
        files = sorted(folder.glob("*.txt")) if folder.is_dir() else []
        if files:
            return [f.read_text(encoding="utf-8") for f in files]
    print("fuzz: the spec text is not beside the clone; seeds from tests/data only", file=sys.stderr)
    return []


def _uncomment(text: str) -> str:
    return re.sub(r"\s*//[^\n\"]*$", "", text, flags=re.M)


def json_examples() -> list[str]:
    """Every JSON example of both spec editions that parses once its comments are gone."""
    out = []
    for path in sorted((SPEC / "examples").glob("*.json")) + sorted(SPEC.glob("*.json")):
        text = _uncomment(path.read_text(encoding="utf-8"))
        try:
            json.loads(text)
        except ValueError:
            continue
        out.append(text)
    return out


def request_seeds() -> list[bytes]:
    """The spec's send requests, with TOKEN as their product token."""
    out = []
    for text in json_examples():
        doc = json.loads(text)
        if isinstance(doc, dict) and "messages" in doc:
            auth = doc["messages"].setdefault("authentication", {})
            for key in list(auth) or ["productToken"]:
                auth[key] = TOKEN
            out.append(json.dumps(doc, ensure_ascii=False).replace("00316012345678", "0031612345678").encode())
    return out


def fragments() -> list[Any]:
    """Subtrees of every spec example (rich content, suggestions, ...), for splicing."""
    found: list[Any] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            found.append(node)
            for value in node:
                walk(value)
    for text in json_examples():
        walk(json.loads(text))
    return found


_REPORT_VALUES = [
    {"[CREATED_S]": "2024-07-01T14:05:09", "[GSM]": "0031612345678", "[REFERENCE]": "order-17",
     "[STATUS]": "3", "[STATUSDESCRIPTION]": "24", "[STANDARDERRORTEXT]": "Unreachable", "[OPERATOR]": "20416"},
    {"[CREATED_S]": "2024-10-27 02:30:00", "[GSM]": "0044791112345", "[REFERENCE]": "",
     "[STATUS]": "2", "[STATUSDESCRIPTION]": "", "[STANDARDERRORTEXT]": "", "[OPERATOR]": ""},
    {"[CREATED_S]": "2024-03-31T02:30:00Z", "[GSM]": "x", "[REFERENCE]": f"{PHRASE}'{TOKEN}'",
     "[STATUS]": "1", "[STATUSDESCRIPTION]": "7", "[STANDARDERRORTEXT]": f"{PHRASE}'{TOKEN}'", "[OPERATOR]": "1"},
]


def _fill(template: str, values: dict[str, str]) -> str:
    for placeholder, value in values.items():
        template = template.replace(placeholder, value)
    return template


def report_seeds() -> list[bytes]:
    """The spec's status report templates, as printed and filled in, JSON and XML."""
    templates = [(SPEC / name).read_text(encoding="utf-8")
                 for name in ("status_report_template.json", "status_report_template.xml")]
    for text in _spec_texts():
        templates += re.findall(r"^<MESSAGES>\n\s*<MSG RECEIVED.*?^</MESSAGES>", text, re.M | re.S)
    out = [t.encode() for t in templates]
    out += [_fill(t, v).encode() for t in templates for v in _REPORT_VALUES]
    out.append(b'{"messages": {"msg": [{"received": "2024-01-15T09:00:00", "created": "2024-01-15T08:59:58",'
               b' "sent": "2024-01-15T09:00:01", "to": "0031612345678", "reference": "r1", "status": {"code": 2,'
               b' "errorCode": "", "errorDescription": ""}, "operator": "20408", "channel": "SMS",'
               b' "customGrouping": "Campaign ABC", "messageId": "abc"}, {"to": "1", "status": {"code": "4"}}],'
               b' "sent": "2024-01-15T09:00:03"}}')
    out.append(b'<?xml version="1.0" encoding="utf-8"?>\n<MESSAGES SENT="2024-01-15T09:00:03"><MSG RECEIVED='
               b'"2024-01-15T09:00:00"><TO>0031612345678</TO><STATUS><CODE>0</CODE></STATUS><CHANNEL>SMS'
               b'</CHANNEL></MSG><MSG><TO>2</TO><STATUS><CODE>4</CODE></STATUS></MSG></MESSAGES>')
    return out


_KNOWN_TEXTS = ["No account found for the given authentication", "Insufficient balance.",
                "Message is unrouteable.", "Invalid product token.", "No FROM field found in a MSG node.",
                "Parameter 'body' is required", "Parameter 'to' contains an invalid value: '00316'",
                "Rejected: Gsm '0031abc' is not a number.", "No sender name provided", "Unknown error"]


def response_seeds() -> list[bytes]:
    """The spec's JSON responses, its JSON details, and its XML/GET error texts."""
    out = [_uncomment((SPEC / f).read_text(encoding="utf-8")).encode()
           for f in ("json_response_200_mixed.json", "json_response_400_all_rejected.json",
                     "json_response_400_no_account.json")]
    texts = list(_KNOWN_TEXTS)
    details = []
    for spec in _spec_texts():
        texts += [m.strip() for m in re.findall(r"^(?:\d{3} )?Error: ERROR (.+?)(?:\.\s|$)", spec, re.M)]
        details += re.findall(r'"(?:details|messageDetails)": "([^"]+)"', spec)
    out += [f"Error: ERROR {t}".encode() for t in dict.fromkeys(texts)]
    out += [json.dumps({"details": d, "errorCode": 201, "messages": [
        {"to": "0031612345678", "status": "Rejected", "reference": "r", "parts": 0, "messageDetails": d,
         "messageErrorCode": 304}]}).encode() for d in dict.fromkeys(details)]
    out += [f"Error: ERROR {e}".encode() for e in echoes()]
    out += [json.dumps({"details": e, "errorCode": 103, "messages": []}).encode() for e in echoes()]
    out += [b"", b"\r\n", b"\xef\xbb\xbf"]
    return out


def receipt_seeds() -> list[bytes]:
    """Delivery receipts in the spec's format, with its states and CM's DELIVERD."""
    out = [b"id:0123456789abcdef0123456789abcdef submit date:20240131235959 done date:20240201000102 stat:DELIVRD err:000",
           b"id:abc sub:001 dlvrd:001 submit date:2401312359 done date:2402010001 stat:DELIVERD err:000 text:Hello there",
           b"stat:UNDELIV err:024 id:x done date:240201000102",
           b"id:7 stat:ENROUTE", b"id:7 stat:expired err:7 text:" + PHRASE.encode() + b"'" + TOKEN.encode() + b"'"]
    for spec in _spec_texts():
        out += [line.encode() for line in re.findall(r"^id:\S+ submit date:.*$", spec, re.M)]
    return out


def tlv_seeds() -> list[bytes]:
    """CM's TLVs 0x1401 (MCC/MNC) and 0x140A (tariff), and an unknown one."""
    def tlv(tag: int, value: bytes) -> bytes:
        return tag.to_bytes(2, "big") + len(value).to_bytes(2, "big") + value
    return [tlv(0x1401, b"20416\x00") + tlv(0x140A, b"15\x00"), tlv(0x1401, b"204080"), tlv(0x140A, b"999999"),
            tlv(0x0427, b"\x02") + tlv(0x001E, b"msgid\x00"), b""]


# -- JSON trees ---------------------------------------------------------------------------------

class Obj(list):  # type: ignore[type-arg]
    """A JSON object as a list of [key, value] pairs, so that keys may repeat."""


@dataclass
class Raw:
    """Literal JSON text: NaN, 1e999, -0, deep nesting, anything json.dumps would not write."""

    text: str


def parse_json(data: bytes) -> Any:
    text = data.decode("utf-8", "surrogatepass")
    return json.loads(text, object_pairs_hook=lambda pairs: Obj([list(p) for p in pairs]),
                      parse_float=Raw, parse_constant=Raw)


def dump_json(node: Any, ascii_only: bool = False) -> bytes:
    return _dump(node, ascii_only).encode("utf-8", "surrogatepass")


def _dump(node: Any, ascii_only: bool) -> str:
    if isinstance(node, Obj):
        return "{" + ",".join(f"{_dump(k, ascii_only)}:{_dump(v, ascii_only)}" for k, v in node) + "}"
    if isinstance(node, list):
        return "[" + ",".join(_dump(v, ascii_only) for v in node) + "]"
    if isinstance(node, Raw):
        return node.text
    if isinstance(node, dict):  # a fragment spliced in as parsed by json
        return "{" + ",".join(f"{_dump(k, ascii_only)}:{_dump(v, ascii_only)}" for k, v in node.items()) + "}"
    return json.dumps(node, ensure_ascii=ascii_only)


STRINGS = ["", " ", "0", "7", "٣", "²", "１２", "3.0", "-1", " 2 ", "1e3", "\x00", "\ud800", "\udfff", "a\ud800b",
           "\U0001f600", "ß", "İ", "\u212a", "\u2028", "null", "true", "Accepted", "accepted", "REJECTED",
           "Accepted ", "Maybe", "DELIVRD", "Created 7 message(s)", "Created 99999999999999999999 message(s)",
           "2024-03-31T02:30:00", "2024-10-27T02:30:00", "2024-10-27 02:30:00", "2024-01-01T00:00:00Z",
           "2024-01-01T00:00:00+14:00", "2024-01-01T00:00:00.1234567-23:59", "9999-12-31T23:59:59",
           "0001-01-01T00:00:00", "2024-02-30T00:00:00", "２０２４-01-01T00:00:00", "2024-0١-01T00:00:00",
           "2024-01-01T00:00:60", "[redacted]", "x" * 300, "0031612345678", "+31 6 12345678", "SMS", "WhatsApp",
           "auto", "AUTO", TOKEN, TOKEN.upper(), f"{TOKEN}'", f"'{TOKEN}", f'"{TOKEN}', f"{TOKEN}\x00",
           f"{TOKEN}é", f"ref {TOKEN} ref", "00000000-0000-0000-0000-000000000000", "'", '"', "\\", "{}"]
NUMBERS: list[Any] = [0, -1, 1, 2, 3, 4, 24, 101, 201, 304, 777, 2**31, 2**63, 2**64, -(2**63) - 1, 10**30,
                      Raw("1" * 400), Raw("NaN"), Raw("Infinity"), Raw("-Infinity"), Raw("1e999"), Raw("-0"),
                      Raw("-0.0"), Raw("1.0"), Raw("2E0"), Raw("1.5"), True, False, None]
KEYS = ["messages", "msg", "to", "status", "code", "errorCode", "errorDescription", "description",
        "statusDescription", "reference", "operator", "channel", "received", "created", "sent", "send",
        "customGrouping", "customGrouping3", "details", "messageDetails", "messageErrorCode", "parts",
        "authentication", "productToken", "from", "body", "content", "type", "dcs", "validity",
        "allowedChannels", "appKey", "richContent", "conversation", "suggestions", "number",
        "minimumNumberOfMessageParts", "\x00duplicates", "\x00", "\x00to", "", "__proto__", "status.code",
        "TO", "Status", "ṡtatus", "\u212aey", "x" * 200]


def _slots(root: list[Any]) -> list[tuple[list[Any], int]]:
    """Every place a value sits in the tree under ``root`` (a one-item list): (holder, index)."""
    out: list[tuple[list[Any], int]] = []
    stack: list[Any] = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, Obj):
            for pair in node:
                out.append((pair, 1))
                stack.append(pair[1])
        elif isinstance(node, list):
            for i, item in enumerate(node):
                out.append((node, i))
                stack.append(item)
    return out


def _all(root: list[Any]) -> list[Any]:
    return [holder[i] for holder, i in _slots(root)]


def _case(rng: random.Random, key: str) -> str:
    how = rng.randrange(5)
    if how == 0:
        return key.upper()
    if how == 1:
        return key.lower()
    if how == 2:
        return key.swapcase()
    if how == 3:
        return "".join(c.upper() if rng.random() < 0.5 else c for c in key)
    return key.replace("s", "ſ").replace("k", "\u212a").replace("i", "İ")


def scalar(rng: random.Random) -> Any:
    pick = rng.randrange(10)
    if pick < 4:
        return rng.choice(STRINGS)
    if pick < 7:
        return rng.choice(NUMBERS)
    if pick == 7:
        return rng.choice(echoes())
    if pick == 8:
        return rng.choice([[], Obj(), [rng.choice(STRINGS)], Obj([["code", "2"]])])
    return "".join(chr(rng.choice([rng.randrange(32, 127), rng.randrange(0x80, 0x3000), 0x663, 0xB2, 0xD800]))
                   for _ in range(rng.randrange(1, 12)))


def _nest(rng: random.Random, value: Any) -> Any:
    depth = rng.choice([2, 30, 200, 600, 1100, 2500])
    if rng.random() < 0.5:
        return Raw("[" * depth + _dump(value, False) + "]" * depth)
    return Raw('{"a":' * depth + _dump(value, False) + "}" * depth)


def mutate_json(rng: random.Random, tree: Any, splice: list[Any]) -> Any:
    """One structural change of a JSON tree (returned: the root may change)."""
    root = [tree]
    slots = _slots(root)
    objects = [n for n in [tree, *_all(root)] if isinstance(n, Obj)]
    holder, i = rng.choice(slots) if slots else (root, 0)
    op = rng.randrange(16)
    if op >= 12:  # the gentle change, so that most inputs still load: a leaf for one of its type
        leaves = [(h, j) for h, j in slots if isinstance(h[j], (str, int)) and not (isinstance(h, list) and
                                                                                  len(h) == 2 and j == 0)]
        if leaves:
            holder, i = rng.choice(leaves)
            same = [v for v in STRINGS + echoes() if isinstance(holder[i], str)] or \
                [v for v in NUMBERS if type(v) is type(holder[i])]
            holder[i] = rng.choice(same or NUMBERS)
    elif op == 0:
        holder[i] = scalar(rng)
    elif op == 1 and objects:
        obj = rng.choice(objects)
        if obj:
            entry = rng.choice(obj)
            entry[0] = _case(rng, entry[0])
    elif op == 2 and objects:
        obj = rng.choice(objects)
        if obj:
            key, value = rng.choice(obj)
            obj.insert(rng.randrange(len(obj) + 1), [rng.choice([key, _case(rng, key)]),
                                                      rng.choice([value, scalar(rng)])])
    elif op == 3 and objects:
        obj = rng.choice(objects)
        if obj:
            del obj[rng.randrange(len(obj))]
    elif op == 4 and objects:
        rng.choice(objects).insert(0, [rng.choice(KEYS), scalar(rng)])
    elif op == 5:
        holder[i] = _nest(rng, holder[i])
    elif op == 6:
        holder[i] = rng.choice(STRINGS + echoes())
    elif op == 7 and isinstance(holder[i], str):
        at = rng.randrange(len(holder[i]) + 1)
        holder[i] = holder[i][:at] + rng.choice(echoes() + STRINGS) + holder[i][at:]
    elif op == 8 and splice:
        holder[i] = copy.deepcopy(rng.choice(splice))  # a copy: the pool is shared, and a tree holding itself loops
    elif op == 9:
        value = holder[i]
        holder[i] = [value] if not isinstance(value, list) or isinstance(value, Obj) else (value[:1] or Obj())
        if isinstance(value, list) and not isinstance(value, Obj) and value and rng.random() < 0.5:
            holder[i] = value + value
    elif op == 10:
        holder[i] = rng.choice(NUMBERS)
    else:
        holder[i] = rng.choice([Obj([[rng.choice(KEYS), scalar(rng)]]), [scalar(rng)], None])
    return root[0]


# -- XML trees ----------------------------------------------------------------------------------

@dataclass
class El:
    tag: str
    attrs: list[list[str]]
    text: str
    children: list[Any]
    tail: str


def parse_xml_tree(data: bytes) -> El | None:
    """A tree of ``El`` (comments and PIs kept as raw markup), or None where lxml refuses."""
    from lxml import etree
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_comments=False)
    try:
        root = etree.fromstring(data, parser)
    except (etree.LxmlError, ValueError):
        return None
    return _el(root)


def _el(node: Any) -> Any:
    from lxml import etree
    if not isinstance(node.tag, str):
        markup = etree.tostring(node, with_tail=False, encoding="unicode")
        return El("", [], markup, [], node.tail or "")  # tag "" marks raw markup in text
    tag = node.prefix + ":" + etree.QName(node).localname if node.prefix else etree.QName(node).localname
    attrs = [[k, v] for k, v in node.items() if not k.startswith("{")]
    attrs += [[f"xmlns:{p}", u] for p, u in node.nsmap.items() if p and (node.getparent() is None or
                                                                        node.getparent().nsmap.get(p) != u)]
    return El(tag, attrs, node.text or "", [_el(c) for c in node], node.tail or "")


def _escape(text: str, quote: bool = False) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;") if quote else text


def dump_xml_tree(node: El) -> str:
    if not node.tag:
        return node.text + _escape(node.tail)
    attrs = "".join(f' {k}="{_escape(v, True)}"' for k, v in node.attrs)
    inner = _escape(node.text) + "".join(dump_xml_tree(c) for c in node.children)
    return f"<{node.tag}{attrs}>{inner}</{node.tag}>{_escape(node.tail)}"


def _elements(root: El) -> list[El]:
    out, stack = [], [root]
    while stack:
        node = stack.pop()
        if node.tag:
            out.append(node)
            stack.extend(node.children)
    return out


XML_TAGS = ["MSG", "msg", "Msg", "TO", "to", "STATUS", "CODE", "ERRORCODE", "ERRORDESCRIPTION", "DESCRIPTION",
            "REFERENCE", "OPERATOR", "CHANNEL", "RECEIVED", "SENT", "SEND", "CREATED", "CUSTOMGROUPING",
            "MESSAGES", "n:TO", "x", "Ä", "ṠTATUS"]
XML_MARKUP = ["<!-- c -->", "<?pi x?>", "<![CDATA[<b>&]]>", "&amp;", "&#x663;", "&#0;", "&#xD800;", "&undefined;",
              "&lt;", "<!DOCTYPE x>", "&#x1F600;"]
PROLOGS = ["", '<?xml version="1.0" encoding="utf-8"?>\n', '<?xml version="1.0"?>', "\ufeff",
           '<?xml version="1.0" encoding="UTF-16"?>', '<?xml version="1.0" encoding="ISO-8859-1"?>',
           '<?xml version="1.1"?>', "  \n", '<!DOCTYPE MESSAGES [<!ENTITY e "x">]>',
           '<?xml version="1.0" encoding="utf-8"?><!DOCTYPE MESSAGES SYSTEM "http://example.com/x.dtd">']


def mutate_xml(rng: random.Random, root: El, splice: list[El]) -> El:
    """One structural change of an XML tree, in place."""
    elements = _elements(root)
    node = rng.choice(elements)
    op = rng.randrange(12)
    if op == 0:
        node.tag = rng.choice([_case(rng, node.tag), rng.choice(XML_TAGS)])
    elif op == 1 and node.children:
        twin = rng.choice(node.children)
        node.children.insert(rng.randrange(len(node.children) + 1),
                             El(_case(rng, twin.tag) if twin.tag else twin.tag, list(twin.attrs), twin.text,
                                list(twin.children), twin.tail))
    elif op == 2:
        node.attrs.append([rng.choice([*XML_TAGS[:17], *(k for k, _ in node.attrs)]).replace(":", ""),
                           rng.choice(STRINGS + echoes())])
    elif op == 3 and node.attrs:
        pair = rng.choice(node.attrs)
        pair[0] = _case(rng, pair[0])
    elif op == 4:
        node.text = rng.choice(STRINGS + echoes())
    elif op == 5:
        node.children.insert(rng.randrange(len(node.children) + 1), El("", [], rng.choice(XML_MARKUP), [], ""))
    elif op == 6 and node is not root:
        for parent in elements:
            if node in parent.children:
                parent.children.remove(node)
                break
    elif op == 7:
        depth = rng.choice([3, 100, 255, 300, 2000])
        deep = El("", [], "<x>" * depth + "1" + "</x>" * depth, [], "")
        node.children.append(deep)
    elif op == 8 and splice:
        donor = rng.choice(splice)
        node.children.append(copy.deepcopy(rng.choice(_elements(donor))))  # never an ancestor of itself
    elif op == 9:
        node.children.append(El(rng.choice(XML_TAGS), [], rng.choice(STRINGS + echoes()), [], rng.choice(["", " ", "x"])))
    elif op == 10:
        node.tail = rng.choice(["", "\n", "junk", "&amp;", rng.choice(echoes())])
    else:
        node.text = node.text + rng.choice(XML_MARKUP)
    return root


def encode_xml(rng: random.Random, root: El) -> bytes:
    """The document of ``root`` with a prologue, in the encoding the prologue names."""
    prolog = rng.choice(PROLOGS) if rng.random() < 0.3 else '<?xml version="1.0" encoding="utf-8"?>\n'
    text = prolog + dump_xml_tree(root)
    if "UTF-16" in prolog:
        return text.encode(rng.choice(["utf-16", "utf-16-le", "utf-16-be"]), "surrogatepass")
    if "8859" in prolog:
        return text.encode("latin-1", "xmlcharrefreplace")
    return text.encode("utf-8", "surrogatepass")


# -- text words and TLVs --------------------------------------------------------------------

WORDS = ["id:x", "stat:DELIVRD", "stat:DELIVERD", "stat:delivrd", "stat:UNDELIVERABLE", "stat:", "err:000",
         "err:²", "err:٣", "err:-1", "err:99999999999999999999", "submit", "date:20240131235959", "done",
         "date:2402010001", "date:²²²²²²²²²²", "date:20241301000000", "date:240230000000", "text:", "text:a:b",
         "sub:001", "dlvrd:1", ":", "id:", "ID:y", "Error:", "ERROR", "error:", "Created", "1", "message(s)",
         "Gsm", "'x'", "is", "not", "a", "number", *(w for e in echoes()[:3] for w in e.split())]
SEPARATORS = [" ", "  ", "\t", "\x00", "\r\n", "\n", "\xa0", "\u2003", "\x0b", ""]


def mutate_words(rng: random.Random, text: str) -> str:
    words = text.split(" ")
    op = rng.randrange(7)
    at = rng.randrange(len(words) + 1)
    if op == 0:
        words.insert(at, rng.choice(WORDS + STRINGS))
    elif op == 1 and words:
        del words[min(at, len(words) - 1)]
    elif op == 2 and words:
        words[min(at, len(words) - 1)] = _case(rng, words[min(at, len(words) - 1)])
    elif op == 3 and words:
        words.insert(at, rng.choice(words))
    elif op == 4:
        return rng.choice(SEPARATORS).join(words)
    elif op == 5 and any(":" in w for w in words):
        i = rng.choice([i for i, w in enumerate(words) if ":" in w])
        key = words[i].partition(":")[0]
        same = [w for w in WORDS if w.partition(":")[0].lower() == key.lower()]
        words[i] = rng.choice(same) if same and rng.random() < 0.7 else f"{key}:{rng.choice(STRINGS)}"
    else:
        words.insert(at, rng.choice(echoes() + _KNOWN_TEXTS))
    return " ".join(words)


def _tlvs(data: bytes) -> list[list[Any]] | None:
    out, pos = [], 0
    while pos + 4 <= len(data):
        length = int.from_bytes(data[pos + 2:pos + 4], "big")
        out.append([int.from_bytes(data[pos:pos + 2], "big"), data[pos + 4:pos + 4 + length]])
        pos += 4 + length
    return out if pos == len(data) else None


TLV_VALUES = [b"", b"\x00", b"20416\x00", b"204\x00", b"2041\x00", b"2041666\x00", b"20416666\x00", b"15",
              b"0\x00", b"999999", b"9999999", b"\xc2\xb2\x00", b"\xd9\xa3\x00", b"12\x003", b"-1\x00", b" 1\x00",
              b"1" * 300, PHRASE.encode() + TOKEN.encode()]


def mutate_tlvs(rng: random.Random, data: bytes) -> bytes:
    items = _tlvs(data)
    if items is None:
        return atheris.Mutate(data, len(data) + 8)
    op = rng.randrange(5)
    if op == 0 or not items:
        items.append([rng.choice([0x1401, 0x140A, 0x0427, 0, 0xFFFF]), rng.choice(TLV_VALUES)])
    elif op == 1:
        rng.choice(items)[1] = rng.choice(TLV_VALUES)
    elif op == 2:
        items.append(list(rng.choice(items)))
    elif op == 3:
        rng.choice(items)[0] = rng.choice([0x1401, 0x140A, rng.randrange(65536)])
    else:
        del items[rng.randrange(len(items))]
    out = b"".join(t.to_bytes(2, "big") + len(v).to_bytes(2, "big") + v for t, v in items)
    return out[:-1] if rng.random() < 0.05 and out else out


# -- the mutator ------------------------------------------------------------------------------

def structural(rng: random.Random, body: bytes, splice: list[Any], kind: str) -> bytes | None:
    """``body`` changed 1 to 4 times as a tree of ``kind``; None where it is not one."""
    head = body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if kind in ("json", "auto") and head in (b"{", b"["):
        try:
            tree = parse_json(body)
        except (ValueError, RecursionError):
            return None
        trees = [t for t in splice if not isinstance(t, bytes)]
        for _ in range(_times(rng)):
            tree = mutate_json(rng, tree, trees)
        return dump_json(tree, ascii_only=rng.random() < 0.5)
    if kind in ("xml", "auto") and (head == b"<" or body[:2] in (b"\xff\xfe", b"\xfe\xff")):
        root = parse_xml_tree(body)
        if root is None:
            return None
        raw = [s for s in splice if isinstance(s, bytes)]
        donor = parse_xml_tree(rng.choice(raw)) if raw else None  # parsed anew: mutate_xml changes trees
        donors = [donor] if donor is not None else []
        for _ in range(_times(rng)):
            root = mutate_xml(rng, root, donors)
        return encode_xml(rng, root)
    if kind == "tlv":
        return mutate_tlvs(rng, body)
    if kind in ("text", "auto"):
        text = body.decode("utf-8", "surrogatepass") if _utf8(body) else None
        if text is None:
            return None
        for _ in range(_times(rng)):
            text = mutate_words(rng, text)
        return text.encode("utf-8", "surrogatepass")
    return None


def _times(rng: random.Random) -> int:
    """How many changes at once: mostly one, now and then a few (libFuzzer stacks more)."""
    return 1 if rng.random() < 0.6 else rng.randrange(2, 5)


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        return False
    return True


_TROUBLE: list[str] = []


def mutator(seeds: list[bytes], kind: str, splice: list[Any] | None = None) -> Callable[[bytes, int, int], bytes]:
    """A libFuzzer custom mutator over inputs of one header byte and a body of ``kind``."""
    donors: list[Any] = splice if splice is not None else seeds

    def mutate(data: bytes, max_size: int, seed: int) -> bytes:
        rng = random.Random(seed)
        if not data or rng.random() < 0.1:
            data = bytes([rng.randrange(256) if rng.random() < 0.2 else rng.choice(b"\x00\x04")]) + rng.choice(seeds)
        header, body = data[:1], data[1:]
        if rng.random() < 0.03:
            header = bytes([rng.randrange(256)])
        out = None
        if rng.random() > 0.1:
            try:
                out = structural(rng, body, donors, kind)
                if out is None and rng.random() < 0.8:  # bytes changed past parsing: start again
                    out = structural(rng, rng.choice(seeds), donors, kind)
            except Exception as exc:  # the mutator's own trouble: say so once, change bytes instead
                if not _TROUBLE:
                    print(f"fuzz: the structural mutator failed ({exc!r:.200}); byte mutation instead",
                          file=sys.stderr)
                _TROUBLE.append(type(exc).__name__)  # the name only: a traceback holds the tree
        if out is None:
            out = atheris.Mutate(body, max(len(body) * 2, 64))
        out = header + out
        return out if len(out) <= max_size else atheris.Mutate(data[:max_size], max_size)

    return mutate


def random_bytes(data: bytes, max_size: int, seed: int) -> bytes:
    """The mutator of the FuzzedDataProvider harnesses: libFuzzer's byte changes, or fresh
    random bytes of any length up to 4 KiB, so that every run has bytes enough to draw on
    (uninstrumented, libFuzzer keeps no input to grow from)."""
    rng = random.Random(seed)
    if data and rng.random() < 0.6:
        return atheris.Mutate(data, max_size)
    return rng.randbytes(min(max_size, rng.choice([8, 64, 512, 4096])))


# -- both kernels -----------------------------------------------------------------------------

def _kernels() -> tuple[dict[str, ModuleType], dict[str, ModuleType]]:
    """Every compiled kernel and its twin (``cmcore/<name>_py.py`` beside ``<name>``)."""
    import importlib
    compiled, twins = {}, {}
    for path in sorted(Path(cmcore.__file__).parent.glob("_*_py.py")):
        name = path.stem[:-3]
        twins[name] = importlib.import_module(f"cmcore.{path.stem}")
        compiled[name] = importlib.import_module(f"cmcore.{name}")  # a missing build fails here, loudly
    return compiled, twins


COMPILED, TWINS = _kernels()
_PLANS = {"c": _json._PLAN, "py": _wire_py.prepare(Message, _json._MSG_LAYOUT, _json._DUMP_FIELDS)}


# Kernels whose holder caches objects that the kernel made (the phone kernel's compiled
# plans, in _phone): switching the module under them would mix the two. fuzz_phone.py loads
# a copy of _phone on each kernel instead.
CACHED = {"_numbers"}


def _holders() -> list[tuple[ModuleType, str, str]]:
    """(module, attribute, kernel name) of every cmcore module that holds a kernel module."""
    found = []
    for name, module in list(sys.modules.items()):
        if name.startswith("cmcore.") and module is not None:
            for attr, value in list(vars(module).items()):
                for kernel, compiled in COMPILED.items():
                    if kernel not in CACHED and (value is compiled or value is TWINS[kernel]):
                        found.append((module, attr, kernel))
    return found


_HOLDERS = _holders()


def use(kernel: str) -> None:
    """Route every cmcore module through the compiled kernels ("c") or the twins ("py")."""
    table = COMPILED if kernel == "c" else TWINS
    for module, attr, name in _HOLDERS:
        setattr(module, attr, table[name])
    _json._PLAN = _PLANS[kernel]


# -- outcomes and the checks ------------------------------------------------------------------

@dataclass
class Outcome:
    value: Any = None
    error: BaseException | None = None

    def describe(self) -> str:
        """What must be equal between the kernels: the result's repr, or the error whole."""
        if self.error is None:
            return "ok " + _safe_repr(self.value)
        return "error " + describe_error(self.error)


def _safe_repr(value: Any) -> str:
    try:
        return repr(value)
    except Exception as exc:  # a repr that fails is a finding of its own
        raise Finding("untyped", f"repr() of the result raised {type(exc).__name__}: {exc}") from exc


def describe_error(exc: BaseException) -> str:
    errors = getattr(exc, "errors", None)
    more = [f"{type(e).__name__}|{e}|{getattr(e, 'code', None)}|{getattr(e, 'location', None)}"
            for e in errors] if isinstance(errors, tuple) else []
    return (f"{type(exc).__name__}|{exc}|{getattr(exc, 'code', None)}|{getattr(exc, 'location', None)}"
            f"|{exc.args!r}|{more}")


def run(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Outcome:
    try:
        return Outcome(value=func(*args, **kwargs))
    except RecursionError as exc:
        return Outcome(error=exc)
    except Exception as exc:
        return Outcome(error=exc)


def both(func: Callable[..., Any], *args: Any, **kwargs: Any) -> dict[str, Outcome]:
    """``func(*args, **kwargs)`` under the compiled kernels and under the twins."""
    out = {}
    for kernel in ("c", "py"):
        use(kernel)
        out[kernel] = run(func, *args, **kwargs)
    use("c")
    return out


class Finding(AssertionError):
    """What stops a run: ``kind`` (untyped, disagreement, leak, ...) and ``sig``, the short
    signature by which ``--keep-going`` logs one input a bug."""

    def __init__(self, kind: str, message: str, sig: str = "") -> None:
        super().__init__(f"[{kind}] {message}")
        self.kind = kind
        self.sig = f"{kind}|{sig}"


def error_texts(exc: BaseException) -> list[str]:
    """Every str() and repr() of ``exc``, of each error in ``.errors`` and of its chain."""
    out: list[str] = []
    seen: set[int] = set()
    stack: list[BaseException | None] = [exc]
    while stack:
        err = stack.pop()
        if err is None or id(err) in seen:
            continue
        seen.add(id(err))
        out += [str(err), repr(err), repr(getattr(err, "__dict__", {}))]
        errors = getattr(err, "errors", ())
        stack += list(errors) if isinstance(errors, tuple) else []
        stack.append(err.__cause__)
        if not err.__suppress_context__:
            stack.append(err.__context__)
    return out


def agree(outcomes: dict[str, Outcome], shown: str) -> None:
    c, py = outcomes["c"].describe(), outcomes["py"].describe()
    if c != py:
        sig = f"{_digitless(c.split('|')[0][:40])} vs {_digitless(py.split('|')[0][:40])}"
        raise Finding("disagreement", f"on {shown}\n  compiled: {c[:1500]}\n  twin:     {py[:1500]}", sig)


def typed(outcome: Outcome, shown: str, allowed: tuple[type[BaseException], ...], form: str) -> None:
    """The error, if any, is one of ``allowed``. ``form`` is how the input came (see
    ``Input``): "text" must not give a TypeError, "other" must, "either" may."""
    exc = outcome.error
    if exc is None:
        if form == "other":
            raise Finding("untyped", f"{shown} is not bytes or str and was accepted: {outcome.describe()[:300]}")
        return
    if isinstance(exc, allowed) or (isinstance(exc, TypeError) and form != "text"):
        return
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f"{Path(f.filename).name}:{f.lineno}" for f in frames if "cmcore" in f.filename]
    head = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)[-6:])
    raise Finding("untyped", f"{type(exc).__name__} on {shown}:\n{head}",
                  f"{type(exc).__name__}|{ours[-1] if ours else frames[-1].name if frames else ''}")


def no_leak(outcome: Outcome, shown: str, where: tuple[str, ...] = ("result", "error")) -> None:
    texts = []
    if outcome.error is not None and "error" in where:
        texts = error_texts(outcome.error)
    elif outcome.error is None and "result" in where:
        texts = [_safe_repr(outcome.value), str(outcome.value)] + result_texts(outcome.value)
    for text in texts:
        if leaks(text):
            part = _leaking_field(outcome.value) if outcome.error is None else (
                f"{type(outcome.error).__name__}@{_digitless(str(getattr(outcome.error, 'location', '')))}")
            raise Finding("leak", f"the token is in {text[:800]!r}\n  from {shown}", part)


def _digitless(text: str) -> str:
    return re.sub(r"[0-9]+", "N", text)


def _leaking_field(value: Any, path: str = "") -> str:
    """The dotted path of the (first) field of a result whose repr holds the token."""
    if isinstance(value, (list, tuple)):
        for item in value:
            if leaks(repr(item)):
                return _leaking_field(item, path + "[]")
    fields = getattr(type(value), "__dataclass_fields__", None)
    if fields:
        for name in fields:
            if leaks(repr(getattr(value, name, None))):
                return _leaking_field(getattr(value, name), f"{path}.{name}" if path else f"{type(value).__name__}.{name}")
    return path or type(value).__name__


def result_texts(value: Any) -> list[str]:
    """What a caller reads from a result besides its repr, read here so that it cannot fail
    untyped: a response's properties and raise_for_error()'s error, a report's code tables."""
    out = []
    for item in value if isinstance(value, list) else [value]:
        for name in ("ok", "accepted", "rejected", "total_parts", "created", "final", "temporary",
                     "permanent", "description", "is_error", "known"):
            for owner in (item, getattr(item, "status", None), getattr(item, "error_code", None),
                          getattr(item, "state", None), getattr(item, "error", None)):
                if owner is not None and hasattr(type(owner), name):
                    got = run(getattr, owner, name)
                    if got.error is not None:
                        raise Finding("untyped", f"{type(owner).__name__}.{name} raised "
                                                 f"{describe_error(got.error)[:300]}", f"{type(owner).__name__}.{name}")
                    out.append(repr(got.value))
        if hasattr(item, "raise_for_error"):
            outcome = run(item.raise_for_error)
            if outcome.error is not None and not isinstance(outcome.error, cmcore.ResponseError):
                raise Finding("untyped", f"raise_for_error() raised {describe_error(outcome.error)[:300]}",
                              "raise_for_error")
            out += error_texts(outcome.error) if outcome.error is not None else []
    return out


def show(value: Any, limit: int = 3000) -> str:
    """``repr(value)`` cut to ``limit``; slot by slot where an object's repr fails (a slot
    left unset on purpose)."""
    try:
        text = repr(value)
    except Exception:
        if isinstance(value, (tuple, list)):
            text = "(" + ", ".join(show(v, limit) for v in value) + ",)"
        else:
            fields = getattr(type(value), "__dataclass_fields__", {})
            text = f"{type(value).__name__}(" + ", ".join(
                f"{n}={show(getattr(value, n), limit)}" if hasattr(value, n) else f"{n}=<unset>" for n in fields) + ")"
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} characters)"


# -- the header byte: how the body is handed over --------------------------------------------

NON_TEXT: list[Any] = [None, 0, 1.5, ["x"], {"messages": {}}, object(), True, ("a",)]


@dataclass
class Input:
    """The argument a harness passes: the body as bytes (header & 7 of 0-3), str (4: the body
    decoded as UTF-8, bad bytes as lone surrogates), bytearray (5), memoryview (6), or a value
    that is no text at all (7). ``extra`` is header >> 3, for a harness's own options."""

    value: Any
    form: str
    extra: int
    body: bytes

    @classmethod
    def of(cls, data: bytes, text: tuple[type, ...] = (bytes, str), either: tuple[type, ...] = (bytearray, memoryview)) -> Input:
        header, body = (data[0], data[1:]) if data else (0, b"")
        how, extra = header & 7, header >> 3
        value: Any = body
        if how == 4:
            value = body.decode("utf-8", "surrogateescape")
        elif how == 5:
            value = bytearray(body)
        elif how == 6:
            value = memoryview(body)
        elif how == 7:
            value = NON_TEXT[extra % len(NON_TEXT)]
        kind = type(value)
        form = "text" if kind in text else "either" if kind in either else "other"
        return cls(value, form, extra, body)

    def shown(self, call: str) -> str:
        arg = show(bytes(self.value) if isinstance(self.value, (bytearray, memoryview)) else self.value)
        wrap = {bytearray: "bytearray({})", memoryview: "memoryview({})"}.get(type(self.value), "{}")
        return call.replace("ARG", wrap.format(arg))

    def texts(self) -> list[str]:
        """The input as text, raw and as parsed (JSON escapes and XML references resolved),
        for deciding whether the token in it is only ever echoed."""
        out = [self.body.decode("utf-8", "replace")]
        if b"\x00" in self.body:
            out.append(self.body.decode("utf-16", "replace"))
        try:
            out += _strings(json.loads(self.body.decode("utf-8", "surrogatepass")))
        except (ValueError, RecursionError):
            pass
        root = _loose_xml(self.body)
        if root is not None:
            try:
                out += [t for node in root.iter() for t in (node.text, node.tail, *node.attrib.values(),
                                                             *node.attrib) if isinstance(t, str)]
            except ValueError:  # text lxml cannot decode
                pass
        return out


def _strings(node: Any) -> list[str]:
    out, stack = [], [node]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict):
            out += list(item)
            stack += list(item.values())
        elif isinstance(item, list):
            stack += item
    return out


def _loose_xml(data: bytes) -> Any:
    from lxml import etree
    if not data.lstrip()[:1] == b"<" and b"\x00" not in data[:4]:
        return None
    try:
        return etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                                                      recover=True))
    except (etree.LxmlError, ValueError):
        return None


# -- the runner ------------------------------------------------------------------------------

def keep_going(check: Callable[[bytes], None], log: str) -> Callable[[bytes], None]:
    """``check`` that logs each finding once a signature (the smallest input) and goes on."""
    seen: dict[str, int] = {}

    def checked(data: bytes) -> None:
        try:
            check(data)
        except Finding as finding:
            sig = finding.sig
            if sig in seen and seen[sig] <= len(data):
                return
            first = sig not in seen
            seen[sig] = len(data)
            with open(log, "a", encoding="utf-8") as out:
                out.write(json.dumps({"signature": sig, "input": data.hex(), "size": len(data),
                                      "finding": str(finding)[:6000]}) + "\n")
            if first:
                print(f"FINDING {sig}", file=sys.stderr)
    return checked


def main(check: Callable[[bytes], None], seeds: list[bytes], mutate: Callable[[bytes, int, int], bytes] | None,
         before: Callable[[], None] | None = None) -> None:
    """Run the seeds through ``check``, then fuzz. Flags of our own (taken out of argv):
    ``--keep-going=FILE`` logs findings and goes on; ``--no-seeds`` skips the seed pass;
    ``--skip-slow`` skips ``before`` (a slow one-off check, such as huge texts);
    ``--instrument`` (read at import) gives libFuzzer the coverage of cmcore's Python code."""
    argv = [a for a in sys.argv if not a.startswith("--")]
    flags = {a.split("=")[0]: a.partition("=")[2] for a in sys.argv if a.startswith("--")}
    for default in ("-max_len=16384", "-len_control=0"):
        if not any(a.startswith(default.partition("=")[0] + "=") for a in argv):
            argv.append(default)
    target = keep_going(check, flags["--keep-going"]) if "--keep-going" in flags else check
    if before is not None and "--skip-slow" not in flags:
        before()
        if not any(a.startswith("-rss_limit_mb=") for a in argv):
            argv.append("-rss_limit_mb=8192")  # libFuzzer reads the peak, which the slow check set
    if "--no-seeds" not in flags and not any(not a.startswith("-") and Path(a).is_file() for a in argv[1:]):
        for seed in seeds:
            for header in (b"\x00", b"\x04"):
                target(header + seed)
        print(f"seeds: {len(seeds)} inputs from the spec pass", file=sys.stderr)
    kwargs = {"custom_mutator": mutate} if mutate is not None else {}
    atheris.Setup(argv, target, **kwargs)
    atheris.Fuzz()


def judge_parser(given: Input, shown: str, outcomes: dict[str, Any]) -> None:
    """What every parser harness holds its target to: only ResponseError (TypeError for
    what is not bytes or str), the same outcome on both kernels, and no token in an error."""
    for outcome in outcomes.values():
        typed(outcome, shown, (cmcore.ResponseError,), given.form)
    agree(outcomes, shown)
    if echo_only(given.texts()):
        no_leak(outcomes["c"], shown, where=("error",))
