"""The shared mechanics, without a broker or a database."""

from __future__ import annotations

import importlib
from decimal import Decimal

import pytest

from ic_platform import asyncapi, catalogue
from ic_platform.commands import Command, Money
from ic_platform.config import SERVICES
from ic_platform.envelope import Envelope
from ic_platform.errors import InvalidInput
from ic_platform.inbox import RetryPolicy
from ic_platform.money import MoneyError, money_str, parse_money


@pytest.mark.parametrize("raw, expected", [("12", "12.00"), ("0.1", "0.10"), (7, "7.00"), ("1234567.89", "1234567.89")])
def test_money_parses_exactly(raw, expected):
    assert money_str(parse_money(raw)) == expected


@pytest.mark.parametrize(
    "raw, reason",
    [
        (0, "大于零"),
        ("-1", "大于零"),
        ("1.001", "两位小数"),
        ("abc", "有效数字"),
        (1.5, "字符串或整数"),
        ("NaN", "有效数字"),
        (True, "字符串或整数"),
        ("1e20", "有效数字"),
        ("1e309", "有效数字"),
        ("1" * 30, "范围"),
        (10**13, "范围"),
        (Decimal("1e309"), "范围"),
        (" 1.00", "有效数字"),
        ("1.00 ", "有效数字"),
        ("１.00", "有效数字"),
        ("1.0e2", "有效数字"),
        ("+1", "有效数字"),
        ("1.", "有效数字"),
        (".5", "有效数字"),
        (None, "字符串或整数"),
    ],
)
def test_money_refuses_what_is_not_money(raw, reason):
    with pytest.raises(MoneyError, match=reason):
        parse_money(raw)


class _Pay(Command):
    amount: Money
    title: str


def test_commands_name_each_bad_field_in_chinese_and_refuse_unknown_ones():
    with pytest.raises(InvalidInput) as caught:
        _Pay.parse({"amount": "1.234", "surprise": 1})
    fields = {f["field"]: f["reason"] for f in caught.value.details["fields"]}
    assert fields == {"amount": "金额最多两位小数", "title": "必填", "surprise": "不允许的字段"}
    assert caught.value.http_status == 422 and caught.value.message.startswith("输入有误")
    assert _Pay.parse({"amount": "5", "title": "x"}).amount == Decimal("5.00")


def test_envelope_types_are_domain_dot_past_tense_and_causes_chain():
    with pytest.raises(ValueError):
        Envelope(type="BudgetReserved", payload={}, org="o", producer="p")
    first = Envelope(type="budget.pre_committed", payload={}, org="o", producer="budget", actor="clerk")
    second = first.caused("approval.submitted", {}, producer="approval")
    assert second.correlation_id == first.correlation_id == first.event_id
    assert second.causation_id == first.event_id and second.actor == "clerk"
    assert Envelope.from_dict(second.as_dict()) == second


def _valid_event() -> dict:
    return Envelope(
        type="budget.released",
        org="xinqiao",
        producer="budget",
        subject="matter_application/1",
        payload={
            "budget_line_id": "L1",
            "document": {"type": "matter_application", "id": "1"},
            "amount": "10.00",
            "available": "90.00",
            "reason": "驳回",
        },
    ).as_dict()


def test_catalogue_accepts_a_valid_event_and_names_what_is_wrong_with_a_bad_one():
    catalogue.validate(_valid_event())
    bad = _valid_event()
    bad["payload"]["amount"] = "10.5"
    with pytest.raises(catalogue.InvalidEvent, match="payload/amount"):
        catalogue.validate(bad)
    extra = _valid_event()
    extra["payload"]["note"] = "x"
    with pytest.raises(catalogue.InvalidEvent, match="Additional properties"):
        catalogue.validate(extra)
    with pytest.raises(catalogue.UnknownEvent):
        catalogue.validate({**_valid_event(), "type": "budget.vanished"})


