"""Who is calling a tool, and what they may do: the access context every tool receives.

A credential either carries scopes (a personal access token: `request.auth` is its
`PersonalAccessToken`) or it does not (the creator's own Better Auth session, a JWT), the same
rule as the API's (`creatorvault.api.scopes.credential_scopes`). From it, `access_for` derives:

* which tools are allowed: `ideas:read` for the reads, `ideas:write` for the writes (a session
  has both); `MCP_READ_ONLY` takes the writes away from every MCP caller;
* whether notes may reach the model (`NotesPolicy`): a token with `notes:read` always; a session
  only for a call that asks (`include_notes: true`); any other token never. When notes are
  withheld the answer says so and says how to allow them (`NotesDecision`);
* who to record in the AI activity ledger: the surface, the client's name, the credential kind
  and which token.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings

from accounts.models import User
from accounts.scopes import Scope
from assistant.models import CLIENT_NAME_MAX_CHARS, Credential, Surface
from creatorvault.api.scopes import credential_scopes

IDEAS_READ: str = Scope.IDEAS_READ.value
IDEAS_WRITE: str = Scope.IDEAS_WRITE.value
NOTES_READ: str = Scope.NOTES_READ.value
#: The scopes the assistant's tools know, in the order documents list them.
TOOL_SCOPES: tuple[str, ...] = (IDEAS_READ, IDEAS_WRITE, NOTES_READ)
#: What a Better Auth session may do with the tools: everything; notes when a call asks for them.
SESSION_SCOPES = frozenset({IDEAS_READ, IDEAS_WRITE})

# What a client may call itself in the ledger: printable text, nothing that could forge a log line.
_UNPRINTABLE = re.compile(r"[^\x20-\x7e]")


class NotesPolicy(enum.Enum):
    """When an idea's notes may be given to the model."""

    ALWAYS = "always"  # a token with notes:read (or a chat the creator opened to notes)
    ON_REQUEST = "on_request"  # a session: only for a call that asks, with include_notes
    NEVER = "never"  # a token without notes:read


@dataclass(frozen=True)
class NotesDecision:
    """Whether a call gets the notes; if not, a sentence saying why and how to allow it."""

    allowed: bool
    withheld_because: str = ""


@dataclass(frozen=True)
class Access:
    """The caller of a tool: the owner whose ideas it works on, and what it may do with them."""

    owner: User
    scopes: frozenset[str]
    notes: NotesPolicy
    surface: str = Surface.MCP
    credential: str = Credential.SESSION
    token_ref: str = ""
    client_name: str = ""
    read_only: bool = False
    #: Why notes are withheld, when the surface says it its own way (the chat's per-conversation setting).
    notes_withheld_because: str = ""

    def may(self, scope: str) -> bool:
        """Whether the caller holds `scope` (writes are never allowed in read-only mode)."""
        if scope == IDEAS_WRITE and self.read_only:
            return False
        return scope in self.scopes

    def refusal(self, scope: str) -> str:
        """Why the caller may not do what `scope` allows, and what would allow it."""
        if scope == IDEAS_WRITE and self.read_only:
            return "This server is read-only for AI clients (MCP_READ_ONLY): it changes no idea."
        if self.credential == Credential.PERSONAL_TOKEN:
            held = ", ".join(sorted(self.scopes)) or "no scopes"
            return (
                f"This token lacks the {scope} scope (it has {held}); the creator can make one that has it."
            )
        return f"This session cannot use tools that need {scope}."

    def notes_for(self, *, asked: bool) -> NotesDecision:
        """May this call give notes to the model? (`asked`: the call's include_notes argument)."""
        if self.notes is NotesPolicy.ALWAYS:
            return NotesDecision(True)
        if self.notes is NotesPolicy.ON_REQUEST:
            if asked:
                return NotesDecision(True)
            return NotesDecision(
                False,
                "Notes are withheld by default. Call get_idea again with include_notes: true only "
                "if the creator asked you to read this idea's notes.",
            )
        if self.notes_withheld_because:
            return NotesDecision(False, self.notes_withheld_because)
        return NotesDecision(
            False,
            "Notes are withheld: this token lacks the notes:read scope. The creator can make a "
            "token with notes:read to share notes.",
        )

    def with_client(self, client_name: str) -> Access:
        """The same access, naming the client (as the protocol reported it) for the ledger."""
        return replace(self, client_name=clean_client_name(client_name))


def clean_client_name(name: Any) -> str:
    """A client's self-reported name, reduced to one short printable line."""
    if not isinstance(name, str):
        return ""
    return _UNPRINTABLE.sub("", name).strip()[:CLIENT_NAME_MAX_CHARS]


def access_for(*, owner: User, credential: Any, surface: str = Surface.MCP, client_name: str = "") -> Access:
    """The access a request's authenticated `credential` (DRF's `request.auth`) gives `owner`'s tools.

    A personal access token (`PersonalAccessToken`: `scopes`, a public `prefix`) is limited to its
    scopes; a Better Auth session has every tool scope and gets notes when a call asks for them.
    """
    scopes = credential_scopes(credential)
    read_only = surface == Surface.MCP and bool(getattr(settings, "MCP_READ_ONLY", False))
    if scopes is None:
        return Access(
            owner=owner,
            scopes=SESSION_SCOPES,
            notes=NotesPolicy.ON_REQUEST,
            surface=surface,
            credential=Credential.SESSION,
            client_name=clean_client_name(client_name),
            read_only=read_only,
        )
    return Access(
        owner=owner,
        scopes=scopes,
        notes=NotesPolicy.ALWAYS if NOTES_READ in scopes else NotesPolicy.NEVER,
        surface=surface,
        credential=Credential.PERSONAL_TOKEN,
        token_ref=str(getattr(credential, "prefix", "") or "")[:64],
        client_name=clean_client_name(client_name),
        read_only=read_only,
    )
