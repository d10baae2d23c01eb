"""WSGI entry point (gunicorn serves `config.wsgi:application`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Refuse to boot (gunicorn then stops) when stored notes use a key id ENCRYPTION_KEYS lacks.
from ideas.checks import ensure_sealed_data_readable  # noqa: E402  (needs the app registry)

ensure_sealed_data_readable()
