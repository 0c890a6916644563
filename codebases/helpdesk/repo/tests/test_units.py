import json
import logging

import pytest
from rest_framework.exceptions import ValidationError

from accounts import tokens
from core import context
from core.logs import JsonFormatter
from tickets import pagination


def test_cursors_round_trip_and_refuse_forgeries():
    assert pagination.decode(pagination.encode(42)) == 42
    assert pagination.decode(None) is None
    with pytest.raises(ValidationError):
        pagination.decode("bm9wZTox")


def test_token_format():
    assert tokens.parse("hd_abc_def_ghi") == ("abc", "def_ghi")
    assert tokens.parse("xx_abc_def") is None
    assert tokens.parse("hd__x") is None


def test_log_lines_are_json_with_the_request_id_and_no_secrets():
    record = logging.makeLogRecord({"msg": "hello %s", "args": ("you",), "levelname": "INFO", "name": "t",
                                    "headers": {"Authorization": "Bearer hd_x_y", "Accept": "*/*"}})
    reset = context.request_id.set("rid-1")
    try:
        line = json.loads(JsonFormatter().format(record))
    finally:
        context.request_id.reset(reset)
    assert line["message"] == "hello you" and line["request_id"] == "rid-1"
    assert line["headers"] == {"Authorization": "[redacted]", "Accept": "*/*"}
