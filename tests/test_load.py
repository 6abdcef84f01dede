"""The loader gives what a YAML 1.2 editor sees, and refuses with a position what it must."""

from __future__ import annotations

import pytest

from partnerskab.load import load


def _load(write_agreement, text):
    return load(write_agreement(text))


def test_dates_stay_iso_strings_and_yes_no_on_off_stay_strings(write_agreement):
    source = _load(
        write_agreement, "a: 2026-01-01\nb: [yes, no, on, off, Yes, NO]\nc: true\nd: 12\ne: 1.5\nf: ~\n"
    )
    assert source.problems == []
    assert source.data == {
        "a": "2026-01-01",
        "b": ["yes", "no", "on", "off", "Yes", "NO"],
        "c": True,
        "d": 12,
        "e": 1.5,
        "f": None,
    }


def test_quoted_numbers_stay_strings(write_agreement):
    source = _load(write_agreement, "cvr: \"12345674\"\nphone: '+45 1234'\n")
    assert source.data == {"cvr": "12345674", "phone": "+45 1234"}


def test_positions_are_one_based_line_and_column(write_agreement):
    source = _load(write_agreement, "# kommentar\ntop:\n  inner: 5\n  list:\n    - x\n")
    assert source.positions[("top", "inner")] == (3, 10)
    assert source.key_positions[("top", "inner")] == (3, 3)
    assert source.positions[("top", "list", 0)] == (5, 7)
    assert source.positions[()] == (2, 1)


@pytest.mark.parametrize(
    "text, line, column, words",
    [
        ("a: 1\nb: 2\na: 3\n", 3, 1, "står to gange"),
        ("a: 1\n---\nb: 2\n", 2, 1, "mere end ét YAML-dokument"),
        ("a: &x [1]\nb: *x\n", 2, 4, "Ankre og henvisninger"),
        ("a: !!python/object:os.system x\n", 1, 4, "YAML-mærket"),
        ("- a\n- b\n", 1, 1, "navn: værdi"),
        ("", 1, 1, "tom"),
        ("# kun en kommentar\n", 1, 1, "tom"),
        ("a:\n\tb: 1\n", 2, 1, "Tabulatortegn"),
        ("a: b: c\n", 1, 5, "kolon"),
        ("a: 'uafsluttet\n", 1, 4, "bliver aldrig lukket"),
        ("a: x\u0007y\n", 1, 5, "kontroltegn"),
        # PyYAML's own English never reaches the user where we know what it means.
        ("a: [\n", 2, 1, "Her mangler en værdi"),
        ("a: @x\n", 1, 4, "En værdi kan ikke begynde med @"),
        ('a: "C:\\q"\n', 1, 7, "Brug enkelte anførselstegn"),
        # Mistakes made by hand, at the line where they were made, not where YAML gave up.
        (
            'title: "Naboskab i Fjordby\nstatus: draft\nduration:\n  start: 2026-01-01\n  end: 2027\n',
            1,
            8,
            "Anførselstegnet her bliver aldrig lukket",
        ),
        ('a: x\nb: "Med tre måneders "skriftligt" varsel."\n', 2, 22, 'Et " inde i teksten afslutter den'),
        ("a: x\nb: “Med varsel: 3 mdr.”\n", 2, 4, "Typografiske anførselstegn"),
        (
            "duration:\n  start: 2026-01-01\n  end:2027-12-31\nb: x\n",
            3,
            7,
            "Der mangler et mellemrum efter kolonet: skriv «end: …»",
        ),
        (
            "duration:\n  start: 2026-01-01\n  end 2027-12-31\nb: x\n",
            3,
            6,
            "Der mangler et kolon efter «end»: skriv «end: …»",
        ),
        ("a:\n  - x\n  \u00a0- y\n", 3, 3, "hårdt mellemrum (U+00A0)"),
        ("language: en\na: x\nb: “With notice: 3 months”\n", 3, 4, "Typographic quotation marks"),
    ],
)
def test_refused_with_position(write_agreement, text, line, column, words):
    source = _load(write_agreement, text)
    assert source.data is None
    [problem] = source.problems
    assert (problem.line, problem.column) == (line, column)
    assert words in problem.message


def test_bom_and_non_utf8_are_refused(tmp_path):
    bom = tmp_path / "bom.yaml"
    bom.write_bytes(b"\xef\xbb\xbfa: 1\n")
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("a: 1\nb: S\u00f8ren\n".encode("latin-1"))
    assert "byte-order mark" in load(bom).problems[0].message
    problem = load(latin).problems[0]
    assert (problem.line, problem.column) == (2, 5)
    assert "UTF-8" in problem.message


