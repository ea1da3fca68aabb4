# The two commands a newcomer needs: `make run` and `make test`.
# Each sets up .venv and installs this checkout (pinned by constraints.txt) first.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CONFIG ?= config.example.toml

.PHONY: install run test lint typecheck unit demo clean deploy-check docker bench

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "secondchance needs Python 3.11 or newer (found %d.%d)" % sys.version_info[:2])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev,postgres]'
	@touch $@

install: $(STAMP)

run: $(STAMP)
	$(BIN)/secondchance run --config $(CONFIG)

demo: $(STAMP)
	$(BIN)/python -m secondchance.cli.demo

lint: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest

# hadolint, docker-compose.yml keys, systemd-analyze verify/security (skipped without it).
deploy-check: $(STAMP)
	$(BIN)/python tests/check_deploy.py

# The container image (needs a Docker engine; not run by `make test`). See deploy/.
docker:
	docker build -t secondchance .

# secondchance against the bare httpx/curl floor on synthetic local boards (see benchmarks/).
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

# The suite on every core (pytest-xdist), a test file per worker at a time: its
# module-scoped daemon and browser serve it once. `make unit` runs it in one process.
test: lint typecheck deploy-check
	$(BIN)/python tests/with_postgres.py $(BIN)/pytest -n auto --dist loadfile

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
