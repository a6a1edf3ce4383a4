#!/usr/bin/env bash
# Install eventdesk into ./.venv and run the main job on the bundled example articles.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh
DB="${EVENTDESK_DB:-sqlite:///eventdesk-output/examples.db}"
mkdir -p eventdesk-output
.venv/bin/eventdesk run examples/ --db "$DB"
echo
echo "Results are in ${DB#sqlite:///}. Look at them with:"
echo "  .venv/bin/eventdesk export events   --db $DB | head"
echo "  .venv/bin/eventdesk export articles --db $DB --format csv -o eventdesk-output/articles.csv"
echo "  .venv/bin/eventdesk export places   --db $DB --format geojson -o eventdesk-output/events.geojson"
echo "  .venv/bin/eventdesk extract examples/feed.jsonl      # stateless: one JSON line per article"
