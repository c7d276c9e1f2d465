"""The ``vigil`` command: everything ``manage.py`` does, with clear start-up errors."""

from __future__ import annotations

import os
import sys

# Commands that need the database from their first line.
NEEDS_DATABASE = {
    "runserver", "migrate", "serve", "db_worker", "load_demo", "createsuperuser", "directory",
    "backup",
}  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
    from vigil.startup import boot

    command = argv[1] if len(argv) > 1 else ""
    if argv[1:3] == ["keys", "generate"]:
        # Runs before settings load: production settings demand the very keys it makes.
        from vigil.core.env import print_new_keys

        print_new_keys()
        return
    if argv[1:3] == ["keys", "import"]:
        # A new server has no keys yet: reading a typed-back key sheet needs no settings.
        from vigil.core.management.commands.keys import import_sheet

        rest = argv[3:]
        import_sheet(next((a for a in rest if a != "--check"), "-"), check="--check" in rest)
        return
    needs_database = command in NEEDS_DATABASE or argv[1:3] == ["keys", "rotate"]
    boot(check_database=needs_database)
    from django.core.management import execute_from_command_line

    argv[0] = "vigil"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
