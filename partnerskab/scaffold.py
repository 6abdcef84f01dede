"""`python build.py new SLUG`: a new agreement with every element, started correctly.

The skeleton (templates/new-agreement.yaml) has the schema modeline, short comments from the
guidance, and «UDFYLD ...» placeholders that the checker reports as not filled in, so a fresh
skeleton fails validation with exactly the list of what is left to do.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .messages import COMMANDS, NAME_FAULTS, os_reason
from .paths import TEMPLATES, agreements_in, shown_path
from .text import NAME, RESERVED, name_fault, printable, same_name

SKELETON = TEMPLATES / "new-agreement.yaml"


def new_agreement(slug: str, folder: Path) -> int:
    for suffix in (".yaml", ".yml"):  # one ending: «x.yml.yaml» is a name with a dot in it
        if slug.endswith(suffix):
            slug = slug.removesuffix(suffix)
            break
    # The names `validate` and `build` accept (text.NAME), no more and no less.
    if not NAME.match(f"{slug}.yaml"):
        fault, values = name_fault(f"{slug}.yaml")
        why = NAME_FAULTS["da"][fault].format(**values)
        print(COMMANDS["new_bad_name"].format(name=printable(slug), why=why), file=sys.stderr)
        return 2
    if same_name(slug) in RESERVED:
        print(COMMANDS["new_reserved"].format(name=printable(slug)), file=sys.stderr)
        return 2
    target = folder / f"{slug}.yaml"
    named = printable(shown_path(target))
    # An agreement whose name differs only in capitals, or that ends in .yml, would write the same
    # documents, and on Windows and macOS the first is the same file: `build` refuses such a pair.
    candidates = agreements_in(folder) if folder.is_dir() else []
    namesake = next((p for p in candidates if same_name(p.stem) == same_name(slug) and p != target), None)
    if namesake is not None:
        kind = "new_namesake" if namesake.stem == slug else "new_namesake_case"  # .yml, or capitals
        print(COMMANDS[kind].format(target=named, other=printable(namesake.name)), file=sys.stderr)
        return 1
    created = False
    try:
        with open(target, "xb") as handle:  # "x": never overwrite, not even in a race
            created = True
            handle.write(SKELETON.read_bytes())
    except FileExistsError:
        print(COMMANDS["new_exists"].format(target=named), file=sys.stderr)
        return 1
    except OSError as exc:  # no agreements/ folder, a folder we may not write in, a full disk
        if created:  # never a half-written agreement
            target.unlink(missing_ok=True)
        print(COMMANDS["cannot_create"].format(target=named, reason=os_reason(exc)), file=sys.stderr)
        return 1
    print(COMMANDS["new_created"].format(target=named))
    return 0
