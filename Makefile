# The project's entry points. `make run` and `make test` are all a newcomer needs.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
# Rasa reads no telemetry consent from a TTY in CI; keep it quiet and offline.
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 3
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
# Rasa's training data; data/ also holds the centre's own files (service/, knowledge/).
RASA_DATA := data/nlu data/dialogue

.PHONY: install lock train test eval run bench clean

install:
	@scripts/install.sh

lock:
	scripts/lock.sh

# Rasa fingerprints data and config: an unchanged project is not trained again.
train: install
	$(RASA) train --quiet --data $(RASA_DATA) --out models

# The suite trains its own model once per run (tests/conftest.py) and reuses it.
test: install
	$(PY) -m pytest $(PYTEST_ARGS)

# Cross-validated NLU evaluation (per-intent report, confusion matrix), knowledge retrieval,
# and the trained assistant on the blind corpus (tests/data/blind/), all in reports/eval/.
eval: train
	$(PY) -m bot eval --out reports/eval --models models
	$(PY) -m tools.conversation_eval --models models --out reports/eval

# Rasa server (REST at http://localhost:5005/webhooks/rest/webhook), action server and the
# web chat page, on SQLite unless DATABASE_URL says otherwise.
run: install
	@ls models/*.tar.gz >/dev/null 2>&1 || $(MAKE) train
	$(PY) -m bot db-upgrade
	$(PY) -m bot endpoints
	@if [ -n "$$REDIS_URL" ] && [ -n "$$RABBITMQ_URL" ] && case "$$DATABASE_URL" in postgresql*) true;; *) false;; esac; then \
	  echo "production layout: $${RASA_REPLICAS:-2} Rasa replicas behind the router (Procfile.scale)"; \
	  $(VENV)/bin/honcho start -f Procfile.scale -p $${RASA_REPLICA_BASE_PORT:-5100} -c rasa=$${RASA_REPLICAS:-2}; \
	else \
	  $(VENV)/bin/honcho start -f Procfile; \
	fi

# Simulated owners through the REST channel against the running stack; see tools/bench.py.
bench: install
	@ls models/*.tar.gz >/dev/null 2>&1 || $(MAKE) train
	$(PY) -m tools.bench $(if $(SCALE_OUT),--scale-out,)

clean:
	rm -rf reports .cache .pytest_cache results .rasa
	find . -name __pycache__ -type d -not -path './$(VENV)/*' -prune -exec rm -rf {} +
