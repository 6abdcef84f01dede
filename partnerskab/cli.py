"""Command line: `python build.py COMMAND ...`. Exit 0 all good, 1 problems, 2 usage error.

Commands: validate, build, new, status, diff, review. See the README for each.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from .i18n import Formats
from .messages import ARGPARSE, BUILD_TOOLS_MISSING, COMMANDS, NOT_SET_UP, os_reason
from .paths import agreements_in, shown_path
from .problems import format_github, format_json, format_markdown, format_text
from .stopping import request_stop, stop_requested
from .text import printable, source_date_epoch

FORMATS = {"text": format_text, "github": format_github, "markdown": format_markdown}

ROOT = Path(__file__).resolve().parent.parent
AGREEMENTS = ROOT / "agreements"


@contextmanager
def _danish():
    """argparse writes its own words (usage, options, «the following arguments are required»)
    through gettext's `_` and `ngettext`, looked up in its module as it runs; while our parser
    works they give the Danish words from messages.ARGPARSE, and afterwards argparse is as it was."""
    saved = argparse._, argparse.ngettext
    argparse._ = lambda text: ARGPARSE.get(text, text)
    argparse.ngettext = lambda one, many, n: ARGPARSE.get(one if n == 1 else many, one if n == 1 else many)
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved


def _in_danish(method):
    def danish(*args, **kwargs):
        with _danish():
            return method(*args, **kwargs)

    return danish


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser that speaks Danish: its help, its usage and its usage errors."""

    __init__ = _in_danish(argparse.ArgumentParser.__init__)
    add_subparsers = _in_danish(argparse.ArgumentParser.add_subparsers)
    parse_args = _in_danish(argparse.ArgumentParser.parse_args)
    parse_known_args = _in_danish(argparse.ArgumentParser.parse_known_args)
    format_usage = _in_danish(argparse.ArgumentParser.format_usage)
    format_help = _in_danish(argparse.ArgumentParser.format_help)

    @_in_danish
    def error(self, message: str):  # usage errors exit 2, in one line, no traceback
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: fejl: {message}\n")


def _port(value: str) -> int:
    """A TCP port for --port: 0 (any free one) to 65535."""
    try:
        port = int(value)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"skal være et tal fra 0 til 65535, ikke «{value}»")
    return port


def _revision(value: str) -> str:
    """A git revision for --base; an empty one would silently compare with nothing."""
    if not value.strip():
        raise argparse.ArgumentTypeError(
            "--base skal være en git-revision, fx origin/main eller HEAD~1, ikke tom"
        )
    return value


def _whole(least: int):
    """An argparse type: a whole number of at least `least`, with a Danish message otherwise."""

    def parse(text: str) -> int:
        try:
            number = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(COMMANDS["not_whole"].format(text=printable(text))) from None
        if number < least:
            raise argparse.ArgumentTypeError(COMMANDS["at_least"].format(least=least, number=number))
        return number

    return parse


