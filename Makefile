# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test lint fmt check-migrations bench clean messages

$(STAMP): pyproject.toml build-constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# build-constraints.txt: xstatic-bootstrap's sdist still needs pkg_resources to build.
	$(BIN)/python -m pip install --quiet --build-constraint build-constraints.txt -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo_data
	./scripts/run-dev.sh

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/python scripts/check_sizes.py

fmt: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check-migrations: install
	$(BIN)/python manage.py makemigrations --check --dry-run

test: lint check-migrations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

# --- translations (i18n) ---
# Source strings are bokmål; this refreshes locale/{nn,en} from the code and compiles the .mo
# files (committed, so a machine without gettext still gets translations). Then translate every
# empty or fuzzy entry: tests/ekommune/test_translations.py fails until the catalogs are complete.
MESSAGES_IGNORE := --ignore=.venv --ignore=var --ignore=tests --ignore=benchmarks
messages: install
	$(BIN)/python manage.py makemessages -l nn -l en $(MESSAGES_IGNORE)
	@# JavaScript catalog only once some static/js file calls gettext() (none does yet).
	@if grep -rqsE '(^|[^A-Za-z_.])(n|p|np)?gettext\(' static/js; then \
		echo "$(BIN)/python manage.py makemessages -d djangojs -l nn -l en $(MESSAGES_IGNORE) --ignore=static/vendor"; \
		$(BIN)/python manage.py makemessages -d djangojs -l nn -l en $(MESSAGES_IGNORE) --ignore=static/vendor; \
	fi
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var/test-db.sqlite3* var/cache var/broker
