# The two commands of the README: `make demo` and `make test`. Both create .venv and install first.
# `make bench` also installs the bench extra (pymcdm, threadpoolctl) and writes BENCHMARKS.md.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dnqp
BENCH_STAMP := $(VENV)/.installed-dnqp-bench

.PHONY: demo test bench install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,server,docs]'
	touch $(STAMP)

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,server,docs,bench]'
	touch $(BENCH_STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/dnqp demo

test: $(STAMP)
	$(BIN)/python -m pytest

# Every case of benchmarks.bench in one run (a few minutes on 2 cores); run it on a quiet machine.
# wrk (Debian's package) drives the server case when it can be had; else a Python client does.
bench: $(BENCH_STAMP)
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; } || \
		echo "make bench: wrk is not installed; the server case uses a Python client"
	$(BIN)/python -m benchmarks.bench --output BENCHMARKS.md

clean:
	rm -rf $(VENV) out build site src/*.egg-info .pytest_cache .hypothesis
