"""One strict JSON reader for everything the server parses from outside (bodies, JWT segments).

`json.loads` accepts three things that later break a request or make it ambiguous:

* **Lone surrogates** (`"\\ud800"` escaped): Python keeps them in `str`, and then nothing can
  encode the value: not the database, not the UTF-8 response that would echo a field name.
* **Duplicate object keys** (`{"sub": "a", "sub": "b"}`): the last one silently wins, so two
  readers of the same bytes may disagree (RFC 8259 §4; RFC 7515 §5.2 and RFC 7519 §4 let a JOSE
  reader refuse them, and RFC 8725 §3.9 advises it).
* **NaN, Infinity, -Infinity**: not JSON at all.

`loads` refuses all of them with `InvalidJSON`, whose message never quotes the input, so it is
always safe to put in an error envelope or a log line.
"""

from __future__ import annotations

import json
import re
from typing import Any

# A `\uD800`-`\uDFFF` escape in the raw text: only then can a decoded string hold a surrogate.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


class InvalidJSON(ValueError):
    """The text is not acceptable JSON; `str(error)` is safe to show (it never echoes input)."""


def _refuse_constant(name: str) -> None:
    raise InvalidJSON(f"{name} is not a JSON value")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise InvalidJSON("an object repeats a key")
    return result


def _has_surrogate(value: Any) -> bool:
    """Whether any string in `value` (keys included) holds a lone surrogate; iterative, no recursion."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def loads(text: str | bytes, *, allow_lone_surrogates: bool = False) -> Any:
    """Decode `text` (bytes must be UTF-8) strictly; raise `InvalidJSON` (or RecursionError).

    `allow_lone_surrogates` is for a reader that checks or cleans each string itself (a JWT's
    claims: a display name is cleaned, not refused).
    """
    if isinstance(text, bytes | bytearray):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidJSON("the text is not valid UTF-8") from None
    try:
        value = json.loads(text, parse_constant=_refuse_constant, object_pairs_hook=_unique_keys)
    except InvalidJSON:
        raise
    except json.JSONDecodeError as error:
        # Its message names a position, never the text itself.
        raise InvalidJSON(f"{error.msg} at line {error.lineno} column {error.colno}") from None
    # A decoded pair (\ud83d\ude00) is one valid character; only a lone half survives decoding.
    if allow_lone_surrogates:
        return value
    if (_SURROGATE_ESCAPE.search(text) or _SURROGATE.search(text)) and _has_surrogate(value):
        raise InvalidJSON("a string holds a lone UTF-16 surrogate (\\ud800-\\udfff), which is not text")
    return value
