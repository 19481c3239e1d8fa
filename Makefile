# The README's two commands: `make run` and `make test`. Everything else is set-up they need.
# Only python3 (3.11+) and make are assumed; uv is installed into .tools/ by this Makefile.
PYTHON ?= python3
PORT ?= 8501
VENV := .venv
TOOLS := .tools
UV := $(TOOLS)/bin/uv
BIN := $(VENV)/bin
DB ?= data/servicemirror.duckdb
export UV_PYTHON_DOWNLOADS := never
export UV_COMPILE_BYTECODE := 1
export UV_LINK_MODE := copy

.PHONY: run test lint imports format bench install demo clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==0.13.8

# the project's own modules compiled too (uv compiles the packages it installs): every command
# then starts without compiling them, which is a tenth of a second where bytecode is not written
# back (PYTHONDONTWRITEBYTECODE)
BYTECODE := $(BIN)/python -m compileall -q servicemirror etl analysis queries dashboard >/dev/null

$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	$(BYTECODE)
	touch $@

install: $(VENV)/.installed

$(DB): | $(VENV)/.installed
	$(BIN)/servicemirror demo --db $(DB)

demo: $(DB)

run: $(VENV)/.installed $(DB)
	$(BYTECODE)
	$(BIN)/servicemirror serve --db $(DB) --port $(PORT)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# import-linter follows packages as installed: etl/, analysis/, queries/ and dashboard/ are
# servicemirror.etl, ... (pyproject.toml), so lay that out with symbolic links and check there
IMPORTGRAPH := build/importgraph
imports: $(VENV)/.installed
	rm -rf $(IMPORTGRAPH) && mkdir -p $(IMPORTGRAPH)/servicemirror
	ln -s $(CURDIR)/servicemirror/*.py $(IMPORTGRAPH)/servicemirror/
	for d in $(CURDIR)/servicemirror/*/__init__.py; do ln -s $$(dirname $$d) $(IMPORTGRAPH)/servicemirror/; done
	for d in etl analysis queries dashboard; do ln -s $(CURDIR)/$$d $(IMPORTGRAPH)/servicemirror/$$d; done
	cd $(IMPORTGRAPH) && $(CURDIR)/$(BIN)/lint-imports --config $(CURDIR)/.importlinter

test: lint imports
	$(BIN)/pytest -n 2 --dist loadgroup

bench: $(VENV)/.installed
	$(BYTECODE)
	$(BIN)/python -m bench.run_all

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache .ruff_cache
