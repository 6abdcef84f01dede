"""Command line: `python build.py COMMAND ...`. Exit 0 all good, 1 problems, 2 usage error.

Commands: validate, build, new, status, diff, review. See the README for each.
"""

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
    validate.add_argument(
        "--base",
        metavar="REV",
        help="kræv et tillæg (changes.amendments), når en aftale, der var underskrevet i REV, er ændret",
    )

    build = commands.add_parser("build", help="tjek og byg PDF, DOCX og HTML")
    build.add_argument("files", nargs="*", metavar="FILE")
    build.add_argument("--out", default="build", metavar="DIR", help="mappe til output (standard: build)")
    for command in (validate, build):
        command.add_argument("--strict", action="store_true", help="advarsler tæller som fejl")

    new = commands.add_parser("new", help="opret en ny aftale med alle elementer")
    new.add_argument("slug", metavar="SLUG", help="filnavnet uden .yaml, fx fjordby-familievenner")

    status = commands.add_parser("status", help="aftaler, der snart udløber eller trænger til opmærksomhed")
    status.add_argument("--within", type=int, default=90, metavar="DAYS", help="dage frem (standard: 90)")

    diff = commands.add_parser("diff", help="hvad er ændret i aftalerne siden REV (Markdown)")
    diff.add_argument("files", nargs="*", metavar="FILE")
    diff.add_argument("--base", default="HEAD", metavar="REV", help="sammenlign med REV (standard: HEAD)")

    review = commands.add_parser("review", help="tjek en aftale mod Socialstyrelsens vejledning (kun råd)")
    review.add_argument("file", metavar="FILE")
    return parser


def agreement_files(given: list[str] | None = None) -> list[str]:
    """The files given, or every agreements/*.yaml, shown relative to where we stand."""
    if given:
        return given
    found = sorted(AGREEMENTS.glob("*.yaml"))
    return [str(p.relative_to(Path.cwd())) if p.is_relative_to(Path.cwd()) else str(p) for p in found]


def _check_or_build(args) -> int:
    files = agreement_files(args.files)
    if not files:
        print("Ingen aftaler fundet i agreements/.", file=sys.stderr)
        return 1
    output = getattr(args, "format", "text")
    failed, collected, built = 0, [], []
    for path in files:
        if args.command == "validate":
            outcome = validate_file(path, args.strict, base=args.base)
        else:
            outcome = build_file(path, Path(args.out), args.strict)
        collected += outcome.problems
        if output != "json":
            sys.stdout.write(FORMATS[output](outcome.problems))
        failed += not outcome.ok
        if args.command == "build" and outcome.ok:
            built.append(path)
            print(f"{path}: bygget {', '.join(str(p) for p in outcome.written)}")
    if args.command == "build" and not args.files:
        from .register import write_register

        for written in write_register(built, Path(args.out)):
            print(f"skrev {written}")
    if output == "json":
        sys.stdout.write(format_json(collected))
    elif args.command == "validate" and not failed:
        print(f"{len(files)} aftale(r) er i orden.")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command in ("validate", "build"):
        return _check_or_build(args)
    if args.command == "new":
        from .scaffold import new_agreement

        return new_agreement(args.slug, AGREEMENTS)
    if args.command == "status":
        from .status import status_report

        return status_report(agreement_files(), args.within)
    if args.command == "diff":
        from .diff import default_files, diff_markdown

        files = args.files or default_files(AGREEMENTS, args.base)  # also those deleted since REV
        sys.stdout.write(diff_markdown(files, args.base))
        return 0
    from .review import review_file

    sys.stdout.write(review_file(args.file))
    return 0


def validate_main() -> int:
    """`partnerskab-validate FILE ...`: the pre-commit hook's entry point."""
    return main(["validate", *sys.argv[1:]])