def test_the_producer_comes_from_the_catalogue_and_no_service_publishes_anothers_event():
    event = Envelope(type="budget.released", payload={}, org="xinqiao")
    assert event.producer == "" and catalogue.with_producer(event).producer == "budget"
    named = Envelope(type="budget.released", payload={}, org="xinqiao", producer="budget")
    assert catalogue.with_producer(named) is named
    with pytest.raises(catalogue.InvalidEvent, match="budget.released is produced by budget, not payment"):
        catalogue.with_producer(Envelope(type="budget.released", payload={}, org="xinqiao", producer="payment"))
    with pytest.raises(catalogue.UnknownEvent):
        catalogue.with_producer(Envelope(type="budget.never_happened", payload={}, org="xinqiao"))


def test_every_subscription_has_a_handler_and_every_handler_a_subscription():
    for service in SERVICES:
        # What the service's inbox really dispatches on (handlers.py and any feature module's handlers).
        handlers = importlib.import_module(f"services.{service}.service").SERVICE.platform.event_handlers
        subscribed = set(catalogue.subscriptions(service))
        handled = set(handlers)
        if service in catalogue.WILDCARD_SUBSCRIBERS:
            assert "*" in handled, service  # hears everything; may also name types some handlers want
        else:
            assert handled == subscribed, f"{service}: handlers {handled} vs catalogue subscriptions {subscribed}"


def test_risk_is_bound_to_every_event_but_its_own_that_another_hears():
    """Its own it files as it writes them (services/risk/service_layer/bus.py): bound to them, it would get
    each back only to find it filed. Those nobody else hears still reach its queue: a published event must find
    one. The `#` it was bound to before is removed when the topology is declared."""
    keys = catalogue.subscriptions("risk")

    def routed(type_: str) -> bool:
        return any(type_.startswith(key[:-1]) if key.endswith(".#") else type_ == key for key in keys)

    for spec in catalogue.CATALOGUE.values():
        others = set(spec.subscribers) - {"risk"}
        assert routed(spec.type) == (spec.producer != "risk" or not others), spec.type
        assert routed(spec.type) or others, f"{spec.type} would find no queue"
    assert "risk.document_assessed" not in keys and "risk.warning_acknowledged" in keys
    assert "#" in catalogue.FORMER_WILDCARD_KEYS and "#" not in keys


def test_every_event_type_names_a_real_producer_and_real_subscribers():
    for spec in catalogue.CATALOGUE.values():
        assert spec.producer in SERVICES and spec.type.startswith(spec.producer + ".")
        assert set(spec.subscribers) <= set(SERVICES)


def test_the_published_asyncapi_document_is_current():
    assert asyncapi.OUTPUT.read_text(encoding="utf-8") == asyncapi.render(), "run `make catalogue`"


def test_retry_backoff_grows_and_is_bounded():
    policy = RetryPolicy(max_attempts=10, base_delay_s=0.5, max_delay_s=30)
    delays = [policy.delay(n) for n in range(1, 10)]
    assert delays[:4] == [0.5, 1.0, 2.0, 4.0] and max(delays) == 30


def test_an_expected_refusal_is_logged_once_at_info_without_a_traceback(caplog):
    import logging

    from ic_platform.errors import Conflict
    from ic_platform.logs import DropExpectedRefusals, log_refusal

    refusal = Conflict("budget_insufficient", "预算指标可用余额不足", {"available": "10.00"})
    try:
        raise refusal
    except Conflict:
        import sys

        nameko_style = logging.LogRecord("nameko.containers", logging.WARNING, "", 0, "(expected)", (), sys.exc_info())
    assert DropExpectedRefusals().filter(nameko_style) is False
    failure = logging.LogRecord("nameko.containers", logging.ERROR, "", 0, "boom", (), (ValueError, ValueError(), None))
    assert DropExpectedRefusals().filter(failure) is True  # a real fault keeps its traceback

    with caplog.at_level(logging.INFO):
        log_refusal(logging.getLogger("ic_platform.nameko_platform"), "budget.reserve", refusal)
    (record,) = caplog.records
    assert record.levelno == logging.INFO and record.exc_info is None
    assert record.getMessage() == "budget.reserve refused: budget_insufficient 预算指标可用余额不足"
