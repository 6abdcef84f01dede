"""Danish (and English) typesetting of what people typed, for the documents only.

Three things change, and nothing else:
- quotation marks: a pair of typed straight quotes "…" becomes »…« in Danish and “…” in
  English; a quote without its partner stays as typed;
- an apostrophe becomes the typographic one, ’ (U+2019), in both languages: between two
  letters or digits («association’s», «PDF’en», «it’s») and after the s of a plural
  («months’ notice»), unless the text also has a straight single quote that opens a word
  ('…'), where a closing mark could not be told from an apostrophe;
- spaces that Danish typesetting keeps (Retskrivningsordbogen, and any municipal style
  guide) become no-break spaces (U+00A0), so a line never breaks inside a phone number
  («+45 87 65 43 21»), between postcode and town («8000 Aarhus C»), after § («§ 18»),
  between an amount and its unit («250.000 kr.», «2,5 mio. kr.», «25 %») or inside a date
  («1. marts 2026»).

The data keep what was typed; only the documents are typeset. The checks read the data, so
a message quotes a value as the person wrote it.
"""

from __future__ import annotations

import re

NBSP = "\u00a0"
QUOTES = {"da": ("»", "«"), "en": ("\u201c", "\u201d")}
_MONTHS = (
    "januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december"
    "|jan\\.|feb\\.|mar\\.|apr\\.|jun\\.|jul\\.|aug\\.|sep\\.|sept\\.|okt\\.|nov\\.|dec\\."
    "|January|February|March|April|May|June|July|August|September|October|November|December"
)
# An opening quote follows the start, a space or an opening bracket and is followed by a
# non-space; the closing one follows a non-space and is not followed by a letter or digit.
_QUOTED = re.compile(r'(?:(?<=^)|(?<=[\s(\[{/–—-]))"(?=[^\s"])([^"\n]*?[^\s"])"(?![^\W_])')
# A Markdown link's address, as markdown._INLINE reads it, from the bracket that ends its text.
_LINK_TARGET = re.compile(r"\]\((?:[^()\s]|\([^()\s]*\))+\)")
_ASIDE = "\ue000"
_RULES = (
    # Phone numbers and other digit groups: «+45 87 65 43 21», «87 65 43 21», «1 500 000».
    (re.compile(r"(?<![\w+])(\+\d{1,3} )?\d{2,4}(?: \d{2,4})+(?![\w])"), lambda m: m[0].replace(" ", NBSP)),
    # A Danish postcode and its town: «8000 Aarhus C», «DK-9999 Fjordby».
    (re.compile(r"(?<![\w.,])((?:DK-)?\d{4}) (?=[A-ZÆØÅ][a-zæøåé]|[A-ZÆØÅ]\b)"), rf"\1{NBSP}"),
    # § and the number after it; stk., nr. and kl. and theirs.
    (re.compile(r"(§§?|\b[Ss]tk\.|\b[Nn]r\.|\b[Kk]l\.|\bp\.|\bpp\.) (?=\d)"), rf"\1{NBSP}"),
    # A date: «1. marts 2026», «1. marts», «1 March 2026», «marts 2026».
    (re.compile(rf"\b(\d{{1,2}}\.?) ({_MONTHS})(?![\w])"), rf"\1{NBSP}\2"),
    (re.compile(rf"\b({_MONTHS}) (\d{{4}})\b"), rf"\1{NBSP}\2"),
    # An amount and its unit: «250.000 kr.», «2,5 mio. kr.», «DKK 5.000», «25 %».
    (re.compile(r"(\d) (?=(?:kr\b|kr\.|DKK\b|EUR\b|mio\.|mia\.|t\.kr\.|%))"), rf"\1{NBSP}"),
    (re.compile(r"\b(mio\.|mia\.) (?=kr\b|kr\.|DKK\b|EUR\b)"), rf"\1{NBSP}"),
    (re.compile(r"\b(DKK|EUR|kr\.) (?=\d)"), rf"\1{NBSP}"),
)
# The rules that can apply to a text without a digit (\d, as the rules read it): «mio. kr.».
_NO_DIGIT_RULES = (_RULES[6],)
_DIGIT = re.compile(r"\d")


APOSTROPHE = "\u2019"
_INSIDE_WORD = re.compile(r"(?<=[^\W_])'(?=[^\W_])")
_AFTER_PLURAL = re.compile(r"(?<=[^\W_]s)'(?![^\W_])")
_OPENING_SINGLE = re.compile(r"(?:^|(?<=[\s(\[{/–—-]))'(?=[^\W_])")


_WORD = re.compile(r"\S*'\S*")


def _apostrophes(word: re.Match) -> str:
    """A word's apostrophes, set; an e-mail address or a web address stays as typed: an
    apostrophe is a legal character in both, and another would make them wrong."""
    text = word[0]
    if "@" in text or "://" in text or text.lower().startswith("www."):
        return text
    return _AFTER_PLURAL.sub(APOSTROPHE, _INSIDE_WORD.sub(APOSTROPHE, text))


def typeset(text, lang: str = "da"):
    """`text` with its quotation marks and kept spaces set for `lang` (None stays None)."""
    if not isinstance(text, str) or not text:
        return text
    opening, closing = QUOTES.get(lang, QUOTES["da"])
    if '"' in text:
        # A link's address («[tekst](https://…/"a")») is not text: its quotes stay as typed, or
        # the link would lead elsewhere. It stands aside, as a mark of private use, which no
        # value may hold (load.py), while the quotes around it are set.
        targets: list[str] = []

        def aside(match: re.Match) -> str:
            targets.append(match[0])
            return f"{_ASIDE}{len(targets) - 1}{_ASIDE}"

        text = _LINK_TARGET.sub(aside, text) if "](" in text else text
        text = _QUOTED.sub(lambda m: f"{opening}{m[1]}{closing}", text)
        if targets:
            text = re.sub(f"{_ASIDE}(\\d+){_ASIDE}", lambda m: targets[int(m[1])], text)
    if "'" in text and not _OPENING_SINGLE.search(text):
        text = _WORD.sub(_apostrophes, text)
    if " " in text:
        # Every rule but one needs a digit; that one needs «mio.» or «mia.». A text without
        # either (most names and sentences) skips the searches, with the same result.
        rules = _RULES if _DIGIT.search(text) else _NO_DIGIT_RULES if "mi" in text else ()
        for pattern, replacement in rules:
            text = pattern.sub(replacement, text)
    return text
