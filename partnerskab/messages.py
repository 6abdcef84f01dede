"""Every message a person editing an agreement may read, in Danish and English.

Element names come from the schema's `title` (Danish) and `x-title-en` (English), so a
message names an element exactly as the editor's tooltip and the document heading do.
"""

from __future__ import annotations

import errno
import re

LOAD = {
    "da": {
        "unreadable": "Filen kan ikke læses: {reason}",
        "too_large": "Filen er for stor (over {limit} MB). En aftale fylder normalt under 50 kB",
        "bom": "Filen starter med et byte-order mark (BOM). Gem den som UTF-8 uden BOM",
        "not_utf8": "Filen er ikke gemt som UTF-8. Gem den som UTF-8 i din editor",
        "control_char": "Filen indeholder et usynligt kontroltegn ({code}). Slet det",
        "deceptive": "Teksten indeholder tegnet {code} {name}, som ikke kan ses, men kan få teksten til at læses anderledes, end den står. Slet det",
        "bad_name": "Filnavnet «{name}» kan ikke bruges. Et navn består af bogstaver, tal, bindestreg og understreg og slutter med .yaml, fx fjordby-familievenner.yaml. Omdøb filen",
        "reserved_name": "Filnavnet «{name}» bruges af overblikket (index.html, agreements.csv og agreements.json). Giv aftalen et andet navn",
        "not_regular": "Det er ikke en almindelig fil (men fx en mappe, en enhed eller en pipe) og kan ikke være en aftale",
        "outside": "Filen er et link til en fil uden for repositoriet. Læg aftalen i repositoriet",
        "empty": "Filen er tom. Start med «python build.py new NAVN» eller kopiér et eksempel",
        "several_documents": "Filen indeholder mere end ét YAML-dokument («---»). Der må kun være én aftale pr. fil",
        "alias": "Ankre og henvisninger (&navn og *navn) kan ikke bruges i en aftale. Skriv værdien ud",
        "tag": "YAML-mærket «{tag}» kan ikke bruges i en aftale. Fjern det",
        "too_deep": "Strukturen er for dybt indlejret (over {limit} niveauer)",
        "too_many_nodes": "Filen indeholder for mange værdier til at være en aftale",
        "too_much_text": "Aftalen indeholder mere end {limit} tegn tekst i alt. Forkort teksterne, eller læg noget i et bilag",
        "complex_key": "Et feltnavn skal være en enkel tekst",
        "duplicate_key": "Feltet «{name}» står to gange i samme gruppe (første gang i linje {first}). Slet det ene",
        "root_not_mapping": "Aftalen skal bestå af felter på formen «navn: værdi» øverst i filen",
        "syntax": "YAML-syntaksfejl: {detail}",
        "tab": "Tabulatortegn må ikke bruges til indrykning. Brug mellemrum",
        "colon": "Et kolon står et sted, hvor det ikke er tilladt. Sæt teksten i anførselstegn, hvis den indeholder «: »",
        "indent": "Indrykningen passer ikke. Felter på samme niveau skal stå lige under hinanden",
        "missing_colon": "Der mangler et kolon efter et feltnavn, eller indrykningen passer ikke",
        "unclosed_quote": "Et anførselstegn er ikke lukket",
        "unclosed_bracket": "En parentes [ eller { er ikke lukket",
    },
    "en": {
        "unreadable": "The file cannot be read: {reason}",
        "too_large": "The file is too large (over {limit} MB). An agreement is usually under 50 kB",
        "bom": "The file starts with a byte-order mark (BOM). Save it as UTF-8 without BOM",
        "not_utf8": "The file is not saved as UTF-8. Save it as UTF-8 in your editor",
        "control_char": "The file contains an invisible control character ({code}). Delete it",
        "deceptive": "The text contains the character {code} {name}, which cannot be seen but can make the text read differently from what it says. Delete it",
        "bad_name": "The file name «{name}» cannot be used. A name consists of letters, digits, hyphens and underscores and ends in .yaml, e.g. fjordby-familievenner.yaml. Rename the file",
        "reserved_name": "The file name «{name}» is used by the register (index.html, agreements.csv and agreements.json). Give the agreement another name",
        "not_regular": "This is not an ordinary file (but e.g. a folder, a device or a pipe) and cannot be an agreement",
        "outside": "The file is a link to a file outside the repository. Put the agreement in the repository",
        "empty": "The file is empty. Start with «python build.py new NAME» or copy an example",
        "several_documents": "The file holds more than one YAML document («---»). Keep one agreement per file",
        "alias": "Anchors and aliases (&name and *name) cannot be used in an agreement. Write the value out",
        "tag": "The YAML tag «{tag}» cannot be used in an agreement. Remove it",
        "too_deep": "The structure is nested too deeply (over {limit} levels)",
        "too_many_nodes": "The file holds too many values to be an agreement",
        "too_much_text": "The agreement holds more than {limit} characters of text in all. Shorten the texts, or put some in an annex",
        "complex_key": "A field name must be plain text",
        "duplicate_key": "The field «{name}» appears twice in the same group (first on line {first}). Delete one",
        "root_not_mapping": "The agreement must consist of fields of the form «name: value» at the top of the file",
        "syntax": "YAML syntax error: {detail}",
        "tab": "Tab characters cannot be used for indentation. Use spaces",
        "colon": "A colon stands where it is not allowed. Put the text in quotes if it contains «: »",
        "indent": "The indentation does not match. Fields on the same level must line up",
        "missing_colon": "A colon is missing after a field name, or the indentation does not match",
        "unclosed_quote": "A quotation mark is not closed",
        "unclosed_bracket": "A bracket [ or { is not closed",
    },
}

