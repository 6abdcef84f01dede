"""Write docs/schema.md: the Danish reference of every field in a partnership agreement.

The schema is the only source of an agreement's fields, so their reference is generated from it
instead of written by hand; then the two cannot drift apart. Run `make docs` (or this script) after
changing the schema. `--check` exits 1 when docs/schema.md is stale; the tests use it.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from partnerskab.i18n import Formats  # noqa: E402
from partnerskab.schema import resolve as resolve_in  # noqa: E402
from partnerskab.schema import schema as load_schema  # noqa: E402

DOC = ROOT / "docs" / "schema.md"
STALE = "docs/schema.md passer ikke til skemaet; kør `make docs`."

# Patterns said in words. `\S` (not blank) says nothing a reader needs; others are shown as they are.
PATTERNS = {
    r"\S": "",
    "^[0-9]{8}$": "Præcis 8 cifre.",
    "^[a-z0-9][a-z0-9_-]*$": "Kun a-z, 0-9, `-` og `_`; begynder med a-z eller 0-9.",
}
# Keywords this script puts into words; any other keyword stops it rather than go unmentioned.
DESCRIBED = set(
    "title x-title-en description $comment examples type properties required additionalProperties items"
    " enum const default format pattern contentMediaType minItems maxItems uniqueItems minLength maxLength"
    " minimum maximum exclusiveMinimum exclusiveMaximum allOf dependentRequired".split()
)
# Type words, singular and plural (for "liste af ...").
WORDS = {
    "object": ("gruppe af felter", "grupper af felter"),
    "string": ("tekst", "tekster"),
    "text/markdown": ("tekst med formatering", "tekster med formatering"),
    "date": ("dato (ÅÅÅÅ-MM-DD)", "datoer (ÅÅÅÅ-MM-DD)"),
    "email": ("e-mailadresse", "e-mailadresser"),
    "integer": ("helt tal", "hele tal"),
    "number": ("tal", "tal"),
    "boolean": ("ja/nej (true/false)", "ja/nej-værdier (true/false)"),
}

HEADER = """\
# {title}: alle felter

> Denne fil er dannet af `make docs` (`python tools/schema_docs.py`) ud fra
> `schema/partnership-agreement.schema.json`. Ret den ikke i hånden: ret skemaet, og kør `make docs`.

{description}

Hvert afsnit herunder er et felt på øverste niveau i aftalens YAML-fil, i skemaets rækkefølge.
Kolonnen *Felt* viser, hvor feltet står: et punktum skiller en gruppe fra felterne i den, og `[]`
står for hvert element i en liste. *Påkrævet* gælder inden for gruppen: «ja» betyder, at feltet skal
være med, når gruppen eller listen over det er med; «ja, når ...», at det skal være med i den
situation.{closed}

