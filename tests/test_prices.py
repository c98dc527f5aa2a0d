"""Price tables, estimates and their reconciliation with receipts.

Every rule of the table format and of pricing has a case that passes and one that fails; a
hand-computed campaign is checked to the cent; Hypothesis checks that totals are the sums of
the lines and that reading arbitrary lines raises nothing but ``PriceError``.
"""

from __future__ import annotations

import csv
import io
import pickle
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cmcore
from cmcore import Channel, CostInput, Message, PriceError, PricePer, Request, StatusCode, StatusReport

from conftest import examples

TOKEN = cmcore.ProductToken("00000000-0000-0000-0000-000000000000")
HEADER = "destination,channel,price,currency,per,effective,country\r\n"
DAY = date(2025, 6, 1)
NL, NL_PREFIXED, BE, BE2 = "0031687654321", "0031612345678", "0032470123456", "0032471234567"
DE, GB, US, FR, CH = "004915123456789", "00447400123456", "0012015550123", "0033612345678", "0041791234567"


def table(*rows: str, header: str = HEADER) -> cmcore.PriceTable:
    return cmcore.load_prices([header, *(r + "\r\n" for r in rows)])


def problems(*rows: str, header: str = HEADER) -> list[PriceError]:
    with pytest.raises(PriceError) as info:
        table(*rows, header=header)
    return list(info.value.errors)  # type: ignore[arg-type]


def one(*rows: str) -> PriceError:
    [problem] = problems(*rows)
    return problem


def tlv(tag: int, value: bytes) -> bytes:
    return tag.to_bytes(2, "big") + len(value).to_bytes(2, "big") + value


def receipt(operator: bytes | None = None, tariff: bytes | None = None) -> cmcore.SmppTlvs:
    data = (tlv(0x1401, operator + b"\x00") if operator else b"") + (tlv(0x140A, tariff + b"\x00") if tariff else b"")
    return cmcore.parse_tlvs(data)


# -- the hand-computed campaign ------------------------------------------------------------

CAMPAIGN_TABLE = [
    "NL,SMS,0.0725,EUR,,,",
    "+31612,SMS,0.0500,EUR,,,",             # a prefix overrides NL
    "BE,SMS,0.0830,EUR,,,",
    "206/01,SMS,0.0790,EUR,,,BE",           # BE networks: a range where the network is unknown
    "206/10,SMS,0.0950,EUR,,,BE",
    "DE,SMS,0.0890,EUR,,,",
    "DE,SMS,0.0950,EUR,,2025-01-01,",       # a price change
    "NL,WhatsApp,0.0450,EUR,message,,",     # a per-message channel
    "GB,SMS,0.0400,GBP,,,",
    "US,SMS,0.0079,USD,,,",
    "CH,SMS,0.0600,EUR,,2030-01-01,",       # not in effect yet: CH is unpriced
]


def campaign() -> Request:
    return Request(product_token=TOKEN, messages=[
        Message(sender="CM", body="Hello", recipients=[
            "+31687654321", "+31612345678", "+32470123456", "+4915123456789", "+447400123456",
            "+12015550123", "+33612345678", "+41791234567"]),
        Message(sender="CM", body="Привет " * 11, recipients=["+31687654321", "+32471234567"]),  # UCS-2, 2 parts
        Message(sender="CM", body="a" * 100, dcs=8, body_type=None, recipients=["+4915123456789"]),  # forced UCS-2
        Message(sender="CM", body="b" * 200, allowed_channels=["whatsapp", "SMS"],
                recipients=["+31687654321", "+31612345678"]),
    ])


