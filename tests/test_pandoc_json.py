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


def ours(markdown: str, meta: dict) -> dict | None:
    document = pandoc_json.document(markdown, meta)
    return None if document is None else json.loads(document.json)


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


def assert_same_as_pandoc(pandoc, markdown: str, meta: dict, required: bool = False) -> bool:
    """True when pandoc_json gave a document (equal to pandoc's: asserted)."""
    got = ours(markdown, meta)
    if got is None:
        assert not required, "pandoc_json gave up on a document it should read"
        return False
    expected = pandoc.read(markdown, meta)
    assert got == expected, f"differs from pandoc's reader at {_first_difference(got, expected)}\n{markdown}"
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
    "+", "..", "-5", "Ungdomsuddannelsesvejledningskoordinator", "İ", "ǅ", "٣", "Ⅻ", "²",
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
