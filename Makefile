# Everyday commands. `make run` and `make test` work on a fresh machine with nothing configured.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# The official TypeScript MCP SDK client the test suite drives (pinned in its package-lock.json).
# What `make run` watches for changes (not .venv: scanning it would keep a core busy).
RELOAD_DIRS := $(foreach dir,config creatorvault accounts ideas audit assistant privacy backoffice templates,--reload-dir $(dir))
NODE_DIR := assistant/tests/node
NODE_STAMP := $(NODE_DIR)/node_modules/.installed
# The frontend's contract tools: openapi-typescript, openapi-fetch, tsc, redocly (pinned in its lock).
CONTRACT_DIR := tests/contract
CONTRACT_STAMP := $(CONTRACT_DIR)/node_modules/.installed

.DEFAULT_GOAL := help
.PHONY: help install node-deps run migrate test lint format lock bench chaos check-deploy schema contract clean

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

$(STAMP): requirements.lock requirements-dev.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements-dev.lock
	touch $(STAMP)

install: $(STAMP) ## Create .venv with exactly what the lock files pin (hash-checked)

$(NODE_STAMP): $(NODE_DIR)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix $(NODE_DIR) --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the TypeScript MCP client test will be skipped (it needs Node 18+)"; fi

$(CONTRACT_STAMP): $(CONTRACT_DIR)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix $(CONTRACT_DIR) --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the generated TypeScript client test will be skipped (it needs Node 18+)"; fi

node-deps: $(NODE_STAMP) $(CONTRACT_STAMP) ## Install the Node tools the tests drive: the TypeScript MCP client, the contract tools (npm ci, from the locks)

migrate: $(STAMP) ## Apply database migrations
	$(BIN)/python manage.py migrate --no-input

run: migrate ## Serve the API and /mcp on http://127.0.0.1:8000 (embedded SQLite, DEBUG, development tokens, reload)
	@echo ""
	@echo "  CreatorVault API   http://$(HOST):$(PORT)/api/v1/"
	@echo "  MCP server         http://$(HOST):$(PORT)/mcp  (Streamable HTTP; see the README for Claude, Cursor, Inspector)"
	@echo "  API docs           http://$(HOST):$(PORT)/docs  (ReDoc: /redoc, schema: /api/schema)"
	@echo "  Admin              http://$(HOST):$(PORT)/admin/  (make a login: $(BIN)/python manage.py createsuperuser)"
	@echo "  Health             http://$(HOST):$(PORT)/health  /health/db  /health/ready"
	@echo "  Token for curl     $(BIN)/python manage.py mint_token you@example.com"
	@echo ""
	$(BIN)/uvicorn config.asgi:application --host $(HOST) --port $(PORT) --reload $(RELOAD_DIRS) --no-access-log

test: $(STAMP) $(NODE_STAMP) $(CONTRACT_STAMP) ## Run the whole test suite (SQLite by default; set DATABASE_URL/REDIS_URL for PostgreSQL/Redis)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP) ## ruff check, ruff format --check, mypy, import-linter's layer contracts
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/lint-imports

format: $(STAMP) ## Apply ruff fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

lock: ## Regenerate requirements.lock and requirements-dev.lock (hashed) from pyproject.toml
	test -x $(BIN)/pip-compile || { $(PYTHON) -m venv $(VENV) && $(BIN)/pip install --quiet pip-tools; }
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe -o requirements.lock pyproject.toml
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --extra dev -c requirements.lock -o requirements-dev.lock pyproject.toml

# The checklist is about settings: it runs on an empty throwaway database (STATE_DIR in a temporary
# folder, no DATABASE_URL), so local data (e.g. after seed_demo, sealed under the development key)
# cannot fail it against the random key below.
check-deploy: $(STAMP) ## Django's deployment checklist under production-like settings
	@state=$$(mktemp -d) && trap 'rm -rf "$$state"' EXIT && \
	env -u DATABASE_URL STATE_DIR="$$state" \
	DEBUG=False SECRET_KEY=check-deploy-$$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n') \
	ALLOWED_HOSTS=api.example.com BETTER_AUTH_URL=https://auth.example.com \
	ENCRYPTION_KEYS=$${ENCRYPTION_KEYS:-check:$$($(BIN)/python -c 'import base64,os;print(base64.urlsafe_b64encode(os.urandom(32)).decode())')} \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

schema: $(STAMP) ## Validate the OpenAPI document
	$(BIN)/python manage.py spectacular --validate --fail-on-warn --file /dev/null

contract: $(STAMP) $(CONTRACT_STAMP) ## The frontend's contract: generate the TypeScript client (openapi-typescript), compile a typed usage file (tsc --strict), redocly lint
	mkdir -p $(CONTRACT_DIR)/generated
	$(BIN)/python manage.py spectacular --format openapi-json --file $(CONTRACT_DIR)/generated/openapi.json
	npm run --prefix $(CONTRACT_DIR) --silent generate
	npm run --prefix $(CONTRACT_DIR) --silent build
	npm run --prefix $(CONTRACT_DIR) --silent lint

bench: $(STAMP) ## Benchmark the API against the database floor (needs PostgreSQL; see bench/README.md)
	$(BIN)/python bench/run.py
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/creatorvault_bench} $(BIN)/python bench/sealing.py
	$(BIN)/python bench/streams.py

chaos: $(STAMP) ## Database outage under load on its own PostgreSQL (55432) and Redis (56379); prints the figures
	$(BIN)/python chaos/run.py

clean: ## Remove the virtualenv and local state
	rm -rf $(VENV) .state .pytest_cache .mypy_cache .ruff_cache $(NODE_DIR)/node_modules $(CONTRACT_DIR)/node_modules $(CONTRACT_DIR)/generated $(CONTRACT_DIR)/build
