"""The `aftercare` command: serve, worker, tick, demo, token, and Django's commands.

This command line is a contract for deployment scripts: `aftercare serve [--host H] [--port N]`,
data under `$AFTERCARE_HOME/var/`, `aftercare token create USERNAME` printing the token last.
"""

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time

USAGE = """usage: aftercare COMMAND [options]

commands:
  setup [--organisation NAME ...]            set up a real organisation, branch, administrator
  serve [--host H] [--port N] [--web-only]   migrate, load the demo once*, run web + worker + tick
  worker                                     run the background task worker
  tick [--loop SECONDS]                      run periodic work once (or every SECONDS)
  demo [--reset]                             load (or reset) the demo organisation
  token create USERNAME [--name NAME]        create an API token; prints it as the last word
  <django command> ...                       any Django management command (migrate, shell, ...)

* only into an empty database, and never with AFTERCARE_ENV=production.
"""


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftercare.settings")
    import django

    django.setup()


def _manage(argv: list[str]) -> None:
    from django.core.management import execute_from_command_line

    _setup()
    execute_from_command_line(["aftercare", *argv])


def cmd_demo(args: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="aftercare demo")
    parser.add_argument("--reset", action="store_true", help="delete and reload the demo data")
    opts = parser.parse_args(args)
    _setup()
    from django.core.management import call_command

    from aftercare import demo

    call_command("migrate", interactive=False, verbosity=0)
    if opts.reset:
        demo.reset()
    elif demo.is_loaded():
        print("The demo organisation is already loaded (use --reset to reload it).")
    else:
        demo.load()
    demo.print_logins()
    return 0


def cmd_setup(args: list[str]) -> int:
    """Migrate (a fresh clone has no tables yet), then the `setup` management command."""
    _setup()
    from django.core.management import call_command
    from django.core.management.base import CommandError

    call_command("migrate", interactive=False, verbosity=0)
    try:
        call_command("setup", *args)
    except CommandError as error:
        print(f"aftercare setup: {error}", file=sys.stderr)
        return 1
    return 0


def should_load_demo(*, production: bool, no_demo: bool, has_organisation: bool) -> bool:
    """The demo fills an empty database on a developer's machine, and nowhere else.

    In production its well-known password (`aftercare-demo`) would open a real installation:
    an empty production database gets `aftercare setup`, never the demo.
    """
    return not (production or no_demo or has_organisation)


def cmd_token(args: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="aftercare token")
    sub = parser.add_subparsers(dest="action", required=True)
    create = sub.add_parser("create", help="create a token for USERNAME")
    create.add_argument("username")
    create.add_argument("--name", default="cli")
    opts = parser.parse_args(args)
    _setup()
    from aftercare.org.actions import create_api_token
    from aftercare.org.models import User

    user = User.objects.filter(username=opts.username, is_active=True).first()
    if user is None:
        print(f"aftercare token: no active user named {opts.username!r}", file=sys.stderr)
        return 2
    raw = create_api_token(user, name=opts.name)
    print(f"API token for {user.username}: {raw}")
    return 0


def cmd_tick(args: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="aftercare tick")
    parser.add_argument("--loop", type=float, default=0, help="repeat every N seconds")
    opts = parser.parse_args(args)
    _setup()
    from aftercare import tick

    while True:
        result = tick.run()
        if not opts.loop:
            print(" ".join(f"{key}={value}" for key, value in result.items()))
            return 0
        time.sleep(opts.loop)


def cmd_worker(args: list[str]) -> int:
    _manage(["db_worker", *args])
    return 0


