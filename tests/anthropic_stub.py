"""A local stand-in for the Anthropic Messages API that replays a scripted session.

It lets the real ``anthropic`` SDK, through Inspect's ``anthropic/`` provider, drive the agent
offline: point the provider's base URL at :attr:`AnthropicStub.url`.

- ``POST /v1/messages``: streaming (server-sent events: ``message_start``,
  ``content_block_start``, ``ping``, ``content_block_delta`` with ``text_delta`` /
  ``input_json_delta``, ``content_block_stop``, ``message_delta`` with ``stop_reason`` and
  usage, ``message_stop``) when the body has ``"stream": true``, a JSON ``Message`` otherwise.
- ``POST /v1/messages/count_tokens``: ``{"input_tokens": N}``.
- Anything else: a 404 ``not_found_error``.

The session is a list of turns, each either ``tool_use(("Read", {...}), ...)`` or
``text("...")``. Which turn answers a request is decided by the request itself (the number of
assistant messages in its history), so a retried request gets the same turn again.

Every request is recorded (:class:`Recorded`: path, lower-cased headers, parsed JSON body,
status, the usage answered), and requests are validated like the real API would where it is
cheap: API key (``x-api-key``, or ``Authorization: Bearer`` which anthropic 2.x sends) and
``anthropic-version`` headers, ``model`` / ``max_tokens`` / ``messages``, alternating roles
starting with ``user``, ``tool_result`` blocks answering exactly the ``tool_use`` ids of the
assistant turn before (and every ``tool_use`` answered), the assistant turns in the history
echoing what the stub sent, and ``tools`` carrying ``name`` / ``description`` /
``input_schema``. A violation is answered with a 400 ``invalid_request_error`` in the API's error
JSON, and recorded.

Usage numbers are computed from the request size (about four characters a token). Prompt
caching works as the API documents it: the prompt is the sequence of blocks ``tools`` →
``system`` → ``messages``; a block carrying ``cache_control`` is a breakpoint, and a top-level
``cache_control`` (automatic caching) puts one on the last block. A request reads back the
longest prefix an earlier request wrote, looked up at each breakpoint and up to
:data:`LOOKBACK_BLOCKS` blocks before it (``cache_read_input_tokens``); the rest up to the last
breakpoint is written (``cache_creation_input_tokens``) and the tail after it plus a few
formatting tokens stay uncached (``input_tokens``). A prefix is written only when it reaches
``min_cache_tokens`` (1024 for Sonnet / Opus). The cache key ignores the ``cache_control``
markers themselves, so any change in an earlier block (a tool, the system prompt) is a miss.
Each recorded request lists its breakpoints (:attr:`Recorded.breakpoints`, e.g.
``["tools[2]", "system[0]", "messages[0].content[0]", "auto"]``).

Injected failures (:class:`Fault`) answer a chosen turn's first request(s) with an error, e.g.
``Fault(turn=0, status=529, type="overloaded_error", message="Overloaded")``.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator

API_VERSION_HEADER = "anthropic-version"
TOOL_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,128}$")
UNCACHED_TAIL_TOKENS = 4  # formatting tokens never cached, so input_tokens is never 0
LOOKBACK_BLOCKS = 20  # the API looks for a cache hit up to 20 blocks before each breakpoint
MIN_CACHE_TOKENS = 1024  # the shortest cacheable prefix for Sonnet / Opus models


# ---------------------------------------------------------------------------------- the script


@dataclass(frozen=True)
class Turn:
    """One scripted assistant turn: tool calls (name, input) or a final text."""

    tool_uses: tuple[tuple[str, dict[str, Any]], ...] = ()
    text: str | None = None


def tool_use(*calls: tuple[str, dict[str, Any]], text: str | None = None) -> Turn:
    """A turn calling tools, e.g. ``tool_use(("Read", {"file_path": "/repo/x.py"}))``."""
    assert calls, "a tool_use turn needs at least one call"
    return Turn(tool_uses=tuple(calls), text=text)


def text(answer: str) -> Turn:
    """A final turn answering with text only (stop_reason end_turn)."""
    return Turn(text=answer)


@dataclass
class Fault:
    """Answer the first ``times`` requests for ``turn`` with an API error instead."""

    turn: int
    status: int = 529
    type: str = "overloaded_error"
    message: str = "Overloaded"
    headers: dict[str, str] = field(default_factory=dict)
    times: int = 1


@dataclass
class Recorded:
    """One request the stub received, and what it answered."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any
    status: int = 0
    turn: int | None = None
    usage: dict[str, int] | None = None
    breakpoints: list[str] = field(default_factory=list)
    """where the request put cache breakpoints: ``tools[i]``, ``system[i]``,
    ``messages[i].content[j]``, and ``auto`` for a top-level ``cache_control``"""
    error: str | None = None
    response: dict[str, Any] | None = None


