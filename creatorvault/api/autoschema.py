"""The OpenAPI schema class of every API view: drf-spectacular's, plus each operation's scope.

Kept apart from `creatorvault.api.openapi`, which imports drf-spectacular's views, which in turn
load this class (`DEFAULT_SCHEMA_CLASS`) while they are defined.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema

from creatorvault.api.scopes import Access, required_scope_for

#: Operation extension naming the one scope a scoped credential needs for the operation.
SCOPE_EXTENSION = "x-required-scope"


class ScopedAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, saying what a credential limited to scopes needs per operation.

    The view's `required_scope` (`creatorvault.api.scopes`) becomes `x-required-scope` and a line
    of the operation's description. Security schemes of scoped credentials consult the same
    declaration to leave themselves out of operations that need full access.
    """

    def get_operation(self, *args: Any, **kwargs: Any) -> Any:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        requirement = required_scope_for(self.view, self.method)
        if isinstance(requirement, str):
            operation[SCOPE_EXTENSION] = requirement
            note = (
                f"**Scope:** a personal access token needs `{requirement}` "
                "(403 `FORBIDDEN` naming it otherwise)."
            )
        elif requirement is Access.ANY_CREDENTIAL:
            note = "**Scope:** any personal access token may call this, whatever its scopes."
        else:
            note = (
                "**Scope:** not open to personal access tokens (403 `FORBIDDEN`): it needs a "
                "Better Auth session."
            )
        operation["description"] = f"{operation.get('description', '')}\n\n{note}".strip()
        return operation
