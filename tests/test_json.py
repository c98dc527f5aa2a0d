"""The JSON builder and loader against every JSON example of both spec editions, plus rules of
the wire form: canonical keys, no nulls, chunking, token secrecy."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path

import orjson
import pytest

import cmcore
from cmcore import Channel, Message, Request

EXAMPLES = sorted((Path(__file__).parent / "data" / "spec" / "examples").glob("*.json"))
TOKEN = "6f3a1c2e-9b4d-4e8f-a1b2-c3d4e5f60718"


def _kind(path: Path) -> str:
    if "-member" in path.name:
        return "member"  # '"conversation": [...]' alone: see test_member_fragments_are_valid_in_their_time
    raw = path.read_text(encoding="utf-8")
    try:
        doc = json.loads(raw)
    except ValueError:
        return "broken"
    if "messages" not in {k.lower() for k in doc}:
        return "fragment"
    if isinstance(doc["messages"].get("msg"), dict):
        return "report"  # the status report template; test_reports.py reads it
    return "rich" if re.search(r'"richcontent"', raw, re.I) else "request"


KINDS = {p.name: _kind(p) for p in EXAMPLES}


def test_fixture_census() -> None:
    """81 JSON blocks in the two editions; what each is, so that none is silently skipped.

    Fragments are parts of a msg (a richContent, a suggestion) shown on their own.
    """
    counts = {k: list(KINDS.values()).count(k) for k in ("broken", "fragment", "member", "rich", "report", "request")}
    assert len(EXAMPLES) == 83
    assert counts == {"broken": 9, "fragment": 23, "member": 2, "rich": 24, "report": 1, "request": 24}


@pytest.mark.parametrize("path", [p for p in EXAMPLES if KINDS[p.name] == "broken"], ids=lambda p: p.name)
def test_broken_examples_are_refused(path: Path) -> None:
    """The spec's comments inside JSON (// See table ...) make these invalid as printed."""
    with pytest.raises(cmcore.PayloadError) as info:
        cmcore.load_json(path.read_bytes())
    assert info.value.code == 202 and "malformed JSON" in str(info.value)


# The spec's placeholders fail the build, each with the gateway's code: "your product token"
# is no token (103); 00316012345678 is a Dutch mobile number with one digit too many and
# "Recipients phone number" no number at all (303); Push's "Your channel account" is no channel
# account id, which is a UUID (305).
PLACEHOLDER_TOKEN = {103}


COMPLETE = [p for p in EXAMPLES if KINDS[p.name] in ("request", "rich")]
DUPLICATE_KEY = "current-36-line1815.json"
# The older edition's Viber example ends on an image while it has suggestions; the current
# edition says such a message "will not be delivered", and the current edition stands.
OLD_VIBER = "older-20-line818.json"


@pytest.mark.parametrize("path", [p for p in COMPLETE if re.search(rb'"validity": "20', p.read_bytes())],
                         ids=lambda p: p.name)
def test_an_absolute_validity_example_is_valid_in_its_own_time(path: Path) -> None:
    """"Validity period": the examples' 2017 moments are held to the clock, so they fail
    today (above) and pass with now= an hour before them."""
    request = cmcore.load_json(path.read_bytes())
    with pytest.raises(cmcore.PayloadError, match="not within 72 hours"):
        cmcore.validate(request)
    moment = datetime(2017, 4, 20, 10, 50, tzinfo=timezone.utc)
    checked = cmcore.validate(request, now=moment)
    assert checked.messages[0].validity == request.messages[0].validity


@pytest.mark.parametrize("path", [p for p in EXAMPLES if KINDS[p.name] == "member"], ids=lambda p: p.name)
def test_member_fragments_are_valid_in_their_time(path: Path) -> None:
    """Apple's time picker and OAuth2 examples show '"conversation": [...]' alone: a member of a
    richContent object, not a JSON document. Inside braces it reads through the model, and an
    Apple message carrying it passes, the time picker's 2020 slots held to a moment before them."""
    raw = path.read_text(encoding="utf-8")
    with pytest.raises(ValueError):
        json.loads(raw)
    rich = cmcore.load_rich_content(json.loads("{" + raw + "}"))
    msg = Message(sender="CM", recipients=["apple-id-1"], body="", allowed_channels=["Apple Business Chat"],
                  rich_content=rich)
    then = datetime(2020, 2, 20, 12, 0, tzinfo=timezone.utc)
    cmcore.validate(Request(product_token=TOKEN, messages=[msg]), now=then)
    if rich.conversation[0].time_picker is not None:
        with pytest.raises(cmcore.PayloadError, match="future"):
            cmcore.validate(Request(product_token=TOKEN, messages=[msg]))


