"""The command line's gateway commands: ``cmcore serve`` and ``cmcore cost``.

With ``_cli.py``, the only place that opens files and sockets and writes to stdout and stderr.

``serve`` runs the offline gateway behind the standard library's HTTP server, on loopback
unless told otherwise, logging a line a request to stderr (the product token never in it);
with ``--callback URL`` it POSTs the status reports that follow each accepted request there,
as JSON, from a worker thread. ``cost`` prints what a JSON request body or a campaign file
would cost by a price table: a table for people, or JSON with ``--json``.
"""

from __future__ import annotations

import argparse
import json
import queue
import sys
import threading
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from datetime import datetime, timezone
from typing import Any, TextIO
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from cmcore._errors import PayloadError
from cmcore._followups import follow_up, reports_json
from cmcore._gateway import GatewayAccount, OfflineGateway, wsgi_app
from cmcore._json import load_json
from cmcore._models import ProductToken
from cmcore._price_table import load_prices
from cmcore._prices import CostInput, Estimate, estimate, round_money


def _accounts(path: str) -> list[GatewayAccount]:
    accounts = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            token, _, balance = line.strip().partition(",")
            try:
                accounts.append(GatewayAccount(ProductToken(token.strip()), int(balance) if balance.strip() else None))
            except ValueError:
                raise ValueError(f"{path}, line {n}: the balance must be a whole number of messages") from None
    return accounts


class _Threading(ThreadingMixIn, WSGIServer):
    """A WSGI server with a thread a connection, so that clients in parallel are served in parallel."""

    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # the app logs, without the token
        pass


