"""Settings of the server the end-to-end tests start: the real settings, plus scoped test tokens.

Scoped tokens (`assistant.tests.scoped_tokens`) stand in for personal access tokens; everything
else is exactly `config.settings`, read from the environment the test gives the server.
"""

from config.settings import *  # noqa: F403

_AUTHENTICATION: list[str] = list(REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"])  # noqa: F405
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "assistant.tests.scoped_tokens.ScopedTestAuthentication",
        *_AUTHENTICATION,
    ],
}