def test_campaign_to_the_cent() -> None:
    """Worked out by hand: EUR 0.0725 + 0.0500 + 0.0830 + 0.0950 (message 0) + 2 × 0.0725 +
    2 × 0.0830 (message 1, UCS-2) + 2 × 0.0950 (message 2, dcs 8) + 0.0450 + 0.0450 (message
    3, WhatsApp per message, whatever its 2 parts) = 0.8915; GBP 0.04; USD 0.0079."""
    e = cmcore.estimate(campaign(), table(*CAMPAIGN_TABLE), on=DAY)
    assert len(e.lines) == 13
    assert [(line.location, line.destination, line.parts, line.cost) for line in e.lines] == [
        ("msg[0].to[0]", "NL", 1, Decimal("0.0725")), ("msg[0].to[1]", "+31612", 1, Decimal("0.0500")),
        ("msg[0].to[2]", "BE", 1, Decimal("0.0830")), ("msg[0].to[3]", "DE", 1, Decimal("0.0950")),
        ("msg[0].to[4]", "GB", 1, Decimal("0.0400")), ("msg[0].to[5]", "US", 1, Decimal("0.0079")),
        ("msg[0].to[6]", None, 1, None), ("msg[0].to[7]", None, 1, None),
        ("msg[1].to[0]", "NL", 2, Decimal("0.1450")), ("msg[1].to[1]", "BE", 2, Decimal("0.1660")),
        ("msg[2].to[0]", "DE", 2, Decimal("0.1900")),
        ("msg[3].to[0]", "NL", 2, Decimal("0.0450")), ("msg[3].to[1]", "NL", 2, Decimal("0.0450")),
    ]
    assert dict(e.totals) == {"EUR": Decimal("0.8915"), "GBP": Decimal("0.0400"), "USD": Decimal("0.0079")}
    assert e.rounded() == {"EUR": Decimal("0.89"), "GBP": Decimal("0.04"), "USD": Decimal("0.01")}
    assert dict(e.low) == {"EUR": Decimal("0.8795"), "GBP": Decimal("0.0400"), "USD": Decimal("0.0079")}
    assert dict(e.high) == {"EUR": Decimal("0.9275"), "GBP": Decimal("0.0400"), "USD": Decimal("0.0079")}
    assert {k: dict(v) for k, v in e.by_region.items()} == {
        "NL": {"EUR": Decimal("0.3575")}, "BE": {"EUR": Decimal("0.2490")}, "DE": {"EUR": Decimal("0.2850")},
        "GB": {"GBP": Decimal("0.0400")}, "US": {"USD": Decimal("0.0079")}}
    assert {k: dict(v) for k, v in e.by_channel.items()} == {
        Channel.SMS: {"EUR": Decimal("0.8015"), "GBP": Decimal("0.0400"), "USD": Decimal("0.0079")},
        Channel.WHATSAPP: {"EUR": Decimal("0.0900")}}
    assert [(u.number, u.region) for u in e.unpriced] == [(FR, "FR"), (CH, "CH")]
    assert [line.location for line in e.ranged] == ["msg[0].to[2]", "msg[1].to[1]"]
    assert e.lines[9].low == Decimal("0.1580") and e.lines[9].high == Decimal("0.1900")
    assert "network not known" in (e.lines[9].note or "") and e.lines[0].note is None


def test_campaign_before_the_price_change() -> None:
    e = cmcore.estimate(campaign(), table(*CAMPAIGN_TABLE), on=date(2024, 12, 31))
    assert e.lines[3].cost == Decimal("0.0890") and e.lines[10].cost == Decimal("0.1780")
    assert e.totals["EUR"] == Decimal("0.8915") - Decimal("0.0060") - Decimal("0.1900") + Decimal("0.1780")


# -- the header ------------------------------------------------------------------------------


def test_header_ignores_case_spaces_and_bom() -> None:
    t = table("NL,SMS,0.07,EUR", header="\ufeff Destination ,CHANNEL,Price,currency\r\n")
    assert t.rows[0].destination == "NL" and len(t) == 1


@pytest.mark.parametrize("header, column, rule", [
    ("destination,channel,price,currency,colour\r\n", "colour", "unknown column"),
    ("destination,channel,price,currency,price\r\n", "price", "column given twice"),
    ("destination,channel,currency\r\n", "price", "required column missing"),
])
def test_header_problems(header: str, column: str, rule: str) -> None:
    [problem] = problems("NL,SMS,0.07,EUR", header=header)
    assert (problem.line, problem.column) == (1, column) and rule in problem.rule


def test_no_header() -> None:
    for lines in ([], ["\r\n", " , ,\r\n"]):
        with pytest.raises(PriceError, match="no header"):
            cmcore.load_prices(lines)


def test_a_header_alone_is_an_empty_table() -> None:
    assert len(table()) == 0


def test_a_whole_text_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="splitlines"):
        cmcore.load_prices(HEADER)
    assert len(cmcore.load_prices((HEADER + "NL,SMS,1,EUR,,,\r\n").splitlines(keepends=True))) == 1


def test_reads_an_open_file_the_csv_way(tmp_path: object) -> None:
    text = HEADER + '"NL","SMS","0.07","EUR","","",""\r\n\r\n"DE",SMS,0.08,EUR,,,\r\n'
    t = cmcore.load_prices(io.StringIO(text, newline=""))
    assert [(r.destination, r.line) for r in t.rows] == [("NL", 2), ("DE", 4)]


# -- each column ---------------------------------------------------------------------------


@pytest.mark.parametrize("cell, kind, destination", [
    ("NL", "country", "NL"), ("nl", "country", "NL"), ("204/08", "network", "204/08"),
    ("310/260", "network", "310/260"), ("+3161", "prefix", "+3161"), ("+1", "prefix", "+1"),
])
def test_destinations(cell: str, kind: str, destination: str) -> None:
    country = "NL" if "/" in cell else ""
    row = table(f"{cell},SMS,0.07,EUR,,,{country}").rows[0]
    assert (row.kind, row.destination) == (kind, destination)


@pytest.mark.parametrize("cell", ["XX", "NLD", "Netherlands", "204/8", "2040/8", "204-08", "20408", "+0612",
                                  "+", "3161", "+31 61", "+" + "1" * 16, "", "١٢"])
