"""pandoc_json.py reads our Markdown as pandoc's reader does, or says it is not sure.

Each test hands the same Markdown to pandoc's own reader (one `pandoc lua` process, with the
build's reader and extensions) and to pandoc_json.document, and compares the two documents.
Where pandoc_json gives up (None), the build sends pandoc the Markdown, so only a document it
*does* give must equal pandoc's; that it gives one for real agreements is tested too, or the
fast path could quietly never be taken. The documents on both routes are compared byte for
byte in tests/test_pandoc_server.py.
"""

from __future__ import annotations

import copy
import json
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from partnerskab import pandoc_json
from partnerskab.load import load
from partnerskab.pandoc_server import READER, WARM_UP, pandoc_binary

from .test_pandoc_server import EXAMPLES, ROOT, documents
from .test_properties import agreements

# Reads "<bytes>\n" + Markdown + "<bytes>\n" + metadata JSON, answers "<bytes>\n" + pandoc's JSON
# of it (metadata read as render.lua reads it), for as long as its input lasts.
READ_SCRIPT = """
local READER = arg[1]
while true do
  local size = io.read("l")
  if not size then break end
  local markdown = io.read(tonumber(size))
  local metadata = io.read(tonumber(io.read("l")))
  local doc = pandoc.read(markdown, READER, nil, {})
  doc.meta = pandoc.read("---\\n" .. metadata .. "\\n---\\n", READER .. "+yaml_metadata_block", nil, {}).meta
  local out = pandoc.write(doc, "json")
  io.write(#out, "\\n", out)
  io.flush()
end
"""


class PandocReader:
    def __init__(self, folder: Path):
        script = folder / "read.lua"
        script.write_text(READ_SCRIPT, encoding="utf-8")
        self.process = subprocess.Popen(
            [pandoc_binary(), "lua", str(script), READER], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )

    def read(self, markdown: str, meta: dict) -> dict:
        body, metadata_json = markdown.encode(), json.dumps(meta, ensure_ascii=False).encode()
        self.process.stdin.write(b"%d\n%s%d\n%s" % (len(body), body, len(metadata_json), metadata_json))
        self.process.stdin.flush()
        size = int(self.process.stdout.readline())
        document = json.loads(self.process.stdout.read(size))
        del document["pandoc-api-version"]
        return document

    def close(self):
        self.process.stdin.close()
        self.process.wait()


@pytest.fixture(scope="module")
def pandoc(tmp_path_factory):
    reader = PandocReader(tmp_path_factory.mktemp("pandoc-read"))
    yield reader
    reader.close()


def _first_difference(a, b, where="") -> str:
    if type(a) is not type(b) or not isinstance(a, (dict, list)):
        return (
            f"{where}: {json.dumps(a, ensure_ascii=False)[:300]} != {json.dumps(b, ensure_ascii=False)[:300]}"
        )
    keys = a.keys() | b.keys() if isinstance(a, dict) else range(max(len(a), len(b)))
    for key in sorted(keys, key=str):
        x = a.get(key) if isinstance(a, dict) else a[key] if key < len(a) else None
        y = b.get(key) if isinstance(b, dict) else b[key] if key < len(b) else None
        if x != y:
            return _first_difference(x, y, f"{where}/{key}")
    return where


def _nodes(value):
    """Every element in pandoc's JSON `value` ({"t": ..., "c": ...}), outermost first."""
    if isinstance(value, dict):
        if "t" in value:
            yield value
        for item in value.values():
            yield from _nodes(item)
    elif isinstance(value, list):
        for item in value:
            yield from _nodes(item)


def _starts_like_typst_markup(paragraph: dict) -> bool:
    """layout.lua's guard_typst_line_start: the first inline is a Str that starts with "-",
    "+", "/" or "=", or with ASCII digits and a full stop (Lua's %d)."""
    first = paragraph["c"][0] if paragraph["c"] else None
    return bool(first and first["t"] == "Str" and re.match(r"[-+/=]|[0-9]+\.", first["c"]))


def walk_blocks(document: dict) -> tuple[tuple[int, ...] | None, tuple[int, ...]]:
    """From pandoc's own reading: the top-level blocks (counted from 1) that hold an inline
    element layout.lua has a function for (None when the metadata holds one), and those that
    hold a paragraph its Typst guard may change: what render.lua may walk alone."""
    inline, guard = [], []
    for number, block in enumerate(document["blocks"], 1):
        nodes = list(_nodes(block))
        if any(node["t"] in pandoc_json.INLINE_KINDS for node in nodes):
            inline.append(number)
        if any(node["t"] in ("Para", "Plain") and _starts_like_typst_markup(node) for node in nodes):
            guard.append(number)
    in_meta = any(node["t"] in pandoc_json.INLINE_KINDS for node in _nodes(document["meta"]))
    return (None if in_meta else tuple(inline)), tuple(guard)


