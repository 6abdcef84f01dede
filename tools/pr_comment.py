"""Post the Danish change summary as one pull-request comment, updated in place on each push.

    python3 tools/pr_comment.py --repo OWNER/NAME --pr NUMBER --head-repo OWNER/NAME SUMMARY.md

The comment starts with a hidden marker. A comment by the workflow's bot that starts with it is
edited (PATCH); without one, a new comment is created (POST). A comment by anyone else is never
touched, not even one that quotes ours (a quote starts with «> », not with the marker). A pull
request from a fork gets no comment: its token may not write, and the summary stays on the
run's Summary page. Standard library only, so the workflow runs it without installing anything;
GitHub is reached through the `gh` command line, which reads GH_TOKEN.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

MARKER = "<!-- partnerskab-pr-summary -->"
BOT = "github-actions[bot]"  # who writes with the workflow's GITHUB_TOKEN
LIMIT = 65536  # GitHub refuses a longer comment body
CUT = "\n\n… Oversigten er for lang til en kommentar; se den hele under *Summary* på kørslens side.\n"


class GhError(Exception):
    """A `gh` call that failed: the message says what, in Danish."""


def body(summary: str) -> str:
    """The comment: the marker, then the summary, cut to fit GitHub's limit."""
    text = f"{MARKER}\n{summary.rstrip()}\n"
    if len(text) <= LIMIT:
        return text
    return text[: LIMIT - len(CUT)].rstrip() + CUT


def gh(args: list[str], stdin: str | None = None) -> str:
    try:
        done = subprocess.run(["gh", *args], input=stdin or "", capture_output=True, text=True, timeout=120)
    except FileNotFoundError:
        raise GhError("kommandoen gh (GitHub CLI) findes ikke på denne computer") from None
    except subprocess.TimeoutExpired:
        raise GhError(f"gh {args[0]} svarede ikke inden for 120 sekunder") from None
    if done.returncode != 0:
        reason = done.stderr.strip() or done.stdout.strip() or f"slutkode {done.returncode}"
        raise GhError(f"gh {' '.join(args[:3])} mislykkedes: {reason}")
    return done.stdout


def pages(text: str) -> list:
    """`gh api --paginate` prints one JSON array per page, one after the other: read them all."""
    decoder, items, at = json.JSONDecoder(), [], 0
    while at < len(text):
        if text[at].isspace():
            at += 1
            continue
        try:
            page, at = decoder.raw_decode(text, at)
        except json.JSONDecodeError as exc:
            raise GhError(f"gh api svarede ikke med JSON: {exc.msg}") from None
        if not isinstance(page, list):
            raise GhError("gh api svarede ikke med en liste af kommentarer")
        items += page
    return items


def ours(comment) -> bool:
    return (
        isinstance(comment, dict)
        and isinstance(comment.get("body"), str)
        and comment["body"].startswith(MARKER)
        and (comment.get("user") or {}).get("login") == BOT
    )


def post_or_update(repo: str, pr: int, summary: str) -> str:
    """Edit our comment if there is one, else create it. Returns what was done, in Danish."""
    listed = gh(["api", "--paginate", f"repos/{repo}/issues/{pr}/comments?per_page=100"])
    found = [c for c in pages(listed) if ours(c)]
    payload = json.dumps({"body": body(summary)}, ensure_ascii=False)
    if found:
        comment_id = int(found[0]["id"])  # a number in GitHub's answer; never a path of its own
        gh(
            ["api", "--method", "PATCH", f"repos/{repo}/issues/comments/{comment_id}", "--input", "-"],
            payload,
        )
        return f"Kommentaren med ændringerne er opdateret (id {comment_id})."
    gh(["api", "--method", "POST", f"repos/{repo}/issues/{pr}/comments", "--input", "-"], payload)
    return "Kommentaren med ændringerne er oprettet."


USAGE = "brug: pr_comment.py --repo EJER/NAVN --pr NUMMER --head-repo EJER/NAVN FIL"
HELP = """Skriv oversigten over ændringerne (FIL, fra build.py diff) som én kommentar på pull
request NUMMER i repositoriet --repo, eller ret den, der står der. Kommer ændringerne fra en
fork (--head-repo er et andet repository), skrives intet. Kræver gh og GH_TOKEN."""


def arguments(argv: list[str]) -> dict[str, str] | None:
    """The three options and the file, or None when something is missing or unknown. Not
    argparse: its messages are English, and this script cannot load the project's Danish ones."""
    given: dict[str, str] = {}
    files = []
    words = iter(argv)
    for word in words:
        if word in ("--repo", "--pr", "--head-repo"):
            value = next(words, None)
            if value is None:
                return None
            given[word] = value
        elif word.startswith("-"):
            return None
        else:
            files.append(word)
    if len(given) != 3 or len(files) != 1 or not given["--pr"].isdigit():
        return None
    return {
        "repo": given["--repo"],
        "pr": given["--pr"],
        "head_repo": given["--head-repo"],
        "summary": files[0],
    }


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv in (["-h"], ["--help"]):
        print(f"{USAGE}\n\n{HELP}")
        return 0
    args = arguments(argv)
    if args is None:
        print(USAGE, file=sys.stderr)
        print("pr_comment.py: fejl: angiv --repo, --pr (et tal), --head-repo og én fil", file=sys.stderr)
        return 2
    if args["head_repo"] != args["repo"]:
        print("Pull requesten kommer fra en fork: ingen kommentar, oversigten står under Summary.")
        return 0
    try:
        summary = Path(args["summary"]).read_text(encoding="utf-8")
    except FileNotFoundError:
        print(f"pr_comment.py: fejl: {args['summary']} findes ikke", file=sys.stderr)
        return 1
    except (OSError, UnicodeDecodeError):
        print(f"pr_comment.py: fejl: {args['summary']} kan ikke læses som UTF-8-tekst", file=sys.stderr)
        return 1
    try:
        print(post_or_update(args["repo"], int(args["pr"]), summary))
    except GhError as exc:
        print(f"pr_comment.py: fejl: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