def _build_arguments(command: argparse.ArgumentParser) -> None:
    """What `build` and `watch` both take: the agreements, the output folder and the jobs."""
    command.add_argument("files", nargs="*", metavar="FIL")
    command.add_argument("--out", default="build", metavar="MAPPE", help="mappe til output (standard: build)")
    command.add_argument(
        "--jobs",
        "-j",
        type=_whole(1),
        default=os.cpu_count() or 1,
        metavar="N",
        help="antal aftaler, der bygges samtidig (standard: antal kerner)",
    )


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="build.py", description="Tjek og byg partnerskabsaftaler.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser, metavar="KOMMANDO")

    validate = commands.add_parser("validate", help="tjek aftaler mod skemaet og reglerne")
    validate.add_argument("files", nargs="*", metavar="FIL", help="aftalerne (standard: alle i agreements/)")
    validate.add_argument(
        "--format",
        choices=["text", "github", "json", "markdown"],
        default="text",
        help="text (standard), github (annotationer), json eller markdown (tabel til en oversigtsside)",
    )
    validate.add_argument(
        "--base",
        type=_revision,
        metavar="REV",
        help="kræv et tillæg (changes.amendments), når en aftale, der var underskrevet i REV, er ændret",
    )
    validate.add_argument(
        "--write-schema",
        metavar="MAPPE",
        help="skriv skemaets filer i MAPPE til editoren, og vis linjen, der skal stå øverst i hver aftale",
    )

    build = commands.add_parser("build", help="tjek og byg PDF, DOCX og HTML")
    _build_arguments(build)
    for command in (validate, build):
        command.add_argument("--strict", action="store_true", help="advarsler tæller som fejl")

    new = commands.add_parser("new", help="opret en ny aftale med alle elementer")
    new.add_argument("slug", metavar="NAVN", help="filnavnet uden .yaml, fx fjordby-familievenner")

    status = commands.add_parser("status", help="aftaler, der snart udløber eller trænger til opmærksomhed")
    status.add_argument(
        "--within", type=_whole(0), default=90, metavar="DAGE", help="dage frem (standard: 90)"
    )
    status.add_argument(
        "--format",
        choices=["text", "markdown"],
        default="text",
        help="text (standard) eller markdown (til et issue)",
    )

    diff = commands.add_parser("diff", help="hvad er ændret i aftalerne siden REV (Markdown)")
    diff.add_argument("files", nargs="*", metavar="FIL")
    diff.add_argument(
        "--base", type=_revision, default="HEAD", metavar="REV", help="sammenlign med REV (standard: HEAD)"
    )
    diff.add_argument(
        "--format",
        choices=["markdown", "text"],
        default="markdown",
        help="markdown (standard, til en pull request) eller text (til terminalen, uden Markdowns "
        "omvendte skråstreger og kodetegn)",
    )

    watch = commands.add_parser(
        "watch", help="forhåndsvisning i browseren, der opdateres, hver gang en aftale gemmes"
    )
    _build_arguments(watch)
    watch.add_argument(
        "--port",
        type=_port,
        default=8000,
        metavar="PORT",
        help="port på 127.0.0.1 (standard: 8000; 0: en ledig)",
    )

    review = commands.add_parser("review", help="tjek en aftale mod Socialstyrelsens vejledning (kun råd)")
    review.add_argument("file", metavar="FIL")

    seal = commands.add_parser(
        "seal", help="gem en underskreven aftales dokumenter, som de blev underskrevet"
    )
    seal.add_argument("files", nargs="+", metavar="FIL", help="aftalen (YAML), fx agreements/fjordby.yaml")
    verify = commands.add_parser(
        "verify", help="er en PDF (DOCX, HTML) et forseglet dokument herfra, og er underskrifterne intakte"
    )
    verify.add_argument(
        "file", metavar="FIL", help="PDF'en, DOCX-filen eller HTML-siden, der skal kontrolleres"
    )
    verify.add_argument(
        "--trust", action="append", default=[], metavar="CERT", help="udstederens certifikat (PEM eller DER)"
    )
    sign = commands.add_parser("sign", help="skriv digitalt under på en forseglet PDF (PAdES)")
    sign.add_argument(
        "file", metavar="FIL", help="den forseglede PDF i sealed/ (eller en, der allerede er underskrevet)"
    )
    sign.add_argument(
        "--certificate", required=True, metavar="CERT.p12", help="dit certifikat (.p12 eller .pfx)"
    )
    sign.add_argument("--out", metavar="FIL", help="den underskrevne PDF (standard: NAVN.underskrevet-N.pdf)")
    sign.add_argument("--reason", metavar="TEKST", help="fx «Godkendt af direktionen»")
    return parser


