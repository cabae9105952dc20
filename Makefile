# ConPeRe — the two commands: `make run` (demo on SQLite) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app run
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?= -n auto

.PHONY: run reset-demo test setup db demo translations i18n-extract i18n-fab-extract lint clean

# The demo's data goes through SOAP: a simulated Apogée serves the demo university (in the
# background, on APOGEE_SIMULATOR_PORT or a free port), the sync loads it, then the demo accounts and
# contracts are added. Alongside the web server: the scheduler (e-mails every minute, nightly jobs)
# and a mail catcher (MAIL_CATCHER_PORT or a free port) that keeps every e-mail in MAIL_DIR.
# All stop with `make run`. `make demo` loads the demo without Apogée; `make reset-demo` starts over.
# `make run SIS=pegase`: the same through a simulated Pégase (REST, docs/pegase.md); its programmes
# are keyed with the demo's version (101), so one demo database serves either system.
SIS ?= apogee
MAIL_DIR ?= instance/demo-mail
FREE_PORT = $(BIN)/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'

run: setup db
	@set -e; \
	case "$(SIS)" in apogee|pegase) ;; *) echo "SIS=$(SIS) is unknown: apogee or pegase" >&2; exit 2;; esac; \
	mkdir -p $(MAIL_DIR); \
	sim_port=$${APOGEE_SIMULATOR_PORT:-$$($(FREE_PORT))}; \
	mail_port=$${MAIL_CATCHER_PORT:-$$($(FREE_PORT))}; \
	$(FLASK) $(SIS)-simulator --demo --host 127.0.0.1 --port $$sim_port & sim_pid=$$!; \
	$(BIN)/python simulators/mailcatcher.py --port $$mail_port --dir $(MAIL_DIR) & mail_pid=$$!; \
	sched_pid=; \
	trap 'kill $$sim_pid $$mail_pid $$sched_pid 2>/dev/null || true' EXIT INT TERM; \
	export SIS=$(SIS) APOGEE_BASE_URL=http://127.0.0.1:$$sim_port/services/ PUBLIC_URL=http://$(HOST):$(PORT) \
		MAIL_SERVER=127.0.0.1 MAIL_PORT=$$mail_port MAIL_USE_TLS=0 MAIL_USE_SSL=0 MAIL_USERNAME= MAIL_PASSWORD=; \
	export PEGASE_BASE_URL=http://127.0.0.1:$$sim_port PEGASE_USER=svc-api PEGASE_PASSWORD=secret PEGASE_PROGRAMME_VERSION=101; \
	$(FLASK) sync-demo; \
	$(FLASK) scheduler & sched_pid=$$!; \
	echo ""; \
	echo "ConPeRe demo: http://$(HOST):$(PORT)/  — accounts (password 'demo'):"; \
	echo "  admin, referent, detu, detu2, teacher, counsellor, registrar, student, student2, dpo"; \
	echo "$(SIS) simulator: http://127.0.0.1:$$sim_port/"; \
	echo "E-mails sent by the demo (every minute, by the scheduler): $$(cd $(MAIL_DIR) && pwd)/ (one .eml file each)"; \
	echo "  and in the application: Paramètres › Courriels en attente (admin)"; \
	$(FLASK) run --host $(HOST) --port $(PORT)

reset-demo:
	rm -rf instance/conpere.db $(MAIL_DIR)
	@echo "Demo data removed: the next 'make run' loads the demo university afresh."

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
