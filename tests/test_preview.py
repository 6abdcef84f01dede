"""The README's preview pictures are what the example looks like now."""

from __future__ import annotations

import importlib.util

from .conftest import ROOT, agreements_folder


def _preview_module():
    spec = importlib.util.spec_from_file_location("preview", ROOT / "tools" / "preview.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_preview_pictures_are_fresh_and_shown_in_the_readme():
    pictures = _preview_module().pictures()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, content in pictures.items():
        assert content.startswith(b"\x89PNG")
        committed = ROOT / "docs" / name
        assert committed.exists() and committed.read_bytes() == content, (
            f"docs/{name} is stale: run `make preview`"
        )
        assert f"(docs/{name})" in readme


def test_a_changed_agreement_changes_the_pictures(tmp_path):
    module = _preview_module()
    text = (ROOT / "agreements" / "fjordby-familievenner.yaml").read_text(encoding="utf-8")
    changed = agreements_folder(tmp_path) / "x.yaml"
    changed.write_text(text.replace("Jens Jensen", "Jens Jensen-Ærø"), encoding="utf-8")
    assert module.pictures(changed)["preview-underskrift.png"] != module.pictures()["preview-underskrift.png"]


def test_docx_and_phone_pictures_are_in_the_readme():
    """preview-docx.png and preview-telefon.png come from LibreOffice and Chromium, whose bytes
    vary with their versions: they must exist, be pictures of a page and a phone screen, and
    be shown in the README."""
    import struct

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, width in (("preview-docx.png", None), ("preview-telefon.png", 390)):
        content = (ROOT / "docs" / name).read_bytes()
        assert content.startswith(b"\x89PNG") and f"(docs/{name})" in readme
        picture_width, height = struct.unpack(">II", content[16:24])
        assert height > picture_width  # a page, a phone: upright
        if width:
            assert picture_width == width
    for name in ("preview-live.png", "preview-live-fejl.png"):  # a desktop browser's window
        content = (ROOT / "docs" / name).read_bytes()
        assert content.startswith(b"\x89PNG") and f"(docs/{name})" in readme
        assert struct.unpack(">II", content[16:24]) == (1100, 720)
