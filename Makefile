# Irum: the two commands README promises, and a few more for developers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export IRUM_VAR_DIR ?= $(CURDIR)/var

.PHONY: demo test bench lint venv clean-demo

$(BIN)/irum: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(BIN)/irum

venv: $(BIN)/irum

# The demo: a SQLite archive under var/ with the sourced gazetteer and the synthetic
# demo data set, served on http://127.0.0.1:8000. Its secret key, field-encryption,
# blind-index and backup keys and admin password are generated on first run and kept
# under var/ (never in the repository or the database).
DEMO_ENV := IRUM_DEBUG=true IRUM_SECRET_KEY_FILE=$(IRUM_VAR_DIR)/secret_key \
	IRUM_FIELD_KEYS_FILE=$(IRUM_VAR_DIR)/field_keys IRUM_BLIND_INDEX_KEY_FILE=$(IRUM_VAR_DIR)/blind_index_key \
	IRUM_BACKUP_KEY_FILE=$(IRUM_VAR_DIR)/backup_key

demo: venv
	mkdir -p $(IRUM_VAR_DIR)
	test -s $(IRUM_VAR_DIR)/secret_key || $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > $(IRUM_VAR_DIR)/secret_key
	test -s $(IRUM_VAR_DIR)/field_keys || IRUM_DEBUG=true $(BIN)/irum vault-keygen --id demo1 > $(IRUM_VAR_DIR)/field_keys
	test -s $(IRUM_VAR_DIR)/blind_index_key || IRUM_DEBUG=true $(BIN)/irum vault-keygen > $(IRUM_VAR_DIR)/blind_index_key
	test -s $(IRUM_VAR_DIR)/backup_key || IRUM_DEBUG=true $(BIN)/irum vault-keygen > $(IRUM_VAR_DIR)/backup_key
	chmod 600 $(IRUM_VAR_DIR)/secret_key $(IRUM_VAR_DIR)/field_keys $(IRUM_VAR_DIR)/blind_index_key \
		$(IRUM_VAR_DIR)/backup_key
	$(DEMO_ENV) $(BIN)/irum migrate --no-input -v 0
	$(DEMO_ENV) $(BIN)/irum load-gazetteer
	$(DEMO_ENV) $(BIN)/irum demo-data --if-empty
	$(DEMO_ENV) $(BIN)/irum demo-stories
	$(DEMO_ENV) $(BIN)/irum demo-comments
	$(DEMO_ENV) $(BIN)/irum demo-admin
	$(DEMO_ENV) $(BIN)/irum runserver 127.0.0.1:8000

# The whole suite. IRUM_DATABASE_URL picks the database (SQLite when unset).
# Two workers (pytest-xdist), one per core of the CI machine: each has its own test
# database, live server and browser.
test: venv
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q -n 2

# Issue 2's import and figures (and issue 3's encrypted reads), then issue 4's flows and
# map rendering, issue 5's API and exports, issue 6's public pages. Each prints its table
# beside a baseline measured in the same run.
bench: venv
	$(BIN)/python bench/run.py
	$(BIN)/python bench/flows.py
	$(BIN)/python bench/map_render.py
	$(BIN)/python bench/api_throughput.py
	$(BIN)/python bench/export_stream.py
	$(BIN)/python bench/public_pages.py

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