def agreement_files(given: list[str] | None = None) -> list[str]:
    """The files given, or every agreement in agreements/, shown relative to where we stand. A folder
    given stands for the agreements in it; a file given twice counts once."""
    if given:
        files, seen = [], set()
        for name in given:
            folder = Path(name)
            inside = list(map(str, agreements_in(folder))) if folder.is_dir() else [name]
            for file in inside:
                key = os.path.realpath(file)
                if key not in seen:
                    seen.add(key)
                    files.append(file)
        return files
    return [shown_path(p) for p in agreements_in(AGREEMENTS)]


def _none_found(given: list[str] | None) -> str:
    where = ", ".join(printable(g) for g in given) if given else "agreements/"
    return COMMANDS["none_found"].format(where=where)


class Progress:
    """Live progress on a terminal once a build takes over a second ([37/200] navn); plain
    lines in a CI log. Problems go to stdout as each agreement finishes."""

    def __init__(self, total: int, stream=None):
        self.total, self.done, self.started = total, 0, time.monotonic()
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty()
        # seconds before the live line appears; a short build stays quiet
        self.after = float(os.environ.get("PARTNERSKAB_PROGRESS_AFTER", "1"))
        self.counts = {"bygget": 0, "uændret": 0, "fejlede": 0}

    def __call__(self, outcome) -> None:
        self.done += 1
        word = "uændret" if outcome.skipped and outcome.ok else "bygget" if outcome.ok else "fejlede"
        self.counts[word] += 1
        if self.live:
            self.stream.write("\r\033[K")
        sys.stdout.write(format_text(outcome.problems))
        if self.live:
            if time.monotonic() - self.started > self.after:
                self.stream.write(f"[{self.done}/{self.total}] {printable(Path(outcome.file).stem)}")
                self.stream.flush()
        elif word != "uændret":
            print(f"[{self.done}/{self.total}] {printable(outcome.file)}: {word}", flush=True)

    def summary(self) -> str:
        if self.live:
            self.stream.write("\r\033[K")
        seconds = f"{time.monotonic() - self.started:.1f}".replace(".", ",")
        return (
            f"Bygget: {self.counts['bygget']}, uændret: {self.counts['uændret']}, "
            f"fejlede: {self.counts['fejlede']} ({seconds} s)"
        )


# What building needs beyond validating: the extra `build` (pyproject.toml), which the
# pre-commit hook's installation leaves out.
BUILD_MODULES = {"jinja2": "Jinja2", "pypandoc": "pypandoc-binary", "typst": "typst", "lxml": "lxml"}


def _missing_build_tools() -> list[str]:
    import importlib.util

    return [package for module, package in BUILD_MODULES.items() if importlib.util.find_spec(module) is None]


def _build(args) -> int:
    missing = _missing_build_tools()
    if missing:
        print(BUILD_TOOLS_MISSING.format(packages=", ".join(missing)), file=sys.stderr)
        return 2
    # Pandoc starts first, before the checks are imported (pipeline.py), and warms up while the
    # first agreement is checked: it is the first agreement's longest wait (workers.py). For
    # named agreements, which are most likely rendered, and for the whole folder too, where it
    # started about 60 ms later, at the first agreement that had changed. When none has (a
    # no-op rebuild), the pool stops it unused: about 1 ms of this process's time, and some of
    # the other core's, as pandoc ran until then.
    from .pandoc_server import PandocServer

    pandoc = PandocServer()
    try:
        pandoc.start(warm=True, own_group=True)
    except OSError:  # no pandoc to start: said where an agreement needs one, not in a no-op build
        pandoc = None
    try:
        return _build_files(args, pandoc)
    finally:
        if pandoc:  # when the build did not get as far as taking it over
            pandoc.close()


