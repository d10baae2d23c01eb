"""ASGI entry point: a thin router between the MCP app and Django.

`/mcp` and `/.well-known/oauth-protected-resource…` go to the assistant's MCP app (Starlette,
the official MCP SDK), and so does the lifespan, which starts the SDK's session manager; every
other request goes to Django, through `creatorvault.asgi.SizedBody` (a chunked body gets the
Content-Length DRF needs; one over the size limit is never read). Production serves this with
gunicorn's uvicorn workers (`gunicorn.conf.py`, `creatorvault.serving`), `make run` with uvicorn.
`config.wsgi` still serves Django alone (no /mcp).
"""

import os
from typing import Any

from django.conf import settings
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_handler = get_asgi_application()

# Imported after Django is set up: the MCP app uses the models.
from assistant.mcp.http import MCP_PATH, METADATA_PATH, build_app, serves_path  # noqa: E402
from creatorvault.asgi import SizedBody  # noqa: E402
from creatorvault.lean_asgi import application_with_lean_api  # noqa: E402
from creatorvault.metrics import instrument_asgi  # noqa: E402

# Bearer-token API requests take the lean path (one thread hop, API_MIDDLEWARE:
# creatorvault.lean_asgi); the rest Django's own ASGI handler.
django_application = SizedBody(application_with_lean_api(django_handler, settings.API_SYNC_THREADS))
mcp_application = build_app()
# Its requests counted in /metrics like Django's routes (the MCP app is outside Django's middleware).
mcp_counted = instrument_asgi(
    mcp_application, route_of=lambda path: METADATA_PATH if path.startswith(METADATA_PATH) else MCP_PATH
)


async def application(scope: Any, receive: Any, send: Any) -> None:
    """Route one ASGI connection: lifespan and the MCP paths to the MCP app, the rest to Django."""
    if scope["type"] == "lifespan":
        await mcp_application(scope, receive, send)
    elif scope["type"] == "http" and serves_path(scope["path"]):
        await mcp_counted(scope, receive, send)
    else:
        await django_application(scope, receive, send)
