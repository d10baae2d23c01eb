"""The scopes a personal access token can carry: what each lets a script or MCP client do.

A Better Auth JWT is not limited by scopes (the creator's own session keeps full access). Views
declare the scope they need (`required_scope`, see `creatorvault.api.scopes`); this module is the
vocabulary they and the token API share.
"""

from __future__ import annotations

from django.db import models


class Scope(models.TextChoices):
    """One thing a personal access token may be allowed to do."""

    IDEAS_READ = "ideas:read", "Read your ideas, tags, trash and revisions (notes withheld)"
    IDEAS_WRITE = "ideas:write", "Create, change, delete and restore your ideas and tags"
    NOTES_READ = "notes:read", "See ideas' notes in responses (otherwise they come back withheld)"
    ASSISTANT = "assistant", "Use the assistant: the chat and its conversations"


def canonical_scopes(scopes: list[str]) -> list[str]:
    """`scopes` de-duplicated, in the catalogue's order (so equal sets are stored alike)."""
    wanted = set(scopes)
    return [scope.value for scope in Scope if scope.value in wanted]


def scopes_table() -> str:
    """The catalogue as a Markdown table, for the OpenAPI document and the README."""
    rows = "\n".join(f"| `{scope.value}` | {scope.label} |" for scope in Scope)
    return f"| scope | allows |\n| --- | --- |\n{rows}"
