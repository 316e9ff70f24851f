"""Every text the code marks for translation has its translations: the catalogues are
extracted afresh (makemessages, on a copy of the source) and any entry that is new, empty or
fuzzy there is reported. `tests/test_translations.py` checks the committed catalogues; only
this finds a string the catalogues never got (it needs gettext's tools, which `.ci/run`
installs and a fresh machine's `make test` may lack)."""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.test_translations import LANGUAGES, parse_po  # noqa: E402


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "aftercare"
        shutil.copytree(ROOT / "src" / "aftercare", copy, ignore=shutil.ignore_patterns("static"))
        env = {**os.environ, "AFTERCARE_HOME": tempfile.mkdtemp()}
        languages = [arg for code in LANGUAGES for arg in ("-l", code)]
        subprocess.run(
            [str(ROOT / ".venv" / "bin" / "aftercare"), "makemessages", *languages,
             "--no-location", "--no-obsolete", "-v", "0"],
            cwd=copy, env=env, check=True,
        )  # fmt: skip
        missing = []
        for code in LANGUAGES:
            for entry in parse_po(copy / "locale" / code / "LC_MESSAGES" / "django.po"):
                if not entry.msgid:
                    continue
                if "fuzzy" in entry.flags or not all(entry.msgstr.values()) or not entry.msgstr:
                    missing.append(f"{code}: {entry.msgid!r}")
    for line in missing:
        print(f"not translated: {line}")
    if missing:
        print("Run `make messages`, translate these in src/aftercare/locale, and run it again.")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
