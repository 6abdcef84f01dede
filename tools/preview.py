"""Render the README's preview pictures: the first page and the signature page of an example's
PDF, as PNGs in docs/. Run with `make preview`; tests/test_preview.py fails when they are stale.

The pictures come from the same Typst source as the PDF, rasterised by the `typst` package, so
no PDF viewer or other program is needed and the bytes are the same on every machine.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import typst  # noqa: E402

from partnerskab.fonts import font_paths  # noqa: E402
from partnerskab.load import load  # noqa: E402
from partnerskab.pipeline import logos  # noqa: E402
from partnerskab.render import render, timestamp  # noqa: E402

EXAMPLE = ROOT / "agreements" / "fjordby-familievenner.yaml"
OUT = ROOT / "docs"
PPI = 60


def pictures(example: Path = EXAMPLE) -> dict[str, bytes]:
    """{"preview-side-1.png": ..., "preview-underskrift.png": ...} for one agreement."""
    data = load(example).data
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        documents = render(data, workdir, logos(example, data))
        (workdir / "agreement.typ").write_text(documents.typst, encoding="utf-8")
        pages = typst.compile(
            str(workdir / "agreement.typ"),
            root=str(workdir),
            format="png",
            ppi=PPI,
            font_paths=font_paths(),
            ignore_system_fonts=True,
            timestamp=timestamp(data),
        )
    pages = pages if isinstance(pages, list) else [pages]
    # The signatures are the last page, unless the amendment log follows on a page of its own.
    has_log = bool((data.get("changes") or {}).get("amendments"))
    return {"preview-side-1.png": pages[0], "preview-underskrift.png": pages[-2 if has_log else -1]}


def main() -> int:
    check = "--check" in sys.argv[1:]
    stale = []
    for name, content in pictures().items():
        target = OUT / name
        if check:
            if not target.exists() or target.read_bytes() != content:
                stale.append(name)
        else:
            target.write_bytes(content)
            print(f"skrev {target.relative_to(ROOT)}")
    if stale:
        print(f"docs/{', '.join(stale)} passer ikke til eksemplet; kør `make preview`.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
