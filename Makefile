# Two commands a user needs: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test lint typecheck unit install db demo chat bench clean migration golden

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing into $(VENV) (log: $(VENV)/install.log) ..."
	@$(BIN)/python -m pip install --upgrade pip > $(VENV)/install.log 2>&1 || (cat $(VENV)/install.log; exit 1)
	@$(BIN)/python -m pip install -e '.[dev]' >> $(VENV)/install.log 2>&1 || (cat $(VENV)/install.log; exit 1)
	@rm -f $(VENV)/.installed-*; touch $@

install: $(STAMP)

## run: set up everything and start the bot (console chat when no token is configured)
run: $(STAMP)
	@$(BIN)/cchc-bot run

## test: lint, type-check and run the whole test suite
test: $(STAMP) lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check bot handlers jobs models tests bench
	$(BIN)/ruff format --check bot handlers jobs models tests bench

typecheck: $(STAMP)
	$(BIN)/mypy bot handlers jobs models

unit: $(STAMP)
	$(BIN)/pytest -q

## golden: record the golden corpus of every template again (tests/golden/README.md), then review its diff
golden: $(STAMP)
	GOLDEN_RECORD=tests/golden/corpus $(BIN)/pytest -q -p no:cacheprovider

db: $(STAMP)
	$(BIN)/cchc-bot db upgrade

chat: $(STAMP)
	$(BIN)/cchc-bot chat

bench: $(STAMP)
	$(BIN)/python -m bench

## migration: regenerate the migration after a model change (name it with MSG="...")
migration: $(STAMP)
	$(BIN)/cchc-bot db revision "$(MSG)"

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
