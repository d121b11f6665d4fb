.PHONY: install test test-fast lint setup-test-env bench

install:
	pip install -e '.[dev,local]'

# Installs/starts what the tests need (the dev+local extras, bubblewrap, Debian python3 for the sandbox, dockerd,
# the sandbox image), then runs them.
test: setup-test-env
	pip install -q -e '.[dev,local]'
	python -m pytest -q

test-fast:
	python -m pytest -q -x

setup-test-env:
	bash scripts/setup-test-env.sh

lint:
	ruff check src tests benchmarks