def test_duplicated_key_example_is_refused() -> None:
    """The Twitter example lists "body" twice in one msg: refused, not silently merged."""
    with pytest.raises(cmcore.PayloadError) as dup:
        cmcore.load_json((EXAMPLES[0].parent / DUPLICATE_KEY).read_bytes())
    assert dup.value.code == 202 and "'body' appears twice" in dup.value.message


@pytest.mark.parametrize("path", [p for p in COMPLETE if p.name != DUPLICATE_KEY], ids=lambda p: p.name)
def test_examples_load_and_their_placeholders_fail_the_build(path: Path) -> None:
    raw = path.read_bytes()
    request = cmcore.load_json(raw)
    codes = set()
    try:
        built = cmcore.build_json(request)
    except cmcore.PayloadError as exc:
        codes = {e.code for e in exc.errors}
        assert request.product_token.reveal() not in str(exc)
    expected = PLACEHOLDER_TOKEN if re.search(rb"your product token", raw, re.I) else set()
    if b"00316012345678" in raw or b"Recipients phone number" in raw:
        expected = expected | {303}
    if b'"Your channel account"' in raw:  # Push's appkey placeholder: no channel account id (a UUID)
        expected = expected | {305}
    if path.name == OLD_VIBER:
        expected = expected | {305}
    if re.search(rb'"validity": "20', raw):  # an absolute validity of 2017: past, by the clock
        expected = expected | {305}
    if b"Your snowflake" in raw:  # Twitter's placeholders: no snowflakes (64-bit unsigned integers)
        expected = expected | {301, 302}
    assert codes == expected
    if not codes:
        assert cmcore.build_json(cmcore.load_json(built)) == built


def repaired(raw: str) -> str:
    """An example with its placeholders given real values."""
    for placeholder, value in (("your product token", TOKEN), ("Your product token", TOKEN),
                               ("00316012345678", "0031612345678"), ("Recipients phone number", "0031612345678"),
                               ("Your channel account", "9b2f6d1e-3c4a-4f5b-8e7d-1a2b3c4d5e6f"),
                               ("Your snowflake", "1263071591262494721"), ("Recipients Snowflake", "1263071591262494722")):
        raw = raw.replace(placeholder, value)
    return raw


