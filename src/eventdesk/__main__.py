"""``python -m eventdesk``: the same as the ``eventdesk`` command."""

from .cli import main

main()
