"""Builder speed: JSON and XML from ready model objects, against plain dicts and a bare lxml loop.

Fixed seeded 1000-message batches: SMS, and WhatsApp templates with an SMS fallback. "Ready" means validated once (``cmcore.validate``), as a
pipeline that checks a campaign and then sends it holds it; a first build from raw objects,
which runs every rule (phone numbers through phonenumbers), is measured too. Targets: JSON
within 3× of ``orjson.dumps`` of prebuilt dicts, XML within 1.5× of a hand-written lxml loop.
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
from cmcore import Message, ProductToken, Request, rich

SEED = 20261122
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
        {"from": m.sender, "to": [{"number": t} for t in m.recipients], "body": {"content": m.body},
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
        etree.SubElement(msg, "BODY").text = m.body
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("RESULTS.md"))
    args = parser.parse_args()
    raw = batch(random.Random(SEED))
    ready = cmcore.validate(raw)
    dicts = plain(ready)
    assert orjson.loads(cmcore.build_json(ready)) == orjson.loads(orjson.dumps(dicts))
    rows = [
        ("orjson.dumps(prebuilt dicts)", lambda: orjson.dumps(dicts)),
        ("json.dumps(prebuilt dicts)", lambda: json.dumps(dicts).encode()),
        ("cmcore.build_json(ready request)", lambda: cmcore.build_json(ready)),
        ("cmcore.build_json(raw request: every rule)", lambda: cmcore.build_json(raw)),
        ("hand-written lxml SubElement loop", lambda: hand_xml(ready)),
        ("cmcore.build_xml(ready request)", lambda: cmcore.build_xml(ready)),
    ]
    wa_ready = cmcore.validate(whatsapp_batch(random.Random(SEED)))
    wa_dicts = orjson.loads(cmcore.build_json(wa_ready))
    rows += [
        ("WhatsApp: orjson.dumps(prebuilt dicts)", lambda: orjson.dumps(wa_dicts)),
        ("WhatsApp: json.dumps(prebuilt dicts)", lambda: json.dumps(wa_dicts).encode()),
        ("WhatsApp: cmcore.build_json(ready request)", lambda: cmcore.build_json(wa_ready)),
    ]
    results = {label: median_ms(func) for label, func in rows}
    for label, ms in results.items():
        print(f"  {label}: {ms:.2f} ms", file=sys.stderr)
    base_json, base_xml = results["orjson.dumps(prebuilt dicts)"], results["hand-written lxml SubElement loop"]
    lines = ["# Builder benchmark", "",
             f"`python benchmarks/bench_builders.py`, seed {SEED}: a 1000-message SMS batch, one recipient each; "
             "medians of 7 runs. Targets: JSON ≤ 3× orjson.dumps of prebuilt dicts, XML ≤ 1.5× a bare lxml loop.", "",
             "| contender | ms / batch | × its baseline |", "|---|---:|---:|"]
    base_wa = results["WhatsApp: orjson.dumps(prebuilt dicts)"]
    for label, ms in results.items():
        base = base_xml if "xml" in label.lower() else base_wa if label.startswith("WhatsApp") else base_json
        lines.append(f"| {label} | {ms:.2f} | {ms / base:.2f} |")
    numbers = [m.recipients[0] for m in raw.messages]
    national = ["06" + n[5:] for n in numbers]
    per = [("normalize_phone, already 00…", lambda: [cmcore.normalize_phone(n) for n in numbers]),
           ("normalize_phone, national with region NL", lambda: [cmcore.normalize_phone(n, default_region="NL") for n in national])]
    lines += ["", "| phone numbers | µs / number |", "|---|---:|"]
    for label, func in per:
        lines.append(f"| {label} | {median_ms(func, 5) * 1e3 / len(numbers):.1f} |")
    write_section("bench_builders", lines, args.out)
    print(f"wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
