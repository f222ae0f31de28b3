# Two commands matter (see README): `make run` and `make test`. Both set themselves up.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
APP    := $(VENV)/.installed-app
STAMP  := $(VENV)/.installed
RUN_DB := .run/sample.db
# Reproducible installs: every package pinned to what the suite last passed with
# (constraints.txt; `make constraints` refreshes it from a working .venv, README).
# -qq: errors only (pip's warnings and the setuptools build's notes are not the user's);
# PYTHONWARNINGS reaches the build backend, whose editable-install notice is a warning.
PIP    := PYTHONWARNINGS=ignore $(BIN)/python -m pip install -qq -c constraints.txt

.PHONY: run demo-hub test lint bench sample reliability clean docs-cli constraints

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# What the app needs, only (`make run`).
$(APP): pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) -e .
	touch $(APP)

# Plus the test and lint tools (`make test`).
$(STAMP): $(APP) pyproject.toml constraints.txt
	$(PIP) -e '.[dev]'
	touch $(STAMP)

# The TUI on a working copy of sample.db; the committed file is never modified.
# The copy is refreshed whenever sample.db changes.
$(RUN_DB): sample.db
	mkdir -p $(dir $(RUN_DB))
	rm -f $(RUN_DB) $(RUN_DB)-wal $(RUN_DB)-shm
	cp sample.db $(RUN_DB)
	chmod 600 $(RUN_DB)

# The sample's synced rows are years old: the automatic purge would minimise them at
# once, so the demo keeps them (an officer's own file purges as configured).
# The sample's events are over; the demo opens on an event running today (added once a day,
# the same way an officer adds a market day: `outreach event add`).
run: $(APP) $(RUN_DB)
	$(BIN)/outreach --db $(RUN_DB) event add --name "Bazar UMKM Demo" \
	  --venue "Palembang Indah Mall" --use > /dev/null
	OUTREACH_AUTO_PURGE=0 $(BIN)/outreach --db $(RUN_DB)

# The demo's branch hub (README, "Try a sync"): starts over from a fresh copy of sample.db
# and builds .run/hub.db, a hub holding exactly what the sample has already synced (through
# the hub's own import of the laptop's signed records), then enrols the demo laptop's
# officer and prints its token once.
demo-hub: $(APP)
	mkdir -p .run
	rm -f $(RUN_DB) $(RUN_DB)-wal $(RUN_DB)-shm .run/hub.db .run/hub.db-wal .run/hub.db-shm \
	  .run/hub.db-writer.lock
	cp sample.db $(RUN_DB)
	chmod 600 $(RUN_DB)
	$(BIN)/outreach --db $(RUN_DB) event add --name "Bazar UMKM Demo" \
	  --venue "Palembang Indah Mall" --use > /dev/null
	$(BIN)/outreach --db $(RUN_DB) sample-hub --out .run/hub.db
	$(BIN)/outreach hub enroll --db .run/hub.db --officer PLG-01 --device "Laptop demo"

# Says in one line what to install when PostgreSQL, tmux or sqlite3 is missing (and stops
# under CI=true, where a skipped end-to-end test is a failure: tests/support/ci.py).
test: $(STAMP)
	$(BIN)/python -m tests.support.preflight
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# docs/CLI.md from the commands' --help (tests/cli/test_cli_reference.py fails when stale).
docs-cli: $(APP)
	$(BIN)/python tools/cli_reference.py

# Pin what the current .venv holds (after `make test` passed with it); commit the file.
constraints: $(STAMP)
	{ echo '# Pinned versions for reproducible installs (the Makefile installs with -c constraints.txt).'; \
	  echo '# Refresh: `make constraints` after `make test` passed on an updated .venv; commit it.'; \
	  $(BIN)/python -m pip freeze --exclude-editable --all 2>/dev/null \
	    | grep -v -E '^(pip|setuptools|wheel)=='; } > constraints.txt.new
	mv constraints.txt.new constraints.txt

# Regenerate the committed sample database (deterministic: same seed, same rows).
# `sample` never replaces an SQLite file (not even with --force): the old one goes first.
sample: $(APP)
	rm -f sample.db sample.db-wal sample.db-shm
	$(BIN)/outreach sample --out sample.db --seed 7

# The long loops of the reliability suite (crash, sync faults, API properties).
# The sync-fault loops run against SQLite, PostgreSQL and --workers 2; their figures
# (laptops, records, faults, runs stopped) are summed at the end (tests/reliability/tally.py).
reliability: $(STAMP)
	mkdir -p .run && rm -f .run/reliability-tally.jsonl
	OUTREACH_CRASH_LOOPS=60 OUTREACH_SYNC_LOOPS=12 OUTREACH_RELAY_LOOPS=6 OUTREACH_API_EXAMPLES=400 \
	  OUTREACH_PRIVACY_LOOPS=10 OUTREACH_VALUE_EXAMPLES=200 OUTREACH_CLI_FUZZ_EXAMPLES=1000 \
	  OUTREACH_RELIABILITY_TALLY=$(CURDIR)/.run/reliability-tally.jsonl \
	  $(BIN)/python -m pytest -m reliability -n 2 --dist loadgroup -q tests/reliability \
	  tests/cli/test_cli_fuzz.py tests/hub/test_hub_bundle_bomb.py
	$(BIN)/python -m tests.reliability.tally .run/reliability-tally.jsonl

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) .run .pytest_cache .ruff_cache .mypy_cache .hypothesis
