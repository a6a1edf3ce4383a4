#!/usr/bin/env bash
# Install eventdesk with its test tools into ./.venv, lint, and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
EVENTDESK_EXTRAS="embed,test" source scripts/_venv.sh
.venv/bin/ruff check src tests eval bench
.venv/bin/python -m pytest -q "$@"
