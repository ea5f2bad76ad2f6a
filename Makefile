# spro — the two commands: `make run` and `make test` (see README).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
export DEBUG ?= 1

.PHONY: install run test lint bench lock clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $@

run: install
	@mkdir -p var
	$(BIN)/spro migrate --noinput --verbosity 0
	$(BIN)/spro setup-demo
	@echo "Portail : http://127.0.0.1:$(PORT)/"
	$(BIN)/spro runserver 127.0.0.1:$(PORT)

# Two workers by default (the suite's browser tests share one server and one browser on one of them);
# TEST_WORKERS=0 runs everything in one process.
TEST_WORKERS ?= 2

test: install
	DEBUG= $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check spro tests bench
	$(BIN)/ruff format --check spro tests bench

bench: install
	@mkdir -p var/bench
	DEBUG= $(BIN)/python -m bench

# The production lock (README, « Mise en production »): every dependency of pyproject.toml and what builds
# spro, pinned with their hashes, for any platform. Keeps the current pins; LOCK_ARGS=--upgrade moves them.
lock: install
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml requirements/build.in --generate-hashes --universal \
		--python-version 3.11 --custom-compile-command "make lock" $(LOCK_ARGS) -o requirements/production.txt

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
