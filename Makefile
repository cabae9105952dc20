# ConPeRe — the two commands: `make run` (demo on SQLite) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app run
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=

.PHONY: run test setup db demo translations i18n-extract lint clean

run: setup db demo
	@echo ""
	@echo "ConPeRe demo: http://$(HOST):$(PORT)/  — accounts (password 'demo'):"
	@echo "  admin, referent, detu, detu2, teacher, counsellor, registrar, student, student2"
	$(FLASK) run --host $(HOST) --port $(PORT)

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

setup: $(VENV)/.installed translations

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

translations: $(VENV)/.installed
	$(BIN)/pybabel compile -f -d translations

db: setup
	$(FLASK) db upgrade

demo: db
	$(FLASK) seed --demo

# Refresh the catalogues after changing texts in the code (then translate translations/fr).
i18n-extract: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k _ -o translations/messages.pot .
	$(BIN)/pybabel update -N -i translations/messages.pot -d translations

clean:
	rm -rf $(VENV) instance
