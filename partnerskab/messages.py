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
        "private_use": "Teksten indeholder tegnet {code}, et tegn til privat brug uden fast betydning: PDF'en ville vise et andet tegn, end teksten har. Slet det",
        "bad_name": "Filnavnet «{name}» kan ikke bruges: {why}. Et navn består af bogstaver, tal, bindestreg og understreg og slutter med .yaml, fx fjordby-familievenner.yaml. Omdøb filen",
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
        "syntax": "YAML kan ikke læse filen her. Tjek indrykning, kolon og anførselstegn (YAML skriver: «{detail}»)",
        "tab": "Tabulatortegn må ikke bruges til indrykning. Brug mellemrum",
        "colon": "Et kolon står et sted, hvor det ikke er tilladt. Sæt teksten i anførselstegn, hvis den indeholder «: »",
        "indent": "Indrykningen passer ikke. Felter på samme niveau skal stå lige under hinanden",
        "missing_colon": "Der mangler et kolon efter et feltnavn, eller indrykningen passer ikke",
        "unclosed_quote": "Et anførselstegn er ikke lukket",
        "unclosed_bracket": "En parentes [ eller { er ikke lukket",
        "no_value": "Her mangler en værdi, eller den begynder med et tegn, YAML ikke kan læse. Sæt teksten i anførselstegn",
        "bad_start": "En værdi kan ikke begynde med @, ` eller %. Sæt teksten i anførselstegn",
        "bad_escape": "En \\ i en tekst i dobbelte anførselstegn bruges på en måde, YAML ikke kender. Brug enkelte anførselstegn (') om teksten",
        "nbsp_indent": "Der står et hårdt mellemrum (U+00A0) i indrykningen, som YAML ikke kan læse. Slet mellemrummene foran feltet, og skriv dem igen med mellemrumstasten",
        "typographic_quotes": 'Typografiske anførselstegn (“ ” « ») tæller ikke som anførselstegn i YAML. Sæt teksten i almindelige anførselstegn: "…"',
        "quote_inside": "Et \" inde i teksten afslutter den. Skriv »…« inde i teksten, eller sæt hele teksten i enkelte anførselstegn ('…')",
        "colon_space": "Der mangler et mellemrum efter kolonet: skriv «{name}: …»",
        "colon_missing_after": "Der mangler et kolon efter «{name}»: skriv «{name}: …»",
        "unclosed_quote_at": "Anførselstegnet her bliver aldrig lukket. Sæt et anførselstegn efter teksten",
    },
    "en": {
        "unreadable": "The file cannot be read: {reason}",
        "too_large": "The file is too large (over {limit} MB). An agreement is usually under 50 kB",
        "bom": "The file starts with a byte-order mark (BOM). Save it as UTF-8 without BOM",
        "not_utf8": "The file is not saved as UTF-8. Save it as UTF-8 in your editor",
        "control_char": "The file contains an invisible control character ({code}). Delete it",
        "deceptive": "The text contains the character {code} {name}, which cannot be seen but can make the text read differently from what it says. Delete it",
        "private_use": "The text contains the character {code}, a character for private use with no fixed meaning: the PDF would show a different character from the text. Delete it",
        "bad_name": "The file name «{name}» cannot be used: {why}. A name consists of letters, digits, hyphens and underscores and ends in .yaml, e.g. fjordby-familievenner.yaml. Rename the file",
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
        "syntax": "YAML cannot read the file here. Check the indentation, colons and quotation marks (YAML says: «{detail}»)",
        "tab": "Tab characters cannot be used for indentation. Use spaces",
        "colon": "A colon stands where it is not allowed. Put the text in quotes if it contains «: »",
        "indent": "The indentation does not match. Fields on the same level must line up",
        "missing_colon": "A colon is missing after a field name, or the indentation does not match",
        "unclosed_quote": "A quotation mark is not closed",
        "unclosed_bracket": "A bracket [ or { is not closed",
        "no_value": "A value is missing here, or it starts with a character YAML cannot read. Put the text in quotes",
        "bad_start": "A value cannot start with @, ` or %. Put the text in quotes",
        "bad_escape": "A \\ in a text in double quotes is used in a way YAML does not know. Put the text in single quotes (')",
        "nbsp_indent": "There is a no-break space (U+00A0) in the indentation, which YAML cannot read. Delete the spaces before the field and type them again with the space bar",
        "typographic_quotes": 'Typographic quotation marks (“ ” « ») do not count as quotation marks in YAML. Put the text in plain quotation marks: "…"',
        "quote_inside": "A \" inside the text ends it. Write “…” inside the text, or put the whole text in single quotation marks ('…')",
        "colon_space": "A space is missing after the colon: write «{name}: …»",
        "colon_missing_after": "A colon is missing after «{name}»: write «{name}: …»",
        "unclosed_quote_at": "This quotation mark is never closed. Put a quotation mark after the text",
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
    ("did not find expected node content", "no_value"),
    ("found character that cannot start any token", "bad_start"),
    ("found unknown escape character", "bad_escape"),
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
        errno.EEXIST: "der ligger allerede en fil med det navn",
        errno.ENOTEMPTY: "der ligger allerede en mappe med det navn, og den er ikke tom",
        errno.ELOOP: "et symbolsk link peger i ring",
        errno.ENAMETOOLONG: "navnet er for langt",
        errno.EIO: "en læse- eller skrivefejl på disken",
        errno.EADDRINUSE: "porten bruges allerede af et andet program",
        errno.EADDRNOTAVAIL: "adressen findes ikke på denne maskine",
        errno.EMFILE: "for mange åbne filer",
        errno.ENXIO: "enheden findes ikke",
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
        errno.EEXIST: "there is already a file of that name",
        errno.ENOTEMPTY: "there is already a folder of that name, and it is not empty",
        errno.ELOOP: "a symbolic link points in a circle",
        errno.ENAMETOOLONG: "the name is too long",
        errno.EIO: "a read or write error on the disk",
        errno.EADDRINUSE: "the port is already used by another program",
        errno.EADDRNOTAVAIL: "the address does not exist on this machine",
        errno.EMFILE: "too many open files",
        errno.ENXIO: "the device does not exist",
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
        "same_name": "En anden aftale hedder også «{name}» ({other}) og ville give dokumenter med samme navn. Ingen af dem bygges, før den ene får et andet navn",
        "same_name_case": "En anden aftale hedder næsten det samme ({other}): kun store og små bogstaver er forskellige, og på Windows og macOS er det den samme fil. Ingen af dem bygges, før den ene får et andet navn",
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
        "same_name": "Another agreement is also called «{name}» ({other}) and would give documents of the same name. Neither is built until one of them is renamed",
        "same_name_case": "Another agreement has nearly the same name ({other}): only capitals differ, and on Windows and macOS that is the same file. Neither is built until one of them is renamed",
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
        "amount_text": "{title}: skriv tallet med cifre alene, uden punktummer, mellemrum og «kr.», fx {digits}, ikke «{typed}» ({path})",
        "unquote": "{title} skal være et tal, men anførselstegnene gør det til en tekst. Fjern dem, så der kun står {typed} ({path})",
        "decimal_comma": "{title}: skriv et decimaltal med punktum, fx {fixed}, ikke «{typed}» ({path})",
        "whole_number": "{title} skal være et helt tal uden punktum, decimaler eller e, ikke «{typed}» ({path})",
        "max_items": "{title}: der må højst være {limit}, men der er {count} ({path})",
        "max_length": "{title}: teksten er for lang, højst {limit} tegn, men der er {count}. Forkort den, eller læg den i et bilag ({path})",
        "unknown": "Ukendt felt «{key}» i {parent}{hint}",
        "unknown_hint": ". Mente du «{guess}»?",
        "unknown_nbsp": "Der står et hårdt mellemrum (U+00A0) foran eller i feltet «{key}», så YAML læser det som en del af navnet. Slet mellemrummene, og skriv dem igen med mellemrumstasten",
        "unknown_allowed": ". Tilladte felter: {allowed}",
        "type": "{title} skal være {expected}, ikke {actual} ({path})",
        "type_quote": '{title} skal være en tekst. Sæt værdien i anførselstegn, fx "{value}" ({path})',
        "type_object": "{title} skal være en gruppe af felter ({fields}), ikke {actual} ({path})",
        "date": "{title} skal være en dato på formen ÅÅÅÅ-MM-DD, fx 2026-01-31, ikke «{value}» ({path})",
        "no_such_date": "{title}: datoen «{value}» findes ikke. Tjek måned og dag (ÅÅÅÅ-MM-DD) ({path})",
        "email": "{title} skal være en e-mailadresse, fx navn@eksempel.dk, ikke «{value}» ({path})",
        "enum": "{title} skal være en af: {allowed}, ikke «{value}»{hint} ({path})",
        "enum_hint": ". Mente du «{guess}»?",
        "partner_ids": ". Aftalens partnere har disse kort navne: {ids}",
        "partner_ref": "{title} skal være en partners kort navn (id) med små bogstaver a-z, tal, bindestreg og understreg, ikke «{value}»{hint} ({path})",
        "const": "{title} skal være {allowed}, ikke «{value}» ({path})",
        "min_items": "{title}: der skal være mindst {limit}, men der er {count} ({path})",
        "empty": "{title} er ikke udfyldt: der står ingen tekst ({path})",
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
        "amount_text": "{title}: write the number in digits alone, without full stops, spaces or «kr.», e.g. {digits}, not «{typed}» ({path})",
        "unquote": "{title} must be a number, but the quotation marks make it text. Remove them, so that only {typed} is left ({path})",
        "decimal_comma": "{title}: write a decimal number with a full stop, e.g. {fixed}, not «{typed}» ({path})",
        "whole_number": "{title} must be a whole number without a full stop, decimals or e, not «{typed}» ({path})",
        "max_items": "{title}: there may be at most {limit}, but there {are} {count} ({path})",
        "max_length": "{title} is too long: at most {limit} characters, but there are {count}. Shorten it, or put it in an annex ({path})",
        "unknown": "Unknown field «{key}» in {parent}{hint}",
        "unknown_hint": ". Did you mean «{guess}»?",
        "unknown_nbsp": "There is a no-break space (U+00A0) before or in the field «{key}», so YAML reads it as part of the name. Delete the spaces and type them again with the space bar",
        "unknown_allowed": ". Allowed fields: {allowed}",
        "type": "{title} must be {expected}, not {actual} ({path})",
        "type_quote": '{title} must be text. Put the value in quotes, e.g. "{value}" ({path})',
        "type_object": "{title} must be a group of fields ({fields}), not {actual} ({path})",
        "date": "{title} must be a date of the form YYYY-MM-DD, e.g. 2026-01-31, not «{value}» ({path})",
        "no_such_date": "{title}: there is no date «{value}». Check the month and the day (YYYY-MM-DD) ({path})",
        "email": "{title} must be an email address, e.g. name@example.org, not «{value}» ({path})",
        "enum": "{title} must be one of: {allowed}, not «{value}»{hint} ({path})",
        "enum_hint": ". Did you mean «{guess}»?",
        "partner_ids": ". The agreement's partners have these short names: {ids}",
        "partner_ref": "{title} must be a partner's short name (id) in lower-case letters a-z, digits, hyphens and underscores, not «{value}»{hint} ({path})",
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


# The rules' messages (rules.py), by code: the checks the schema cannot express.
RULES = {
    "da": {
        "PA101": "«{ref}» er ikke en af aftalens partnere. Brug et af disse id'er: {known} ({path})",
        "PA102": "Partner-id'et «{ref}» bruges af flere partnere. Hvert id skal være unikt ({path})",
        "PA103": "{name} har ingen rolle under «Roller, forventninger, forpligtelser og opgaver» (roles)",
        "PA104": "{name} bidrager ikke med noget: partneren har ingen ressourcer under «Ressourcer og minimumstidsforbrug» (resources) og er ikke nævnt under «Finansiering» (economy.financing)",
        "PA105": "{name} har ingen underskriver under «Underskrift» (signatures)",
        "PA106": "Aftalens varighed: Slutdatoen ({end}) skal ligge efter startdatoen ({start}) ({path})",
        "PA106_review": "Aftalens varighed: Datoen for, hvornår aftalen tages op ({review_by}), skal ligge efter startdatoen ({start}) ({path})",
        "PA107": "Tillægget er dateret {date}, uden for aftalens varighed ({start} til {end}) ({path})",
        "PA107_open": "Tillægget er dateret {date}, før aftalen begynder ({start}) ({path})",
        "PA108": "Aftalen er markeret som underskrevet (status: signed), men {who} mangler en dato ({path})",
        "PA109": "Aftalen er markeret som afsluttet (status: ended), men slutdatoen {end} er ikke passeret ({path})",
        "PA110": "Finansieringen ({financing}) svarer ikke til budgettet ({budget}){year} ({path})",
        "PA110_year": " for {year}",
        "PA111": "CVR-nummeret {cvr} er ikke gyldigt: kontrolcifferet passer ikke. Tjek det på virk.dk ({path})",
        "PA112": "Logoet «{file}» kan ikke bruges: {why} ({path})",
        "PA112_not_relative": "skriv stien til en fil i repositoriet set fra aftalens mappe, fx ../logos/logo.png",
        "PA112_outside": "stien fører uden for repositoriet",
        "PA112_missing": "filen findes ikke",
        "PA112_from_project": ". Stien regnes fra aftalens mappe: mente du «{up}»?",
        "PA112_too_large": "filen er større end 2 MB",
        "PA112_not_image": "filen er ikke et helt PNG- eller JPEG-billede",
        "PA112_too_many_pixels": "billedet har mere end 25 megapixel eller er over 16.384 pixel bredt eller højt; gem det i en mindre størrelse, fx 1000 pixel bredt",
        "PA115": "«{field}» passer ikke til en ressource af arten {kind}: {hint} ({path})",
        "PA115_hours": "skriv timerne i minimum_hours og per, eller med ord i hours_text, ikke begge dele",
        "PA115_in_kind": "lokaler, materialer og udstyr har en beskrivelse og evt. en værdi (value), ikke timer eller antal frivillige",
        "PA115_volunteers": "en gruppe frivillige har en beskrivelse, evt. et antal (people) og timer (minimum_hours og per), ikke en værdi",
        "PA115_hours_only": "timer har minimum_hours og per (eller hours_text); brug kind: in_kind til en værdi og kind: volunteers til et antal frivillige",
        "PA116": "Andelene (share) giver tilsammen {sum}, ikke 100 ({path})",
        "PA117": "Året {year} ligger uden for aftalens varighed ({start} til {end}) ({path})",
        "PA117_open": "Året {year} ligger før aftalen begynder ({start}) ({path})",
        "PA118": "År (fra og til): det første år ({first}) ligger efter det sidste ({last}) ({path})",
        "PA119": "Skriv enten «year» (ét år) eller «years» (fra og til), ikke begge ({path})",
        "PA120": "«{field}» passer ikke til betalingsformen {basis}: {hint} ({path})",
        "PA120_fixed": "et fast beløb har amount og evt. share; unit_price, unit, cap og condition hører til basis: per_result",
        "PA120_reimbursed": "ved betaling efter regning er amount loftet; share, unit_price, unit, cap og condition hører ikke til",
        "PA120_per_result": "en betaling pr. resultat har unit_price, unit, condition og evt. cap; amount og share hører ikke til",
        "PA121": "Et beløb, der regnes ud fra en andel, gælder hele budgettet. Skriv beløbet (amount), hvis andelen kun gælder bestemte år ({path})",
        "PA122": "Aftalen løber, indtil en part opsiger den (renewal.mode: until_terminated), så «{field}» skal slettes. {hint} ({path})",
        "PA122_end": "Der er ingen slutdato; skriv i review_by, hvornår parterne tager stilling til at fortsætte",
        "PA122_period": "Perioder og varsel hører til automatisk forlængelse; skriv varslet i termination",
        "PA123": "Tillægget forlænger aftalen til {extends_to}, men aftalen gælder allerede til {end}. En forlængelse skal ligge efter den slutdato, den forlænger ({path})",
        "PA123_open": "Aftalen løber, indtil en part opsiger den, så den kan ikke forlænges til en dato. Slet extends_to ({path})",
        "PA124": "Bilaget «{file}» kan ikke bruges: {why} ({path})",
        "PA124_too_large": "filen er større end 20 MB",
        "PA125": "Varslet ({notice}) skal være kortere end perioden, aftalen forlænges med ({period}) ({path})",
        "PA126": "Beløbet ({amount}) passer ikke til andelen: {share} af {pool} er {expected} ({path})",
        "PA126_budget": "budgettet ({amount})",
        "PA126_rest": "det, som de faste beløb ikke dækker ({amount})",
        "PA127": "Når partnerne står på hver sin side (side), skal hver partner have en side, og der skal være partnere på begge sider, a og b ({path})",
        "PA124_not_relative": "skriv stien til en fil i repositoriet set fra aftalens mappe, fx ../bilag/budget.pdf",
        "PA124_missing": "der er ingen fil med det navn (en mappe kan ikke være et bilag)",
        "PA092": "{message} ({path})",
        "PA201": "Alle partnere er fra samme sektor ({sector}). Ifølge vejledningen går partnerskaber på tværs af sektorer (partners)",
        "PA202": "Der er ingen faste møder. Vejledningen anbefaler regelmæssig kommunikation og hyppige statusmøder (organisation.meetings)",
        "PA203": "Der står ikke, hvilke beslutninger der træffes i fællesskab, og hvilke hver partner træffer selv (organisation.decisions)",
        "PA204": "Der står ikke, hvordan partnerskabet er forankret hos ledelse og bagland (anchoring)",
        "PA205": "{name} har aftalt timerne med ord («{text}»), ikke med et tal. Det kan ikke måles; skriv et mindste antal timer i minimum_hours og per, hvis I kan ({path})",
        "PA206": "Ingen partner forpligter sig til tid: der er hverken timer eller frivillige under «Ressourcer og minimumstidsforbrug». Vejledningen taler om «parternes levering af ressourcer (herunder minimumtidsforbrug)» (resources)",
        "PA207": "Tillægget af {date} forlænger aftalen, men aftalen sluttede allerede {end}. Aftalen har altså ikke gældt i perioden imellem ({path})",
        "PA208": "Fristen for målet ({deadline}) ligger efter aftalens slutdato ({end}) ({path})",
        "PA209": "{title}: « #» begynder en kommentar i YAML, så «#{comment}» kommer ikke med i aftalen. Skal det med, så sæt hele teksten i anførselstegn ({path})",
    },
    "en": {
        "PA101": "«{ref}» is not one of the partners to the agreement. Use one of these ids: {known} ({path})",
        "PA102": "The partner id «{ref}» is used by more than one partner. Each id must be unique ({path})",
        "PA103": "{name} has no role under «Roles, expectations, obligations and tasks» (roles)",
        "PA104": "{name} contributes nothing: the partner has no resources under «Resources and minimum time» (resources) and is not named under «Funding» (economy.financing)",
        "PA105": "{name} has no signatory under «Signatures» (signatures)",
        "PA106": "Duration of the agreement: the end date ({end}) must be after the start date ({start}) ({path})",
        "PA106_review": "Duration of the agreement: the review date ({review_by}) must be after the start date ({start}) ({path})",
        "PA107": "The amendment is dated {date}, outside the agreement's duration ({start} to {end}) ({path})",
        "PA107_open": "The amendment is dated {date}, before the agreement starts ({start}) ({path})",
        "PA108": "The agreement is marked as signed (status: signed), but {who} has no date ({path})",
        "PA109": "The agreement is marked as ended (status: ended), but the end date {end} has not passed ({path})",
        "PA110": "The funding ({financing}) does not match the budget ({budget}){year} ({path})",
        "PA110_year": " for {year}",
        "PA111": "The CVR number {cvr} is not valid: its check digit does not match. Check it on virk.dk ({path})",
        "PA112": "The logo «{file}» cannot be used: {why} ({path})",
        "PA112_not_relative": "give the path of a file in the repository, seen from the agreement's folder, e.g. ../logos/logo.png",
        "PA112_outside": "the path leads outside the repository",
        "PA112_missing": "the file does not exist",
        "PA112_from_project": ". The path starts at the agreement's folder: did you mean «{up}»?",
        "PA112_too_large": "the file is larger than 2 MB",
        "PA112_not_image": "the file is not a whole PNG or JPEG image",
        "PA112_too_many_pixels": "the image has more than 25 megapixels or is over 16,384 pixels wide or tall; save it smaller, e.g. 1000 pixels wide",
        "PA115": "«{field}» does not fit a resource of the kind {kind}: {hint} ({path})",
        "PA115_hours": "give the hours as minimum_hours and per, or in words as hours_text, not both",
        "PA115_in_kind": "premises, materials and equipment have a description and maybe a value, not hours or a number of volunteers",
        "PA115_volunteers": "a group of volunteers has a description, maybe a number (people) and hours (minimum_hours and per), not a value",
        "PA115_hours_only": "hours have minimum_hours and per (or hours_text); use kind: in_kind for a value and kind: volunteers for a number of volunteers",
        "PA116": "The shares add up to {sum}, not 100 ({path})",
        "PA117": "The year {year} lies outside the agreement's duration ({start} to {end}) ({path})",
        "PA117_open": "The year {year} lies before the agreement starts ({start}) ({path})",
        "PA118": "Years (from and to): the first year ({first}) is after the last ({last}) ({path})",
        "PA119": "Write either «year» (one year) or «years» (from and to), not both ({path})",
        "PA120": "«{field}» does not fit the basis {basis}: {hint} ({path})",
        "PA120_fixed": "a fixed amount has amount and maybe share; unit_price, unit, cap and condition belong to basis: per_result",
        "PA120_reimbursed": "when paid as billed, amount is the cap; share, unit_price, unit, cap and condition do not belong",
        "PA120_per_result": "a payment per result has unit_price, unit, condition and maybe cap; amount and share do not belong",
        "PA121": "An amount computed from a share covers the whole budget. Write the amount if the share applies to certain years only ({path})",
        "PA122": "The agreement runs until a partner terminates it (renewal.mode: until_terminated), so «{field}» must be removed. {hint} ({path})",
        "PA122_end": "There is no end date; give in review_by the date by which the partners decide whether to go on",
        "PA122_period": "Periods and notice belong to automatic renewal; write the notice in termination",
        "PA123": "The amendment extends the agreement to {extends_to}, but it already runs until {end}. An extension must be after the end it extends ({path})",
        "PA123_open": "The agreement runs until a partner terminates it, so it cannot be extended to a date. Remove extends_to ({path})",
        "PA124": "The annex «{file}» cannot be used: {why} ({path})",
        "PA124_too_large": "the file is larger than 20 MB",
        "PA125": "The notice ({notice}) must be shorter than the period the agreement is renewed for ({period}) ({path})",
        "PA126": "The amount ({amount}) does not match the share: {share} of {pool} is {expected} ({path})",
        "PA126_budget": "the budget ({amount})",
        "PA126_rest": "what the fixed amounts do not cover ({amount})",
        "PA127": "When the partners stand on two sides (side), every partner must have a side, and there must be partners on both sides, a and b ({path})",
        "PA124_not_relative": "give the path of a file in the repository, seen from the agreement's folder, e.g. ../bilag/budget.pdf",
        "PA124_missing": "there is no file of that name (a folder cannot be an annex)",
        "PA092": "{message} ({path})",
        "PA201": "All partners are from the same sector ({sector}). The guidance says partnerships cross sectors (partners)",
        "PA202": "There are no regular meetings. The guidance recommends regular communication and frequent status meetings (organisation.meetings)",
        "PA203": "The agreement does not say which decisions are made jointly and which by each partner (organisation.decisions)",
        "PA204": "The agreement does not say how the partnership is anchored with leadership and the organisations behind it (anchoring)",
        "PA205": "{name} agreed the hours in words («{text}»), not as a number. That cannot be measured; give a minimum number of hours in minimum_hours and per if you can ({path})",
        "PA206": "No partner commits time: there are neither hours nor volunteers under «Resources and minimum time». The guidance speaks of «the partners' delivery of resources (including minimum time)» (resources)",
        "PA207": "The amendment of {date} extends the agreement, but the agreement had already ended on {end}. So it did not apply in the period between ({path})",
        "PA208": "The goal's deadline ({deadline}) is after the agreement's end date ({end}) ({path})",
        "PA209": "{title}: « #» starts a comment in YAML, so «#{comment}» is not part of the agreement. If it should be, put the whole text in quotation marks ({path})",
    },
}

# Why git could not tell what a file looked like at a revision (history.py).
GIT_REASONS = {
    "da": {
        "no_git": "git er ikke installeret",
        "not_repository": "«{where}» ligger ikke i et git-repositorium",
        "bad_revision": "revisionen «{rev}» findes ikke i git (i CI: hent hele historikken, fx med "
        "actions/checkout og fetch-depth: 0)",
        "not_a_file": "«{path}» er ikke en fil i revisionen «{rev}»",
        "git_failed": "git fejlede: {detail}",
    },
    "en": {
        "no_git": "git is not installed",
        "not_repository": "«{where}» is not inside a git repository",
        "bad_revision": "the revision «{rev}» does not exist in git (in CI: fetch the whole history, e.g. "
        "actions/checkout with fetch-depth: 0)",
        "not_a_file": "«{path}» is not a file in the revision «{rev}»",
        "git_failed": "git failed: {detail}",
    },
}

# A signed agreement changed since a git revision without an amendment (history.py).
HISTORY = {
    "da": {
        "PA113": "Aftalen var underskrevet i {base}, men {what} er ændret uden et tillæg. Tilføj ændringen "
        "under changes.amendments med dato, beskrivelse og hvem der har godkendt den (changes.amendments)",
        "PA114": "Det kan ikke tjekkes, om aftalen er ændret siden {base}: {reason}",
        "and": "og",
    },
    "en": {
        "PA113": "The agreement was signed in {base}, but {what} {have} changed without an amendment. "
        "Add the change under changes.amendments with its date, a description and who approved it "
        "(changes.amendments)",
        "PA114": "Cannot check whether the agreement has changed since {base}: {reason}",
        "and": "and",
    },
}

# Seals (seal.py): an agreement signed but not sealed, changed since, or a broken seal.
SEAL = {
    "da": {
        "PA130": "Aftalen er underskrevet, men version {version} er ikke forseglet. Kør «python build.py seal {file}», så de underskrevne dokumenter gemmes i {archive}/ (status)",
        "PA131": "Aftalen er ændret, efter version {version} blev forseglet {date}: {what}. En underskreven aftale ændres med et tillæg under changes.amendments og forsegles igen med «python build.py seal {file}» ({path})",
        "PA132": "Den forseglede fil {name} passer ikke til forseglingen i {seal}: filen er ændret eller byttet ud. Hent den fra git-historikken (git checkout -- {name_path}){at}",
        "PA133": "Forseglingen {seal} kan ikke læses: {why}. Den skrives af «python build.py seal»; hent den fra git-historikken",
        "PA135": "Den forseglede fil {name} er {what} siden {base}. En forsegling skrives én gang og ændres eller slettes aldrig; hent filen tilbage fra git-historikken (git checkout {base} -- {name})",
        "file_changed": "ændret",
        "file_deleted": "slettet",
        "PA134": "Aftalen er forseglet (version {version} i {archive}/), men har status draft. En underskreven aftale bliver ikke et udkast igen: skriv ændringer som et tillæg under changes.amendments, og sæt status tilbage (status)",
        "seal_unreadable": "filen kan ikke læses",
        "seal_not_yaml": "den er ikke gyldig YAML",
        "seal_incomplete": "der mangler noget i den, noget er ændret, eller den ligger i en mappe med et andet versionsnummer",
        "removed": "feltet er fjernet",
        "added": "feltet er tilføjet",
        "changed": "værdien er ændret",
    },
    "en": {
        "PA130": "The agreement is signed, but version {version} is not sealed. Run «python build.py seal {file}» to keep the signed documents in {archive}/ (status)",
        "PA131": "The agreement was changed after version {version} was sealed on {date}: {what}. A signed agreement is changed by an amendment under changes.amendments and sealed again with «python build.py seal {file}» ({path})",
        "PA132": "The sealed file {name} does not match its seal in {seal}: the file was changed or replaced. Restore it from the git history (git checkout -- {name_path}){at}",
        "PA133": "The seal {seal} cannot be read: {why}. It is written by «python build.py seal»; restore it from the git history",
        "PA135": "The sealed file {name} has been {what} since {base}. A seal is written once and never changed or deleted; restore the file from the git history (git checkout {base} -- {name})",
        "file_changed": "changed",
        "file_deleted": "deleted",
        "PA134": "The agreement is sealed (version {version} in {archive}/), but has status draft. A signed agreement does not become a draft again: write changes as an amendment under changes.amendments, and set the status back (status)",
        "seal_unreadable": "the file cannot be read",
        "seal_not_yaml": "it is not valid YAML",
        "seal_incomplete": "something is missing or changed in it, or it lies in a folder with another version number",
        "removed": "the field was removed",
        "added": "the field was added",
        "changed": "the value was changed",
    },
}

# What a titled node says in an editor when a value does not fit it (yaml-language-server shows a
# node's `errorMessage` instead of its own English message).
EDITOR = {
    "object": "{title} er en gruppe af felter: {required} skal være med, og andre felter end {allowed} er ikke tilladt.",  # noqa: E501
    "object_open": "{title} er en gruppe af felter: {required} skal være med.",
    "object_nothing_required": "{title} er en gruppe af felter: andre felter end {allowed} er ikke tilladt.",
    "value": "{title}: {description}",
    "rule": "{title}: {required} skal være med, når {condition}.",
}


# The commands' own lines (Danish: the command line speaks Danish; messages about an agreement,
# above, follow its language). Those written before December 2026 are still beside their code.
# Why a file name is refused (text.name_fault), put into LOAD's bad_name and new_bad_name.
NAME_FAULTS = {
    "da": {
        "suffix": "det slutter ikke med .yaml eller .yml",
        "empty": "der står intet foran .{suffix}",
        "decomposed": "«{letter}» er skrevet som to tegn, et bogstav og en accent for sig. Skriv «{letter}» igen som ét tegn",
        "too_long": "navnet er {count} tegn langt, og højst 100 kan bruges",
        "space": "der er et mellemrum i det; brug bindestreg",
        "dot": "der er et punktum i det",
        "first": "det begynder med «{char}»; et navn begynder med et bogstav eller et tal",
        "char": "tegnet «{char}» ({code}) kan ikke bruges i et navn",
    },
    "en": {
        "suffix": "it does not end in .yaml or .yml",
        "empty": "there is nothing before .{suffix}",
        "decomposed": "«{letter}» is written as two characters, a letter and an accent apart. Type «{letter}» again as one character",
        "too_long": "the name is {count} characters long, and at most 100 can be used",
        "space": "there is a space in it; use a hyphen",
        "dot": "there is a full stop in it",
        "first": "it starts with «{char}»; a name starts with a letter or a digit",
        "char": "the character «{char}» ({code}) cannot be used in a name",
    },
}


COMMANDS = {
    "not_whole": "«{text}» er ikke et helt tal",
    "at_least": "skal være mindst {least}, ikke {number}",
    "none_found": "Ingen aftaler (*.yaml, *.yml) fundet i {where}.",
    "out_empty": "build.py: fejl: --out skal være navnet på en mappe",
    "out_mixes": "build.py: fejl: dokumenterne kan ikke lægges i {out}: det er roden af disken eller projektet, eller en mappe med aftaler, segl eller git. Vælg en mappe for sig, fx --out build",
    "out_unwritable": "build.py: fejl: der kan ikke skrives i mappen {out}: {reason}",
    "output_lost": "build.py: fejl: udskriften kunne ikke skrives: {reason}",
    "watch_restarted": "Forhåndsvisningen holder øje med filerne igen efter en fejl: {detail}",
    "cannot_create": "{target}: kan ikke oprettes: {reason}",
    "sign_failed": "build.py: fejl: {message}",
    "sign_unreadable": "{file} kan ikke læses: {reason}",
    "sign_not_sealed": "{file} er ikke en forseglet PDF fra dette repositorium. Kun den forseglede udgave underskrives: forsegl aftalen med «python build.py seal AFTALE» og underskriv PDF'en i {archive}/",
    "sign_changed": "{file} er ændret efter forseglingen, eller en underskrift er ikke intakt; kør «python build.py verify {file}»",
    "sign_password_where": "skriv adgangskoden til certifikatet, når du bliver spurgt (i en terminal), eller sæt den i miljøvariablen {variable}. Den kan ikke gives på kommandolinjen",
    "sign_password_prompt": "Adgangskode til {certificate}: ",
    "sign_exists": "{target} findes allerede og bliver ikke overskrevet; vælg et andet navn med --out",
    "sign_certificate": "{certificate}: {detail}",
    "sign_not_made": "underskriften kunne ikke laves ({kind}: {detail})",
    "sign_not_written": "{target} kunne ikke skrives: {reason}",
    "sign_done": "Underskrevet af {signer}: {target}\nKontrollér den med «python build.py verify {target}».",
    "status_nothing": "Ingen aftaler kræver opmærksomhed ({reviewed}, {days} frem).",
    "status_reviewed": "{n} gennemgået",
    "status_unreadable": "{name}: kan ikke læses som en gyldig aftale; kør python build.py validate",
    "bad_epoch": "build.py: fejl: SOURCE_DATE_EPOCH skal være et helt antal sekunder siden 1. januar 1970, højst år 9999 (fx 1767225600), ikke «{value}». Ret eller fjern variablen",
    "register_not_written": "build.py: fejl: overblikket kunne ikke skrives{where}: {reason}",
    "seal_has_problems": "{file} kan ikke forsegles, før problemerne er rettet.",
    "seal_not_signed": "{file} har status «{status}». Kun en underskrevet aftale (status: signed) forsegles: sæt status, når alle har skrevet under, og kør seal igen.",
    "seal_files_differ": "Version {number} af {file} er forseglet, men disse filer passer ikke til forseglingen: {names}. Hent dem fra git-historikken.",
    "seal_already": "Version {number} af {file} er allerede forseglet ({folder}).",
    "seal_other_content": "Version {number} af {file} er forseglet med et andet indhold. En ændring af en underskreven aftale er et tillæg: skriv det under changes.amendments, så aftalen får et nyt versionsnummer, og forsegl igen.",
    "seal_not_built": "{file} kunne ikke bygges, så den er ikke forseglet.",
    "seal_not_written": "build.py: fejl: {file} kunne ikke forsegles: {reason}",
    "seal_done": "Version {number} af {file} er forseglet i {folder}.",
    "seal_add_to_git": "Læg mappen i git sammen med aftalen (git add), så den forseglede udgave er den, der gælder.",
    "verify_unreadable": "build.py: fejl: {file} kan ikke læses: {reason}",
    "verify_bad_trust": "build.py: fejl: --trust: {detail}",
    "verify_unknown": "{file} er IKKE et forseglet dokument fra dette repositorium: ingen forsegling i {archive}/ har\nfilens SHA-256. Den kan være ændret efter forseglingen eller komme et andet sted fra.",
    "verify_more_than_signatures": "{file} begynder med den forseglede PDF af «{title}», version {version}, men\nbagefter er der ændret eller tilføjet andet end underskrifter: det er ikke den forseglede aftale.",
    "verify_sealed": "{file} er {signed}den forseglede {what} af «{title}» ({agreement}), version {version}, forseglet {sealed}.",
    "verify_signed_copy": "en underskrevet udgave af ",
    "verify_kind_pdf": "PDF",
    "verify_kind_docx": "DOCX-fil",
    "verify_kind_html": "HTML-side",
    "verify_damaged": "Underskrifterne kan ikke kontrolleres: filen er beskadiget eller ændret.",
    "verify_broken": "BRUDT: det underskrevne indhold er ændret, eller underskriften passer ikke",
    "verify_changed_after": "intakt, men filen er ændret efter underskriften med andet end underskrifter",
    "verify_intact": "intakt",
    "verify_issuer_unchecked": "udstederen er ikke kontrolleret (angiv udstederens certifikat med --trust)",
    "verify_trusted": "certifikatet er udstedt af en betroet udsteder",
    "verify_untrusted": "certifikatet er IKKE udstedt af en af de angivne udstedere",
    "verify_signature": "Underskrift {number}: {signer}, {when}: {state}; {trust}.",
    "new_bad_name": "build.py new: fejl: «{name}» kan ikke bruges som navn: {why}. Brug bogstaver (også æ, ø og å), tal, bindestreg og understreg, fx fjordby-familievenner",
    "new_reserved": "build.py new: fejl: «{name}» kan ikke bruges som navn. Navnet bruges af overblikket (index.html, agreements.csv og agreements.json)",
    "new_namesake": "{target}: kan ikke oprettes: {other} findes allerede og ville give de samme dokumenter (.yaml og .yml giver samme navn). Vælg et andet navn.",
    "new_namesake_case": "{target}: kan ikke oprettes: {other} findes allerede og ville give de samme dokumenter (store og små bogstaver regnes for ens). Vælg et andet navn.",
    "new_exists": "{target}: findes allerede. Vælg et andet navn; en eksisterende aftale overskrives aldrig.",
    "new_created": "Oprettede {target}. Udfyld felterne markeret UDFYLD, og tjek med: python build.py validate {target}",
    "no_password": "der blev ikke skrevet nogen adgangskode; intet er underskrevet",
    "certificate_unreadable": "certifikatet {name} kan ikke læses: {reason}",
    "sign_expired": "certifikatet udløb {day}; brug et gyldigt certifikat",
    "sign_usage": "certifikatet er ikke til at skrive under med: {why}. Brug et certifikat til digital signatur, fx en medarbejdersignatur",
    "verify_usage": "certifikatet er IKKE til at skrive under med: {why}",
    "usage_key": "dets nøglebrug (key usage) tillader ikke digitale signaturer",
    "usage_purpose": "det er udstedt til andre formål (extended key usage), fx til en webserver",
    "sign_not_yet": "certifikatet gælder først fra {day}",
    "verify_expired": "certifikatet udløb {day} og kan ikke kontrolleres som betroet",
    "verify_not_yet": "certifikatet gælder først fra {day} og kan ikke kontrolleres som betroet",
    "strict_warnings": "--strict: advarslerne ovenfor tæller som fejl, så tjekket fejler.",
    "tool_fault": "build.py: uventet fejl i selve værktøjet, ikke i aftalerne ({kind}). {where}",
    "tool_fault_file": "Detaljerne er gemt i {path}; send filen til dem, der vedligeholder værktøjet.",
    "tool_fault_no_file": "Detaljerne står herunder; send dem til dem, der vedligeholder værktøjet.",
}