class StubError(Exception):
    def __init__(self, status: int, type: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.type, self.message, self.headers = status, type, message, headers or {}


def invalid(message: str) -> StubError:
    return StubError(400, "invalid_request_error", message)


# ------------------------------------------------------------------------------ token estimates


def estimate_tokens(value: Any) -> int:
    """About four characters a token, over the JSON of a value."""
    if value is None:
        return 0
    raw = value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
    return max(1, (len(raw) + 3) // 4)


@dataclass(frozen=True)
class Block:
    """One cacheable unit of a prompt: a tool, a system block, a message content block."""

    where: str
    tokens: int
    key: str
    """its JSON without ``cache_control`` (markers do not change what is cached)"""
    breakpoint: bool


def prompt_blocks(body: dict[str, Any]) -> list[Block]:
    """The prompt as the cache sees it: tools, then system, then messages, block by block."""
    def block(where: str, value: Any) -> Block:
        bare = {k: v for k, v in value.items() if k != "cache_control"} if isinstance(value, dict) else value
        key = json.dumps(bare, sort_keys=True, separators=(",", ":"))
        return Block(where, estimate_tokens(bare), key, isinstance(value, dict) and "cache_control" in value)

    blocks = [block(f"tools[{i}]", t) for i, t in enumerate(body.get("tools") or [])]
    system = body.get("system")
    if isinstance(system, str):
        system = [{"type": "text", "text": system}] if system else []
    blocks += [block(f"system[{i}]", b) for i, b in enumerate(system or [])]
    for n, message in enumerate(body.get("messages") or []):
        content = message.get("content") if isinstance(message, dict) else None
        if isinstance(content, str):
            content = [{"type": "text", "text": content}]
        # the role is part of what is cached: fold it into each block's key
        for i, b in enumerate(content or []):
            one = block(f"messages[{n}].content[{i}]", b)
            blocks.append(Block(one.where, one.tokens, f"{message.get('role')}:{one.key}", one.breakpoint))
    return blocks


def breakpoints(body: dict[str, Any], blocks: list[Block]) -> list[int]:
    """Indexes of the blocks that end a cached prefix (a top-level ``cache_control``: the last)."""
    marks = [i for i, b in enumerate(blocks) if b.breakpoint]
    if isinstance(body.get("cache_control"), dict) and blocks and (len(blocks) - 1) not in marks:
        marks.append(len(blocks) - 1)
    return marks


def prompt_tokens(body: dict[str, Any]) -> int:
    return sum(b.tokens for b in prompt_blocks(body)) + UNCACHED_TAIL_TOKENS


# ----------------------------------------------------------------------------------- validation


def _blocks(content: Any, where: str) -> list[dict[str, Any]]:
    if isinstance(content, str):
        if not content:
            raise invalid(f"{where}: text content blocks must be non-empty")
        return [{"type": "text", "text": content}]
    if not isinstance(content, list) or not content:
        raise invalid(f"{where}.content: Input should be a non-empty list or a string")
    for i, block in enumerate(content):
        if not isinstance(block, dict) or not isinstance(block.get("type"), str):
            raise invalid(f"{where}.content.{i}: Input should be a content block with a type")
        if block["type"] == "text" and not isinstance(block.get("text"), str):
            raise invalid(f"{where}.content.{i}.text: Field required")
    return content


def validate_tools(tools: Any) -> list[str]:
    if tools is None:
        return []
    if not isinstance(tools, list):
        raise invalid("tools: Input should be a valid list")
    names: list[str] = []
    for i, tool in enumerate(tools):
        if not isinstance(tool, dict):
            raise invalid(f"tools.{i}: Input should be a valid dictionary")
        if "type" in tool and tool["type"] not in ("custom",):
            names.append(str(tool.get("name")))  # a server tool: not ours to check
            continue
        name = tool.get("name")
        if not isinstance(name, str) or not TOOL_NAME.match(name):
            raise invalid(f"tools.{i}.name: String should match pattern '^[a-zA-Z0-9_-]{{1,128}}$'")
        if not isinstance(tool.get("description"), str) or not tool["description"]:
            raise invalid(f"tools.{i}.custom.description: Field required")
        schema = tool.get("input_schema")
        if not isinstance(schema, dict):
            raise invalid(f"tools.{i}.custom.input_schema: Field required")
        if schema.get("type") != "object":
            raise invalid(f"tools.{i}.custom.input_schema.type: Input should be 'object'")
        if name in names:
            raise invalid("tools: Tool names must be unique.")
        names.append(name)
    return names


def validate_system(system: Any) -> None:
    if system is None or isinstance(system, str):
        return
    if not isinstance(system, list):
        raise invalid("system: Input should be a valid string or list of text blocks")
    for i, block in enumerate(system):
        if not isinstance(block, dict) or block.get("type") != "text" or not isinstance(block.get("text"), str):
            raise invalid(f"system.{i}: Input should be a text block")


def validate_messages(messages: Any, issued: dict[str, tuple[str, dict[str, Any]]]) -> int:
    """Check the conversation; returns the number of assistant turns in it."""
    if not isinstance(messages, list) or not messages:
        raise invalid("messages: at least one message is required")
    expected_results: list[str] = []
    assistant_turns = 0
    for n, message in enumerate(messages):
        where = f"messages.{n}"
        if not isinstance(message, dict):
            raise invalid(f"{where}: Input should be a valid dictionary")
        role = message.get("role")
        if role not in ("user", "assistant"):
            raise invalid(f"{where}.role: Input should be 'user' or 'assistant'")
        if n == 0 and role != "user":
            raise invalid("messages: first message must use the \"user\" role")
        if n > 0 and role == messages[n - 1].get("role"):
            raise invalid("messages: roles must alternate between \"user\" and \"assistant\"")
        blocks = _blocks(message.get("content"), where)
        if role == "assistant":
            assistant_turns += 1
            if expected_results:
                raise invalid(
                    f"{where}: `tool_use` ids were found without `tool_result` blocks immediately "
                    f"after: {', '.join(expected_results)}. Each `tool_use` block must have a "
                    "corresponding `tool_result` block in the next message."
                )
            for i, block in enumerate(blocks):
                if block["type"] == "tool_result":
                    raise invalid(f"{where}.content.{i}: `tool_result` blocks are only allowed in user messages")
                if block["type"] == "tool_use":
                    tid, name, args = block.get("id"), block.get("name"), block.get("input")
                    if tid not in issued:
                        raise invalid(f"{where}.content.{i}.id: unknown tool_use id {tid!r}")
                    if (name, args) != issued[tid]:
                        raise invalid(
                            f"{where}.content.{i}: tool_use {tid} does not echo the call the model "
                            f"made: {(name, args)!r} != {issued[tid]!r}"
                        )
                    expected_results.append(tid)
        else:
            results = [b for b in blocks if b["type"] == "tool_result"]
            got = [b.get("tool_use_id") for b in results]
            unexpected = [t for t in got if t not in expected_results]
            if unexpected:
                raise invalid(
                    f"{where}.content: unexpected `tool_use_id` found in `tool_result` blocks: "
                    f"{', '.join(map(str, unexpected))}. Each `tool_result` block must have a "
                    "corresponding `tool_use` block in the previous message."
                )
            missing = [t for t in expected_results if t not in got]
            if missing:
                raise invalid(
                    f"messages.{n - 1}: `tool_use` ids were found without `tool_result` blocks "
                    f"immediately after: {', '.join(missing)}. Each `tool_use` block must have a "
                    "corresponding `tool_result` block in the next message."
                )
            if len(set(got)) != len(got):
                raise invalid(f"{where}.content: duplicate `tool_use_id` in `tool_result` blocks")
            if results and blocks[: len(results)] != results:
                raise invalid(f"{where}.content: `tool_result` blocks must come first in the message")
            expected_results = []
    if messages[-1].get("role") != "user":
        # a final assistant turn is a prefill; the script has no use for it
        raise invalid("messages: the last message must use the \"user\" role")
    return assistant_turns


# ---------------------------------------------------------------------------------- the server


class AnthropicStub:
    """The server; use as a context manager (``with AnthropicStub(turns) as stub: stub.url``)."""

    def __init__(self, turns: list[Turn], faults: list[Fault] | None = None, *,
                 api_key: str | None = None, model_prefix: str = "claude-",
                 min_cache_tokens: int = MIN_CACHE_TOKENS):  # fmt: skip
        """``api_key``: when given, requests must carry it (``x-api-key`` or ``Authorization:
        Bearer``, as the SDK sends it); otherwise any key is accepted. ``min_cache_tokens``: the
        shortest prefix the cache keeps."""
        self.turns = list(turns)
        self.api_key = api_key
        self.faults = list(faults or [])
        self.model_prefix = model_prefix
        self.requests: list[Recorded] = []
        self.issued: dict[str, tuple[str, dict[str, Any]]] = {}  # tool_use id -> (name, input)
        self._ids: dict[int, list[str]] = {}  # turn -> the tool_use ids it was answered with
        self.min_cache_tokens = min_cache_tokens
        self.cache: dict[str, int] = {}  # prefix digest -> its tokens (what earlier requests wrote)
        self._lock = threading.Lock()
        self._counter = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle
    def __enter__(self) -> "AnthropicStub":
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="anthropic-stub", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None and self._thread is not None
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    @property
    def url(self) -> str:
        assert self._server is not None, "the stub is not running"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # -- what the tests read
    def messages_requests(self, ok_only: bool = False) -> list[Recorded]:
        return [r for r in self.requests if r.path == "/v1/messages" and (r.status == 200 or not ok_only)]

    def tool_use_ids(self, turn: int) -> list[str]:
        return list(self._ids.get(turn, []))

    def usage_totals(self) -> dict[str, int]:
        """Sum of the usage of every successful /v1/messages answer."""
        totals = {"input_tokens": 0, "output_tokens": 0, "cache_creation_input_tokens": 0,
                  "cache_read_input_tokens": 0}  # fmt: skip
        for r in self.messages_requests(ok_only=True):
            for key in totals:
                totals[key] += (r.usage or {}).get(key, 0)
        return totals

    # -- request handling (called from the server's threads)
    def handle(self, method: str, path: str, headers: dict[str, str], raw: bytes) -> tuple[int, dict[str, str], Any]:
        """Returns (status, extra headers, JSON payload or a list of SSE events)."""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        record = Recorded(method, path.split("?")[0], headers, body)
        with self._lock:
            self.requests.append(record)
            try:
                status, extra, payload = self._dispatch(record)
            except StubError as ex:
                status, extra = ex.status, dict(ex.headers)
                payload = {"type": "error", "error": {"type": ex.type, "message": ex.message}}
                record.error = f"{ex.type}: {ex.message}"
            record.status = status
            record.response = payload if isinstance(payload, dict) else {"stream": True}
            return status, extra, payload

    def _dispatch(self, record: Recorded) -> tuple[int, dict[str, str], Any]:
        if record.method != "POST" or record.path not in ("/v1/messages", "/v1/messages/count_tokens"):
            raise StubError(404, "not_found_error", f"Not found: {record.method} {record.path}")
        key = record.headers.get("x-api-key") or record.headers.get("authorization", "").removeprefix("Bearer ")
        if not key:
            raise StubError(401, "authentication_error", "x-api-key header is required")
        if self.api_key is not None and key != self.api_key:
            raise StubError(401, "authentication_error", "invalid x-api-key")
        if not record.headers.get(API_VERSION_HEADER):
            raise invalid("anthropic-version: header is required")
        body = record.body
        if not isinstance(body, dict):
            raise invalid("There was an issue with the request body: not valid JSON")
        model = body.get("model")
        if not isinstance(model, str) or not model.startswith(self.model_prefix):
            raise StubError(404, "not_found_error", f"model: {model}")
        validate_system(body.get("system"))
        validate_tools(body.get("tools"))
        turn = validate_messages(body.get("messages"), self.issued)
        record.turn = turn
        if record.path.endswith("/count_tokens"):
            return 200, {}, {"input_tokens": prompt_tokens(body)}
        max_tokens = body.get("max_tokens")
        if not isinstance(max_tokens, int) or isinstance(max_tokens, bool) or max_tokens < 1:
            raise invalid("max_tokens: Field required (a positive integer)")
        for fault in self.faults:
            if fault.turn == turn and fault.times > 0:
                fault.times -= 1
                raise StubError(fault.status, fault.type, fault.message, fault.headers)
        if turn >= len(self.turns):
            raise invalid(f"anthropic_stub: the scripted session has no turn {turn} ({len(self.turns)} scripted)")
        message = self._message(turn, model, body, record)
        record.usage = dict(message["usage"])
        if body.get("stream"):
            return 200, {}, list(stream_events(message))
        return 200, {}, message

    def _message(self, turn: int, model: str, body: dict[str, Any], record: Recorded) -> dict[str, Any]:
        script = self.turns[turn]
        content: list[dict[str, Any]] = []
        if script.text:
            content.append({"type": "text", "text": script.text})
        ids = self._ids.get(turn)
        if ids is None:  # a retried turn gets the same ids again
            ids = [f"toolu_stub{turn:02d}{i:02d}{next(self._counter):06d}" for i in range(len(script.tool_uses))]
            self._ids[turn] = ids
        for tid, (name, args) in zip(ids, script.tool_uses):
            self.issued[tid] = (name, args)
            content.append({"type": "tool_use", "id": tid, "name": name, "input": args})
        read, write, uncached = self._cache_usage(body, record)
        usage = {
            "input_tokens": uncached,
            "cache_creation_input_tokens": write,
            "cache_read_input_tokens": read,
            "output_tokens": estimate_tokens(content) + 7,
            "service_tier": "standard",
        }
        return {
            "id": f"msg_stub{turn:02d}{next(self._counter):06d}",
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": content,
            "stop_reason": "tool_use" if script.tool_uses else "end_turn",
            "stop_sequence": None,
            "usage": usage,
        }

    def _cache_usage(self, body: dict[str, Any], record: Recorded) -> tuple[int, int, int]:
        """(read, written, uncached) tokens of a request, updating the cache."""
        blocks = prompt_blocks(body)
        marks = breakpoints(body, blocks)
        record.breakpoints = [b.where for b in blocks if b.breakpoint] + (
            ["auto"] if isinstance(body.get("cache_control"), dict) else [])  # fmt: skip
        digests, sizes, running, size = [], [], hashlib.sha256(), 0
        for b in blocks:
            running.update(b.key.encode() + b"\x00")
            size += b.tokens
            digests.append(running.hexdigest())
            sizes.append(size)
        total = size + UNCACHED_TAIL_TOKENS
        if not marks:
            return 0, 0, total
        looked = {i for m in marks for i in range(max(0, m - LOOKBACK_BLOCKS + 1), m + 1)}
        read = max((sizes[i] for i in looked if digests[i] in self.cache), default=0)
        cached_to = sizes[marks[-1]]
        for i in marks:
            if sizes[i] >= self.min_cache_tokens:
                self.cache[digests[i]] = sizes[i]
        if cached_to < self.min_cache_tokens:  # too short to cache: nothing read or written
            return 0, 0, total
        write = max(0, cached_to - read)
        return read, write, total - read - write

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, extra, payload = stub.handle(self.command, self.path, headers, raw)
                request_id = f"req_stub{next(stub._counter):06d}"
                if isinstance(payload, list):
                    self._send_stream(payload, request_id)
                else:
                    data = json.dumps(payload).encode()
                    self.send_response(status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    self.send_header("request-id", request_id)
                    for key, value in extra.items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(data)

            def _send_stream(self, events: list[tuple[str, dict[str, Any]]], request_id: str) -> None:
                self.send_response(200)
                self.send_header("content-type", "text/event-stream; charset=utf-8")
                self.send_header("cache-control", "no-cache")
                self.send_header("transfer-encoding", "chunked")
                self.send_header("request-id", request_id)
                self.end_headers()
                for name, data in events:
                    chunk = f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()
                    self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                    self.wfile.flush()
                self.wfile.write(b"0\r\n\r\n")
                self.wfile.flush()

            do_POST = _serve
            do_GET = _serve

        return Handler


def stream_events(message: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """The server-sent events the real API streams for a finished message."""
    usage = message["usage"]
    start = dict(message, content=[], stop_reason=None, stop_sequence=None,
                 usage=dict(usage, output_tokens=1))  # fmt: skip
    yield "message_start", {"type": "message_start", "message": start}
    for index, block in enumerate(message["content"]):
        opening = {"type": "text", "text": ""} if block["type"] == "text" else dict(block, input={})
        yield "content_block_start", {"type": "content_block_start", "index": index, "content_block": opening}
        if index == 0:
            yield "ping", {"type": "ping"}
        if block["type"] == "text":
            words = re.findall(r"\S+\s*|\s+", block["text"]) or [""]
            for piece in _chunks(words, 3):
                yield "content_block_delta", {"type": "content_block_delta", "index": index,
                                              "delta": {"type": "text_delta", "text": piece}}  # fmt: skip
        else:
            raw = json.dumps(block["input"])
            pieces = [""] + [raw[i:i + 24] for i in range(0, len(raw), 24)]  # the API opens with ""
            for piece in pieces:
                yield "content_block_delta", {"type": "content_block_delta", "index": index,
                                              "delta": {"type": "input_json_delta", "partial_json": piece}}  # fmt: skip
        yield "content_block_stop", {"type": "content_block_stop", "index": index}
    yield "message_delta", {
        "type": "message_delta",
        "delta": {"stop_reason": message["stop_reason"], "stop_sequence": None},
        "usage": {k: usage[k] for k in ("input_tokens", "cache_creation_input_tokens",
                                        "cache_read_input_tokens", "output_tokens")},  # fmt: skip
    }
    yield "message_stop", {"type": "message_stop"}


def _chunks(words: list[str], size: int) -> Iterator[str]:
    for i in range(0, len(words), size):
        yield "".join(words[i:i + size])
