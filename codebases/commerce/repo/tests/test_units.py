"""Unit tests of pure functions: money, state machine, metrics, logging, signatures, cursors."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from app.context import request_id_var
from app.errors import InvalidState, Unprocessable
from app.logging_setup import JsonFormatter
from app.metrics import Counter, Histogram, Registry
from app.pagination import decode_cursor, encode_cursor
from app.security import (deterministic_api_key, generate_api_key, key_prefix, role_allows, sign_payload,
                          verify_api_key, verify_signature)
from app.services.order_state import can_transition, ensure_transition
from app.services.pricing import price_order, prorate, tax_for


@pytest.mark.parametrize(("amount", "rate", "tax"), [
    (1000, 825, 83),     # 82.5 -> 83 (half up)
    (5997, 825, 495),    # 494.7525
    (1, 5000, 1),        # 0.5 -> 1
    (1, 4999, 0),
    (0, 2000, 0),
    (123_456, 0, 0),
])
def test_tax_is_rounded_half_up_to_the_cent(amount, rate, tax):
    assert tax_for(amount, rate) == tax


def test_price_order_sums_line_taxes_and_honours_exemptions():
    taxed = SimpleNamespace(price_cents=1999, tax_exempt=False)
    exempt = SimpleNamespace(price_cents=500, tax_exempt=True)
    priced = price_order([(taxed, 3), (exempt, 2)], 825)
    assert [line.tax_cents for line in priced.lines] == [495, 0]
    assert (priced.subtotal_cents, priced.tax_cents, priced.total_cents) == (6997, 495, 7492)
    with pytest.raises(ValueError):
        price_order([(taxed, 0)], 825)


def test_prorate_always_adds_up():
    assert prorate(100, [1, 1, 1]) == [34, 33, 33]
    assert sum(prorate(9_999, [3, 7, 11, 13])) == 9_999
    assert prorate(50, [0, 0]) == [0, 0]


def test_order_state_machine():
    assert can_transition("pending", "paid") and can_transition("paid", "shipped")
    assert not can_transition("shipped", "cancelled") and not can_transition("cancelled", "paid")
    with pytest.raises(InvalidState):
        ensure_transition("refunded", "shipped")


def test_cursor_round_trip_and_tampering():
    moment = datetime(2024, 5, 1, 12, 30, tzinfo=UTC)
    cursor = encode_cursor(moment, 42)
    assert decode_cursor(cursor, datetime, int) == (moment, 42)
    for bad in ("", "!!!", encode_cursor("x", 1), encode_cursor(1)):
        with pytest.raises(Unprocessable):
            decode_cursor(bad, datetime, int)


def test_api_keys_and_roles():
    key, prefix, key_hash = generate_api_key("pepper")
    assert key_prefix(key) == prefix and verify_api_key(key, key_hash, "pepper")
    assert not verify_api_key(key, key_hash, "another-pepper")
    assert deterministic_api_key("seed", "p") == deterministic_api_key("seed", "p")
    assert key_prefix("ck_nothex!_abc") is None
    assert role_allows("admin", "staff") and role_allows("staff", "viewer") and not role_allows("viewer", "staff")


def test_webhook_signatures():
    header = sign_payload("whsec_test", 1_700_000_000, b'{"a":1}')
    assert header.startswith("t=1700000000,v1=")
    assert verify_signature("whsec_test", header, b'{"a":1}')
    assert not verify_signature("whsec_test", header, b'{"a":2}')
    assert not verify_signature("whsec_other", header, b'{"a":1}')
    assert not verify_signature("whsec_test", "garbage", b"")


def test_metrics_text_format():
    registry = Registry()
    hits = registry.register(Counter("hits_total", "Hits.", ("route",)))
    latency = registry.register(Histogram("latency_seconds", "Latency.", (), buckets=(0.1, 1.0)))
    hits.inc(route='/a"b')
    hits.inc(2, route="/c")
    for value in (0.05, 0.5, 5.0):
        latency.observe(value)
    text = registry.render()
    assert '# TYPE hits_total counter' in text
    assert 'hits_total{route="/a\\"b"} 1' in text and 'hits_total{route="/c"} 2' in text
    assert 'latency_seconds_bucket{le="0.1"} 1' in text
    assert 'latency_seconds_bucket{le="1"} 2' in text
    assert 'latency_seconds_bucket{le="+Inf"} 3' in text
    assert "latency_seconds_count 3" in text and "latency_seconds_sum 5.55" in text
    with pytest.raises(ValueError):
        hits.inc(-1, route="/a")


def test_json_log_lines_carry_the_request_id_and_mask_secrets():
    record = logging.LogRecord("app.test", logging.INFO, __file__, 1, "hello %s", ("world",), None)
    record.order_id = 7
    record.api_key = "ck_secret"
    token = request_id_var.set("req-1")
    try:
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id_var.reset(token)
    assert line["message"] == "hello world" and line["level"] == "info"
    assert line["request_id"] == "req-1" and line["order_id"] == 7
    assert line["api_key"] == "***"