def test_bad_destinations(cell: str) -> None:
    problem = one(f"{cell},SMS,0.07,EUR,,,")
    assert (problem.line, problem.column, problem.value) == (2, "destination", cell)
    assert str(problem).startswith("line 2, column 'destination'")


def test_channels_ignore_case() -> None:
    rows = table("NL,sms,0.07,EUR,,,", "NL,whatsapp,0.05,EUR,message,,", "NL,MOBILEPUSH,0,EUR,,,").rows
    assert [r.channel for r in rows] == [Channel.SMS, Channel.WHATSAPP, Channel.MOBILE_PUSH]


@pytest.mark.parametrize("cell", ["Telegram", "", "S M S"])
def test_bad_channels(cell: str) -> None:
    problem = one(f"NL,{cell},0.07,EUR,,,")
    assert problem.column == "channel" and "not a channel" in problem.rule


@pytest.mark.parametrize("cell, value", [("0.0725", "0.0725"), ("1", "1"), (".5", "0.5"), ("5.", "5"),
                                         ("0", "0"), ("0.123456789012", "0.123456789012"),
                                         ("123456789012.5", "123456789012.5")])
def test_prices_are_exact_decimals(cell: str, value: str) -> None:
    price = table(f"NL,SMS,{cell},EUR,,,").rows[0].price
    assert type(price) is Decimal and price == Decimal(value)


@pytest.mark.parametrize("cell, rule", [
    ("-0.01", "negative"), ("-1", "negative"), ("NaN", "plain decimal"), ("nan", "plain decimal"),
    ("inf", "plain decimal"), ("-Infinity", "plain decimal"), ("1e-3", "plain decimal"), ("1,5", "plain decimal"),
    ("1_000", "plain decimal"), ("0x10", "plain decimal"), ("٣", "plain decimal"), ("", "plain decimal"),
    ("+1", "plain decimal"), ("1234567890123", "plain decimal"), ("0.1234567890123", "plain decimal"),
    ("€0.07", "plain decimal"), (".", "plain decimal"),
])
def test_bad_prices(cell: str, rule: str) -> None:
    problem = one(f'NL,SMS,"{cell}",EUR,,,')
    assert (problem.column, problem.value) == ("price", cell) and rule in problem.rule


@pytest.mark.parametrize("cell", ["eur", "EURO", "EU", "", "E1R"])
def test_bad_currencies(cell: str) -> None:
    assert one(f"NL,SMS,0.07,{cell},,,").column == "currency"


@pytest.mark.parametrize("cell, per", [("", PricePer.PART), ("part", PricePer.PART), ("Message", PricePer.MESSAGE)])
def test_per(cell: str, per: PricePer) -> None:
    assert table(f"NL,SMS,0.07,EUR,{cell},,").rows[0].per is per


def test_bad_per() -> None:
    assert one("NL,SMS,0.07,EUR,sms,,").column == "per"


@pytest.mark.parametrize("cell, day", [("", None), ("2025-01-01", date(2025, 1, 1))])
def test_effective(cell: str, day: date | None) -> None:
    assert table(f"NL,SMS,0.07,EUR,,{cell},").rows[0].effective == day


@pytest.mark.parametrize("cell", ["2025-02-30", "01/02/2025", "20250101", "2025-1-1", "0000-01-01", "tomorrow"])
def test_bad_effective(cell: str) -> None:
    assert one(f"NL,SMS,0.07,EUR,,{cell},").column == "effective"


def test_network_rows_name_their_country() -> None:
    assert table("204/08,SMS,0.07,EUR,,,nl").rows[0].country == "NL"
    assert one("204/08,SMS,0.07,EUR,,,").column == "country"
    assert one("204/08,SMS,0.07,EUR,,,XX").column == "country"
    assert one("NL,SMS,0.07,EUR,,,NL").column == "country"   # only a network row names one
    assert one("+31,SMS,0.07,EUR,,,NL").column == "country"


def test_the_optional_columns_may_be_left_out() -> None:
    row = table("NL,SMS,0.07,EUR", header="destination,channel,price,currency\r\n").rows[0]
    assert (row.per, row.effective, row.country) == (PricePer.PART, None, "NL")


def test_duplicates() -> None:
    problem = one("NL,SMS,0.07,EUR,,,", "nl,sms,0.08,EUR,,,")
    assert (problem.line, problem.column) == (3, "destination") and "duplicate of line 2" in problem.rule
    assert "duplicate of line 2" in one("NL,SMS,0.07,EUR,,2025-01-01,", "NL,SMS,0.08,EUR,,2025-01-01,").rule
    # another effective date, or another channel, is another row
    assert len(table("NL,SMS,0.07,EUR,,,", "NL,SMS,0.08,EUR,,2025-01-01,", "NL,RCS,0.07,EUR,,,")) == 3