def usable_output_folder(given: str, files: list[str]) -> bool:
    """Whether the documents may go to `out` (made now if need be); if not, says why. Never the
    root of the disk or of this project, the agreements' own folder, or sealed/ or .git or a
    folder inside them: the documents would mix with what they are made from and kept by."""
    if not given.strip():
        print(COMMANDS["out_empty"], file=sys.stderr)
        return False
    out = Path(given)
    target = out.resolve()
    sources = {Path(f).resolve().parent for f in files} | {AGREEMENTS}
    kept = {folder.parent / name for folder in sources for name in (".git", "sealed")}
    if target in {Path(target.anchor), ROOT} | sources or any(target.is_relative_to(f) for f in kept):
        print(COMMANDS["out_mixes"].format(out=printable(out)), file=sys.stderr)
        return False
    try:
        out.mkdir(parents=True, exist_ok=True)
        # A fresh name each time (two builds may probe at once), created with O_EXCL, which
        # never follows a link planted in the folder.
        import tempfile

        fd, probe = tempfile.mkstemp(dir=out, prefix=".partnerskab-probe-")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        reason = os_reason(exc)
        print(COMMANDS["out_unwritable"].format(out=printable(out), reason=reason), file=sys.stderr)
        return False
    return True


def _build_files(args, pandoc) -> int:
    from .pipeline import build_files

    files = agreement_files(args.files)
    if not files:
        print(_none_found(args.files), file=sys.stderr)
        return 1
    out = Path(args.out)
    if not usable_output_folder(args.out, files):
        return 2
    progress = Progress(len(files))
    outcomes, rows = build_files(
        files, out, args.strict, max(1, args.jobs), progress, pandoc, register=not args.files
    )
    failed = any(not o.ok for o in outcomes)
    from .register import not_written, web_fonts, write_register
    from .write import write_together

    try:
        if not args.files:
            write_register(rows, Path(args.out))  # with the web fonts
        elif any(o.written for o in outcomes):
            write_together(web_fonts(Path(args.out)))  # the HTML pages load them from fonts/
    except OSError as exc:
        print(not_written(exc), file=sys.stderr)
        failed = True
    print(progress.summary())
    return 1 if failed else 0


def _validate(args) -> int:
    if args.write_schema is not None:
        from .editor_setup import write_schema

        return write_schema(Path(args.write_schema))
    files = agreement_files(args.files)
    if not files:
        print(_none_found(args.files), file=sys.stderr)
        return 1
    from .pipeline import name_clashes, validate_file

    failed, collected, warned = 0, [], 0
    clashes = name_clashes(files)  # as `build` would refuse them
    for path in files:
        outcome = validate_file(path, args.strict, base=args.base)
        if path in clashes:
            outcome.problems.append(clashes[path])
        collected += outcome.problems
        if args.format != "json":
            sys.stdout.write(FORMATS[args.format](outcome.problems))
        failed += not outcome.ok
        warned += not outcome.ok and all(p.severity == "warning" for p in outcome.problems)
    if warned and args.format == "text":  # else only warning lines, and exit 1, would be shown
        print(COMMANDS["strict_warnings"], file=sys.stderr)
    seal_problems = []
    if args.base:  # a seal is never changed: not since `base` either (seal.py)
        from .seal import sealed_changes

        seal_problems += sealed_changes(args.base, AGREEMENTS, files if args.files else None)
    if not args.files:  # the whole folder: also the seals of agreements no longer in it (seal.py)
        from .seal import orphan_problems

        seal_problems += orphan_problems(AGREEMENTS, {Path(f).stem for f in files})
    collected += seal_problems
    if args.format != "json":
        sys.stdout.write(FORMATS[args.format](seal_problems))
    failed += bool(seal_problems)
    if args.format == "json":
        sys.stdout.write(format_json(collected))
    elif not failed:
        print(
            Formats("da").count(
                len(files), {"one": "{n} aftale er i orden.", "other": "{n} aftaler er i orden."}
            )
        )
    return 1 if failed else 0


INTERRUPTED = "Afbrudt. Filer, der var ved at blive skrevet, er ikke gemt; kør kommandoen igen."


