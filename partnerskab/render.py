"""Render one agreement: Jinja2 -> one Pandoc Markdown document -> HTML, DOCX and Typst (one
warm pandoc, pandoc_server.py and templates/pandoc/render.lua), then the `typst` package
compiles the PDF while docx.py finishes the DOCX. pandoc_server.py hands pandoc the document
already read (pandoc_json.py, which reads our Markdown as pandoc does) where it can, and the
Markdown where it cannot.

User text reaches pandoc only inside the Markdown document (escaped, or as our own safe
prose subset) and the metadata (escaped). Pandoc reads in its sandbox with the raw
extensions off; Typst compiles with root= set to a directory holding only this build's files.
convert_with_processes is the route before issue 12 (four pandoc processes with --sandbox),
kept as the reference that the warm route is compared with.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import json
import os
import re
import subprocess
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2
import typst

from .assets import media_type
from .context import build_context, document_date
from .errors import MissingGlyph, RenderError
from .fonts import font_paths
from .glyphs import MISSING_GLYPH
from .i18n import LABELS
from .markdown import Markdown, escape, prose, relative_link
from .pandoc_server import PANDOC_TIMEOUT, READER, PandocServer, pandoc_binary
from .paths import TEMPLATES
from .templating import bytecode_cache
from .text import source_date_epoch
from .typography import typeset


@dataclass
class Documents:
    markdown: str
    typst: str
    html: bytes
    docx: bytes
    pdf: bytes


@jinja2.pass_context
def _finalize(context, value):
    """Every value is typeset for the agreement's language (quotation marks, no-break spaces:
    typography.py) and then escaped, unless it is Markdown we made ourselves."""
    return value if isinstance(value, Markdown) else escape(typeset(value, context["lang"]))


@jinja2.pass_context
def _prose(context, value) -> Markdown:
    return prose(typeset(value, context["lang"]))


# Where a line may break: a space or a dash (hyphen, en dash, em dash).
_BREAKS = re.compile(r"[\s\-\u2010-\u2015]")


@jinja2.pass_context
def _nowrap(context, value) -> Markdown:
    """Text that never breaks across lines, such as a range of years in a narrow table column
    («2026–2028», not «2026–» over «2028»): a span that layout.lua keeps whole in the PDF and
    agreement.css in the HTML. Text with no place to break («2027») is left as it is."""
    text = _finalize(context, value)
    return Markdown(f"[{text}]{{.nowrap}}" if _BREAKS.search(text) else text)


@cache
def _jinja() -> jinja2.Environment:
    """The template environment, one for every language: the language is the render context's
    `lang`, so the template is compiled once (about 35 ms), or loaded already compiled from the
    cache (templating.py)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        bytecode_cache=bytecode_cache(),
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters["prose"] = _prose
    env.filters["nowrap"] = _nowrap
    env.filters["relative_link"] = relative_link
    return env


def prepare() -> None:
    """Do once, in the parent, what every render needs: load the template (compiled, from the
    cache). Forked workers then share it instead of each loading it again whenever a worker is
    started or replaced."""
    _jinja().get_template("agreement.md.j2")


@cache
def typst_fonts() -> typst.Fonts:
    """Our fonts (fonts.py) and those inside Typst, never the system's: read and indexed once,
    about 4 ms. Loading fonts starts no thread (a compile does), so the build's parent loads
    them once its first worker runs, and the workers forked after that have them
    (workers.py)."""
    return typst.Fonts(include_system_fonts=False, include_embedded_fonts=True, font_paths=font_paths())


# The draft marks (Renderer.draft_mark) this process has, by word and the template's text: made
# here, or by a worker of this build, which sent it back with its result (workers.py); a worker
# forked after that has it. A template changed while the live preview runs makes a new one.
DRAFT_MARKS: dict[tuple[str, str], bytes] = {}


def markdown_document(context: dict) -> str:
    return _jinja().get_template("agreement.md.j2").render(context)


def metadata(data: dict, context: dict) -> dict:
    """Pandoc metadata. Values are Markdown, so user text is escaped like in the body."""
    lang = context["lang"]
    t = LABELS[lang]
    return {
        "title": escape(typeset(data["title"], lang)),
        "subtitle": escape(typeset(context["between"], lang)),
        "lang": f"{t['lang']}-{t['region']}",  # BCP 47 for HTML and Word: da-DK, en-GB
        "typst-lang": t["lang"],  # Typst wants language and region apart
        "region": t["region"],
        "status-text": escape(context["status_text"]),
        "version-text": escape(context["version_text"]),  # «Version 3 · 12. december 2025»
        "doc-kind": t["doc_kind"],
        "toc-title": t["toc_title"],
        "key-element": t["key_element"],
        "key-element-note": t["key_element_note"],
        "page-label": "Side" if context["lang"] == "da" else "Page",
        "page-of": "af" if context["lang"] == "da" else "of",
        "draft": data["status"] == "draft",
    }