def test_cell_count() -> None:
    problem = one("NL,SMS,0.07,EUR,,,,extra")
    assert (problem.line, problem.column) == (2, "") and "8 cells" in problem.rule
    assert one("NL,SMS,0.07").rule.startswith("3 cells")


def test_unreadable_csv_is_a_price_error() -> None:
    problem = one('NL,SMS,"0.07"x,EUR,,,')
    assert problem.line == 2 and "not readable as CSV" in problem.rule


def test_every_bad_row_is_reported_once_at_once() -> None:
    found = problems("NL,SMS,0.07,EUR,,,", "XX,SMS,0.07,EUR,,,", "DE,SMS,-1,EUR,,,", "BE,SMS,0.07,EUR,,,",
                     "FR,Fax,0.07,eur,,,")
    assert [(p.line, p.column) for p in found] == [(3, "destination"), (4, "price"), (6, "channel"), (6, "currency")]
    with pytest.raises(PriceError) as info:
        table("XX,SMS,0.07,EUR,,,", "DE,SMS,-1,EUR,,,")
    assert str(info.value).endswith("(and 1 more)")
    assert isinstance(info.value, cmcore.PayloadError) and isinstance(info.value, ValueError)


def test_rows_spanning_lines_are_named_by_their_first() -> None:
    found = problems('NL,SMS,0.07,EUR,,,', '"+3161",SMS,"0.07', 'x",EUR,,,', "XX,SMS,0.07,EUR,,,")
    assert [(p.line, p.column) for p in found] == [(3, "price"), (5, "destination")]


def test_price_errors_pickle() -> None:
    problem = one("XX,SMS,0.07,EUR,,,")
    again = pickle.loads(pickle.dumps(problem))
    assert (again.line, again.column, again.value, again.rule, str(again)) == (
        problem.line, problem.column, problem.value, problem.rule, str(problem))


# -- matching --------------------------------------------------------------------------------


def cost(t: cmcore.PriceTable, number: str, *, channel: Channel = Channel.SMS, parts: int = 1,
         network: str | None = None, on: date = DAY) -> cmcore.EstimateLine:
    [line] = cmcore.estimate([CostInput(number=number, channel=channel, parts=parts, network=network)], t, on=on).lines
    return line


def test_longest_prefix_wins() -> None:
    t = table("NL,SMS,0.07,EUR,,,", "+316,SMS,0.06,EUR,,,", "+31612,SMS,0.05,EUR,,,", "204/08,SMS,0.01,EUR,,,NL")
    assert cost(t, NL_PREFIXED, network="204/08").destination == "+31612"   # over a shorter prefix and a network
    assert cost(t, NL).destination == "+316"
    assert cost(table("NL,SMS,0.07,EUR,,,", "+31612,SMS,0.05,EUR,,,"), NL).destination == "NL"


def test_a_known_network_wins_over_the_country() -> None:
    t = table("NL,SMS,0.07,EUR,,,", "204/08,SMS,0.09,EUR,,,NL", "204/16,SMS,0.05,EUR,,,NL")
    line = cost(t, NL, network="20408")
    assert (line.destination, line.cost, line.low, line.high, line.network) == (
        "204/08", Decimal("0.09"), Decimal("0.09"), Decimal("0.09"), "204/08")
    unlisted = cost(t, NL, network="204/04")     # a known network the table does not list: the country
    assert (unlisted.destination, unlisted.low, unlisted.high) == ("NL", Decimal("0.07"), Decimal("0.07"))


def test_an_unknown_network_gives_the_range() -> None:
    t = table("NL,SMS,0.07,EUR,,,", "204/08,SMS,0.09,EUR,,,NL", "204/16,SMS,0.05,EUR,,,NL")
    line = cost(t, NL, parts=3)
    assert (line.destination, line.cost, line.low, line.high) == ("NL", Decimal("0.21"), Decimal("0.15"),
                                                                  Decimal("0.27"))
    assert "a number does not tell it" in (line.note or "")
    only_networks = table("204/08,SMS,0.09,EUR,,,NL", "204/16,SMS,0.05,EUR,,,NL")
    line = cost(only_networks, NL)
    assert (line.destination, line.cost, line.low) == ("204/08", Decimal("0.09"), Decimal("0.05"))
    assert "the highest" in (line.note or "")
    assert cost(only_networks, BE).reason == "no SMS price for BE in effect on 2025-06-01"


def test_the_latest_row_in_effect_wins() -> None:
    t = table("NL,SMS,0.05,EUR,,2025-03-01,", "NL,SMS,0.07,EUR,,,", "NL,SMS,0.06,EUR,,2025-01-01,",
              "+31612,SMS,0.01,EUR,,2026-01-01,")
    assert cost(t, NL, on=date(2024, 12, 31)).cost == Decimal("0.07")
    assert cost(t, NL, on=date(2025, 1, 1)).cost == Decimal("0.06")
    assert cost(t, NL, on=date(2025, 3, 1)).cost == Decimal("0.05")
    assert cost(t, NL_PREFIXED, on=DAY).destination == "NL"          # the prefix is not in effect yet
    assert cost(t, NL_PREFIXED, on=date(2026, 1, 1)).destination == "+31612"
    assert cost(table("NL,SMS,0.05,EUR,,2025-03-01,"), NL, on=date(2025, 2, 28)).cost is None