# PyYAML's problem texts, mapped to what they usually mean for a person writing an agreement.
_SYNTAX_HINTS = [
    ("mapping values are not allowed", "colon"),
    ("expected <block end>", "indent"),
    ("did not find expected key", "indent"),
    ("could not find expected ':'", "missing_colon"),
    ("found unexpected end of stream", "unclosed_quote"),
    ("did not find expected ',' or", "unclosed_bracket"),
    ("did not find expected '-' indicator", "indent"),
]


# What the operating system says, in words the person reading the log uses.
OS_REASONS = {
    "da": {
        errno.ENOSPC: "disken er fuld",
        errno.EDQUOT: "pladsen (kvoten) er brugt op",
        errno.EACCES: "ingen adgang",
        errno.EPERM: "ingen tilladelse",
        errno.EROFS: "disken kan kun læses",
        errno.ENOENT: "filen eller mappen findes ikke",
        errno.EISDIR: "der ligger en mappe med det navn",
        errno.ENOTDIR: "en del af stien er ikke en mappe",
        errno.EFBIG: "filen er for stor",
    },
    "en": {
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the quota is used up",
        errno.EACCES: "access denied",
        errno.EPERM: "not permitted",
        errno.EROFS: "the disk is read-only",
        errno.ENOENT: "no such file or folder",
        errno.EISDIR: "there is a folder of that name",
        errno.ENOTDIR: "part of the path is not a folder",
        errno.EFBIG: "the file is too large",
    },
}


def os_reason(exc: OSError, lang: str = "da") -> str:
    """Why a file could not be read or written, in the given language when we know the cause."""
    return OS_REASONS[lang].get(exc.errno) or exc.strerror or str(exc)


def load_message(key: str, lang: str, **params) -> str:
    if key == "syntax":
        detail = params.get("detail", "")
        for needle, hint in _SYNTAX_HINTS:
            if needle in detail:
                return LOAD[lang][hint]
    return LOAD[lang][key].format(**params)


