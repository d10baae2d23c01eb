"""The check gunicorn's master runs once before it forks any worker (gunicorn.conf.py `on_starting`).

Settings are loaded (`config_checks` refuses incomplete production settings), the database is
asked whether it can be reached, and every system check of the project runs (the sealing keys
among them: `ideas.checks`). Whatever is wrong comes back as sentences, so the master can write one
JSON line and exit non-zero, instead of each worker failing at boot and being respawned forever.
"""

from __future__ import annotations

import os

from creatorvault.config_checks import RefusedToStart


def startup_problems() -> list[str]:
    """What stops this process from serving, as sentences without secrets (empty when all is well).

    Leaves no database connection or pool open: the workers forked after this make their own.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    try:
        import django

        django.setup()
    except RefusedToStart as refused:
        return refused.problems
    except Exception as exc:  # noqa: BLE001 - any failure to load the settings stops the start
        return [f"The settings could not be loaded: {type(exc).__name__}: {exc}"]
    from django.core import checks
    from django.db import connections

    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
        messages = checks.run_checks(include_deployment_checks=False)
    except Exception as exc:  # noqa: BLE001 - e.g. the database refused us: say what it said
        return [f"The database is not usable: {type(exc).__name__}: {exc}".strip()]
    finally:
        _close_database_connections()
    return [f"{message.id}: {message.msg}" for message in messages if message.is_serious()]


def _close_database_connections() -> None:
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        connection.close()
        close_pool = getattr(connection, "close_pool", None)
        if close_pool is not None:
            close_pool()
