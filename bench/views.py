"""Time the story views (timelines and summaries) a run rebuilds after its last document.

    .venv/bin/python bench/views.py STORE.db [--chunks 1,16]

Rebuilds the views of every story in a copy of an SQLite store (``bench/throughput.py`` leaves
its stores in its scratch folder, e.g. ``store-b_eventdesk_run_engine_local-2000.db``) once per
chunk size (``refresh_story_views(..., chunk=N)``: N stories read and their sentences embedded
in one call), each in a fresh process with the embedder loaded and its cache empty, and prints
the seconds. ``--chunks 1`` is one story at a time, how views were built before chunks.
The store given is never written.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = r"""
import json, sys, time
from eventdesk import embed
from eventdesk.link.views import refresh_story_views
from eventdesk.store import Store
store = Store("sqlite:///" + sys.argv[1])
ids = [s["story_id"] for s in store.iter_stories()]
embed.load_model()
embed.embed(["warm up"])
t = time.perf_counter()
n = refresh_story_views(store, ids, chunk=int(sys.argv[2]))
print(json.dumps({"stories": len(ids), "built": n, "seconds": time.perf_counter() - t}))
store.close()
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("store", type=Path, help="an SQLite store file holding processed stories")
    ap.add_argument("--chunks", default="1,16", help="chunk sizes to time, comma-separated")
    args = ap.parse_args(argv)
    if not args.store.is_file():
        print(f"{args.store}: no such store file (run bench/throughput.py --only local first, "
              "or pass any eventdesk SQLite store)", file=sys.stderr)
        return 2
    for chunk in [int(x) for x in args.chunks.split(",") if x]:
        with tempfile.TemporaryDirectory(prefix="eventdesk-views-") as tmp:
            db = Path(tmp) / "store.db"
            shutil.copyfile(args.store, db)
            # The child runs without the embedding helper, so the time is the views' own.
            out = subprocess.run(
                [sys.executable, "-c", CHILD, str(db), str(chunk)],
                capture_output=True, text=True, check=False,
                env={**os.environ, "EVENTDESK_EMBED_HELPER": "0"},
            )
            if out.returncode != 0:
                print(out.stderr[-3000:], file=sys.stderr)
                return 1
            info = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"chunk {chunk:>3}: {info['built']} of {info['stories']} stories' views in "
                  f"{info['seconds']:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
