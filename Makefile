# ConPeRe — the two commands: `make run` (demo on SQLite) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app run
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?= -n auto

.PHONY: run test setup db demo translations i18n-extract lint clean

# The demo's data goes through SOAP: a simulated Apogée serves the demo university (in the
# background, on APOGEE_SIMULATOR_PORT or a free port, stopped with `make run`), the sync loads
# it, then the demo accounts and contracts are added. `make demo` loads it without Apogée.
run: setup db
	@set -e; \
	sim_port=$${APOGEE_SIMULATOR_PORT:-$$($(BIN)/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}; \
	$(FLASK) apogee-simulator --demo --host 127.0.0.1 --port $$sim_port & sim_pid=$$!; \
	trap 'kill $$sim_pid 2>/dev/null || true' EXIT INT TERM; \
	export APOGEE_BASE_URL=http://127.0.0.1:$$sim_port/services/; \
	$(FLASK) sync-demo; \
	echo ""; \
	echo "ConPeRe demo: http://$(HOST):$(PORT)/  — accounts (password 'demo'):"; \
	echo "  admin, referent, detu, detu2, teacher, counsellor, registrar, student, student2"; \
	echo "Apogée simulator: $$APOGEE_BASE_URL"; \
	$(FLASK) run --host $(HOST) --port $(PORT)

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

setup: $(VENV)/.installed translations

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# Our catalogues, and our own French (and English) for Flask-AppBuilder's texts (translations/fab).
translations: $(VENV)/.installed
	$(BIN)/pybabel compile -f -d translations
	$(BIN)/pybabel compile -f -d translations/fab

db: setup
	$(FLASK) db upgrade

demo: db
	$(FLASK) seed --demo

# Refresh the catalogues after changing texts in the code (then translate translations/fr).
# No source locations and a sorted output: catalogues change only where texts change, so
# branches merge cleanly.
i18n-extract: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k _ --no-location --sort-output --width 100 \
		-o translations/messages.pot .
	$(BIN)/pybabel update -N --width 100 --ignore-pot-creation-date -i translations/messages.pot -d translations

# After upgrading Flask-AppBuilder: its texts, extracted from the installed package, then translate
# what is new in translations/fab/fr (tests/test_i18n.py fails while a text lacks its French).
i18n-fab-extract: $(VENV)/.installed
	$(BIN)/pybabel extract -F translations/fab/babel.cfg -k _l -k lazy_gettext -k lazy_formatter_gettext -k _ --no-location --sort-output --width 100 \
		-o translations/fab/messages.pot "$$($(BIN)/python -c 'import flask_appbuilder, os; print(os.path.dirname(flask_appbuilder.__file__))')"
	$(BIN)/pybabel update -N --width 100 --ignore-pot-creation-date -i translations/fab/messages.pot -d translations/fab

clean:
	rm -rf $(VENV) instance
