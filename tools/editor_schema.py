"""Write schema/partnership-agreement.editor.schema.json: the schema as editors read it.

yaml-language-server (VS Code's YAML extension) shows the title of a `$ref`'s target instead of
the field's own and inserts such a field without `: `; in this copy every `$ref` is written out
(see `partnerskab.schema.editor_schema`). The agreements' modeline points to it. Run `make docs`
(or this script) after changing the schema. `--check` exits 1 when the file is stale; the tests use it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from partnerskab.schema import EDITOR_SCHEMA_NAME, editor_schema_text  # noqa: E402

TARGET = ROOT / "schema" / EDITOR_SCHEMA_NAME
STALE = f"schema/{EDITOR_SCHEMA_NAME} passer ikke til skemaet; kør `make docs`."


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=f"Dan schema/{EDITOR_SCHEMA_NAME} ud fra skemaet.")
    parser.add_argument("--check", action="store_true", help="tjek kun, at filen er opdateret")
    args = parser.parse_args(argv)
    text = editor_schema_text().encode("utf-8")
    if args.check:
        if not TARGET.is_file() or TARGET.read_bytes() != text:
            print(STALE, file=sys.stderr)
            return 1
        return 0
    TARGET.write_bytes(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