BUILD = {
    "da": {
        "render_failed": "Dokumenterne kunne ikke dannes: {detail}",
        "worker_timeout": "det tog mere end {seconds} s, og kørslen blev stoppet",
        "worker_crashed": "kørslen stoppede uventet",
        "pandoc_timeout": "pandoc tog mere end {seconds} s",
        "pandoc_stopped": "pandoc stoppede: {detail}",
        "typst_failed": "Typst kunne ikke sætte PDF'en: {detail}",
        "write_failed": "Filerne kunne ikke skrives: {detail}",
        "state_not_saved": "build.py: bemærk: listen over byggede filer kunne ikke gemmes (er disken fuld?); næste gang bygges alt forfra",
        "same_name": "En anden aftale hedder også «{name}» ({other}), eller navnet bruges af overblikket. Giv filen et andet navn",
        "missing_glyph": "Tegnet «{text}» ({codes}) kan ikke vises i PDF'en, fordi skrifttypen ikke har det. Erstat eller fjern det{where}",
    },
    "en": {
        "render_failed": "The documents could not be built: {detail}",
        "worker_timeout": "it took more than {seconds} s and was stopped",
        "worker_crashed": "the run stopped unexpectedly",
        "pandoc_timeout": "pandoc took more than {seconds} s",
        "pandoc_stopped": "pandoc stopped: {detail}",
        "typst_failed": "Typst could not lay out the PDF: {detail}",
        "write_failed": "The files could not be written: {detail}",
        "state_not_saved": "build.py: note: the record of built files could not be saved (is the disk full?); the next build starts afresh",
        "same_name": "Another agreement is also called «{name}» ({other}), or the register uses the name. Rename the file",
        "missing_glyph": "The character «{text}» ({codes}) cannot be shown in the PDF because the font lacks it. Replace or remove it{where}",
    },
}