*Tekst med formatering* må have afsnit (en tom linje imellem), punktlister (`- punkt`), nummererede
lister (`1. punkt`), `*kursiv*`, `**fed**` og links (`[tekst](https://...)`, også `mailto:`); alt
andet vises, som det står. Alle andre tekstfelter er ren tekst."""


def esc(text) -> str:
    """Text on one line that Markdown shows as it is, also inside a table cell."""
    return re.sub(r"[\\`*<\[|]|(?<!\w)_|_(?!\w)", lambda m: "\\" + m[0], " ".join(str(text).split()))


def code(value) -> str:
    """A value as it is written in YAML, in a code span that is safe inside a table cell."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    fence = "`" * (max(map(len, re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return (fence + pad + text + pad + fence).replace("|", "\\|")


def render(schema: dict) -> str:
    """The whole of docs/schema.md for `schema`; local `$ref`s are looked up in `schema` itself."""

    def resolve(node: dict) -> dict:
        return resolve_in(node, schema)

    def kind(node: dict, plural: bool = False) -> str:
        if "const" in node:
            return "fast værdi: " + code(node["const"])
        if "enum" in node:
            return ("værdier blandt: " if plural else "en af: ") + ", ".join(map(code, node["enum"]))
        types = node.get("type")
        if isinstance(types, list):
            return " eller ".join(kind({**node, "type": t}, plural) for t in types)
        if types == "array":
            items = kind(resolve(node["items"]), plural=True) if "items" in node else ""
            return ("lister" if plural else "liste") + (" af " + items if items else "")
        if types == "string" and node.get("format") in WORDS:
            types = node["format"]
        elif types == "string" and node.get("contentMediaType") in WORDS:
            types = node["contentMediaType"]
        word = WORDS.get(types, ("værdi", "værdier"))[plural]
        return word + (f" (format {code(node['format'])})" if node.get("format") not in (None, types) else "")

    number = Formats("da").quantity  # 1.000.000 and 0,01; a year or a count of months stays 2100

    def facts(node: dict) -> list[str]:
        out, low, high = [], node.get("minimum"), node.get("maximum")
        for key, word in (("minItems", "Mindst"), ("maxItems", "Højst")):
            if key in node:
                out.append(f"{word} {node[key]} {'element' if node[key] == 1 else 'elementer'}.")
        if node.get("uniqueItems"):
            out.append("Hvert element må kun stå én gang.")
        if low is not None and high is not None:
            out.append(f"Fra {number(low)} til og med {number(high)}.")
        else:
            out += [
                f"{word} {number(value)}."
                for word, value in (("Mindst", low), ("Højst", high))
                if value is not None
            ]
        above, below = node.get("exclusiveMinimum"), node.get("exclusiveMaximum")
        out += [f"Større end {number(above)}."] if above is not None and (low is None or low <= above) else []
        out += (
            [f"Mindre end {number(below)}."] if below is not None and (high is None or high >= below) else []
        )
        out += [f"Mindst {node['minLength']} tegn."] if "minLength" in node else []
        out += [f"Højst {node['maxLength']} tegn."] if "maxLength" in node else []
        if "pattern" in node:
            out.append(
                PATTERNS.get(
                    node["pattern"], "Skal passe til det regulære udtryk " + code(node["pattern"]) + "."
                )
            )
        if "default" in node:
            out.append("Standard, hvis feltet udelades: " + code(node["default"]) + ".")
        if node.get("type") == "object" and node.get("additionalProperties") is not False:
            out.append("Må også have andre felter end dem, der står her.")
        if "items" in node:
            item = resolve(node["items"])
            about = [esc(item["description"])] if "description" in item else []
            about += facts(item)
            if about:
                label = f"Hvert element er «{esc(item['title'])}»:" if "title" in item else "Hvert element:"
                out.append(" ".join([label, *about]))
        return [fact for fact in out if fact]

    def required_text(parent: dict, key: str) -> str:
        """«ja», «nej», or when the field is required: a condition from the parent's `allOf`
        (if/then/else, each with a description in words) or `dependentRequired`."""
        if key in parent.get("required", []):
            return "ja"
        when = []
        for rule in parent.get("allOf", []):
            if set(rule) - {"description", "if", "then", "else"} or "description" not in rule:
                raise ValueError(
                    f"{key}: schema_docs.py kan kun beskrive allOf med if/then/else og description"
                )
            if key in rule.get("then", {}).get("required", []):
                when.append(esc(rule["description"]))
            if key in rule.get("else", {}).get("required", []):
                when.append(esc(rule["else"]["description"]))
        for given, needed in parent.get("dependentRequired", {}).items():
            if key in needed:
                when.append(code(given) + " er med")
        return "ja, når " + " eller ".join(when) if when else "nej"

    def rows(path: str, node: dict, required: str, top: bool = False):
        """The row for `path` and those of the fields in it; a section's row leaves out its description."""
        node = resolve(node)
        title = esc(node.get("title", ""))
        text = [f"**{title}{'' if title.endswith(('.', '?', '!')) else '.'}**"] if title else []
        if "description" in node and not top:
            text.append(esc(node["description"]))
        cells = [code(path), kind(node), required, " ".join(text + facts(node))]
        yield "| " + " | ".join(cells) + " |"
        yield from children(path, node)

    def children(path: str, node: dict):
        unknown = sorted(set(node) - DESCRIBED)
        if unknown:
            raise ValueError(f"{path}: schema_docs.py kan ikke beskrive {', '.join(unknown)}")
        for key, child in node.get("properties", {}).items():
            yield from rows(f"{path}.{key}", child, required_text(node, key))
        if "items" in node:
            yield from children(path + "[]", resolve(node["items"]))

    root = resolve(schema)
    closed = (
        " Andre felter end dem, der står her, er ikke tilladt."
        if root.get("additionalProperties") is False
        else ""
    )
    parts = [
        HEADER.format(
            title=esc(root.get("title", "")), description=esc(root.get("description", "")), closed=closed
        )
    ]
    for key, node in root.get("properties", {}).items():
        node = resolve(node)
        heading = f"## {esc(node['title'])} ({code(key)})" if "title" in node else f"## {code(key)}"
        section = [
            heading,
            esc(node.get("description", "")),
            "| Felt | Type | Påkrævet | Beskrivelse |\n|---|---|---|---|",
        ]
        section[-1] += "".join("\n" + row for row in rows(key, node, required_text(root, key), top=True))
        parts.append("\n\n".join(part for part in section if part))
    return "\n\n".join(parts) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Dan docs/schema.md ud fra skemaet.")
    parser.add_argument("--check", action="store_true", help="tjek kun, at docs/schema.md er opdateret")
    args = parser.parse_args(argv)
    text = render(load_schema()).encode("utf-8")
    if args.check:
        if not DOC.is_file() or DOC.read_bytes() != text:
            print(STALE, file=sys.stderr)
            return 1
        return 0
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_bytes(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
