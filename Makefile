# care-monitor — every entry point a person or CI uses. `make help` lists them.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

# Airflow's own home (metadata DB, logs) stays inside the checkout, apart from the project's DB.
export AIRFLOW_HOME ?= $(CURDIR)/.airflow
export AIRFLOW__CORE__DAGS_FOLDER := $(CURDIR)/dags
export AIRFLOW__CORE__PLUGINS_FOLDER := $(CURDIR)/plugins
export AIRFLOW__CORE__LOAD_EXAMPLES := False
export AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION := False

.PHONY: help install system-deps test run demo bench-sentiment bench-stages bench-report train-sentiment clean

help:
	@echo "make run     - install, migrate, start Airflow standalone with the DAGs scheduled (SQLite)"
	@echo "make test    - the whole test suite (needs PostgreSQL on 127.0.0.1:5432)"
	@echo "make demo    - offline demo: replayed feeds -> airflow dags test -> local alert receiver"
	@echo "make bench-sentiment / bench-stages / bench-report - benchmarks that print figures"

$(STAMP): pyproject.toml setup.py care_monitor/sentiment/_speedups.c
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[airflow,dev]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

system-deps:
	@bash scripts/install-system-deps.sh

care_monitor.yml:
	cp care_monitor.example.yml care_monitor.yml
	@echo "created care_monitor.yml from the example: edit brands, sources and channels"

test: $(STAMP) system-deps
	$(BIN)/python -m pytest -q

run: $(STAMP) care_monitor.yml
	-@bash scripts/install-system-deps.sh || echo "without Chromium, weekly reports are HTML/JSON only (no PDF)"
	$(BIN)/care-monitor db upgrade
	-$(BIN)/care-monitor sources check
	bash scripts/run-airflow.sh

demo: $(STAMP) system-deps
	$(BIN)/care-monitor demo --airflow

clean:
	rm -rf $(VENV) .airflow var *.egg-info .pytest_cache build
	find care_monitor -name "*.so" -delete

bench-report: $(STAMP) system-deps
	$(BIN)/python bench/bench_report.py

bench-sentiment: $(STAMP)
	$(BIN)/python -m bench.bench_sentiment $(SETS) $(if $(EXTRA),--extra $(EXTRA))

# where the scorer's time goes per set (SETS="brands vi_" picks sets by name)
bench-stages: $(STAMP)
	$(BIN)/python -m bench.bench_stages $(SETS)

# retrains care_monitor/sentiment/models/*.json.gz from ../shared/data/sentiment-train and bench/data
# (scikit-learn; the word-vector models also need the encoder of the `train` extra); in this order:
# the word-vector models read the n-gram models, the complaint detectors the scores of both
train-sentiment: $(STAMP)
	$(BIN)/pip install --quiet -e ".[airflow,dev,train]"
	$(BIN)/python -m bench.train_sentiment
	$(BIN)/python -m bench.train_word_vectors
	$(BIN)/python -m bench.train_complaints
