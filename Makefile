# policytext — the front door. `make reproduce` rebuilds results/; `make test` proves it still does.
# Everything installs from PyPI into .venv from the lock file; nothing is needed beyond Python 3.11.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
UV_VERSION := 0.13.9
# Caches live inside the project so that nothing is shared through /tmp.
export POLICYTEXT_CACHE := $(CURDIR)/.cache/policytext
export MPLCONFIGDIR := $(CURDIR)/.cache/matplotlib
export UV_CACHE_DIR := $(CURDIR)/.cache/uv
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

.PHONY: setup reproduce test test-older-cpu lab lock clean

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --index-url https://pypi.org/simple uv==$(UV_VERSION)
	$(BIN)/uv pip sync --quiet --python $(BIN)/python --index-url https://pypi.org/simple --compile-bytecode requirements.lock
	$(BIN)/python -m compileall -q policytext  # bytecode of the editable package: no compiling at each process start
	$(BIN)/python -m policytext.cli warm
	touch $@

reproduce: setup
	$(BIN)/policytext reproduce

test: setup
	$(BIN)/python -m pytest -q --doctest-modules policytext tests notebooks $(NBVAL)

# The notebooks' stored outputs on an older kind of x86-64 CPU, emulated: numpy without its AVX2/FMA loops,
# OpenBLAS with its SSE3 kernels, caches rebuilt there (tests/test_pipeline.py checks the tables the same way).
test-older-cpu: setup
	NPY_DISABLE_CPU_FEATURES=X86_V3 OPENBLAS_CORETYPE=Prescott POLICYTEXT_CACHE=$(CURDIR)/.cache/older-cpu \
		$(BIN)/python -m pytest -q notebooks $(NBVAL)

lab: setup
	$(BIN)/jupyter lab notebooks

lock:
	$(BIN)/uv pip compile --quiet --python-version 3.11 --universal --index-url https://pypi.org/simple requirements.in -o requirements.lock

clean:
	rm -rf $(VENV) .cache
