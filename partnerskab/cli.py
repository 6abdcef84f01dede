"""Command line: `python build.py validate|build ...`. Exit 0 all good, 1 problems, 2 usage."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .pipeline import build_file, validate_file
from .problems import format_github, format_json, format_text

FORMATS = {"text": format_text, "github": format_github}

ROOT = Path(__file__).resolve().parent.parent
AGREEMENTS = ROOT / "agreements"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # usage errors exit 2, in one line, no traceback
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: fejl: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="build.py", description="Tjek og byg partnerskabsaftaler.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    validate = commands.add_parser("validate", help="tjek aftaler mod skemaet og reglerne")
    validate.add_argument("files", nargs="*", metavar="FILE")
    validate.add_argument(
        "--format",
        choices=["text", "github", "json"],
        default="text",
        help="text (standard), github (annotationer) eller json",
    )
    build = commands.add_parser("build", help="tjek og byg PDF, DOCX og HTML")
    build.add_argument("files", nargs="*", metavar="FILE")
    for command in (validate, build):
        command.add_argument("--strict", action="store_true", help="advarsler tæller som fejl")
    build.add_argument("--out", default="build", metavar="DIR", help="mappe til output (standard: build)")
    return parser


def _files(given: list[str]) -> list[str]:
    if given:
        return given
    found = sorted(AGREEMENTS.glob("*.yaml"))
    return [str(p.relative_to(Path.cwd())) if p.is_relative_to(Path.cwd()) else str(p) for p in found]


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    files = _files(args.files)
    if not files:
        print("Ingen aftaler fundet i agreements/.", file=sys.stderr)
        return 1
    output = getattr(args, "format", "text")
    failed, collected = 0, []
    for path in files:
        if args.command == "validate":
            outcome = validate_file(path, args.strict)
        else:
            outcome = build_file(path, Path(args.out), args.strict)
        collected += outcome.problems
        if output != "json":
            sys.stdout.write(FORMATS[output](outcome.problems))
        failed += not outcome.ok
        if args.command == "build" and outcome.ok:
            print(f"{path}: bygget {', '.join(str(p) for p in outcome.written)}")
    if output == "json":
        sys.stdout.write(format_json(collected))
    elif args.command == "validate" and not failed:
        print(f"{len(files)} aftale(r) er i orden.")
    return 1 if failed else 0


def validate_main() -> int:
    """`partnerskab-validate FILE ...`: the pre-commit hook's entry point."""
    return main(["validate", *sys.argv[1:]])
