"""The chat's Prometheus series: tokens, time to first token, stream duration, tool calls, live streams.

They are declared here, in the assistant, because the frame (`creatorvault.metrics`) knows no
domain; they land in the same default registry, so `/metrics` serves them with the frame's
series and, under gunicorn, prometheus-client's multiprocess mode sums them over the workers
(`chat_streams_active` is a live gauge: a dead worker's streams drop out of the sum).

Labels are bounded by construction: a tool's name (the tool layer's fixed catalogue), an outcome
(`ok` or the tool error's code), a token direction, a stream's ending (the message statuses).
No user id, conversation id, title or content is ever a label.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

NAMESPACE = "creatorvault"
# Model latency: from a fraction of a second (a local model) to the turn timeout.
FIRST_TOKEN_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 7.5, 10.0, 15.0, 30.0, 60.0)
DURATION_BUCKETS = (0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 60.0, 90.0, 120.0, 180.0, 300.0)

CHAT_TOKENS = Counter(
    "chat_tokens",
    "Tokens the model provider reported for chat turns, by direction (`in`: prompt, `out`: answer).",
    ["direction"],
    namespace=NAMESPACE,
)
CHAT_FIRST_TOKEN = Histogram(
    "chat_time_to_first_token_seconds",
    "From the start of a chat stream to the model's first output (text or a tool call).",
    namespace=NAMESPACE,
    buckets=FIRST_TOKEN_BUCKETS,
)
CHAT_STREAM_DURATION = Histogram(
    "chat_stream_duration_seconds",
    "How long a chat stream lasted, by how it ended (`complete`, `interrupted`, `failed`).",
    ["status"],
    namespace=NAMESPACE,
    buckets=DURATION_BUCKETS,
)
CHAT_TOOL_CALLS = Counter(
    "chat_tool_calls",
    "Tool calls the chat's model made, by tool and outcome (`ok` or the tool error's code).",
    ["tool", "outcome"],
    namespace=NAMESPACE,
)
CHAT_STREAMS_ACTIVE = Gauge(
    "chat_streams_active",
    "Chat answers streaming now (summed over live workers).",
    namespace=NAMESPACE,
    multiprocess_mode="livesum",
)


def stream_started() -> None:
    """A chat stream began."""
    CHAT_STREAMS_ACTIVE.inc()


def stream_ended(*, status: str, seconds: float, tokens_in: int, tokens_out: int) -> None:
    """A chat stream ended with `status` (a message status) after `seconds`, having used the tokens."""
    CHAT_STREAMS_ACTIVE.dec()
    CHAT_STREAM_DURATION.labels(status=status).observe(seconds)
    if tokens_in:
        CHAT_TOKENS.labels(direction="in").inc(tokens_in)
    if tokens_out:
        CHAT_TOKENS.labels(direction="out").inc(tokens_out)


def first_token(seconds: float) -> None:
    """The model's first output arrived `seconds` after the stream started."""
    CHAT_FIRST_TOKEN.observe(seconds)


def count_tool_call(tool: str, outcome: str) -> None:
    """The model called `tool` (a catalogue name) and it ended with `outcome`."""
    CHAT_TOOL_CALLS.labels(tool=tool, outcome=outcome).inc()