def fold(value: object) -> object:
    """JSON with keys in lower case, as the gateway reads it; actions too (ViewLocation)."""
    if isinstance(value, dict):
        return {k.lower(): (v.lower() if k.lower() == "action" and isinstance(v, str) else fold(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [fold(v) for v in value]
    return value


def test_older_viber_example_breaks_the_current_rule() -> None:
    raw = repaired((EXAMPLES[0].parent / OLD_VIBER).read_text(encoding="utf-8"))
    with pytest.raises(cmcore.PayloadError, match="last conversation item must be text") as info:
        cmcore.build_json(cmcore.load_json(raw))
    assert info.value.location == "msg[0].richContent.conversation[1]"


@pytest.mark.parametrize("path", [p for p in COMPLETE if p.name not in (DUPLICATE_KEY, OLD_VIBER)], ids=lambda p: p.name)
def test_repaired_examples_rebuild_without_losing_anything(path: Path) -> None:
    raw = repaired(path.read_text(encoding="utf-8"))
    # the examples' validity of 2017, held to a moment before it rather than to the clock
    then = datetime(2017, 4, 20, tzinfo=timezone.utc)
    built = cmcore.build_json(cmcore.validate(cmcore.load_json(raw), now=then))
    assert cmcore.build_json(cmcore.validate(cmcore.load_json(built), now=then)) == built
    source = fold(json.loads(raw))["messages"]["msg"]  # type: ignore[index]
    output = fold(orjson.loads(built))["messages"]["msg"]  # type: ignore[index]
    for before, after in zip(source, output):
        assert before.get("richcontent") == after.get("richcontent")
        for key in ("from", "reference", "allowedchannels", "validity", "dcs", "customgrouping"):
            assert before.get(key) == after.get(key)


def message(**fields: object) -> Message:
    base: dict[str, object] = {"sender": "CM Telecom", "recipients": ["0031612345678"], "body": "Hello"}
    return Message(**{**base, **fields})  # type: ignore[arg-type]


def test_canonical_form_omits_unset_fields() -> None:
    """A Message made in Python says body type auto, as the spec advises ("Auto detect
    encoding") and CM's SDKs send; every field left unset is left out."""
    body = orjson.loads(cmcore.build_json(Request(product_token=TOKEN, messages=[message()])))
    assert body == {"messages": {"authentication": {"producttoken": TOKEN}, "msg": [
        {"from": "CM Telecom", "to": [{"number": "0031612345678"}], "body": {"type": "auto", "content": "Hello"}}]}}
    assert b"null" not in cmcore.build_json(Request(product_token=TOKEN, messages=[message()]))
    plain = orjson.loads(cmcore.build_json(Request(product_token=TOKEN, messages=[message(body_type=None)])))
    assert plain["messages"]["msg"][0]["body"] == {"content": "Hello"}


def test_dcs_given_means_no_body_type_auto_which_would_ignore_it() -> None:
    """"Auto detect encoding": with type auto "any existing DCS value will be ignored", so a
    Message given dcs has no body type unless it is asked for; the spec's Custom DCS example."""
    assert message(dcs=8).body_type is None
    assert message(dcs=0).body_type is None
    assert message(dcs=8, body_type=cmcore.BodyType.AUTO).body_type is cmcore.BodyType.AUTO
    assert message().body_type is cmcore.BodyType.AUTO
    greek = "\u039a\u03b5\u03af\u03bc\u03b5\u03bd\u03bf"
    body = orjson.loads(cmcore.build_json(Request(product_token=TOKEN, messages=[message(dcs=8, body=greek)])))
    assert body["messages"]["msg"][0]["dcs"] == 8 and body["messages"]["msg"][0]["body"] == {"content": greek}


@pytest.mark.parametrize("fields, char", [
    ({"body": "Caf\u00e9 \u00e7a", "body_type": None}, "'\u00e7' (U+00E7) at index 5"),
    ({"body": "Price \u20ac5 \u2705", "body_type": None}, "'\u2705' (U+2705) at index 9"),
    ({"body": "\u0394\u03a6 \u03ba", "dcs": 0}, "'\u03ba' (U+03BA) at index 3"),
])
def test_a_body_gsm7_cannot_carry_is_refused_without_auto_or_dcs_8(fields: dict[str, object], char: str) -> None:
    """"Custom DCS": DCS 0, or no DCS, "uses standard GSM encoding": the gateway would garble
    the rest. The error names the first such character (é, € and the Greek capitals Δ and Φ are
    GSM-7, ç and κ are not) and the two fixes."""
    with pytest.raises(cmcore.PayloadError) as info:
        cmcore.validate(Request(product_token=TOKEN, messages=[message(**fields)]))
    (error,) = info.value.errors
    assert (error.code, error.location) == (304, "msg[0].body")
    assert char in error.message and "BodyType.AUTO" in error.message and "dcs=8" in error.message
    for fix in ({"body_type": cmcore.BodyType.AUTO}, {"dcs": 8, "body_type": None}):
        cmcore.validate(Request(product_token=TOKEN, messages=[message(**{**fields, **fix})]))


def test_a_loaded_payload_keeps_its_body_type() -> None:
    """A payload without a type stays without one: load then build gives it back."""
    raw = (b'{"messages":{"authentication":{"producttoken":"' + TOKEN.encode() + b'"},"msg":[{"from":"CM",'
           b'"to":[{"number":"0031612345678"}],"body":{"content":"Hello"}}]}}')
    assert cmcore.load_json(raw).messages[0].body_type is None
    assert cmcore.build_json(cmcore.load_json(raw)) == raw


def test_every_field_on_the_wire() -> None:
    msg = message(body="Hi \u20ac", body_type=cmcore.BodyType.AUTO, dcs=8, reference="ref_1",
                  custom_grouping="A", custom_grouping2="B", custom_grouping3="C", validity="2h",
                  min_parts=1, max_parts=8, allowed_channels=["WhatsApp", Channel.SMS], app_key="k")
    body = orjson.loads(cmcore.build_json(Request(product_token=TOKEN, messages=[msg])))["messages"]["msg"][0]
    assert list(body) == ["from", "to", "body", "dcs", "reference", "customGrouping", "customGrouping2",
                          "customGrouping3", "validity", "minimumNumberOfMessageParts",
                          "maximumNumberOfMessageParts", "allowedChannels", "appKey"]
    assert body["body"] == {"type": "auto", "content": "Hi \u20ac"}
    assert body["allowedChannels"] == ["WhatsApp", "SMS"]  # the caller's order is the fallback order


def test_keys_ignore_case_and_unknown_keys_are_reported() -> None:
    raw = orjson.dumps({"Messages": {"Authentication": {"ProductToken": TOKEN}, "MSG": [
        {"FROM": "CM", "To": [{"Number": "0031612345678"}], "Body": {"Content": "x"}, "colour": "red",
         "RichContent": {"Conversation": [{"Text": "hi", "sparkle": 1}]}}]}})
    with pytest.raises(cmcore.PayloadError) as info:
        cmcore.load_json(raw)
    assert {(e.code, e.location) for e in info.value.errors} == {
        (305, "msg[0].colour"), (305, "msg[0].richContent.conversation[0].sparkle")}


def test_load_reports_every_structural_problem() -> None:
    raw = b'{"messages": {"authentication": {}, "msg": [{"to": "0031612345678", "body": {"content": 5}, "dcs": "8"}, 3]}}'
    with pytest.raises(cmcore.PayloadError) as info:
        cmcore.load_json(raw)
    assert [(e.code, e.location) for e in info.value.errors] == [
        (103, "authentication.productToken"), (302, "msg[0].to"), (304, "msg[0].body.content"),
        (202, "msg[0].dcs"), (203, "msg[1]")]  # a missing from is validate()'s: Push alone may leave it out
    assert info.value.code == 103
    no_from = b'{"messages": {"authentication": {"producttoken": "' + TOKEN.encode() + b'"}, "msg": [{"to": [{"number": "0031612345678"}], "body": {"content": "hi"}}]}}'
    assert cmcore.load_json(no_from).messages[0].sender is None
    with pytest.raises(cmcore.PayloadError) as info:
        cmcore.build_json(cmcore.load_json(no_from))
    assert [(e.code, e.location) for e in info.value.errors] == [(301, "msg[0].from")]


def test_chunk_splits_at_1000() -> None:
    request = Request(product_token=TOKEN, messages=[message(reference=f"r{i}") for i in range(2500)])
    with pytest.raises(cmcore.PayloadError, match="chunk"):
        cmcore.build_json(request)
    parts = cmcore.chunk(request)
    assert [len(p.messages) for p in parts] == [1000, 1000, 500]
    assert all(p.product_token == request.product_token for p in parts)
    assert [m.reference for p in parts for m in p.messages] == [m.reference for m in request.messages]
    assert len(orjson.loads(cmcore.build_json(parts[0]))["messages"]["msg"]) == 1000
    with pytest.raises(ValueError):
        cmcore.chunk(request, 1001)


def test_token_never_shows() -> None:
    request = Request(product_token=TOKEN, messages=[message(recipients=["nonsense"])])
    assert TOKEN not in repr(request) and TOKEN not in str(request.product_token)
    with pytest.raises(cmcore.PayloadError) as info:
        cmcore.build_json(request)
    assert TOKEN not in str(info.value) and all(TOKEN not in str(e) for e in info.value.errors)
    http = cmcore.json_request(Request(product_token=TOKEN, messages=[message()]))
    assert TOKEN not in repr(http) and http.method == "POST" and http.url == cmcore.JSON_ENDPOINT
    assert TOKEN.encode() in http.body  # type: ignore[operator]


def test_malformed_load_input() -> None:
    with pytest.raises(cmcore.PayloadError) as info:
        cmcore.load_json(b"{")
    assert info.value.code == 202
    with pytest.raises(TypeError):
        cmcore.load_json(None)  # type: ignore[arg-type]


@pytest.mark.parametrize("path", [p for p in EXAMPLES if KINDS[p.name] == "fragment"], ids=lambda p: p.name)
def test_fragments_load_through_their_part_of_the_model(path: Path) -> None:
    """A conversation is rich content; an object with an action is a suggestion."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    stub = {"conversation": [{"text": "x"}]}
    if "conversation" in doc:
        wrapped, part = doc, lambda dumped: dumped
    elif "suggestions" in doc:
        wrapped, part = {**stub, **doc}, lambda dumped: {"suggestions": dumped["suggestions"]}
    else:
        wrapped, part = {**stub, "suggestions": [doc]}, lambda dumped: dumped["suggestions"][0]
    rich = cmcore.load_rich_content(wrapped)
    assert fold(part(orjson.loads(cmcore._json._dump(rich)))) == fold(doc)


def test_rich_content_problems_are_all_reported() -> None:
    with pytest.raises(cmcore.PayloadError) as info:
        cmcore.load_rich_content({"conversation": [{"media": {"mimeType": 5}}, {"location": []}],
                                  "suggestions": [{"action": "Teleport", "label": 3}]})
    assert [(e.code, e.location) for e in info.value.errors] == [
        (202, "richContent.conversation[0].media.mimeType"), (305, "richContent.conversation[0].media.mediaUri"),
        (202, "richContent.conversation[1].location"), (305, "richContent.suggestions[0].action"),
        (202, "richContent.suggestions[0].label"), (305, "richContent.suggestions[0].action")]
