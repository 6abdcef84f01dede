#!/usr/bin/env python3
"""Benchmark: how close the build comes to the floor that pandoc and Typst set.

    .venv/bin/python bench/bench.py [--count 200] [--validate 1000] [--jobs N]

It writes N realistic agreements (varied in size) into a temporary copy of the project, then
measures and prints, each as a ratio to its reference:

  (a) the floor: the raw pandoc and Typst calls, replayed one by one on the intermediate files
      the build produced (PARTNERSKAB_KEEP_INTERMEDIATE);
  (b) a cold full build with --jobs 1 and with the default jobs;
  (c) a no-op rebuild;
  (d) a rebuild after one agreement changes, and after a template changes;
  (e) validating 1000 agreements, against check-jsonschema on the same files;
  (f) the peak memory of the whole build (all processes), sampled from /proc.

This is a measurement, not a test: nothing here fails. See the README for the targets.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import typst  # noqa: E402
import yaml  # noqa: E402

from partnerskab.load import load  # noqa: E402
from partnerskab.render import PDF_OPTIONS, pandoc_command, pandoc_environment  # noqa: E402

WORDS = (
    "partnerskab frivillige familier kommunen foreningen børn unge støtte netværk samarbejde "
    "aktiviteter koordinator møder indsats fællesskab hverdag ansvar udvikling læring trivsel"
).split()


class Quoted(yaml.SafeDumper):
    """Quote every string, so YAML 1.1 and 1.2 readers agree on what is text; no aliases."""

    def ignore_aliases(self, data):
        return True


Quoted.add_representer(str, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", v, style='"'))


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def agreement(rng: random.Random, number: int, examples: list[dict]) -> dict:
    """A valid agreement, built from an example and varied in size and content."""
    data = copy.deepcopy(examples[number % len(examples)])
    data["title"] = f"{data['title']} {number}"
    size = rng.choice([1, 1, 2, 3, 5])
    for field in ("vision", "aim", "task", "target_group"):
        data["purpose"][field] = " ".join(sentence(rng, rng.randint(8, 20)) for _ in range(size))
    activity = data["activities"][0]
    data["activities"] = [
        {**activity, "name": f"Aktivitet {i + 1}", "description": sentence(rng, 30 * size)}
        for i in range(size + 1)
    ]
    items = [
        {"item": f"Post {i + 1}: {sentence(rng, 4)}", "amount": rng.randrange(1000, 200000, 1000)}
        for i in range(rng.choice([2, 4, 8, 20, 40]))
    ]
    data["economy"]["budget"] = items
    first = data["partners"][0]["id"]
    # A partner that only funds (no resources) keeps a financing row of its own.
    funders = [p["id"] for p in data["partners"] if p["id"] not in {r["partner"] for r in data["resources"]}]
    total = sum(i["amount"] for i in items)
    data["economy"]["financing"] = [
        {"source": "Samlet finansiering", "partner": first, "amount": total - 1000 * len(funders)}
    ] + [{"source": f"Bevilling fra {pid}", "partner": pid, "amount": 1000} for pid in funders]
    if "changes" in data:
        data["changes"].pop("amendments", None)
    return data


def write_project(folder: Path, count: int, seed: int = 1) -> list[Path]:
    for name in ("build.py", "partnerskab", "schema", "templates", "logos", "bilag"):
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, folder / name)
    (folder / "agreements").mkdir()
    examples = [load(p).data for p in sorted((ROOT / "agreements").glob("*.yaml"))]
    rng = random.Random(seed)
    paths = []
    for number in range(count):
        path = folder / "agreements" / f"aftale-{number:04d}.yaml"
        text = "# yaml-language-server: $schema=../schema/partnership-agreement.schema.json\n"
        path.write_text(
            text
            + yaml.dump(agreement(rng, number, examples), Dumper=Quoted, allow_unicode=True, sort_keys=False),
            encoding="utf-8",
        )
        paths.append(path)
    return paths


def _pss(proc: Path) -> int:
    try:
        for text in (proc / "smaps_rollup").read_text().splitlines():
            if text.startswith("Pss:"):
                return int(text.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


class PeakMemory:
    """The largest total memory of a process and all its descendants, sampled 20 times a second.

    Counted as PSS (proportional set size): a page shared by several processes, such as pandoc's
    program text or the pages a forked worker shares with its parent, counts once in the total.
    Adding up RSS would count the 90 MB pandoc binary once per running pandoc."""

    def __init__(self, pid: int):
        self.pid, self.peak, self.peak_ours, self._stop = pid, 0, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _tree(self) -> tuple[int, int]:
        """(all processes, our Python processes), in bytes."""
        children: dict[int, list[int]] = {}
        rss: dict[int, int] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
            rss[int(entry.name)] = entry
        total = ours = 0
        todo = [self.pid]
        while todo:
            pid = todo.pop()
            if pid in rss:
                size = _pss(rss[pid])
                total += size
                try:
                    program = (rss[pid] / "cmdline").read_bytes().split(b"\0")[0]
                except OSError:
                    program = b""
                # ours: the Python processes (a process between fork and exec, or exiting,
                # may show no command line; it is counted in the total only)
                ours += size if b"python" in program.rsplit(b"/", 1)[-1] else 0
            todo.extend(children.get(pid, []))
        return total, ours

    def _run(self):
        while not self._stop.is_set():
            total, ours = self._tree()
            self.peak, self.peak_ours = max(self.peak, total), max(self.peak_ours, ours)
            time.sleep(0.05)

    def stop(self) -> tuple[int, int]:
        self._stop.set()
        self._thread.join()
        return self.peak, self.peak_ours


def run(
    command: list[str], cwd: Path, env: dict | None = None, memory: bool = False
) -> tuple[float, str, int]:
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    meter = PeakMemory(process.pid) if memory else None
    output, _ = process.communicate()
    elapsed = time.perf_counter() - started
    peak = meter.stop() if meter else (0, 0)
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed:\n{output}")
    return elapsed, output, peak


def floor(intermediate: Path) -> tuple[float, float]:
    """(pandoc seconds, Typst seconds): the tools' own calls, one agreement after another."""
    pandoc_time = typst_time = 0.0
    for folder in sorted(p for p in intermediate.iterdir() if p.is_dir()):
        stamp = int((folder / "stamp").read_text())
        inputs = {
            "json": (folder / "agreement.md").read_bytes(),
            "tree": (folder / "agreement.json").read_bytes(),
        }
        for step in ("json", "html", "docx", "typst"):
            started = time.perf_counter()
            subprocess.run(
                pandoc_command(folder, step),
                input=inputs["json" if step == "json" else "tree"],
                capture_output=True,
                check=True,
                cwd=folder,
                env=pandoc_environment(stamp),
            )
            pandoc_time += time.perf_counter() - started
        started = time.perf_counter()
        typst.compile(str(folder / "agreement.typ"), root=str(folder), timestamp=stamp, **PDF_OPTIONS)
        typst_time += time.perf_counter() - started
    return pandoc_time, typst_time


