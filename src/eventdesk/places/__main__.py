"""``python -m eventdesk.places --bench``: gazetteer load time and memory; ``TEXT``: geoparse it."""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eventdesk.places", description=__doc__)
    ap.add_argument("--bench", action="store_true", help="time loading the gazetteer")
    ap.add_argument("--rebuild", action="store_true", help="rebuild the cached gazetteer first")
    ap.add_argument("text", nargs="?", help="text to geoparse (prints one JSON place a line)")
    args = ap.parse_args(argv)
    from .gazetteer import build, cache_path, gazetteer

    if args.rebuild:
        path = cache_path()
        path.unlink(missing_ok=True)
        t = time.perf_counter()
        from .gazetteer import _write

        _write(build(), path)
        print(f"built {path} in {time.perf_counter() - t:.1f} s")
    if args.bench:
        rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        t = time.perf_counter()
        gaz = gazetteer()
        secs = time.perf_counter() - t
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(
            f"gazetteer: {len(gaz)} entries, {len(gaz.by_key)} names; load {secs:.2f} s; "
            f"peak RSS {rss / 1024:.0f} MB (+{(rss - rss0) / 1024:.0f} MB); {gaz.source}"
        )
    if args.text:
        from . import geoparse

        for p in geoparse(args.text):
            print(json.dumps(p.to_dict() | {"level": p.level}, ensure_ascii=False))
    if not (args.bench or args.text or args.rebuild):
        ap.print_help()
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
