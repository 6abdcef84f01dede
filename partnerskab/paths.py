"""Where the project's own files are. A module of its own, so that a command imports no more
than it needs (`validate` never imports pandoc, Typst or lxml: tests/test_imports.py)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"


def shown_path(path: str | Path) -> str:
    """A path as a person who runs the command sees it: from the current folder when it lies
    inside it, else as given."""
    path = Path(path)
    return str(path.relative_to(Path.cwd())) if path.is_relative_to(Path.cwd()) else str(path)


def agreements_in(folder: Path) -> list[Path]:
    """The agreements in `folder`, by name: its *.yaml and *.yml files (text.NAME allows both)."""
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])
