"""Entry points of a pool worker process (see `checking`).

Nothing here imports a Django model at module level: a spawned interpreter unpickles these
functions before anything else, and must set Django up before `checking` can be imported.
"""

import os


def start(sheet: bytes, start_method: str) -> None:
    if start_method != "fork":  # a fresh interpreter; a forked one inherits the set-up Django
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftercare.settings")
        django.setup()
    from aftercare.imports import checking

    checking.start_worker(sheet, start_method)


def ready() -> None:
    """A first task that makes the pool start its processes."""


def check(positions: dict, rows: list) -> list:
    from aftercare.imports import checking

    return checking.check_in_worker(positions, rows)