def assert_same_as_pandoc(pandoc, markdown: str, meta: dict, required: bool = False) -> bool:
    """True when pandoc_json gave a document (equal to pandoc's, with the blocks to walk that
    pandoc's document has: asserted)."""
    document = pandoc_json.document(markdown, meta)
    if document is None:
        assert not required, "pandoc_json gave up on a document it should read"
        return False
    got = json.loads(document.json)
    expected = pandoc.read(markdown, meta)
    assert got == expected, f"differs from pandoc's reader at {_first_difference(got, expected)}\n{markdown}"
    blocks = document.inline_blocks, document.guard_blocks
    assert blocks == walk_blocks(expected), (
        f"the blocks to walk: {blocks} != {walk_blocks(expected)}\n{markdown}"
    )
    return True


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_is_read_as_pandoc_reads_it(pandoc, path):
    assert_same_as_pandoc(pandoc, *documents(load(str(path)).data), required=True)


def test_the_benchmarks_agreements_and_the_warm_up_are_read_as_pandoc_reads_them(pandoc):
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import bench
    finally:
        sys.path.pop(0)
    examples = [load(str(path)).data for path in EXAMPLES]
    rng = random.Random(5)
    for number in range(12):
        assert_same_as_pandoc(pandoc, *documents(bench.agreement(rng, number, examples)), required=True)
    assert_same_as_pandoc(pandoc, *WARM_UP, required=True)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(agreements())
def test_random_agreements_are_read_as_pandoc_reads_them(pandoc, data):
    assert_same_as_pandoc(pandoc, *documents(data))


# Pieces of prose a person might type, Markdown's marks among them, put together at random.
PIECES = [
    "ord", "Åby", "æble", "x", "1", "2027", " ", " ", "  ", "*", "**", "***", "_", "__", "[", "]", "(", ")",
    "](", "https://x.dk/a", "mailto:a@b.dk", "http://y.org/(a)", "<", ">", "\n", "\n", "\n\n", "- ", "  - ",
    "    - ", "      - ", "1. ", "2. ", "3. ", "1) ", "\\", "`", "#", "!", ".", ",", ":", '"', "'", "«", "»",
    "–", "-", "\xa0", "{", "}", "|", "~", "^", "$", "&", "&amp;", "@", "%", "\t", "10. ", "1. marts", " 2. ",
    "+", "/", "=", "..", "-5", "Ungdomsuddannelsesvejledningskoordinator", "İ", "ǅ", "٣", "Ⅻ", "²", "ΟΔΟΣ",
]  # fmt: skip


def test_random_prose_is_read_as_pandoc_reads_it(pandoc):
    data = load(str(EXAMPLES[0])).data
    rng = random.Random(12)
    read = 0
    for _ in range(250):
        varied = copy.deepcopy(data)
        for key in ("vision", "aim", "task", "target_group"):
            text = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 40)))
            varied["purpose"][key] = text if text.strip() else "x"
        varied["activities"][0]["name"] = (
            "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 6))).strip() or "x"
        )
        read += assert_same_as_pandoc(pandoc, *documents(varied))
    assert read > 150, f"pandoc_json read only {read} of 250: the fast path is hardly taken"


@pytest.mark.parametrize(
    "markdown",
    [
        "٣3\\. tekst\n\n٣3. tekst\n",  # pandoc numbers a list with 0-9 only, not Python's \\d
        "# ΑΣ ΟΔΟΣ\n\n# İstanbul\n",  # identifiers lowered letter by letter: σ, not a final ς
        "- a\n    - b\n    - \\ \n- c\n",  # nested, with an empty item as markdown.py writes it
        "**a** *b* [c *d*](https://x.dk/%C3%A6){.annex} [e]{.nowrap} <https://x.dk/a_b>\n",
        "a\\\nb  \nc \nd\n",  # hard and soft line breaks
        "| A | B |\n|---|--:|\n| a | |\n\n: Tabel\n",  # narrow: no widths
        "## Åben\n\n## Åben\n\n## 1 Åben\n\n## \\-\n",  # pandoc's identifiers, made unique
    ],
)
def test_forms_it_reads_as_pandoc_does(pandoc, markdown):
    assert_same_as_pandoc(pandoc, markdown, {"title": "Titel", "lang": "da-DK", "draft": True}, required=True)