def test_alias_bomb_and_deep_nesting_are_refused_quickly(write_agreement):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(9)
    )
    assert "Ankre" in _load(write_agreement, bomb).problems[0].message
    deep = "a: " + "[" * 5000 + "]" * 5000 + "\n"
    assert "dybt" in _load(write_agreement, deep).problems[0].message


def test_too_large_file_is_refused(write_agreement):
    big = "a: |\n" + ("  " + "x" * 1000 + "\n") * 1100
    assert "for stor" in _load(write_agreement, big).problems[0].message


def test_yaml_1_2_numbers_include_exponents_without_a_dot(write_agreement):
    # YAML 1.1 (PyYAML) reads `1e3` as text; YAML 1.2, like an editor, reads a number.
    source = _load(write_agreement, "a: 1e3\nb: 0E0\nc: '1e3'\nd: 0x1F\ne: 0o17\nf: 017\ng: 1_000\n")
    assert source.data == {"a": 1000.0, "b": 0.0, "c": "1e3", "d": 31, "e": 15, "f": 17, "g": "1_000"}


@pytest.mark.parametrize(
    "text, english, danish",
    [
        (
            "language: en\ntitle: a\u2066b\n",
            "The text contains the character U+2066",
            "Teksten indeholder tegnet U+2066",
        ),
        (
            "language: en\ntitle: a\u0007b\n",
            "invisible control character (U+0007)",
            "usynligt kontroltegn (U+0007)",
        ),
        (
            'language: "en"\ntitle: "a\n',
            "This quotation mark is never closed",
            "Anførselstegnet her bliver aldrig lukket",
        ),
    ],
)
def test_a_file_that_says_language_en_is_refused_in_english(write_agreement, text, english, danish):
    """The agreement's language counts before the file can be read as an agreement at all."""
    [problem] = _load(write_agreement, text).problems
    assert english in problem.message
    [problem] = _load(write_agreement, text.replace("en", "da", 1)).problems
    assert danish in problem.message


def test_tabs_on_a_blank_line_or_before_a_comment_are_allowed(write_agreement):
    """YAML allows them, and a person cannot see them; tabs that indent a field are still refused."""
    source = _load(write_agreement, "a: 1\n\t\n \t# kommentar\nb:\n  c: 2\n\t \n")
    assert source.problems == [] and source.data == {"a": 1, "b": {"c": 2}}
    assert source.positions[("b", "c")] == (5, 6)
    [problem] = _load(write_agreement, "a:\n\tb: 1\n").problems
    assert "Tabulatortegn" in problem.message


@pytest.mark.parametrize(
    "text, line, not_said",
    [
        # A no-break space far above, in a text, does not take over an error below.
        ("a: |\n  \u00a0- punkt\nb: x\nc: d\ne: f: g\n", 5, "hårdt mellemrum"),
        # A text line that starts with a field's name, above the real error, is text.
        (
            "a: >-\n  første linje, hvor\n  status til styregruppen.\nb: Varsel: 3 måneder\n",
            4,
            "mangler et kolon",
        ),
        ("a: |\n  Tid:kl. 17-19\nb: Varsel: 3 måneder\n", 3, "mellemrum efter kolonet"),
        # A valid text over two lines in single quotes is closed; the error is the colon below.
        ("a: 'Alle har\n  et netværk'\nb: Børn: under 6 år\n", 3, "aldrig lukket"),
    ],
)
def test_a_mistake_is_not_blamed_on_valid_text_above_it(write_agreement, text, line, not_said):
    [problem] = _load(write_agreement, text).problems
    assert problem.line == line and not_said not in problem.message, problem


def test_a_quote_inside_a_text_over_two_lines_is_named(write_agreement):
    [problem] = _load(write_agreement, 'a: "Alle har\n  et "netværk" at støtte sig til."\n').problems
    assert (problem.line, problem.column) == (2, 6) and 'Et " inde i teksten' in problem.message


def test_windows_line_endings_keep_the_language_and_the_blank_tabs(write_agreement):
    [problem] = _load(write_agreement, 'language: en\r\ntitle: "a\r\n').problems
    assert "This quotation mark is never closed" in problem.message
    source = _load(write_agreement, "a: 1\r\n\t\r\nb: 2\r\n")
    assert source.problems == [] and source.data == {"a": 1, "b": 2}


def test_a_file_pyyaml_reads_is_never_changed_for_its_tabs(write_agreement):
    """A tab before «#» inside a literal text is part of the text."""
    source = _load(write_agreement, "a: |\n  x\n  \t# Noter\n")
    assert source.problems == [] and source.data == {"a": "x\n\t# Noter\n"}


def test_a_name_ends_where_it_ends():
    """`$` would also match before a final newline: «aftale.yaml\\n» is not a good name."""
    from partnerskab.text import NAME

    assert NAME.match("aftale.yaml") and NAME.match("Ældre_Ven.yml")
    assert not NAME.match("aftale.yaml\n") and not NAME.match("aftale.yaml.bak")