SCHEMA = {
    "da": {
        "missing_top": "{child} mangler ({path})",
        "placeholder": "{title} er ikke udfyldt ({path})",
        "missing": "{parent}: {child} mangler ({path})",
        "missing_with": "{parent}: {child} mangler, når {given} er udfyldt ({path})",
        "amount_separator": "{title}: «{typed}» læses som tallet {value}. Skriv beløbet i hele kroner uden punktum: {digits} ({path})",
        "amount_text": "{title}: skriv tallet uden punktummer og mellemrum, fx {digits}, ikke «{typed}» ({path})",
        "whole_number": "{title} skal være et helt tal uden punktum, decimaler eller e, ikke «{typed}» ({path})",
        "max_items": "{title}: der må højst være {limit}, men der er {count} ({path})",
        "max_length": "{title} er for lang: højst {limit} tegn, men der er {count}. Forkort teksten, eller læg den i et bilag ({path})",
        "unknown": "Ukendt felt «{key}» i {parent}{hint}",
        "unknown_hint": ". Mente du «{guess}»?",
        "unknown_allowed": ". Tilladte felter: {allowed}",
        "type": "{title} skal være {expected}, ikke {actual} ({path})",
        "type_quote": '{title} skal være en tekst. Sæt værdien i anførselstegn, fx "{value}" ({path})',
        "date": "{title} skal være en dato på formen ÅÅÅÅ-MM-DD, fx 2026-01-31, ikke «{value}» ({path})",
        "email": "{title} skal være en e-mailadresse, fx navn@eksempel.dk, ikke «{value}» ({path})",
        "enum": "{title} skal være en af: {allowed}, ikke «{value}» ({path})",
        "const": "{title} skal være {allowed}, ikke «{value}» ({path})",
        "min_items": "{title}: der skal være mindst {limit}, men der er {count} ({path})",
        "empty": "{title} må ikke være tom ({path})",
        "partner_id": "{title} må kun bestå af små bogstaver a-z, tal, bindestreg og understreg, ikke «{value}» ({path})",
        "cvr": "{title} skal være 8 cifre, ikke «{value}» ({path})",
        "pattern": "{title} har ikke den rigtige form: «{value}» ({path})",
        "minimum": "{title} skal være mindst {limit}, ikke {value} ({path})",
        "maximum": "{title} må højst være {limit}, ikke {value} ({path})",
        "exclusive_minimum": "{title} skal være større end {limit}, ikke {value} ({path})",
        "unique": "{title} nævner den samme værdi flere gange ({path})",
        "other": "{title} er ikke gyldig: {detail} ({path})",
        "item": "{title} nr. {number}",
        "words": {
            "string": "en tekst",
            "number": "et tal",
            "integer": "et helt tal",
            "array": "en liste",
            "object": "en gruppe af felter (navn: værdi)",
            "boolean": "sand eller falsk (true/false)",
            "null": "tom",
        },
    },
    "en": {
        "missing_top": "{child} is missing ({path})",
        "placeholder": "{title} is not filled in ({path})",
        "missing": "{parent}: {child} is missing ({path})",
        "missing_with": "{parent}: {child} is missing; it is needed when {given} is given ({path})",
        "amount_separator": "{title}: «{typed}» is read as the number {value}. Write the amount in whole kroner without a full stop: {digits} ({path})",
        "amount_text": "{title}: write the number without full stops or spaces, e.g. {digits}, not «{typed}» ({path})",
        "whole_number": "{title} must be a whole number without a full stop, decimals or e, not «{typed}» ({path})",
        "max_items": "{title}: there may be at most {limit}, but there {are} {count} ({path})",
        "max_length": "{title} is too long: at most {limit} characters, but there are {count}. Shorten it, or put it in an annex ({path})",
        "unknown": "Unknown field «{key}» in {parent}{hint}",
        "unknown_hint": ". Did you mean «{guess}»?",
        "unknown_allowed": ". Allowed fields: {allowed}",
        "type": "{title} must be {expected}, not {actual} ({path})",
        "type_quote": '{title} must be text. Put the value in quotes, e.g. "{value}" ({path})',
        "date": "{title} must be a date of the form YYYY-MM-DD, e.g. 2026-01-31, not «{value}» ({path})",
        "email": "{title} must be an email address, e.g. name@example.org, not «{value}» ({path})",
        "enum": "{title} must be one of: {allowed}, not «{value}» ({path})",
        "const": "{title} must be {allowed}, not «{value}» ({path})",
        "min_items": "{title}: there must be at least {limit}, but there {are} {count} ({path})",
        "empty": "{title} must not be empty ({path})",
        "partner_id": "{title} may only contain lower-case letters a-z, digits, hyphens and underscores, not «{value}» ({path})",
        "cvr": "{title} must be 8 digits, not «{value}» ({path})",
        "pattern": "{title} does not have the right form: «{value}» ({path})",
        "minimum": "{title} must be at least {limit}, not {value} ({path})",
        "maximum": "{title} must be at most {limit}, not {value} ({path})",
        "exclusive_minimum": "{title} must be greater than {limit}, not {value} ({path})",
        "unique": "{title} names the same value more than once ({path})",
        "other": "{title} is not valid: {detail} ({path})",
        "item": "{title} no. {number}",
        "words": {
            "string": "text",
            "number": "a number",
            "integer": "a whole number",
            "array": "a list",
            "object": "a group of fields (name: value)",
            "boolean": "true or false",
            "null": "empty",
        },
    },
}

PATTERN_KINDS = {"\\S": "empty", "^[a-z0-9][a-z0-9_-]*$": "partner_id", "^[0-9]{8}$": "cvr"}


