# Partnerskabsaftaler. `make` sets up .venv and builds every agreement; `make test` tests.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
OUT    ?= build
STAMP  := $(VENV)/.installed

.PHONY: all build install lock check test lint docs preview preview-live new status clean distclean reference-docx

all: build

LOCK   := requirements.lock
HOOK_LOCK := requirements-hook.lock
WHEELHOUSE := $(VENV)/wheelhouse

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
	$(VENV)/bin/uv pip compile pyproject.toml --extra build --extra sign --extra test --generate-hashes --universal \
		--python-version 3.11 --quiet -o $(LOCK)
	$(VENV)/bin/uv pip compile pyproject.toml -c $(LOCK) --generate-hashes --universal \
		--python-version 3.11 --quiet -o $(HOOK_LOCK)

# The pre-commit hook's own dependencies (no extras) as wheels for the oldest supported Python,
# so tests/test_package.py can install the hook into a fresh environment without the network.
$(WHEELHOUSE)/.downloaded: $(HOOK_LOCK) | $(STAMP)
	rm -rf $(WHEELHOUSE)
	$(PY) -m pip download --quiet --require-hashes --only-binary :all: --python-version 3.11 \
		-d $(WHEELHOUSE) -r $(HOOK_LOCK)
	touch $@

# The npm tools the editor tests drive (yaml-language-server, ajv-cli), at the exact versions in
# tools/node/package-lock.json.
NODE_STAMP := tools/node/node_modules/.installed
$(NODE_STAMP): tools/node/package.json tools/node/package-lock.json
	npm ci --prefix tools/node --no-audit --no-fund --silent
	touch $@

# JOBS: how many agreements to build at once (default: the number of cores), e.g. make JOBS=1
build: $(STAMP)
	$(PY) build.py build --out $(OUT) $(if $(JOBS),--jobs $(JOBS))

check: $(STAMP)
	$(PY) build.py validate

test: $(STAMP) $(WHEELHOUSE)/.downloaded $(NODE_STAMP)
	$(PY) -m pytest

lint: $(STAMP)
	$(PY) -m ruff check partnerskab tests tools build.py
	$(PY) -m ruff format --check partnerskab tests tools build.py

# After changing the schema: docs/schema.md and the editor's copy of the schema, both from it.
docs: $(STAMP)
	$(PY) tools/schema_docs.py
	$(PY) tools/editor_schema.py

new: $(STAMP)
	@test -n "$(NAME)" || { echo "Brug: make new NAME=kort-navn" >&2; exit 2; }
	$(PY) build.py new $(NAME)

# Exit 1 means «something needs attention», which the listing says; make need not call it an error.
status: $(STAMP)
	$(PY) build.py status || [ $$? -eq 1 ]

preview: $(STAMP)
	$(PY) tools/preview.py

# The live preview on 127.0.0.1 (README: «Se aftalen, mens du skriver»); FILE=... for one agreement.
preview-live: $(STAMP)
	$(PY) build.py watch --out $(OUT) $(FILE)

reference-docx: $(STAMP)
	$(PY) tools/make_reference_docx.py

clean:
	rm -rf $(OUT)

distclean: clean
	rm -rf $(VENV) *.egg-info
