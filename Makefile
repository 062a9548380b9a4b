# Webcare: `make run` to try it, `make test` to prove it. Needs only Python 3.11+.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export PORT

.PHONY: run test lint format bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Stamp files: pip runs again only when a requirements file changed.
$(VENV)/.installed-requirements: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed-requirements

# DEBUG=1 only for the laptop server (`make run DEBUG=0` to override); the tests use the
# production-shaped settings.
run: export DEBUG ?= 1
run: $(VENV)/.installed-requirements
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py runstack --port $(PORT)

test: $(VENV)/.installed-dev
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Every bench/*.py in turn; one failing script does not stop the others, but fails the target.
# Scripts that start their own stack or fill a database take
# `BENCH_DATABASE_URL=postgres://.../scratch` (migrated and written to); without it they say
# they skipped. bench/stack.py is their shared helper, not a benchmark.
bench: $(VENV)/.installed-dev
	@failed=""; \
	for script in bench/*.py; do \
	  [ "$$script" = bench/stack.py ] && continue; \
	  args=""; \
	  if [ -n "$$BENCH_DATABASE_URL" ] && grep -q '"--database-url"' $$script; then \
	    args="--database-url $$BENCH_DATABASE_URL"; \
	  fi; \
	  echo "== $$script"; \
	  $(PY) $$script $$args || failed="$$failed $$script"; \
	done; \
	if [ -n "$$failed" ]; then echo "bench failed:$$failed"; exit 1; fi

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