@pytest.mark.parametrize(
    "markdown",
    [
        "a\tb\n",  # pandoc widens tabs first
        "\ufeffTekst\n",
        "Tekst\r\n",
        "***a***\n",  # strong or emphasis first: pandoc's choice, not guessed here
        "a `kode`\n",  # a mark that markdown.py always escapes
        "::: {.a}\n::: {.b}\n:::\n:::\n",  # a Div inside a Div
        "1. a\n3. b\n",  # numbers out of order
        "- a\n\n- b\n- c\n",  # some items apart and some not
        "# Titel #\n",  # a closing sequence
        "- 1. a\n",  # a list inside the item
        "- > a\n",  # a quotation inside the item
        "Tekst\\\n",  # a backslash at the end
    ],
)
def test_what_it_is_not_sure_of_goes_to_pandoc(markdown):
    assert pandoc_json.document(markdown, {}) is None


INLINE_ELEMENTS = (
    "Str Emph Underline Strong Strikeout Superscript Subscript SmallCaps Quoted Cite Code Space SoftBreak "
    "LineBreak Math RawInline Link Image Note Span"
).split()


def test_every_inline_element_layout_lua_changes_is_one_whose_blocks_are_walked():
    """render.lua walks only the blocks pandoc_json lists as holding INLINE_KINDS: a function
    for another inline element in layout.lua would be skipped elsewhere (Str has its flags)."""
    layout = (ROOT / "templates" / "pandoc" / "layout.lua").read_text(encoding="utf-8")
    functions = set(re.findall(r"^(?:function (\w+)\(|(\w+) = \w+$)", layout, flags=re.M))
    functions = {name for pair in functions for name in pair if name}
    assert {"Link", "Image", "Span", "Str", "Para", "Plain"} <= functions  # the test reads them
    assert functions & set(INLINE_ELEMENTS) - {"Str"} <= pandoc_json.INLINE_KINDS


def test_the_blocks_to_walk_follow_the_text():
    def blocks(markdown, meta=None):
        document = pandoc_json.document(markdown, meta or {})
        return document.inline_blocks, document.guard_blocks

    assert blocks("Tekst\n\nMere tekst\n") == ((), ())
    # a paragraph, an item, a cell and a caption that start like Typst markup
    for text in ("\\+45 12 34 56 78", "/sti", "\\= lig", "\\- a", "2\\. maj", "12\\.", "- \\+ a", "1. \\= b"):
        assert blocks(f"Tekst\n\n{text}\n") == ((), (2,)), text
    assert blocks("Tekst\n\n1 \\. maj og 1.5\n\n٣\\. tekst\n\n\\#2\n") == ((), ())
    assert blocks("| a | b |\n|---|---|\n| 1 | 200.000 kr. |\n\n: Tabel\n") == ((), (1,))
    assert blocks("| a | b |\n|---|---|\n| 1 | 2 |\n\n: 3\\. tabel\n") == ((), (1,))
    assert blocks("::: {.a}\nTekst\n\n\\+ b\n:::\n\nc\n") == ((), (1,))
    # a heading is never guarded
    assert blocks("# 1\\. del\n\n[a]{.b}\n") == ((2,), ())
    # links, spans and images, wherever they stand; in the metadata: every block
    links = "a <https://x.dk>\n\nb\n\n- [c](https://y.dk){.annex}\n\n| [d]{.e} |\n|---|\n"
    assert blocks(links) == ((1, 3, 4), ())
    assert blocks("a\n", {"title": "[a](https://x.dk)"}) == (None, ())


def test_the_shortcut_flags_follow_the_text():
    plain = pandoc_json.document("Tekst og mere tekst\n", {"title": "Titel"})
    assert (plain.typed_as_typed, plain.wide_words) == (False, False)
    for text in ("Vent\\.\\.\\. nu", "\\-5 grader", "\\-? ja"):
        assert pandoc_json.document(f"{text}\n", {}).typed_as_typed, text
    wide = pandoc_json.document("Ungdomsuddannelsesvejledningskoordinatorerne\n", {})
    assert wide.wide_words
    # a link's address is no Str; its text is
    assert not pandoc_json.document("[a](https://x.dk/a..b-1)\n", {}).typed_as_typed
    assert pandoc_json.document("[a\\.\\.](https://x.dk/)\n", {}).typed_as_typed
