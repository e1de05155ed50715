# Provider Academy — the README's two commands are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
MANAGE := $(BIN)/python manage.py

# PostgreSQL + Redis used by `make test-services` (and a production-like local run).
SERVICES_ENV := DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/academy} \
	CELERY_BROKER_URL=$${CELERY_BROKER_URL:-redis://127.0.0.1:6379/1} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/2}

.PHONY: run setup install translations migrate seed signing-keys test test-services lint \
	worker beat serve messages clean

run: install translations ## set everything up and serve the demo
	mkdir -p var
	$(MANAGE) setup_demo
	@echo ""
	@echo "  Provider Academy is starting on http://$(HOST):$(PORT)/"
	@echo "    English:           http://$(HOST):$(PORT)/en/"
	@echo "    Traditional:       http://$(HOST):$(PORT)/zh-hant/"
	@echo "    Admin:             http://$(HOST):$(PORT)/admin/"
	@echo "    Health:            http://$(HOST):$(PORT)/healthz"
	@echo ""
	$(MANAGE) runserver $(HOST):$(PORT)

setup: install translations migrate

# Reinstall only when pyproject.toml changed, so a second `make run` starts in seconds.
install: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

translations: install
	$(BIN)/python -m babel.messages.frontend compile --domain django --directory locale --statistics

migrate: install
	mkdir -p var
	$(MANAGE) migrate --noinput -v 0

seed: migrate
	$(MANAGE) seed_demo

signing-keys: install
	$(MANAGE) create_signing_keys

# Browser tests run in a pytest process of their own: Playwright's event loop changes Django's
# connection context, so their test database must be set up inside it (tests/e2e/conftest.py).
PYTEST_SUITES = $(BIN)/pytest --ignore=tests/e2e && $(BIN)/pytest tests/e2e

test: setup ## the whole suite on SQLite (browser tests too when /usr/bin/chromium exists)
	$(PYTEST_SUITES)

test-services: setup ## the same suite on PostgreSQL + Redis, with a real Celery worker
	export $(SERVICES_ENV) && $(PYTEST_SUITES)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MANAGE) makemigrations --check --dry-run
	$(BIN)/lint-imports

messages: install ## extract UI strings into locale/*/LC_MESSAGES/django.po
	$(MANAGE) makemessages --locale zh_Hans --locale zh_Hant --locale en --ignore '.venv/*' \
		--ignore 'var/*' --ignore 'tests/*' --ignore 'bench/*' --no-obsolete
	$(BIN)/python locale/fill_hant.py

worker:
	$(BIN)/celery -A academy worker --loglevel INFO

beat:
	$(BIN)/celery -A academy beat --loglevel INFO --schedule var/celerybeat-schedule

serve: setup ## gunicorn with production settings (SECRET_KEY, DATABASE_URL … from the environment)
	DJANGO_SETTINGS_MODULE=academy.settings.production $(MANAGE) collectstatic --noinput -v 0
	DJANGO_SETTINGS_MODULE=academy.settings.production $(BIN)/gunicorn academy.wsgi \
		--bind $(HOST):$(PORT) --workers $${WEB_CONCURRENCY:-2} --access-logfile -

clean:
	rm -rf $(VENV) var
