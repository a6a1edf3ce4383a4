"""``python -m eventdesk``: the same as the ``eventdesk`` command."""

from .cli import main

if __name__ == "__main__":  # not when a spawned helper process imports this module
    main()
