"""The repeatable mutation run of issue 14: mutmut 3 over the pure pipeline modules.

Why a script around mutmut: the score the docs quote must come from one command anybody can
rerun, per module (a full run is hours of CPU on 2 cores, so it is done module by module and
mutmut keeps every verdict in ``mutants/`` between runs), and it must list every survivor by
name so each one is either killed by a test or explained in docs/mutation.md.

What is mutated and which tests run is configured in pyproject.toml ``[tool.mutmut]``: the
modules of the issue, against the fast tests (``-m "not adb"``). mutmut 3 mutates the bodies
of functions and methods only; module-level constants and dataclass fields are not mutated.
Not part of CI (``.ci/run`` never calls it); install with ``pip install -e '.[mutation]'``.

    nice python bench/mutation.py                      # every module (about a day on 2 cores)
    nice python bench/mutation.py classify textsafe    # only these (audit.classify*, ...)
    nice python bench/mutation.py --sample 150         # a seeded random sample per module
    python bench/mutation.py --report-only             # summarise what mutants/ holds
    python bench/mutation.py --report-only --diffs     # ... with each survivor's diff

The summary goes to stdout and bench/results/mutation.json.

Why a sample: about 8,600 mutants at several seconds of tests each take far longer than a
session on 2 cores. A seeded uniform sample of each module's mutants (``--sample N``, saved in
bench/results/mutation-sample.json so the report and a rerun use the same one) estimates each
module's score with a 95% interval; the report then counts only sampled mutants.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MUTANTS = ROOT / "mutants"
RESULTS = ROOT / "bench" / "results" / "mutation.json"
SAMPLE = ROOT / "bench" / "results" / "mutation-sample.json"
# The modules of issue 14, as mutmut names them (dotted, "audit." prefix); parse/ and report/
# are packages, matched by prefix.
MODULES = ("assess", "classify", "parse", "report", "textsafe", "policy")

# mutmut's exit-code -> status table (mutmut/stats.py), kept here so a report needs no import
# of mutmut (which reads its config at import time).
_STATUS = {
    1: "killed", 3: "killed", 0: "survived", 5: "no tests", 2: "interrupted", None: "not checked",
    33: "no tests", 34: "skipped", 35: "suspicious", 36: "timeout", 37: "caught by type check",
    -24: "timeout", 24: "timeout", 152: "timeout", 255: "timeout", -11: "segfault", -9: "segfault",
}
# A timeout is a detected mutant (the mutant made a test hang, and a hang fails the run).
_DETECTED = {"killed", "timeout", "caught by type check"}


def load_verdicts() -> dict[str, str]:
    """mutant name -> status, from every ``mutants/audit/**.meta`` mutmut wrote."""
    verdicts: dict[str, str] = {}
    for meta in sorted((MUTANTS / "audit").rglob("*.py.meta")):
        data = json.loads(meta.read_text(encoding="utf-8"))
        for name, code in data.get("exit_code_by_key", {}).items():
            verdicts[name] = _STATUS.get(code, "suspicious")
    return verdicts


def module_of(name: str) -> str:
    """``audit.parse.users.x_parse__mutmut_3`` -> ``parse``; ``audit.classify.x...`` -> ``classify``."""
    parts = name.split(".")
    return parts[1] if len(parts) > 2 else name


def summarise(verdicts: dict[str, str], modules: tuple[str, ...]) -> dict[str, object]:
    per_module: dict[str, Counter[str]] = {m: Counter() for m in modules}
    survivors: list[str] = []
    for name, status in verdicts.items():
        module = module_of(name)
        if module not in per_module:
            continue
        per_module[module][status] += 1
        if status in ("survived", "no tests", "suspicious", "segfault"):
            survivors.append(name)

    def score(counts: Counter[str]) -> float | None:
        checked = sum(n for status, n in counts.items() if status not in ("not checked", "skipped"))
        detected = sum(counts[status] for status in _DETECTED)
        return round(100.0 * detected / checked, 1) if checked else None

    def interval(counts: Counter[str]) -> list[float] | None:
        """Wilson 95% interval of the score, for a sample."""
        n = sum(v for status, v in counts.items() if status not in ("not checked", "skipped"))
        if not n:
            return None
        p, z = sum(counts[status] for status in _DETECTED) / n, 1.96
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        return [round(100 * (centre - half), 1), round(100 * (centre + half), 1)]

    total: Counter[str] = Counter()
    for counts in per_module.values():
        total.update(counts)
    return {
        "modules": {m: {"counts": dict(c), "score_percent": score(c), "interval_95": interval(c)}
                    for m, c in per_module.items()},
        "total": {"counts": dict(total), "score_percent": score(total), "interval_95": interval(total)},
        "survivors": sorted(survivors),
    }


def run_mutmut(patterns: list[str], max_children: int) -> int:
    mutmut = shutil.which("mutmut", path=str(Path(sys.executable).parent)) or shutil.which("mutmut")
    if mutmut is None:
        print("mutmut is not installed: pip install -e '.[mutation]'", file=sys.stderr)
        return 2
    return subprocess.run([mutmut, "run", "--max-children", str(max_children), *patterns], cwd=ROOT, check=False).returncode


def draw_sample(verdicts: dict[str, str], modules: tuple[str, ...], size: int, seed: int) -> list[str]:
    """``size`` mutants of each module (all when it has fewer), uniformly at random from ``seed``;
    a larger size keeps the smaller sample (the first ``size`` of one seeded shuffle)."""
    chosen: list[str] = []
    for module in modules:
        names = sorted(n for n in verdicts if module_of(n) == module)
        random.Random(f"{seed}:{module}").shuffle(names)
        chosen += names[:size]
    return sorted(chosen)


def sampled(verdicts: dict[str, str]) -> dict[str, str]:
    """Only the mutants of the saved sample, when there is one."""
    if not SAMPLE.is_file():
        return verdicts
    names = set(json.loads(SAMPLE.read_text(encoding="utf-8"))["mutants"])
    return {n: s for n, s in verdicts.items() if n in names}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", choices=[[], *MODULES], default=[], metavar="MODULE",
                        help=f"some of {', '.join(MODULES)} (default: all)")
    parser.add_argument("--max-children", type=int, default=2, help="parallel mutant runs (default 2)")
    parser.add_argument("--report-only", action="store_true", help="only summarise the verdicts in mutants/")
    parser.add_argument("--diffs", action="store_true", help="print each survivor's diff (mutmut show)")
    parser.add_argument("--sample", type=int, metavar="N",
                        help="check a seeded random sample of N mutants per module (saved; the report counts only it)")
    parser.add_argument("--seed", type=int, default=14, help="the sample's seed (default 14)")
    parser.add_argument("--all", action="store_true", help="report every mutant, ignoring a saved sample")
    parser.add_argument("--recheck", action="store_true",
                        help="rerun the saved sample's undetected mutants (survivors, no tests, not checked) "
                             "against the tests as they are now")
    args = parser.parse_args()
    modules = tuple(args.modules) or MODULES
    if not args.report_only:
        patterns = [f"audit.{m}*" for m in modules]
        if args.recheck:
            verdicts = sampled(load_verdicts())
            patterns = sorted(n for n, status in verdicts.items()
                              if module_of(n) in modules and status not in _DETECTED)
            print(f"rechecking {len(patterns)} mutant(s)", file=sys.stderr)
        elif args.sample:
            if not load_verdicts():  # mutmut writes its mutants on the first run: make them (20 mutants)
                run_mutmut(["audit.textsafe*"], args.max_children)
            verdicts = load_verdicts()
            chosen = draw_sample(verdicts, modules, args.sample, args.seed)
            SAMPLE.parent.mkdir(parents=True, exist_ok=True)
            SAMPLE.write_text(json.dumps({"seed": args.seed, "per_module": args.sample, "modules": list(modules),
                                          "mutants": chosen}, indent=1) + "\n", encoding="utf-8")
            # verdicts already recorded stand (rerun survivors by name after adding tests)
            patterns = [n for n in chosen if verdicts[n] == "not checked"]
            if not patterns:
                print("every sampled mutant is checked already", file=sys.stderr)
        code = run_mutmut(patterns, args.max_children) if patterns else 0
        if code != 0:
            print(f"mutmut run exited with {code}", file=sys.stderr)
    if not MUTANTS.is_dir():
        print("no mutants/ directory: run without --report-only first", file=sys.stderr)
        return 2
    verdicts = load_verdicts() if args.all else sampled(load_verdicts())
    summary = summarise(verdicts, modules)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    modules_summary = summary["modules"]
    assert isinstance(modules_summary, dict)
    for module, entry in [*modules_summary.items(), ("TOTAL", summary["total"])]:
        counts = ", ".join(f"{status} {n}" for status, n in sorted(entry["counts"].items()))
        shown = f" (95% interval {entry['interval_95'][0]}-{entry['interval_95'][1]}%)" if entry["interval_95"] else ""
        print(f"{module:10} score {entry['score_percent']}%{shown}  ({counts})")
    survivors = summary["survivors"]
    assert isinstance(survivors, list)
    print(f"{len(survivors)} survivor(s)")
    for name in survivors:
        print(f"  {name}")
        if args.diffs:
            mutmut = shutil.which("mutmut", path=str(Path(sys.executable).parent)) or "mutmut"
            shown = subprocess.run([mutmut, "show", name], cwd=ROOT, capture_output=True, text=True, check=False)
            print("\n".join("    " + line for line in shown.stdout.splitlines()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
