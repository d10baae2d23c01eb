"""Rules for plain text that every layer shares: control characters, trimmed lengths, lower case.

Each rule exists twice in one place: as a Python check and as the regular expression the OpenAPI
document publishes, so a schema-valid value is never refused and the other way round.
"""

from __future__ import annotations

import re

# C0 and C1 control characters (Unicode category Cc), written as regex escapes so the published
# patterns stay readable. Lone surrogates are refused too: no database accepts them in text.
CONTROL_CHARS = r"\u0000-\u001f\u007f-\u009f"
# The same, minus tab, line feed and carriage return (multi-line text such as notes).
CONTROL_CHARS_BUT_NEWLINES = r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f"
_SURROGATES = r"\ud800-\udfff"
_CONTROL_RE = re.compile(rf"[{CONTROL_CHARS}{_SURROGATES}]")
_CONTROL_BUT_NEWLINES_RE = re.compile(rf"[{CONTROL_CHARS_BUT_NEWLINES}{_SURROGATES}]")

#: One line of text without control characters (e.g. a query parameter).
PLAIN_TEXT_PATTERN = rf"^[^{CONTROL_CHARS}]*$"
#: Multi-line text: tab and newlines allowed, no other control character.
MULTILINE_TEXT_PATTERN = rf"^[^{CONTROL_CHARS_BUT_NEWLINES}]*$"


def has_control_chars(value: str, *, allow_newlines: bool = False) -> bool:
    """True when `value` holds a control character (or a lone surrogate)."""
    return bool((_CONTROL_BUT_NEWLINES_RE if allow_newlines else _CONTROL_RE).search(value))


def trimmed_pattern(max_chars: int) -> str:
    """A regex for one line that is 1..max_chars long once surrounding whitespace is trimmed."""
    edge_space = rf"[^\S{CONTROL_CHARS}]*"
    solid = rf"[^\s{CONTROL_CHARS}]"
    return rf"^{edge_space}{solid}(?:[^{CONTROL_CHARS}]{{0,{max_chars - 2}}}{solid})?{edge_space}$"


def lower_preserving_length(text: str) -> str:
    """Lower-case `text` without ever making it longer.

    Character by character, keeping the few characters whose lower case is longer (such as "İ")
    as they are, so normalising never pushes a valid value over its length limit.
    """
    return "".join(low if len(low := char.lower()) == 1 else char for char in text)


_UNRENDERABLE_RE = re.compile(rf"[{CONTROL_CHARS_BUT_NEWLINES}{_SURROGATES}]")


def renderable(value: str) -> str:
    """`value` with lone surrogates and control characters (but newlines) replaced by U+FFFD.

    For text an error message or detail repeats from the input: it can always be encoded.
    """
    return _UNRENDERABLE_RE.sub("\ufffd", value)


def clean_line(value: str) -> str:
    """One line of display text from an outside source: controls become spaces, lone surrogates
    are dropped, surrounding whitespace is trimmed (for claims a person chose, never refused)."""
    without_surrogates = re.sub(rf"[{_SURROGATES}]", "", value)
    return re.sub(rf"[{CONTROL_CHARS}]", " ", without_surrogates).strip()