class _Sturdy:
    """stdout or stderr as the commands write to them. A reader that has gone (`build | head
    -1`) or a closed stream (`>&-`) only silences the stream: the command finishes its work and
    ends with its own code. A full disk or a failing device (`> /dev/full`) silences it too, and
    the command then ends with 1, for its output (a JSON report, a diff) is lost (`lost`). A
    character the stream's encoding lacks (PYTHONIOENCODING=ascii) is written as an escape
    (\\xe6) instead of stopping the command."""

    def __init__(self, stream):
        self._stream = stream
        self._broken = stream is None
        self.lost: OSError | None = None
        if hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="backslashreplace")
            except (OSError, ValueError):
                self._broken = True

    def write(self, text: str) -> int:
        if not self._broken:
            try:
                self._stream.write(text)
            except (OSError, ValueError) as exc:  # a closed pipe or file, a full disk
                self._fail(exc)
        return len(text)

    def flush(self) -> None:
        if not self._broken:
            try:
                self._stream.flush()
            except (OSError, ValueError) as exc:
                self._fail(exc)

    def _fail(self, exc: Exception) -> None:
        self._broken = True
        if isinstance(exc, OSError) and not isinstance(exc, BrokenPipeError):
            self.lost = exc

    def isatty(self) -> bool:
        return not self._broken and self._stream.isatty()

    def __getattr__(self, name):  # encoding, fileno, buffer, ...
        if self._stream is None:
            raise AttributeError(name)
        return getattr(self._stream, name)


def _sturdy_streams() -> None:
    for name in ("stdout", "stderr"):
        if not isinstance(getattr(sys, name), _Sturdy):
            setattr(sys, name, _Sturdy(getattr(sys, name)))


def _lost_output(code: int) -> int:
    """`code`, or 1 when what the command wrote could not all be written (a full disk)."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, _Sturdy):
            stream.flush()
    lost = [s.lost for s in (sys.stdout, sys.stderr) if isinstance(s, _Sturdy) and s.lost]
    if not lost:
        return code
    print(COMMANDS["output_lost"].format(reason=os_reason(lost[0])), file=sys.stderr)
    return code or 1


# The exit code of a fault in the tool itself (sysexits.h's EX_SOFTWARE). It is not 1, which
# means "something in the agreements needs attention", so a CI step can tell the two apart.
TOOL_FAULT = 70


def _tool_fault(exc: Exception) -> int:
    """One Danish line for a fault that no agreement caused, and the details for the people who
    maintain the tool: in a file, and also on stderr in CI (CI=true), whose log they read."""
    import tempfile
    import traceback

    details = "".join(traceback.format_exception(exc))
    try:
        fd, path = tempfile.mkstemp(prefix="partnerskab-fejl-", suffix=".txt")
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(details)
        where = COMMANDS["tool_fault_file"].format(path=path)
    except OSError:
        where, path = COMMANDS["tool_fault_no_file"], None
    print(COMMANDS["tool_fault"].format(kind=type(exc).__name__, where=where), file=sys.stderr)
    if path is None or os.environ.get("CI"):
        sys.stderr.write(details)
    with contextlib.suppress(Exception):
        _lost_output(0)
    return TOOL_FAULT


def main(argv: list[str] | None = None) -> int:
    """Run one command. Ctrl-C and SIGTERM (a CI job cancelled, `kill`) stop it the same way:
    workers and their files are cleaned up, one Danish line, exit 130."""
    handled = [signal.SIGTERM]
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:  # not where Ctrl-C is ignored
        handled.append(signal.SIGINT)
    previous = {signum: signal.signal(signum, _stop) for signum in handled}
    sys.unraisablehook = _quiet_when_stopping
    _sturdy_streams()
    try:
        code = _run(argv)
        if stop_requested():  # a stop that arrived where Python could not raise it (during a fork)
            raise KeyboardInterrupt
        return _lost_output(code)
    except KeyboardInterrupt:
        # Ignored from here to the end: Python sets its own handlers back to the default while it
        # shuts down, and a second SIGTERM then would end us with -15 instead of 130.
        for signum in handled:
            signal.signal(signum, signal.SIG_IGN)
        print(f"\n{INTERRUPTED}", file=sys.stderr)
        return 130
    except ModuleNotFoundError as exc:
        if not _not_installed(exc):
            return _tool_fault(exc)
        # A package the command imports when it needs it (the checks, pipeline.py; the render
        # tools) is missing: a Python without .venv's packages, as build.py says at its start.
        print(NOT_SET_UP.format(name=exc.name), file=sys.stderr)
        return 2
    except Exception as exc:  # a fault in the tool itself: anything an agreement can cause is reported
        return _tool_fault(exc)
    finally:
        if not stop_requested():  # once stopping, a second signal must not end the clean-up
            for signum, handler in previous.items():
                signal.signal(signum, handler)


def _not_installed(exc: ModuleNotFoundError) -> bool:
    """Whether the module is a package from outside (PyPI), not Python's own nor ours."""
    top = (exc.name or "").partition(".")[0]
    return bool(top) and top not in sys.stdlib_module_names and top != __package__


