#!/usr/bin/env python
"""Same as the ``vigil`` command, for those used to Django's manage.py."""

from vigil.cli import main

if __name__ == "__main__":
    main()