def _poster(url: str, err: TextIO) -> queue.Queue[bytes | None]:
    """A worker thread POSTing each queued JSON body to ``url``; ``None`` stops it."""
    jobs: queue.Queue[bytes | None] = queue.Queue()

    def work() -> None:
        while (body := jobs.get()) is not None:
            request = urllib.request.Request(url, data=body, method="POST",
                                             headers={"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(request, timeout=10) as answer:
                    answer.read()
            except OSError as exc:
                print(f"cmcore serve: callback {url}: {exc}", file=err)
    threading.Thread(target=work, daemon=True).start()
    return jobs


def run_serve(args: argparse.Namespace, err: TextIO = sys.stderr) -> int:
    """Serve until interrupted; 2 for a usage error."""
    try:
        accounts = _accounts(args.accounts) if args.accounts else None
        gateway = OfflineGateway(accounts, default_region=args.region)
    except (OSError, ValueError) as exc:
        print(f"cmcore serve: {exc}", file=err)
        return 2
    jobs = _poster(args.callback, err) if args.callback else None
    app = wsgi_app(gateway, log=lambda line: print(line, file=err, flush=True))
    if jobs is not None:
        app = _with_reports(app, gateway, jobs, args.seed)
    try:
        server: WSGIServer = make_server(args.host, args.port, app, server_class=_Threading, handler_class=_Quiet)
    except OSError as exc:
        print(f"cmcore serve: cannot listen on {args.host}:{args.port}: {exc}", file=err)
        return 2
    print(f"cmcore serve: the offline gateway on http://{args.host}:{server.server_port} "
          f"(JSON at /v1.0/message, XML and GET at /gateway.ashx)", file=err, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        if jobs is not None:
            jobs.put(None)
    return 0


def _with_reports(app: Any, gateway: OfflineGateway, jobs: queue.Queue[bytes | None], seed: int) -> Any:
    """``app``, queueing the status reports of what each request added to the gateway's record."""
    lock = threading.Lock()
    done = [0]

    def wrapped(environ: dict[str, Any], start_response: Any) -> Any:
        out = app(environ, start_response)
        with lock:
            taken = gateway.accepted
            new, done[0] = taken[done[0]:], len(taken)
        if new:
            jobs.put(reports_json(follow_up(new, now=datetime.now(timezone.utc), seed=seed + done[0])))
        return out
    return wrapped


def _inputs(path: str, region: str | None, sender: str) -> Any:
    """A request (a .json body) or the cost inputs of a campaign file's valid rows."""
    if path.lower().endswith(".json"):
        with open(path, "rb") as f:
            return load_json(f.read())
    from cmcore._campaign import scan_campaign
    with open(path, "rb") as f:
        campaign = scan_campaign(f, default_region=region, sender=sender)
        return [CostInput(number=v.number, parts=v.parts, reference=f"line {v.line}")
                for v in campaign if v.valid and v.number]


def _estimate_json(est: Estimate) -> dict[str, Any]:
    def money(values: Mapping[str, Any]) -> dict[str, str]:
        return {cur: str(round_money(amount, cur)) for cur, amount in values.items()}
    return {"totals": money(est.totals), "low": money(est.low), "high": money(est.high),
            "lines": len(est.lines), "unpriced": [{"location": line.reference or line.location, "number": line.number,
                                                   "reason": line.reason} for line in est.unpriced]}


def run_cost(args: argparse.Namespace, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """Print the estimate; 0 all priced, 1 some recipients unpriced, 2 usage or unreadable input."""
    try:
        with open(args.prices, encoding="utf-8", newline="") as f:
            prices = load_prices(f)
        est = estimate(_inputs(args.source, args.region, args.sender), prices, default_region=args.region)
    except PayloadError as exc:
        for problem in exc.errors[:20]:
            print(f"cmcore cost: {problem}", file=err)
        return 2
    except (OSError, ValueError) as exc:
        print(f"cmcore cost: {exc}", file=err)
        return 2
    if args.json:
        print(json.dumps(_estimate_json(est), ensure_ascii=False), file=out)
    else:
        _table(est, out)
    return 1 if est.unpriced else 0


def _table(est: Estimate, out: TextIO) -> None:
    shown = _estimate_json(est)
    print(f"{len(est.lines)} recipient(s), {len(est.unpriced)} without a price", file=out)
    for currency, total in sorted(shown["totals"].items()):
        low, high = shown["low"].get(currency, total), shown["high"].get(currency, total)
        extent = f"  (range {low} to {high})" if (low, high) != (total, total) else ""
        print(f"  {currency} {total}{extent}", file=out)
    for region, totals in sorted(est.by_region.items(), key=lambda kv: str(kv[0])):
        amounts = ", ".join(f"{c} {round_money(a, c)}" for c, a in sorted(totals.items()))
        print(f"  {region or '?'}: {amounts}", file=out)
    for line in est.unpriced[:20]:
        print(f"  unpriced {line.reference or line.location} {line.number}: {line.reason}", file=out)


class CostTotals:
    """Costs by currency that add up as the campaign summary sums its rows' costs."""

    __slots__ = ("amounts",)

    def __init__(self, amounts: Mapping[str, Decimal]) -> None:
        self.amounts = dict(amounts)

    def __add__(self, other: CostTotals) -> CostTotals:
        merged = dict(self.amounts)
        for currency, amount in other.amounts.items():
            merged[currency] = merged.get(currency, Decimal(0)) + amount
        return CostTotals(merged)

    def __str__(self) -> str:
        return ", ".join(f"{c} {round_money(a, c)}" for c, a in sorted(self.amounts.items()))


def row_pricer(path: str, region: str | None) -> Callable[[str, str, int], CostTotals | None]:
    """The campaign's pricing hook for ``cmcore campaign --prices``: each valid row's cost by
    the price table at ``path``, or None where no price applies (the row is then unpriced)."""
    with open(path, encoding="utf-8", newline="") as f:
        prices = load_prices(f)

    def cost(number: str, channel: str, parts: int) -> CostTotals | None:
        line = estimate([CostInput(number=number, channel=channel, parts=parts)], prices,  # type: ignore[arg-type]
                        default_region=region).lines[0]
        return None if line.cost is None or line.currency is None else CostTotals({line.currency: line.cost})
    return cost


def commands() -> Sequence[str]:
    """The commands this module runs."""
    return ("serve", "cost")