def test_per_message_and_per_part() -> None:
    t = table("NL,SMS,0.07,EUR,,,", "NL,WhatsApp,0.045,EUR,message,,")
    assert cost(t, NL, parts=4).cost == Decimal("0.28")
    assert cost(t, NL, parts=4, channel=Channel.WHATSAPP).cost == Decimal("0.045")


def test_priced_on_the_first_allowed_channel_and_sms_by_default() -> None:
    t = table("NL,SMS,0.07,EUR,,,", "NL,WhatsApp,0.045,EUR,message,,", "NL,Viber,0.03,EUR,message,,")
    def first(channels: list[str]) -> cmcore.EstimateLine:
        msg = Message(sender="CM", recipients=["+31687654321"], body="Hi", allowed_channels=channels)
        return cmcore.estimate(Request(product_token=TOKEN, messages=[msg]), t, on=DAY).lines[0]
    assert first([]).channel is Channel.SMS
    assert first(["Viber", "WhatsApp", "SMS"]).cost == Decimal("0.03")
    assert first(["SMS", "Viber"]).cost == Decimal("0.07")
    assert first(["RCS", "SMS"]).reason == "no RCS price for NL in effect on 2025-06-01"


def test_parts_are_counted_as_the_gateway_counts_them() -> None:
    t = table("NL,SMS,0.07,EUR,,,")
    def parts(**fields: object) -> int:
        msg = Message(sender="CM", recipients=["+31687654321"], **fields)  # type: ignore[arg-type]
        return cmcore.estimate(Request(product_token=TOKEN, messages=[msg]), t, on=DAY).lines[0].parts
    assert parts(body="x" * 160) == 1 and parts(body="x" * 161) == 2     # GSM-7
    assert parts(body="€" * 80) == 1 and parts(body="€" * 81) == 2        # extension characters cost 2
    assert parts(body="é" * 70 + "ж") == 2                                 # auto: UCS-2
    assert parts(body="x" * 70, dcs=8, body_type=None) == 1                # dcs 8: UCS-2
    assert parts(body="x" * 71, dcs=8, body_type=None) == 2
    assert parts(body="x" * 71, dcs=8) == 2                                # dcs alone: body type None
    assert parts(body="x" * 71, dcs=8, body_type=cmcore.BodyType.AUTO) == 1  # auto ignores dcs


def test_unpriced_is_never_zero() -> None:
    t = table("NL,SMS,0.07,EUR,,,")
    e = cmcore.estimate([CostInput(number=NL), CostInput(number=FR), CostInput(number="+31 6 12")], t, on=DAY)
    assert [line.cost for line in e.lines] == [Decimal("0.07"), None, None]
    assert [line.priced for line in e.lines] == [True, False, False]
    assert e.lines[2].reason == "not a valid phone number: too short"
    assert dict(e.totals) == {"EUR": Decimal("0.07")} and len(e.unpriced) == 2
    assert cmcore.estimate([CostInput(number=FR)], t, on=DAY).totals == {}


def test_channel_ids_are_unpriced() -> None:
    t = table("NL,Facebook Messenger,0.01,EUR,message,,")
    msg = Message(sender="CM", recipients=["psid-17"], body="Hi", allowed_channels=["Facebook Messenger"])
    [line] = cmcore.estimate(Request(product_token=TOKEN, messages=[msg]), t, on=DAY).lines
    assert line.cost is None and "channel ids" in (line.reason or "") and line.number == "psid-17"


def test_a_request_is_validated_first() -> None:
    t = table("NL,SMS,0.07,EUR,,,")
    national = Request(product_token=TOKEN, messages=[Message(sender="CM", recipients=["06 87654321"], body="Hi")])
    line = cmcore.estimate(national, t, default_region="NL", on=DAY).lines[0]
    assert (line.number, line.region, line.cost) == (NL, "NL", Decimal("0.07"))
    with pytest.raises(cmcore.PayloadError) as info:
        cmcore.estimate(national, t, on=DAY)
    assert info.value.code == 303


def test_cost_inputs_read_national_numbers_with_the_default_region() -> None:
    t = table("NL,SMS,0.07,EUR,,,")
    assert cmcore.estimate([CostInput(number="0687654321")], t, default_region="NL", on=DAY).lines[0].number == NL
    with pytest.raises(ValueError, match="default_region"):
        cmcore.estimate([CostInput(number=NL)], t, default_region="XX", on=DAY)


