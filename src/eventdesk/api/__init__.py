"""The desk's HTTP API and web page: ``eventdesk serve``.

A thin shell over :class:`eventdesk.store.query.Reader`: every route only reads, every filter
becomes a bound parameter there. Datasette's habit: every list has data twins (``.json``,
``.csv``, ``.geojson`` where there are coordinates, ``.jsonl``; events also ``.acled.csv`` and
``.kepler.csv``), and the web page (``/``, files under ``/static``) is a client of the same
routes. FastAPI and uvicorn are imported only here, so ``import eventdesk`` stays light.
"""

from __future__ import annotations

from .app import create_app, serve

__all__ = ["create_app", "serve"]
