"""eventdesk: turn news into sourced, structured event data.

``import eventdesk`` stays fast: heavy libraries (spaCy, torch, SQLAlchemy) load lazily in the
stages that need them.
"""

import logging

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())
