# Open Government Hub: the common tasks. `make run` and `make test` work on a
# fresh clone: each creates .venv if missing and installs the project into it.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SHARED ?= ../shared
FIXTURES := tests/fixtures

.PHONY: install run test test-fast lint format bench bench-quick bench-tools corpus index clean help

help:
	@echo "make run     install, harvest the recorded corpus if the store is empty, index, serve"
	@echo "make test    install, then run every test (browser, Virtuoso and slow ones included)"
	@echo "make lint    ruff and mypy"
	@echo "make bench   run the benchmarks; results in bench/results/latest.json"
	@echo "make bench-quick  the benchmarks at smaller sizes (a few minutes)"
	@echo "make corpus  refresh tests/fixtures from $(SHARED) (corpus, seeds, W3C suite)"
	@echo "make index   rebuild the search index from the graph"

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/ogh demo

test: install
	$(BIN)/python -m pytest

test-fast: install
	$(BIN)/python -m pytest -m "not slow and not browser and not virtuoso"

lint: install
	$(BIN)/ruff check hub harvesters vocab tests bench
	$(BIN)/mypy

format: install
	$(BIN)/ruff format hub harvesters vocab tests bench

# wrk (Debian's package) is the load generator of the web benchmark when it can
# be installed; without it, bench/load.py's asyncio clients stand in.
bench-tools:
	@command -v wrk >/dev/null || ( command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && \
	  apt-get install -y -qq wrk >/dev/null ) || echo "wrk not installed: the asyncio load generator is used"

bench: install bench-tools
	$(BIN)/python -m bench

bench-quick: install bench-tools
	$(BIN)/python -m bench --scale quick

index: install
	$(BIN)/ogh index

# The project keeps its own copy of the recorded corpus, the seeds and the W3C
# protocol suite, so tests and the demo work on any clone.
corpus:
	test -d $(SHARED)/corpus
	rm -rf $(FIXTURES)/corpus $(FIXTURES)/seeds $(FIXTURES)/w3c
	mkdir -p $(FIXTURES)
	cp -R $(SHARED)/corpus $(FIXTURES)/corpus
	cp -R $(SHARED)/seeds $(FIXTURES)/seeds
	cp -R $(SHARED)/w3c $(FIXTURES)/w3c
	chmod -R u+w $(FIXTURES)

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache tests/output