def test_cost_input_rules() -> None:
    assert CostInput(number=NL, channel="whatsapp").channel is Channel.WHATSAPP  # type: ignore[arg-type]
    assert CostInput(number=NL, network="310260").network == "310/260"
    for bad in ({"channel": "Fax"}, {"parts": 0}, {"parts": 256}, {"network": "2040"}, {"network": "204/8"}):
        with pytest.raises(ValueError):
            CostInput(number=NL, **bad)
    for wrong in ({"number": 31}, {"parts": True}, {"parts": 1.0}, {"channel": 1}, {"network": 20408}):
        with pytest.raises(TypeError):
            CostInput(**{"number": NL, **wrong})  # type: ignore[arg-type]


def test_the_day() -> None:
    t = table("NL,SMS,0.07,EUR,,,")
    assert cmcore.estimate([], t).on == date.today()
    assert cmcore.estimate([], t, on=datetime(2025, 6, 1, 23, 59)).on == DAY
    with pytest.raises(TypeError, match="'on'"):
        cmcore.estimate([], t, on="2025-06-01")  # type: ignore[arg-type]


def test_argument_types() -> None:
    t = table("NL,SMS,0.07,EUR,,,")
    with pytest.raises(TypeError, match="PriceTable"):
        cmcore.estimate([], [HEADER])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="Request or an iterable"):
        cmcore.estimate(NL, t)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"inputs\[1\]"):
        cmcore.estimate([CostInput(number=NL), NL], t)  # type: ignore[list-item]


def test_estimates_are_frozen_and_exact() -> None:
    e = cmcore.estimate([CostInput(number=NL, parts=3)], table("NL,SMS,0.000000000001,EUR,,,"), on=DAY)
    assert e.totals["EUR"] == Decimal("0.000000000003") and e.rounded() == {"EUR": Decimal("0.00")}
    with pytest.raises(AttributeError):
        e.lines[0].cost = Decimal(0)  # type: ignore[misc]
    with pytest.raises(TypeError):
        e.totals["EUR"] = Decimal(0)  # type: ignore[index]


def test_round_money() -> None:
    assert cmcore.round_money(Decimal("0.005"), "EUR") == Decimal("0.01")      # half up
    assert cmcore.round_money(Decimal("0.0049"), "USD") == Decimal("0.00")
    assert cmcore.round_money(Decimal("12.5"), "JPY") == Decimal("13")
    assert cmcore.round_money(Decimal("0.0125"), "KWD") == Decimal("0.013")
    assert str(cmcore.round_money(Decimal("3"), "EUR")) == "3.00"
    with pytest.raises(TypeError):
        cmcore.round_money(0.07, "EUR")  # type: ignore[arg-type]


# -- providers' exports ----------------------------------------------------------------------

TWILIO_CSV = """Country,ISO Country,MCC,MNC,Carrier,Number Type,Base Price,Current Price,Price Unit
Netherlands,NL,204,08,KPN,local,0.0950,0.0900,usd
Netherlands,NL,204,08,KPN,shortcode,0.0800,0.0800,usd
Netherlands,NL,204,16,T-Mobile,local,0.0900,0.0850,usd
Netherlands,NL,,,Other,local,0.1000,0.1000,usd
"""


def test_twilio_rows() -> None:
    lines = list(cmcore.network_price_lines(csv.DictReader(io.StringIO(TWILIO_CSV)), number_type="local"))
    t = cmcore.load_prices(lines)
    assert [(r.destination, r.kind, r.price, r.currency, r.country) for r in t.rows] == [
        ("204/08", "network", Decimal("0.0900"), "USD", "NL"), ("204/16", "network", Decimal("0.0850"), "USD", "NL"),
        ("NL", "country", Decimal("0.1000"), "USD", "NL")]
    line = cost(t, NL)
    assert (line.cost, line.low, line.high) == (Decimal("0.1000"), Decimal("0.0850"), Decimal("0.1000"))
    with pytest.raises(PriceError, match="duplicate of line 2"):   # both number types: one MCC/MNC twice
        cmcore.load_prices(cmcore.network_price_lines(csv.DictReader(io.StringIO(TWILIO_CSV))))


def test_vonage_rows() -> None:
    networks = [{"countryCode": "BE", "mcc": "206", "mnc": "01", "networkName": "Proximus", "price": "0.0790",
                 "currency": "EUR"},
                {"countryCode": "BE", "mcc": "206", "mnc": "10", "networkName": "Orange", "price": "0.0950"},
                {"countryCode": "BE", "price": "0.0830", "currency": "EUR"}]
    t = cmcore.load_prices(cmcore.network_price_lines(networks, currency="eur"))
    assert [(r.destination, r.price, r.currency) for r in t.rows] == [
        ("206/01", Decimal("0.0790"), "EUR"), ("206/10", Decimal("0.0950"), "EUR"), ("BE", Decimal("0.0830"), "EUR")]
    assert cost(t, BE2, network="206/10").cost == Decimal("0.0950")


