#!/usr/bin/env bash
# Install eventdesk with its test tools into ./.venv, lint, and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
EVENTDESK_EXTRAS="embed,test,ray,postgres" source scripts/_venv.sh

# PostgreSQL for tests/test_postgres.py: Debian's server, installed and started when it is not
# there, with an `eventdesk` role the tests create their throwaway databases with. Needs root
# (as in CI); elsewhere set EVENTDESK_PG_URL to a server of your own, or those tests are skipped.
if [ -z "${EVENTDESK_PG_URL:-}" ] && [ "$(id -u)" = 0 ]; then
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  if [ -z "$(pg_lsclusters -h)" ]; then
    pg_createcluster "$(ls /usr/lib/postgresql | sort -n | tail -1)" main >/dev/null
  fi
  read -r pg_ver pg_name pg_port pg_status _ < <(pg_lsclusters -h | head -n 1)
  [ "$pg_status" = online ] || pg_ctlcluster "$pg_ver" "$pg_name" start
  pg_sql() { su postgres -c "psql -p $pg_port -qtAc \"$1\""; }
  [ "$(pg_sql "SELECT 1 FROM pg_roles WHERE rolname = 'eventdesk'")" = 1 ] ||
    pg_sql "CREATE ROLE eventdesk LOGIN PASSWORD 'eventdesk' CREATEDB"
  export EVENTDESK_PG_URL="postgresql://eventdesk:eventdesk@127.0.0.1:${pg_port}/postgres"
fi

# The web page's browser tests (tests/test_web.py) drive Debian's chromium through Playwright,
# which never downloads a browser of its own. Installed here when missing (needs root, as in CI).
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
.venv/bin/ruff check src tests eval bench
.venv/bin/python -m pytest -q "$@"
