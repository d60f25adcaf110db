# The two commands of the README: `make demo` and `make test`. Both create the virtual
# environment themselves on a fresh machine.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The test run on PostgreSQL uses this server; pytest-django creates and drops test_<name>.
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?=

.PHONY: venv test test-sqlite test-postgres lint demo serve bench clean browser-deps

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

venv: $(BIN)/.installed

lint: venv
	$(BIN)/ruff check src
	$(BIN)/valuecrm makemigrations --check --dry-run >/dev/null

# The whole suite, on the embedded SQLite database and then on PostgreSQL.
test: lint browser-deps test-sqlite test-postgres

# Browser tests drive Debian's Chromium (Playwright's own browser download cannot work
# offline); a CJK font so Chinese pages render in screenshots. Installed once, as root.
BROWSER_PACKAGES := chromium chromium-driver fonts-wqy-microhei
browser-deps:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi wqy; then \
		echo "Installing $(BROWSER_PACKAGES) for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(BROWSER_PACKAGES) >/dev/null; \
	fi

test-sqlite: venv
	env -u DATABASE_URL VALUECRM_HOME=$(CURDIR)/var/test $(BIN)/pytest $(PYTEST_ARGS)

test-postgres: venv
	@$(BIN)/python -c "import psycopg, sys; psycopg.connect('$(PG_TEST_URL)', connect_timeout=5).close()" \
		|| { echo "PostgreSQL is not reachable at $(PG_TEST_URL): the suite must run on it too." >&2; exit 1; }
	DATABASE_URL=$(PG_TEST_URL) VALUECRM_HOME=$(CURDIR)/var/test $(BIN)/pytest $(PYTEST_ARGS)

demo: venv
	$(BIN)/valuecrm demo

serve: venv
	$(BIN)/valuecrm migrate --no-input
	$(BIN)/valuecrm runserver 127.0.0.1:8000

# Every benchmark in bench/ at its quick size (valuecrm bench lists them); not part of
# `make test`. Full-size runs and their results: docs/benchmarks.md.
bench: venv
	$(BIN)/valuecrm bench --all

clean:
	rm -rf $(VENV) var