# Pandoc reads the Markdown once into its JSON document tree (with the metadata), and the
# three writers start from that tree: parsing Markdown is the larger part of a pandoc run, so
# this is about 15 % faster than three runs from Markdown. Each writer's format and options:
WRITERS = {
    "html": ["html5", "--standalone", "--number-sections", "--shift-heading-level-by=1",
             "--template", str(TEMPLATES / "pandoc" / "agreement.html")],
    "docx": ["docx", "--reference-doc", str(TEMPLATES / "reference.docx"),
             "--output", "-"],
    "typst": ["typst", "--standalone", "--template", str(TEMPLATES / "pandoc" / "agreement.typst")],
}  # fmt: skip


def pandoc_command(workdir: Path, step: str) -> list[str]:
    """The pandoc command for the reader step ("json": Markdown in) or for one writer (JSON in)."""
    if step == "json":
        return [pandoc_binary(), "--sandbox", "--from", READER, "--to", "json",
                "--metadata-file", str(workdir / "metadata.json")]  # fmt: skip
    to, *options = WRITERS[step]
    return [pandoc_binary(), "--sandbox", "--from", "json", "--to", to,
            "--lua-filter", str(TEMPLATES / "pandoc" / "layout.lua"), *options]  # fmt: skip


def pandoc_environment(stamp: int) -> dict[str, str]:
    """SOURCE_DATE_EPOCH is always set, so DOCX dates and zip entries are fixed."""
    return {"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8", "SOURCE_DATE_EPOCH": str(stamp)}


