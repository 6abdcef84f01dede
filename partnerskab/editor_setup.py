"""`partnerskab-validate --write-schema MAPPE`: editor support in a repository of agreements
that uses the pre-commit hook. The installed package carries the schema files
(partnerskab.schema_files); this copies every one of them into the folder and says which
modeline to put at the top of each agreement, so the editor checks and completes fields with
the same schema as the hook."""

from __future__ import annotations

import os
import sys
from importlib import resources
from pathlib import Path

from .i18n import plural
from .messages import EDITOR_SETUP, os_reason
from .schema import SCHEMA_DIR, SCHEMA_NAME
from .text import printable
from .write import write_together


def schema_files() -> dict[str, bytes]:
    """Every *.json of the schema: from schema/ in a checkout, else from the installed package."""
    if SCHEMA_DIR.is_dir():
        found = {path.name: path.read_bytes() for path in SCHEMA_DIR.glob("*.json")}
    else:
        folder = resources.files("partnerskab.schema_files")
        found = {f.name: f.read_bytes() for f in folder.iterdir() if f.name.endswith(".json")}
    return dict(sorted(found.items()))


def modeline(folder: Path, names, agreements: Path = Path("agreements")) -> str:
    """The yaml-language-server line for an agreement in `agreements`, with the schema in
    `folder`: the editor copy (every $ref written out) when there is one."""
    editor = [name for name in names if name.endswith(".editor.schema.json")]
    name = editor[0] if editor else SCHEMA_NAME
    relative = Path(os.path.relpath(folder.resolve() / name, agreements.resolve())).as_posix()
    return f"# yaml-language-server: $schema={relative}"


def write_schema(folder: Path) -> int:
    files = schema_files()
    try:
        write_together([(folder / name, data) for name, data in files.items()])
    except OSError as exc:
        print(
            EDITOR_SETUP["not_written"].format(
                prog=Path(sys.argv[0]).name, folder=printable(folder), reason=os_reason(exc)
            ),
            file=sys.stderr,
        )
        return 2
    print(plural(len(files), EDITOR_SETUP["written"]).format(n=len(files), folder=printable(folder)))
    for name in files:
        print(f"  {printable(folder / name)}")
    print(EDITOR_SETUP["modeline"])
    print()
    print(modeline(folder, files))
    return 0
