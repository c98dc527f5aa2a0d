"""Threads: eight at once build, validate, count and parse with the interpreter switching
threads every microsecond, and each answer equals the one computed first on one thread.

The compiled kernels keep state between calls (the wire kernel's table of enum values, the
XML parser of each thread); this is where sharing it would show.
"""

from __future__ import annotations

import json
import random
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import cmcore
from cmcore import Message, Request
from cmcore import _rich as r

SPEC = Path(__file__).parent / "data" / "spec"
TOKEN = "6f3a1c2e-9b4d-4e8f-a1b2-c3d4e5f60718"
THREADS = 8
SECONDS = 2.0  # each thread stops after this long, or after ROUNDS rounds of every job
ROUNDS = 40


def _report(name: str) -> bytes:
    text = (SPEC / name).read_text(encoding="utf-8")
    for placeholder, value in {"[CREATED_S]": "2024-10-27T02:30:00", "[GSM]": "0031612345678",
                               "[REFERENCE]": "order-17", "[STATUS]": "3", "[STATUSDESCRIPTION]": "24",
                               "[STANDARDERRORTEXT]": "Unreachable", "[OPERATOR]": "20416"}.items():
        text = text.replace(placeholder, value)
    return text.encode()


def _requests() -> list[Request]:
    rich = r.RichContent(conversation=(r.ConversationItem(text="Your order has shipped"),
                                       r.ConversationItem(media=r.Media(media_uri="https://cm.com/x.jpg",
                                                                        mime_type="image/jpeg"))),
                         suggestions=(r.Suggestion(action=r.SuggestionAction.REPLY, label="OK"),))
    return [
        Request(product_token=TOKEN, messages=[Message(sender="CM Telecom", recipients=["+31 (0)76 - 572 70 00"],
                                                       body="Hello €", reference="order_17", min_parts=1, max_parts=8)]),
        Request(product_token=TOKEN, messages=[
            Message(sender="Shop", recipients=["0031612345678", "00447911123456"], body="Привет 😀" * 20,
                    allowed_channels=["SMS"], custom_grouping="Campaign ABC")
            for _ in range(30)]),
        Request(product_token=TOKEN, messages=[Message(sender="CM", recipients=["0031612345678"], body="Shipped",
                                                       allowed_channels=["RCS", "SMS"], rich_content=rich)]),
    ]


def _jobs() -> dict[str, Callable[[], Any]]:
    """Each job returns a value that compares exactly: bytes, or a repr."""
    requests = _requests()
    xml_able = [q for q in requests if all(m.rich_content is None for m in q.messages)]
    texts = ["Your code is 4821", "€" * 81, "]" * 153, "Привет 😀", "a\ud800b", ""] * 50
    response = (SPEC / "json_response_200_mixed.json").read_text(encoding="utf-8")
    response = "\n".join(line.split("//")[0] for line in response.splitlines()).encode()
    loaded = [cmcore.build_json(q) for q in requests]
    jobs: dict[str, Callable[[], Any]] = {
        "analyze_many": lambda: repr((list(cmcore.analyze_many(texts)), list(cmcore.analyze_many(texts).units))),
        "report json": lambda: repr(cmcore.parse_status_report(_report("status_report_template.json"))),
        "report xml": lambda: repr(cmcore.parse_status_report(_report("status_report_template.xml"))),
        "report xml str": lambda: repr(cmcore.parse_status_report(_report("status_report_template.xml").decode())),
        "response": lambda: repr(cmcore.parse_response(response, http_status=200)),
        "response text": lambda: repr(cmcore.parse_response(b"Error: ERROR Invalid product token.")),
    }
    for i, request in enumerate(requests):
        jobs[f"build_json {i}"] = lambda q=request: cmcore.build_json(q)
        jobs[f"validate {i}"] = lambda q=request: repr(cmcore.validate(q))
        jobs[f"load_json {i}"] = lambda b=loaded[i]: repr(cmcore.load_json(b))
    for i, request in enumerate(xml_able):
        jobs[f"build_xml {i}"] = lambda q=request: cmcore.build_xml(q)
    return jobs


@pytest.fixture
def fast_switching() -> Iterator[None]:
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def test_eight_threads_get_the_single_threaded_answers(fast_switching: None) -> None:
    jobs = _jobs()
    expected = {name: job() for name, job in jobs.items()}  # one thread first
    failures: list[str] = []
    done = [0] * THREADS
    start = threading.Barrier(THREADS)

    def work(index: int) -> None:
        order = list(jobs)
        random.Random(index).shuffle(order)
        start.wait()
        deadline = time.monotonic() + SECONDS
        for _ in range(ROUNDS):
            for name in order:
                try:
                    got = jobs[name]()
                except Exception as exc:  # noqa: BLE001 - reported below, with the job's name
                    got = f"raised {exc!r}"
                if got != expected[name]:
                    failures.append(f"thread {index}, {name}: {got!r:.300} != {expected[name]!r:.300}")
                    return
                done[index] += 1
            if time.monotonic() > deadline:
                return

    threads = [threading.Thread(target=work, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a thread did not finish"
    assert failures == []
    assert min(done) >= len(jobs), "a thread did not run every job once"


def test_the_jobs_are_what_they_say() -> None:
    """The answers compared above are real ones, not errors that happen to repeat."""
    jobs = _jobs()
    answers = {name: job() for name, job in jobs.items()}
    assert json.loads(answers["build_json 0"])["messages"]["msg"][0]["to"] == [{"number": "0031765727000"}]
    assert answers["build_xml 0"].startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    assert "StatusCode.FAILED" in answers["report json"] and "StatusCode.FAILED" in answers["report xml"]
    assert "MessageResult" in answers["response"] and "INVALID_PRODUCT_TOKEN" in answers["response text"]
    assert "GSM7" in answers["analyze_many"]