def test_char_search_finds_what_re_finds_where_re_finds_it():
    """text.CharSearch, the fast search for a deceptive or private character, agrees with re
    on every edge of every range, on a sample of all code points, and on the first position
    in texts that hold several (a BMP one after an astral one, and the other way round)."""
    import random
    import re

    from partnerskab.text import DECEPTIVE, PRIVATE, CharSearch

    fast, slow = CharSearch(DECEPTIVE, PRIVATE), re.compile(f"{DECEPTIVE}|{PRIVATE}")
    edges = {ord(c) + d for c in DECEPTIVE + PRIVATE for d in (-1, 0, 1)} - {ord("["), ord("]"), ord("-")}
    rng = random.Random(7)
    sample = edges | {rng.randrange(0x110000) for _ in range(20000)}
    points = sorted(p for p in sample if 0 <= p < 0x110000 and not 0xD800 <= p <= 0xDFFF)
    for point in points:
        char = chr(point)
        assert (fast.search(char) is None) == (slow.search(char) is None), f"U+{point:04X}"
    for text in (
        "Fjordby Kommune",
        "æøå \u00ad x",
        "a\U000f0001b\u202ec",
        "a\u202eb\U000f0001c",
        "🙂 \ufdd0",
        "🙂 \U0010fffe",
        "🙂 ok",
        "",
    ):
        found, expected = (m and (m.start(), m.group()) for m in (fast.search(text), slow.search(text)))
        assert found == expected, text
        for pos in range(len(text) + 1):  # from a position, as load.py looks past a private one
            found, expected = (
                m and (m.start(), m.group()) for m in (fast.search(text, pos), slow.search(text, pos))
            )
            assert found == expected, (text, pos)
    assert CharSearch(DECEPTIVE).search("\U000f0001") is None  # private use is not deceptive
    for text in ("æøå \u00ad x", "Søren Ørum\u00ad", "plain ascii", "æ\u0100\u00ad"):  # Latin-1 or not
        for pos in range(len(text) + 1):
            found, expected = (m and m.start() for m in (fast.search(text, pos), slow.search(text, pos)))
            assert found == expected, (text, pos)


def test_control_char_finds_what_re_finds_where_re_finds_it():
    """load._control_char, which looks at a text with no character beyond U+00FF as bytes,
    finds the first character no agreement may hold where the regular expression finds it."""
    from partnerskab.load import _CONTROL, _control_char

    for point in [*range(0x3000), 0x2028, 0x2029, 0xFEFF, 0x1F642]:
        char = chr(point)
        for text in (char, f"æøå {char}", f"a{char}b\x07", f"\u2013{char}"):
            found = _CONTROL.search(text)
            assert _control_char(text) == (found.start() if found else -1), (f"U+{point:04X}", text)


@pytest.mark.parametrize(
    "text, line, column, code",
    [
        # written as escapes, which only a double-quoted value reads
        ('a: ok\nb: "x\\x07y"\n', 2, 4, "U+0007"),
        ('a: ok\nb: "x\\u202ey"\n', 2, 4, "U+202E"),
        ('a: "ok"\nb: "x\\U000F0001y"\n', 2, 4, "U+F0001"),
        # of private use: allowed in a comment, refused in a value, whatever its style
        ("# \U000f0001 en note\na: x\U000f0001y\n", 2, 5, "U+F0001"),
        ("# \U000f0001\na: 'x\U000f0001y'\n", 2, 6, "U+F0001"),
        ("# \U000f0001\na: |\n  x\U000f0001y\n", 3, 4, "U+F0001"),
        ("# \U000f0001\n\U000f0002: x\n", 2, 1, "U+F0002"),
        # deceptive anywhere, also after a private one in a comment
        ("# \U000f0001 og \u202e\na: x\n", 1, 8, "U+202E"),
        ("# \U000f0001\na: ok\n# \u200b\n", 3, 3, "U+200B"),
    ],
)
def test_a_hidden_character_is_found_in_every_kind_of_value(write_agreement, text, line, column, code):
    """load.py searches each value for a control, deceptive or private character only where
    the file's own text cannot show it already: a double-quoted value with a backslash, or any
    value when the file holds a character of private use (which a comment may)."""
    [problem] = _load(write_agreement, text).problems
    assert (problem.line, problem.column) == (line, column) and code in problem.message, problem


def test_a_character_of_private_use_in_a_comment_alone_is_allowed(write_agreement):
    source = _load(write_agreement, "# \U000f0001 en note\na: \"x y\"\nb: 'z'\n")
    assert source.problems == [] and source.data == {"a": "x y", "b": "z"}