def line(label: str, seconds: float, reference: float, target: str, ok: bool | None = None) -> None:
    ratio = seconds / reference if reference else float("inf")
    verdict = "" if ok is None else ("  ok" if ok else "  OVER TARGET")
    print(f"{label:<46} {seconds:8.2f} s   ratio {ratio:6.2f}   target {target}{verdict}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--validate", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    python = sys.executable
    cores = args.jobs
    with tempfile.TemporaryDirectory(prefix="partnerskab-bench-") as tmp:
        project = Path(tmp)
        paths = write_project(project, args.count)
        build = [python, str(project / "build.py"), "build"]
        print(f"{args.count} agreements, {cores} jobs by default, {os.cpu_count()} cores\n")

        cold1, _, _ = run(
            [*build, "--jobs", "1", "--out", "out1"],
            project,
            env={"PARTNERSKAB_KEEP_INTERMEDIATE": str(project / "intermediate")},
        )
        pandoc_s, typst_s = floor(project / "intermediate")
        floor_s = pandoc_s + typst_s
        print(
            f"(a) floor: pandoc {pandoc_s:.2f} s + Typst {typst_s:.2f} s = {floor_s:.2f} s; "
            f"÷ {cores} cores = {floor_s / cores:.2f} s"
        )
        cold, output, peak = run([*build, "--jobs", str(cores), "--out", "build"], project, memory=True)
        if not output.strip().splitlines()[-1].startswith(f"Bygget: {args.count},"):
            raise SystemExit(f"the generated agreements did not all build:\n{output[-3000:]}")
        line(
            "(b) cold full build, default jobs / (floor ÷ cores)",
            cold,
            floor_s / cores,
            "≤ 1.25",
            cold / (floor_s / cores) <= 1.25,
        )
        line("    cold full build, --jobs 1 / floor", cold1, floor_s, "(overhead)")
        speedup = cold1 / cold
        print(
            f"{'    --jobs ' + str(cores) + ' against --jobs 1: faster by':<46} {speedup:8.2f} ×"
            f"{'':15}target ≥ 1.7{'  ok' if speedup >= 1.7 else '  UNDER TARGET'}"
        )
        noop, _, _ = run(build, project)
        line("(c) no-op rebuild (seconds)", noop, 1.0, "< 1 s", noop < 1.0)

        changed = paths[len(paths) // 2]
        changed.write_text(
            changed.read_text(encoding="utf-8").replace("Aktivitet 1", "Aktivitet 1b", 1), encoding="utf-8"
        )
        one, output, _ = run(build, project)
        alone, _, _ = run([*build, str(changed), "--out", "alone"], project)
        line("(d) one agreement changed / that one alone", one, alone, "≤ 1.5", one / alone <= 1.5)
        css = project / "templates" / "pandoc" / "agreement.css"
        css.write_text(css.read_text(encoding="utf-8") + "\n/* benchmark */\n", encoding="utf-8")
        template, output, _ = run(build, project)
        summary = output.strip().splitlines()[-1]
        everything = summary.startswith(f"Bygget: {args.count},")
        line("    template changed / cold full build", template, cold, "rebuilds all", everything)
        print(f"{'':50}{summary}")

        folder = project / "validate"
        folder.mkdir()
        for number in range(args.validate):
            shutil.copy(paths[number % len(paths)], folder / f"v-{number:04d}.yaml")
        files = sorted(str(p) for p in folder.iterdir())
        ours, _, _ = run([python, str(project / "build.py"), "validate", *files], project)
        checker = Path(python).with_name("check-jsonschema")
        theirs, _, _ = run(
            [
                str(checker),
                "--schemafile",
                str(project / "schema" / "partnership-agreement.schema.json"),
                *files,
            ],
            project,
        )
        line(f"(e) validate {args.validate} / check-jsonschema", ours, theirs, "≤ 0.5", ours / theirs <= 0.5)
        memory_all, memory_ours = peak
        print(
            f"{'(f) peak memory (PSS), our processes':<46} {memory_ours / 1e6:8.1f} MB   "
            f"target < 300 MB{'  ok' if memory_ours < 300e6 else '  OVER TARGET'}"
        )
        print(
            f"{'    ... with the pandoc processes':<46} {memory_all / 1e6:8.1f} MB   (pandoc: ~100 MB a run)"
        )
        print(
            json.dumps(
                {
                    "count": args.count,
                    "cores": cores,
                    "floor_s": round(floor_s, 2),
                    "cold_s": round(cold, 2),
                    "cold_jobs1_s": round(cold1, 2),
                    "noop_s": round(noop, 2),
                    "one_changed_s": round(one, 2),
                    "alone_s": round(alone, 2),
                    "template_s": round(template, 2),
                    "validate_s": round(ours, 2),
                    "check_jsonschema_s": round(theirs, 2),
                    "peak_mb": round(memory_all / 1e6, 1),
                    "peak_ours_mb": round(memory_ours / 1e6, 1),
                }
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
