"""Where the project's own files are. A module of its own, so that a command imports no more
than it needs (`validate` never imports pandoc, Typst or lxml: tests/test_imports.py)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