def test_provider_rows_are_judged_by_load_prices() -> None:
    with pytest.raises(PriceError) as info:
        cmcore.load_prices(cmcore.network_price_lines([{"iso": "NL", "mcc": "204", "mnc": "08"}], currency="EUR"))
    assert [(p.line, p.column) for p in info.value.errors] == [(2, "price")]  # type: ignore[attr-defined]
    assert list(cmcore.network_price_lines([])) == ["destination,channel,price,currency,country\r\n"]


# -- reconciliation --------------------------------------------------------------------------


def reconciled() -> cmcore.Estimate:
    return cmcore.estimate(campaign(), table(*CAMPAIGN_TABLE), on=DAY)


def test_tariffs_next_to_the_estimate() -> None:
    e = reconciled()
    r = cmcore.reconcile(e, [
        ("msg[1].to[0]", receipt(b"20408", b"7")), ("msg[1].to[0]", receipt(b"20408", b"8")),  # one a part
        ("+32 470 12 34 56", receipt(b"20610", b"9")),                                        # by number
        ("msg[0].to[4]", receipt(tariff=b"4")),
    ])
    nl, be, gb = r.lines[8], r.lines[2], r.lines[4]
    assert (nl.receipts, nl.tariff, nl.actual, nl.network, nl.source) == (2, 15, Decimal("0.15"), "204/08", "tariff")
    assert nl.difference == Decimal("0.0050")
    assert (be.actual, be.difference) == (Decimal("0.09"), Decimal("0.0070"))
    assert (gb.actual, gb.currency, gb.difference) == (Decimal("0.04"), "GBP", Decimal("0.0000"))
    assert dict(r.actual) == {"EUR": Decimal("0.24"), "GBP": Decimal("0.04")}
    assert dict(r.difference) == {"EUR": Decimal("0.0120"), "GBP": Decimal("0.0000")}
    assert r.estimated == e.totals and r.unmatched == ()
    assert len(r.missing) == 8 and all(line.cost is not None for line in r.missing)


def test_the_account_currency() -> None:
    r = cmcore.reconcile(reconciled(), [("msg[0].to[4]", receipt(tariff=b"5")), ("msg[0].to[6]", receipt(tariff=b"6"))],
                         currency="EUR")
    gb, fr = r.lines[4], r.lines[6]
    assert (gb.actual, gb.currency, gb.difference) == (Decimal("0.05"), "EUR", None)   # not the line's currency
    assert (fr.actual, fr.tariff, fr.line.cost) == (Decimal("0.06"), 6, None)           # an unpriced line that cost
    assert dict(r.actual) == {"EUR": Decimal("0.11")} and r.difference == {}
    kept = cmcore.reconcile(reconciled(), [("msg[0].to[6]", receipt(tariff=b"6"))]).lines[6]
    assert (kept.tariff, kept.actual) == (6, None)     # no currency to read the tariff in


def test_status_reports_give_the_network() -> None:
    e = reconciled()
    report = StatusReport(to=BE, status=StatusCode.DELIVERED, operator="20610")
    r = cmcore.reconcile(e, [report, (BE2, StatusReport(to=None, status=StatusCode.DELIVERED, operator="20601"))])
    assert (r.lines[2].actual, r.lines[2].source, r.lines[2].difference) == (
        Decimal("0.0950"), "network price", Decimal("0.0120"))
    assert (r.lines[9].actual, r.lines[9].network) == (Decimal("0.1580"), "206/01")   # 2 parts at 206/01
    unknown = cmcore.reconcile(e, [StatusReport(to=NL, status=StatusCode.DELIVERED, reference=None)])
    assert unknown.lines[0].actual is None   # NL is in 3 messages
    assert unknown.unmatched[0][0] == NL and "3 lines" in unknown.unmatched[0][1]


def test_matching_by_reference() -> None:
    msgs = [Message(sender="CM", recipients=["+31687654321", "+31612345678"], body="Hi", reference="a"),
            Message(sender="CM", recipients=["+4915123456789"], body="Hi", reference="b")]
    e = cmcore.estimate(Request(product_token=TOKEN, messages=msgs), table(*CAMPAIGN_TABLE), on=DAY)
    r = cmcore.reconcile(e, [("b", receipt(tariff=b"10")), ("a", receipt(tariff=b"10")),
                             StatusReport(to=NL_PREFIXED, reference="a", status=StatusCode.DELIVERED, operator="20408"),
                             StatusReport(to=NL_PREFIXED, reference="b", status=StatusCode.DELIVERED),
                             ("nobody", receipt(tariff=b"1"))])
    assert r.lines[2].actual == Decimal("0.10") and r.lines[1].network == "204/08"
    assert [why for _, why in r.unmatched] == ["receipts[1] matches 2 lines: name one by its location (msg[0].to[1])",
                                               "receipts[3] matches no line", "receipts[4] matches no line"]


def test_receipt_types() -> None:
    for bad in (receipt(), (NL,), (NL, b"tlvs"), (1, receipt())):
        with pytest.raises(TypeError, match=r"receipts\[0\]"):
            cmcore.reconcile(reconciled(), [bad])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="Estimate"):
        cmcore.reconcile([], [])  # type: ignore[arg-type]


