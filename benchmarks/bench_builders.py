"""Builder speed: JSON and XML from ready model objects, against plain dicts and a bare lxml loop.

Fixed seeded 1000-message batches: SMS, and WhatsApp templates with an SMS fallback. "Ready"
means validated once (``cmcore.validate``), as a pipeline that checks a campaign and then
sends it holds it. The first build from raw objects, which runs every rule, is measured on
multinational traffic by ``bench_validate.py``. Each round runs every contender back to back; the
ratios are the median of the rounds'. Rows marked "pure twin" use the pure-Python JSON
writer. Targets: JSON within 3× of ``orjson.dumps`` of prebuilt dicts, XML within 1.5× of a
hand-written lxml loop.
Appends its tables to ``benchmarks/RESULTS.md`` (or writes ``--out``).

    python benchmarks/bench_builders.py [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import orjson
from lxml import etree

import cmcore
from _results import write_section
from cmcore import Message, ProductToken, Request, _json, _wire_py, rich

SEED = 20261122
ROUNDS = 9
TOKEN = "6f3a1c2e-9b4d-4e8f-a1b2-c3d4e5f60718"


def batch(rng: random.Random) -> Request:
    messages = [Message(sender="CM Telecom", recipients=[f"00316{rng.choice('12345')}{rng.randrange(10**6, 10**7)}"],
                        body=f"Your code is {rng.randrange(10**6):06d}", reference=f"r{i}",
                        allowed_channels=["SMS"]) for i in range(1000)]
    return Request(product_token=ProductToken(TOKEN), messages=messages)


def whatsapp_batch(rng: random.Random) -> Request:
    def item(i: int) -> rich.ConversationItem:
        params = (rich.TemplateParameter(type="text", text=f"customer {i}"),
                  rich.TemplateParameter(type="currency", currency=rich.TemplateCurrency(
                      fallback_value="$100.99", code="USD", amount_1000=100990)))
        return rich.ConversationItem(template=rich.Template(whatsapp=rich.WhatsAppTemplate(
            namespace="ns", element_name="order_update", language=rich.TemplateLanguage(policy="deterministic", code="en"),
            components=(rich.TemplateComponent(type="body", parameters=params),))))
    messages = [Message(sender="0031612345678", recipients=[f"00316{rng.choice('12345')}{rng.randrange(10**6, 10**7)}"],
                        body="fallback", allowed_channels=["WhatsApp", "SMS"],
                        rich_content=rich.RichContent(conversation=(item(i),))) for i in range(1000)]
    return Request(product_token=ProductToken(TOKEN), messages=messages)


def plain(request: Request) -> dict[str, object]:
    return {"messages": {"authentication": {"producttoken": TOKEN}, "msg": [
        {"from": m.sender, "to": [{"number": t} for t in m.recipients], "body": {"type": "auto", "content": m.body},
         "reference": m.reference, "allowedChannels": ["SMS"]} for m in request.messages]}}


def hand_xml(request: Request) -> bytes:
    root = etree.Element("MESSAGES")
    etree.SubElement(etree.SubElement(root, "AUTHENTICATION"), "PRODUCTTOKEN").text = TOKEN
    for m in request.messages:
        msg = etree.SubElement(root, "MSG")
        etree.SubElement(msg, "CHANNEL").text = "SMS"
        etree.SubElement(msg, "FROM").text = m.sender
        for to in m.recipients:
            etree.SubElement(msg, "TO").text = to
        body = etree.SubElement(msg, "BODY")
        body.set("TYPE", "AUTO")
        body.text = m.body
        etree.SubElement(msg, "REFERENCE").text = m.reference
        etree.SubElement(msg, "ALLOWEDCHANNELS").text = "SMS"
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + etree.tostring(root, encoding="utf-8")


def median_ms(func: Callable[[], object], repeats: int = 7) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def timed_ms(func: Callable[[], object]) -> float:
    start = time.perf_counter()
    func()
    return (time.perf_counter() - start) * 1e3


def on_twin(func: Callable[[], object]) -> Callable[[], object]:
    """``func`` run with the pure-Python twin of the JSON writer."""
    twin_plan = _wire_py.prepare(Message, _json._MSG_LAYOUT, _json._DUMP_FIELDS)

    def run() -> object:
        saved = _json._wire, _json._PLAN
        _json._wire, _json._PLAN = _wire_py, twin_plan
        try:
            return func()
        finally:
            _json._wire, _json._PLAN = saved
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("RESULTS.md"))
    args = parser.parse_args()
    raw = batch(random.Random(SEED))
    ready = cmcore.validate(raw)
    dicts = plain(ready)
    assert orjson.loads(cmcore.build_json(ready)) == orjson.loads(orjson.dumps(dicts))
    wa_ready = cmcore.validate(whatsapp_batch(random.Random(SEED)))
    wa_dicts = orjson.loads(cmcore.build_json(wa_ready))
    assert on_twin(lambda: cmcore.build_json(wa_ready))() == cmcore.build_json(wa_ready)
    # (label, function, label of its baseline)
    rows: list[tuple[str, Callable[[], object], str]] = [
        ("orjson.dumps(prebuilt dicts)", lambda: orjson.dumps(dicts), "orjson.dumps(prebuilt dicts)"),
        ("json.dumps(prebuilt dicts)", lambda: json.dumps(dicts).encode(), "orjson.dumps(prebuilt dicts)"),
        ("cmcore.build_json(ready request)", lambda: cmcore.build_json(ready), "orjson.dumps(prebuilt dicts)"),
        ("cmcore.build_json(ready request), pure twin", on_twin(lambda: cmcore.build_json(ready)),
         "orjson.dumps(prebuilt dicts)"),
        ("hand-written lxml SubElement loop", lambda: hand_xml(ready), "hand-written lxml SubElement loop"),
        ("cmcore.build_xml(ready request)", lambda: cmcore.build_xml(ready), "hand-written lxml SubElement loop"),
        ("WhatsApp: orjson.dumps(prebuilt dicts)", lambda: orjson.dumps(wa_dicts), "WhatsApp: orjson.dumps(prebuilt dicts)"),
        ("WhatsApp: json.dumps(prebuilt dicts)", lambda: json.dumps(wa_dicts).encode(),
         "WhatsApp: orjson.dumps(prebuilt dicts)"),
        ("WhatsApp: cmcore.build_json(ready request)", lambda: cmcore.build_json(wa_ready),
         "WhatsApp: orjson.dumps(prebuilt dicts)"),
        ("WhatsApp: cmcore.build_json(ready request), pure twin", on_twin(lambda: cmcore.build_json(wa_ready)),
         "WhatsApp: orjson.dumps(prebuilt dicts)"),
    ]
    index = {label: k for k, (label, _, _) in enumerate(rows)}
    rounds = [[timed_ms(func) for _, func, _ in rows] for _ in range(ROUNDS)]
    lines = ["# Builder benchmark", "",
             f"`python benchmarks/bench_builders.py`, seed {SEED}: 1000-message batches (SMS, one recipient "
             "each; WhatsApp templates with an SMS fallback), from ready (validated) requests. "
             f"{ROUNDS} rounds, each running every contender back to back; medians of the rounds' times and "
             "of their ratios to the baseline. Targets: JSON ≤ 3× orjson.dumps of prebuilt dicts, XML ≤ 1.5× "
             "a bare lxml loop.", "",
             "| contender | ms / batch | × its baseline (median of rounds) |", "|---|---:|---:|"]
    for k, (label, _, base) in enumerate(rows):
        ms = statistics.median(r[k] for r in rounds)
        ratio = statistics.median(r[k] / r[index[base]] for r in rounds)
        lines.append(f"| {label} | {ms:.2f} | {ratio:.2f} |")
        print(f"  {label}: {ms:.2f} ms, {ratio:.2f}x", file=sys.stderr)
    lines += ["", "A first build from raw objects, every rule included, and phone numbers over many "
              "countries: `benchmarks/bench_validate.py`.", ""]
    write_section("bench_builders", lines, args.out)
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
