# Two commands a user needs: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test lint typecheck unit install db demo chat bench clean catalogs messages golden transcripts report-picture

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing into $(VENV) (log: $(VENV)/install.log) ..."
	@$(BIN)/python -m pip install --upgrade pip > $(VENV)/install.log 2>&1 || (cat $(VENV)/install.log; exit 1)
	@$(BIN)/python -m pip install -e '.[dev]' >> $(VENV)/install.log 2>&1 || (cat $(VENV)/install.log; exit 1)
	@rm -f $(VENV)/.installed-*; touch $@

install: $(STAMP)

# The message catalogs (templates/locale/<lang>/LC_MESSAGES/messages.po), compiled for the renderer
PO := $(wildcard templates/locale/*/LC_MESSAGES/messages.po)
MO := $(PO:.po=.mo)
%.mo: %.po $(STAMP)
	@$(BIN)/pybabel compile --use-fuzzy -i $< -o $@ -l $(word 3,$(subst /, ,$<)) > /dev/null

catalogs: $(MO)

## messages: after changing a template's sentences, bring the catalogs in step (then translate the new ones)
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -o templates/locale/messages.pot --sort-output --no-wrap \
		--project cchc-bot --copyright-holder "cchc-bot contributors" --omit-header . > /dev/null
	$(BIN)/pybabel update -i templates/locale/messages.pot -d templates/locale --no-wrap --ignore-obsolete \
		--no-fuzzy-matching
	@rm -f templates/locale/messages.pot

## run: set up everything and start the bot (console chat when no token is configured)
run: $(STAMP) catalogs
	@$(BIN)/cchc-bot run

## test: lint, type-check and run the whole test suite
test: $(STAMP) lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check bot handlers jobs models tests bench scripts samples
	$(BIN)/ruff format --check bot handlers jobs models tests bench scripts

typecheck: $(STAMP)
	$(BIN)/mypy bot handlers jobs models scripts

unit: $(STAMP) catalogs
	$(BIN)/pytest -q

## golden: record the golden corpus of every template again (tests/golden/README.md), then review its diff
golden: $(STAMP) catalogs
	GOLDEN_RECORD=tests/golden/corpus TRANSCRIPTS_RECORD=1 $(BIN)/pytest -q -p no:cacheprovider

## transcripts: record the golden transcripts (every command, every role, both languages) again, then review their diff
transcripts: $(STAMP) catalogs
	TRANSCRIPTS_RECORD=1 $(BIN)/pytest -q -p no:cacheprovider tests/style/test_transcripts.py

db: $(STAMP)
	$(BIN)/cchc-bot db upgrade

chat: $(STAMP) catalogs
	$(BIN)/cchc-bot chat

bench: $(STAMP)
	$(BIN)/python -m bench

## report-picture: docs/report_first_page.png, the first page of the demo's quarterly report (needs LibreOffice
## and poppler: apt-get install -y --no-install-recommends libreoffice-writer-nogui poppler-utils; not for tests)
report-picture: $(STAMP) catalogs
	$(BIN)/python -m scripts.render_report_page

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