def _quiet_when_stopping(unraisable) -> None:
    """The stop may land in a finaliser (a pipe's __del__), where Python cannot raise it and
    would print «Exception ignored in … KeyboardInterrupt» with a traceback. The request is
    noted already (main raises it again), so that one is dropped; anything else is reported."""
    if issubclass(unraisable.exc_type, KeyboardInterrupt) and stop_requested():
        return
    sys.__unraisablehook__(unraisable)


def _stop(signum, frame):
    """Note the request, then interrupt. The note matters when the signal lands in a callback
    whose exceptions Python ignores (one runs at every fork); the build checks it between steps.
    A second signal (a cancelled CI job sends more than one; so does an impatient Ctrl-C) is
    ignored, so it cannot cut the clean-up short."""
    if stop_requested():
        return
    if request_stop():
        raise KeyboardInterrupt


def _run(argv: list[str] | None) -> int:
    args = _parser().parse_args(argv)
    try:
        source_date_epoch()
    except ValueError as exc:
        print(COMMANDS["bad_epoch"].format(value=printable(str(exc))), file=sys.stderr)
        return 2
    if args.command == "validate":
        return _validate(args)
    if args.command == "build":
        return _build(args)
    if args.command == "new":
        from .scaffold import new_agreement

        return new_agreement(args.slug, AGREEMENTS)
    if args.command == "status":
        from .status import status_report

        if not AGREEMENTS.is_dir():  # run from the wrong folder: a scheduled job must not pass
            print(_none_found(None), file=sys.stderr)
            return 1
        return status_report(agreement_files(), args.within, markdown=args.format == "markdown")
    if args.command == "watch":
        from .live import watch

        files = agreement_files(args.files)
        if not files:
            print(_none_found(args.files), file=sys.stderr)
            return 1
        if not usable_output_folder(args.out, files):
            return 2
        return watch(files, Path(args.out), max(1, args.jobs), args.port, every=not args.files)
    if args.command == "diff":
        from .diff import default_files, diff_report

        files = args.files or default_files(AGREEMENTS, args.base)  # also those deleted since REV
        text, compared = diff_report(files, args.base)
        if args.format == "text":
            from .diff import plain_text

            text = plain_text(text)
        sys.stdout.write(text)
        return 0 if compared else 1
    if args.command == "seal":
        from .seal import seal_command

        return seal_command(args.files)
    if args.command == "verify":
        from .seal import verify_command

        return verify_command(args.file, AGREEMENTS, args.trust)
    if args.command == "sign":
        from .signing import sign_command

        return sign_command(args.file, args.certificate, AGREEMENTS, args.out, args.reason)
    from .review import review

    # Advice never fails (a point that is thin or missing is advice); a file that cannot be
    # reviewed at all (missing, unreadable, a broken structure) is bad input, and fails.
    text, reviewed = review(args.file)
    sys.stdout.write(text)
    return 0 if reviewed else 1


def validate_main() -> int:
    """`partnerskab-validate FILE ...`: the pre-commit hook's entry point."""
    return main(["validate", *sys.argv[1:]])
