# Partnerskabsaftaler. `make` sets up .venv and builds every agreement; `make test` tests.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
OUT    ?= build
STAMP  := $(VENV)/.installed

.PHONY: all build install lock check test lint docs preview new status clean distclean reference-docx

all: build

LOCK   := requirements.lock

# Every package at the exact version and hash in requirements.lock, so a build gives the same
# documents wherever it runs; then the project itself, without touching those.
$(STAMP): pyproject.toml $(LOCK)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

install: $(STAMP)

# After changing the dependencies in pyproject.toml: write requirements.lock anew, with the uv
# that the lock itself installs (pip, uv and every other package are pinned there with hashes).
lock: $(STAMP)
	$(VENV)/bin/uv pip compile pyproject.toml --extra test --generate-hashes --universal \
		--python-version 3.11 --quiet -o $(LOCK)

# JOBS: how many agreements to build at once (default: the number of cores), e.g. make JOBS=1
build: $(STAMP)
	$(PY) build.py build --out $(OUT) $(if $(JOBS),--jobs $(JOBS))

check: $(STAMP)
	$(PY) build.py validate

test: $(STAMP)
	$(PY) -m pytest

lint: $(STAMP)
	$(PY) -m ruff check partnerskab tests tools build.py
	$(PY) -m ruff format --check partnerskab tests tools build.py

docs: $(STAMP)
	$(PY) tools/schema_docs.py

new: $(STAMP)
	@test -n "$(NAME)" || { echo "Brug: make new NAME=kort-navn" >&2; exit 2; }
	$(PY) build.py new $(NAME)

status: $(STAMP)
	$(PY) build.py status

preview: $(STAMP)
	$(PY) tools/preview.py

reference-docx: $(STAMP)
	$(PY) tools/make_reference_docx.py

clean:
	rm -rf $(OUT)

distclean: clean
	rm -rf $(VENV) *.egg-info
