"""Settings of the server the end-to-end tests start: the real settings, plus scoped test tokens.

Scoped tokens (`assistant.tests.scoped_tokens`) stand in for personal access tokens; everything
else is exactly `config.settings`, read from the environment the test gives the server.
"""

from typing import Any, cast

from config import settings as base
from config.settings import *  # noqa: F403

_BASE_REST_FRAMEWORK = cast(dict[str, Any], base.REST_FRAMEWORK)
REST_FRAMEWORK = {
    **_BASE_REST_FRAMEWORK,
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "assistant.tests.scoped_tokens.ScopedTestAuthentication",
        *_BASE_REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"],
    ],
}