def cmd_serve(args: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="aftercare serve")
    parser.add_argument("--host", default=os.environ.get("AFTERCARE_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("AFTERCARE_PORT", "8000")))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    parser.add_argument("--web-only", action="store_true", help="no worker and no tick")
    parser.add_argument("--no-demo", action="store_true", help="do not load the demo")
    opts = parser.parse_args(args)
    _setup()
    from django.conf import settings
    from django.core.management import call_command

    from aftercare import demo

    call_command("migrate", interactive=False, verbosity=0)
    if settings.PRODUCTION:
        collect_static()
    has_organisation = demo.any_organisation()
    if should_load_demo(
        production=settings.PRODUCTION, no_demo=opts.no_demo, has_organisation=has_organisation
    ):
        print("First run: loading the demo organisation …", flush=True)
        demo.load()
    elif not has_organisation:
        print("No organisation yet: run `aftercare setup` to create yours.", flush=True)
    if demo.is_loaded():
        demo.print_logins()

    exe = [sys.executable, "-m", "aftercare.cli"]
    commands = [
        [
            sys.executable, "-m", "gunicorn", "aftercare.wsgi:application",
            "--bind", f"{opts.host}:{opts.port}", "--workers", str(opts.workers),
            "--access-logfile", "-", "--graceful-timeout", "5",
        ],
    ]  # fmt: skip
    if not opts.web_only:
        commands += [[*exe, "worker"], [*exe, "tick", "--loop", "60"]]
    print(f"Aftercare is serving on http://{opts.host}:{opts.port}/  (Ctrl-C stops it)", flush=True)
    return _supervise(commands)


def collect_static() -> bool:
    """Collect (hash and compress) the static files unless the last run collected these ones.

    Production serves the hashed, compressed copies under ``STATIC_ROOT``; compressing them
    takes several seconds, so a restart only pays for it when a static file (or the code that
    ships them) changed. The fingerprint is every source file's path, size and mtime. A lock
    keeps two ``serve`` processes on one machine from collecting into the same place at once.
    Returns whether it collected.
    """
    import fcntl
    import hashlib

    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders
    from django.core.management import call_command

    digest = hashlib.sha256()
    for finder in get_finders():
        for path, storage in finder.list([]):
            stat = os.stat(storage.path(path))
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    fingerprint = digest.hexdigest()
    manifest = settings.STATIC_ROOT / "staticfiles.json"
    stamp = settings.VAR_DIR / "static.collected"
    with open(settings.VAR_DIR / "static.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if manifest.exists() and stamp.exists() and stamp.read_text() == fingerprint:
            return False
        print("Collecting static files …", flush=True)
        call_command("collectstatic", interactive=False, verbosity=0)
        stamp.write_text(fingerprint)
    return True


def _end_with_parent() -> None:
    """In the child before exec: SIGTERM when `serve` dies, however it dies.

    The children lead their own process groups, so a SIGKILL to `serve` (an OOM killer, a
    supervisor's hard stop) would otherwise leave gunicorn serving and the worker running with
    nobody to stop them. Linux only; elsewhere the graceful path below still applies.
    """
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _supervise(commands: list[list[str]]) -> int:
    """Run the processes side by side; when one dies or Ctrl-C comes, stop them all.

    Each child leads its own process group, so whatever it started (gunicorn's workers) can be
    stopped with it: a worker orphaned by a slow master would otherwise keep serving, and keep
    the terminal's output open, after Ctrl-C.
    """
    children = [
        subprocess.Popen(command, start_new_session=True, preexec_fn=_end_with_parent)
        for command in commands
    ]
    stopping = False

    def stop(signum=None, frame=None):
        nonlocal stopping
        stopping = True
        for child in children:
            if child.poll() is None:
                child.terminate()

    # Children are in their own groups: the terminal's signals reach only this process.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, stop)
    code = 0
    try:
        while not stopping:
            for child in children:
                if child.poll() is not None:
                    code = child.returncode or 0
                    stop()
                    break
            time.sleep(0.5)
    finally:
        stop()
        deadline = time.monotonic() + 10
        for child in children:
            remaining = max(0.1, deadline - time.monotonic())
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(timeout=remaining)
            # The child, if still there, and anything it left behind in its group.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(child.pid, signal.SIGKILL)
            child.wait()
    return code


COMMANDS = {
    "setup": cmd_setup,
    "serve": cmd_serve,
    "worker": cmd_worker,
    "tick": cmd_tick,
    "demo": cmd_demo,
    "token": cmd_token,
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(USAGE)
        return 0
    command, rest = argv[0], argv[1:]
    if command in COMMANDS:
        return COMMANDS[command](rest)
    _manage([command, *rest])
    return 0


if __name__ == "__main__":
    sys.exit(main())