def pandoc(source: bytes, workdir: Path, stamp: int, step: str, tables: str | None = None) -> bytes:
    """One pandoc run: the reader step over the Markdown, or a writer over the JSON tree.
    `tables`: the tables' decisions (pandoc_json.Document.tables) for layout.lua, which the
    warm route hands over in its request; without them Typst measures every table."""
    command, env, to = pandoc_command(workdir, step), pandoc_environment(stamp), step
    if tables is not None:
        env["PARTNERSKAB_TABLES"] = tables
    try:
        result = subprocess.run(
            command,
            input=source,
            capture_output=True,
            timeout=PANDOC_TIMEOUT,
            env=env,
            cwd=workdir,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise RenderError(f"pandoc ({to}) took more than {PANDOC_TIMEOUT} s") from None
    if result.returncode != 0:
        raise RenderError(f"pandoc ({to}) failed: {result.stderr.decode(errors='replace').strip()}")
    return result.stdout


def convert_with_processes(
    markdown: str, meta: dict, workdir: Path, stamp: int, tables: str | None = None
) -> tuple[bytes, bytes, bytes]:
    """(HTML, DOCX, Typst) the way the build made them before issue 12: four pandoc processes,
    Markdown -> JSON and then one writer each. The warm route (pandoc_server.py) must give the
    same bytes; tests/test_pandoc_server.py compares them (giving both the same `tables`, see
    pandoc()), and bench/bench.py replays this route as the old floor."""
    (workdir / "metadata.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    tree = pandoc(markdown.encode(), workdir, stamp, "json")
    return tuple(pandoc(tree, workdir, stamp, step, tables) for step in ("html", "docx", "typst"))


def timestamp(data: dict) -> int:
    """SOURCE_DATE_EPOCH when set, else noon UTC on the agreement's own latest date."""
    epoch = source_date_epoch()  # checked by cli.main
    if epoch is not None:
        return epoch
    day = document_date(data)
    return int(dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC).timestamp())


def logo_context(data: dict, logos: dict[str, bytes], workdir: Path) -> list[dict]:
    """Logos for the title block. HTML and DOCX embed them from a data: URI (pandoc's sandbox
    reads no files); Typst reads a copy in its own root, named by typst-src (layout.lua)."""
    out = []
    for number, partner in enumerate(p for p in data["partners"] if p["id"] in logos):
        content = logos[partner["id"]]
        kind = media_type(content[:8])
        name = f"logo-{number}.{kind.split('/')[1]}"
        (workdir / name).write_bytes(content)
        uri = f"data:{kind};base64,{base64.b64encode(content).decode()}"
        out.append({"alt": partner["logo"]["alt"], "uri": Markdown(uri), "file": Markdown(name)})
    return out


# Typst remembers what it has laid out (comemo's caches) and typst-py ages those results at the
# end of every compile, dropping the ones not used in the last ten (`comemo::evict(10)`): a
# process that compiles agreement after agreement holds what ten of them used, about 135 MB, and
# each compile spends longer looking through and ageing it. After an agreement, TYPST_TRIMS
# compiles of an empty document (about 0.02 ms each, plus the ageing) age the results further:
# what only that agreement used is gone about two agreements later (10 / (TYPST_TRIMS + 1)),
# while what every agreement uses (the template, the fonts' shaping) is used again each time
# and stays. Measured over the benchmark's 60 agreements in one process: about 73 MB instead of
# 135 MB, and Typst's time, the trims included, a little lower than without them (41-43 against
# 45-47 ms an agreement). It changes no document: these are caches of pure functions. This is
# what lets a render worker live for many agreements (workers.TASKS_PER_WORKER) instead of being
# replaced after three to bound its memory: a fresh worker's first pages cost the kernel about
# 30 ms of page faults and Typst a colder start.
TYPST_TRIMS = 5
_TRIM_SOURCE = "trim.typ"  # in the agreement's work directory, beside agreement.typ and the logos


class Renderer:
    """What a render worker keeps warm from one agreement to the next: one pandoc process
    (pandoc_server.py) and one Typst compiler with the fonts loaded, whose memory is trimmed
    between agreements (TYPST_TRIMS), so it is kept for the worker's life."""

    def __init__(self, pandoc: PandocServer | None = None):
        self.pandoc = pandoc or PandocServer(READER, PANDOC_TIMEOUT)
        self._typst: typst.Compiler | None = None
        self.new_marks: dict[tuple[str, str], bytes] = {}  # the draft marks made here, for the parent
        self.untrimmed = False  # Typst has compiled an agreement since the last trim_typst()
        self.trims = 0  # how often trim_typst() trimmed (tests)
        # Whether Typst lays out the PDF while pandoc writes the HTML and DOCX (render()). That
        # puts the machine's second core to work for an agreement rendered alone: a build of one
        # agreement, the live preview, `--jobs 1`. With other workers rendering too, the cores
        # are busy anyway, and the agreement's work goes faster one step after the other: fewer
        # processes and threads take turns on each core and push each other's data out of its
        # caches. bench/bench.py's build of 60 at two jobs used about 6 % less CPU time (the
        # median of six runs in turns). The pool says which (workers.py).
        self.overlap = True

    def typst(self) -> typst.Compiler:
        if self._typst is None:  # in the worker, never in the parent: a compile starts threads
            self._typst = typst.Compiler(font_paths=typst_fonts(), ignore_system_fonts=True)
        return self._typst

    def trim_typst(self, workdir: Path) -> None:
        """Age Typst's caches after an agreement (TYPST_TRIMS), in `workdir`, the next agreement's
        private work directory. render() does it while pandoc converts that agreement, so a
        build of one agreement never waits for it."""
        if not self.untrimmed:
            return
        self.untrimmed = False
        empty = workdir / _TRIM_SOURCE
        try:
            empty.write_bytes(b"")
            for _ in range(TYPST_TRIMS):
                self.typst().compile(input=str(empty), root=str(workdir), format="svg")
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException:  # noqa: BLE001
            # Housekeeping never fails an agreement: an empty document cannot fail, but were
            # Typst to refuse it, or panic (pyo3's PanicException is a BaseException), or the
            # disk be full, the agreement is rendered all the same, its caches aged or not.
            return
        finally:
            with contextlib.suppress(OSError):
                empty.unlink(missing_ok=True)
        self.trims += 1

    def draft_mark(self, word: str, workdir: Path) -> bytes:
        """The draft's mark as an SVG picture of `word` (templates/pandoc/draft-mark.typ),
        made by Typst once for each word in a build: about 4 ms in a fresh worker. `word` is our
        own label (i18n.LABELS), never the agreement's text."""
        source = (TEMPLATES / "pandoc" / "draft-mark.typ").read_text(encoding="utf-8")
        key = (word, source)
        if key not in DRAFT_MARKS:
            if not word.isalpha():  # a label is one word; it is put in as a Typst string
                raise ValueError(f"draft mark {word!r} is not a single word")
            typ = workdir / "draft-mark.typ"
            typ.write_text(source.replace("$draft-mark$", f'#"{word}"'), encoding="utf-8")
            try:
                svg = self.typst().compile(input=str(typ), root=str(workdir), format="svg")
            except Exception as exc:  # typst raises its own TypstError types
                raise RenderError(f"typst failed: {exc}", "typst_failed", detail=exc) from None
            DRAFT_MARKS[key] = self.new_marks[key] = svg
        return DRAFT_MARKS[key]

    def close(self) -> None:
        self.pandoc.close()


def render(
    data: dict,
    workdir: Path,
    logos: dict[str, bytes] | None = None,
    stem: str = "aftale",
    renderer: Renderer | None = None,
) -> Documents:
    """All three documents for one valid agreement. `workdir` is an empty private directory;
    `stem` is the name the documents are written under. Without a `renderer`, one is started
    for this agreement alone."""
    if renderer is None:
        renderer = Renderer()
        try:
            return render(data, workdir, logos, stem, renderer)
        finally:
            renderer.close()
    context = build_context(data, stem)
    context["logos"] = logo_context(data, logos or {}, workdir)
    markdown = markdown_document(context)
    meta = metadata(data, context)
    stamp = timestamp(data)
    renderer.pandoc.send(markdown, meta)  # its failures are RenderErrors (PandocFailed)
    compiler = renderer.typst()
    renderer.trim_typst(workdir)  # what the last agreement left, while pandoc converts this one
    if data["status"] == "draft":  # agreement.typst draws it behind every page
        mark = renderer.draft_mark(LABELS[context["lang"]]["draft_mark"], workdir)
        (workdir / "draft-mark.svg").write_bytes(mark)
    # lxml is imported here, while pandoc converts, not while Typst lays out the PDF; never by
    # `validate`. (A worker forked after the first has it from the parent: workers.py.)
    from .docx import DocxFrame, finish_docx

    typst_source = renderer.pandoc.receive_typst().decode()  # pandoc sends it first, then goes on
    # What pandoc and Typst were given, so that bench/bench.py can replay the tools' calls.
    for name, text in (("agreement.md", markdown), ("metadata.json", json.dumps(meta, ensure_ascii=False))):
        (workdir / name).write_text(text, encoding="utf-8")
    (workdir / "stamp").write_text(str(stamp), encoding="utf-8")
    # Typst lays out the PDF in a thread (typst-py lets go of the GIL) while pandoc writes the
    # HTML and DOCX and docx.py finishes the DOCX; or, when other agreements keep the cores
    # busy, after that (Renderer.overlap).
    typst_args = (typst_source, workdir, stamp, compiler)
    pdf_job = _Job(compile_pdf, *typst_args) if renderer.overlap else None
    renderer.untrimmed = True
    try:
        html, docx = renderer.pandoc.receive_rest()
        t = LABELS[context["lang"]]
        docx = finish_docx(
            docx,
            DocxFrame(
                title=typeset(data["title"], context["lang"]),
                mark=t["draft_mark"] if data["status"] == "draft" else context["status_text"],
                draft=data["status"] == "draft",
                page_label=meta["page-label"],
                page_of=meta["page-of"],
                language=meta["lang"],
                footer=context["version_text"],
                author=context["author"],
                kind=t["doc_kind"],
            ),
            stamp,
        )
    finally:  # Typst's error, if it failed, wins over pandoc's: it names the text to fix
        pdf = pdf_job.result() if pdf_job else compile_pdf(*typst_args)
    return Documents(markdown, typst_source, html, docx, pdf)


class _Job:
    """A function run in a thread; result() waits for it and returns or raises what it did."""

    def __init__(self, function, *args):
        self._outcome: tuple = (None, None)

        def run():
            try:
                self._outcome = (function(*args), None)
            except BaseException as exc:  # handed to the caller of result()
                self._outcome = (None, exc)

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()

    def result(self):
        self._thread.join()
        value, error = self._outcome
        if error is not None:
            raise error
        return value


# Archival, tagged PDF from our own fonts (fonts.py) and those inside Typst, never the system's;
# root= is the work directory.
PDF_STANDARDS = ["a-2b", "ua-1"]
PDF_OPTIONS = {  # typst.compile's arguments for the same PDF (bench/bench.py)
    "format": "pdf",
    "font_paths": font_paths(),
    "ignore_system_fonts": True,
    "pdf_standards": PDF_STANDARDS,
}


def compile_pdf(source: str, workdir: Path, stamp: int, compiler: typst.Compiler) -> bytes:
    typ = workdir / "agreement.typ"
    typ.write_text(source, encoding="utf-8")
    try:
        return compiler.compile(
            input=str(typ), root=str(workdir), timestamp=stamp, format="pdf", pdf_standards=PDF_STANDARDS
        )
    except Exception as exc:  # typst raises its own TypstError types; report, don't crash
        missing = MISSING_GLYPH.search(str(exc))
        if missing:
            raise MissingGlyph(missing.group(1)) from None
        raise RenderError(f"typst failed: {exc}", "typst_failed", detail=exc) from None