def json_type(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def shown(value, limit: int = 40) -> str:
    """A value as the user typed it, shortened for a one-line message."""
    text = re.sub(r"\s+", " ", str(value)) if value is not None else ""
    return text if len(text) <= limit else text[: limit - 1] + "…"


# argparse's own words (usage, help, usage errors), as Python 3.11 to 3.13 write them, in Danish.
# cli.py hands them to argparse while the command line is read. Those left out are mistakes in how
# a program builds its parser (a conflicting option, dest= missing), which no user can cause.
ARGPARSE = {
    "usage: ": "brug: ",
    "positional arguments": "argumenter",
    "options": "tilvalg",
    "subcommands": "kommandoer",
    "%(heading)s:": "%(heading)s:",
    " (default: %(default)s)": " (standard: %(default)s)",
    "show this help message and exit": "vis denne hjælp og afslut",
    "show program's version number and exit": "vis programmets version og afslut",
    "%(prog)s: error: %(message)s\n": "%(prog)s: fejl: %(message)s\n",
    "%(prog)s: warning: %(message)s\n": "%(prog)s: advarsel: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "%(argument_name)s: %(message)s",
    "the following arguments are required: %s": "dette mangler: %s",
    "one of the arguments %s is required": "et af disse skal angives: %s",
    "unrecognized arguments: %s": "ukendte argumenter: %s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "ukendt kommando %(parser_name)r (vælg mellem: %(choices)s)",
    "invalid choice: %(value)r (choose from %(choices)s)": "ugyldigt valg: %(value)r (vælg mellem %(choices)s)",
    "invalid %(type)s value: %(value)r": "ugyldig værdi: %(value)r",
    "expected one argument": "mangler en værdi",
    "expected at most one argument": "tager højst én værdi",
    "expected at least one argument": "mangler mindst én værdi",
    "expected %s argument": "skal have %s værdi",
    "expected %s arguments": "skal have %s værdier",
    "ignored explicit argument %r": "tager ingen værdi, men fik %r",
    "not allowed with argument %s": "kan ikke bruges sammen med %s",
    "ambiguous option: %(option)s could match %(matches)s": "tvetydigt tilvalg: %(option)s kan betyde %(matches)s",
    "unexpected option string: %s": "uventet tilvalg: %s",
    "can't open '%(filename)s': %(error)s": "«%(filename)s» kan ikke åbnes: %(error)s",
    'argument "-" with mode %r': 'argumentet "-" kan ikke åbnes med tilstanden %r',
    "argument '%(argument_name)s' is deprecated": "%(argument_name)s udgår",
    "option '%(option)s' is deprecated": "tilvalget %(option)s udgår",
    "command '%(parser_name)s' is deprecated": "kommandoen %(parser_name)s udgår",
}

# Programmers' mistakes in building a parser (see above): argparse's English stays.
ARGPARSE_INTERNAL = {
    "%r is not callable",
    "'required' is an invalid argument for positionals",
    ".__call__() not defined",
    "cannot have multiple subparser arguments",
    "cannot merge actions - two groups are named %r",
    "conflicting option string: %s",
    "conflicting option strings: %s",
    "conflicting subparser alias: %s",
    "conflicting subparser: %s",
    "dest= is required for options like %r",
    "invalid conflict_resolution value: %r",
    "invalid option string %(option)r: must start with a character %(prefix_chars)r",
    "mutually exclusive arguments must be optional",
}

# `partnerskab-validate --write-schema MAPPE` (editor_setup.py).
EDITOR_SETUP = {
    "written": {
        "one": "Skemaet er skrevet i {folder} ({n} fil):",
        "other": "Skemaet er skrevet i {folder} ({n} filer):",
    },
    "not_written": "{prog}: fejl: skemaet kunne ikke skrives i {folder}: {reason}",
    "modeline": "Sæt denne linje øverst i hver aftale i agreements/, så din editor (fx VS Code med YAML-udvidelsen) tjekker og udfylder felterne efter skemaet:",
}

# build.py build in an installation without the extra `build` (e.g. the pre-commit hook's).
BUILD_TOOLS_MISSING = "build.py: fejl: værktøjerne, der bygger dokumenterne, er ikke installeret ({packages}). Kør «make», eller installér med «pip install '.[build]'»"

# build.py started by a Python without the project's packages (not .venv/bin/python).
NOT_SET_UP = "build.py: fejl: Python-pakken «{name}» mangler. Kør «make» først: den opretter .venv med alt, hvad værktøjet bruger; kør derefter fx «.venv/bin/python build.py validate»"