# -- properties ------------------------------------------------------------------------------

PROPERTY_NUMBERS = [NL, NL_PREFIXED, BE, BE2, DE, GB, US, FR, CH, "+31 6 12"]
DESTINATIONS = [("NL", ""), ("BE", ""), ("DE", ""), ("US", ""), ("+31612", ""), ("+316", ""), ("+49", ""),
                ("204/08", "NL"), ("204/16", "NL"), ("206/10", "BE"), ("206/01", "BE")]
prices = st.decimals(min_value=0, max_value=10, places=4, allow_nan=False, allow_infinity=False)
price_rows = st.dictionaries(
    st.tuples(st.sampled_from(DESTINATIONS), st.sampled_from(["SMS", "WhatsApp"]),
              st.sampled_from(["", "2025-01-01", "2026-01-01"])),
    st.tuples(prices, st.sampled_from(["EUR", "USD"]), st.sampled_from(["", "part", "message"])), max_size=20)
inputs = st.lists(st.builds(CostInput, number=st.sampled_from(PROPERTY_NUMBERS),
                            channel=st.sampled_from([Channel.SMS, Channel.WHATSAPP]),
                            parts=st.integers(1, 255),
                            network=st.sampled_from([None, "204/08", "204/16", "206/10", "310/260"])), max_size=30)


@settings(max_examples=examples(100), deadline=None)
@given(price_rows, inputs, st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 1, 1)))
def test_totals_are_the_sums_of_the_lines(rows: dict, items: list[CostInput], day: date) -> None:  # type: ignore[type-arg]
    text = [HEADER] + [f"{d},{c},{p},{cur},{per},{eff},{country}\r\n"
                       for ((d, country), c, eff), (p, cur, per) in rows.items()]
    e = cmcore.estimate(items, cmcore.load_prices(text), on=day)
    assert len(e.lines) == len(items)
    for name, field in (("totals", "cost"), ("low", "low"), ("high", "high")):
        sums: dict[str, Decimal] = {}
        for line in e.lines:
            if line.cost is not None:
                assert line.currency is not None
                sums[line.currency] = sums.get(line.currency, Decimal(0)) + getattr(line, field)
        assert dict(getattr(e, name)) == sums
    for groups in (e.by_region, e.by_channel):
        regrouped: dict[str, Decimal] = {}
        for money in groups.values():
            for currency, amount in money.items():
                regrouped[currency] = regrouped.get(currency, Decimal(0)) + amount
        assert regrouped == dict(e.totals)
    for line in e.lines:
        assert (line.cost is None) == (line.reason is not None)
        assert line.cost is None or line.low <= line.cost <= line.high  # type: ignore[operator]


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(st.text(max_size=40), max_size=8), st.booleans())
def test_reading_arbitrary_lines_raises_only_price_errors(lines: list[str], with_header: bool) -> None:
    try:
        t = cmcore.load_prices(([HEADER] if with_header else []) + lines)
    except PriceError as exc:
        assert exc.errors and all(isinstance(e, PriceError) and e.line >= 1 for e in exc.errors)
    else:
        assert all(isinstance(r.price, Decimal) and r.price >= 0 for r in t.rows)


GOOD_CELLS = st.tuples(st.sampled_from(["NL", "de", "+3161", "+1"]), st.sampled_from(["SMS", "whatsapp", "RCS"]),
                       st.sampled_from(["0.07", "1", ".5"]), st.just("EUR"))
BAD_CELLS = st.tuples(st.sampled_from(["XX", "+0", "NL"]), st.sampled_from(["SMS", "Fax"]),
                      st.sampled_from(["-1", "NaN", "1e3", "0.07"]), st.sampled_from(["EUR", "eur"])).filter(
    lambda c: c[0] != "NL" or c[1] != "SMS" or c[2] != "0.07" or c[3] != "EUR")


@settings(max_examples=examples(100), deadline=None)
@given(st.lists(st.tuples(st.booleans(), GOOD_CELLS, BAD_CELLS), max_size=12))
def test_every_bad_row_has_a_verdict(rows: list[tuple[bool, tuple[str, ...], tuple[str, ...]]]) -> None:
    """N rows in, N verdicts: the lines of the problems are exactly the bad rows' lines
    (good rows are made unique, so that no duplicate stands in for a bad cell)."""
    lines = [HEADER]
    bad_lines = set()
    for i, (bad, good_cells, bad_cells) in enumerate(rows):
        if bad:
            lines.append(",".join(bad_cells) + ",,,\r\n")
            bad_lines.add(i + 2)
        else:
            lines.append(",".join(good_cells) + f",,{2000 + i}-01-01,\r\n")
    try:
        cmcore.load_prices(lines)
    except PriceError as exc:
        assert {e.line for e in exc.errors} == bad_lines  # type: ignore[attr-defined]
    else:
        assert not bad_lines
