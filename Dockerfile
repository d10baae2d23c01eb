# syntax=docker/dockerfile:1.7
# CreatorVault API image: multi-stage, installs only from the hashed runtime lock, runs as non-root.
# Kept in step with the Makefile: same Python, same lock file, same collectstatic/check commands.

ARG PYTHON_VERSION=3.11

FROM python:${PYTHON_VERSION}-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
COPY requirements.lock /tmp/requirements.lock
RUN /opt/venv/bin/pip install --require-hashes --no-deps -r /tmp/requirements.lock

FROM python:${PYTHON_VERSION}-slim-bookworm AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings \
    DEBUG=False \
    ENVIRONMENT=production \
    STATE_DIR=/app/.state \
    PORT=8000
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --shell /usr/sbin/nologin app
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY --chown=app:app manage.py gunicorn.conf.py ./
COPY --chown=app:app config ./config
COPY --chown=app:app creatorvault ./creatorvault
COPY --chown=app:app accounts ./accounts
COPY --chown=app:app ideas ./ideas
COPY --chown=app:app audit ./audit
COPY --chown=app:app assistant ./assistant
COPY --chown=app:app privacy ./privacy
COPY --chown=app:app backoffice ./backoffice
COPY --chown=app:app templates ./templates
# Static files are collected at build time with throwaway settings that satisfy the production
# checks; none of these values reach the final image's environment.
RUN DEBUG=False SECRET_KEY=build-only-collectstatic-key-0123456789abcdefghijklmnop \
    ALLOWED_HOSTS=build.invalid BETTER_AUTH_URL=https://build.invalid \
    ENCRYPTION_KEYS=build:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= \
    python manage.py collectstatic --no-input \
    && mkdir -p /app/.state && chown app:app /app/.state
USER app
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os,sys,urllib.request; r=urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('PORT','8000')}/health\", timeout=4); sys.exit(0 if r.status == 200 else 1)"]
# The ASGI application (Django and the MCP server at /mcp) on gunicorn's uvicorn workers
# (creatorvault.serving.UvicornWorker: header/body read timeouts, request limits, a connection cap,
# protocol errors in the JSON envelope; see gunicorn.conf.py and the README's Production section).
CMD ["gunicorn", "--config", "gunicorn.conf.py", "config.asgi:application"]
