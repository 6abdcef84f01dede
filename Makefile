# Partnerskabsaftaler. `make` sets up .venv and builds every agreement; `make test` tests.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
OUT    ?= build
STAMP  := $(VENV)/.installed

.PHONY: all build check test lint docs preview new status clean distclean reference-docx

all: build

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

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
