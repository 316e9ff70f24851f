"""The service worker of the engineer's field pages (``static/js/fieldworker.js``), built for a
scope: the hotline's ticket pages (``servicedesk:field_worker``) and any other app's phone pages
(the maintenance visits) serve it from their own URL so its scope covers them."""

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from django.http import HttpResponse
from django.templatetags.static import static

SOURCE = Path(__file__).resolve().parent.parent / "static" / "js" / "fieldworker.js"
#: What the field pages need to draw offline; the service worker keeps these (hashed names in
#: production, so a new release is a new list and a new worker).
SHELL = (
    "vendor/bootstrap/bootstrap.min.css",
    "css/aftercare.css",
    "vendor/htmx/htmx.min.js",
    "vendor/bootstrap/bootstrap.bundle.min.js",
    "js/aftercare.js",
    "js/fieldqueue.js",
    "js/hotline.js",
    "img/favicon.svg",
)


def worker_response(
    scope: str, *, extra_shell: Iterable[str] = (), shell_cache: str = ""
) -> HttpResponse:
    """The worker for the pages under ``scope`` (a path ending in ``/``), with the app shell's
    URLs (``SHELL`` and ``extra_shell``, static names) written in. ``shell_cache`` names its
    shell's cache (another scope's worker must use another name, or each would drop the other's
    cache when it activates). The same for everyone: it holds no user data."""
    shell = [static(name) for name in (*SHELL, *extra_shell)]
    source = SOURCE.read_text(encoding="utf-8")
    version = hashlib.sha256("\n".join([*shell, source]).encode()).hexdigest()[:16]
    settings: dict[str, object] = {"version": version, "shell": shell, "scope": scope}
    if shell_cache:
        settings["shellCache"] = shell_cache
    text = f"const FIELD_WORKER = {json.dumps(settings)};\n{source}"
    response = HttpResponse(text, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = scope
    response["Cache-Control"] = "no-cache"
    return response
