#!/usr/bin/env python3
"""Mutation testing of the engine modules with mutmut 3 (docs/testing.md).

    python scripts/mutation.py                       # every module of MODULES
    python scripts/mutation.py engine.units charging.energy --jobs 2
    python scripts/mutation.py engine.composite --workdir scratch-dir   # keep mutmut's cache there
    python scripts/mutation.py engine.store --ref HEAD --include tests/test_state.py

Modules are named by their dotted path below `smartcharge` (``engine.units`` is src/smartcharge/engine/units.py).

It copies the repository (tracked and untracked, not ignored, files; or a commit's tree with `--ref`) into a
scratch directory so mutmut's ``mutants/`` tree never lands in the checkout, narrows ``[tool.mutmut]
only_mutate`` to the chosen modules, runs ``mutmut run`` with a Hypothesis profile of its own (30 derandomized
examples, no deadline: a mutant is never counted as killed by a timing flake; ``MUTATION_EXAMPLES`` changes the
count), and prints a table per module: killed (a test failed), timeout (counted as killed), survived, no tests
(counted as survived). The score is killed / (every mutant mutmut checked).
Needs ``pip install -e ".[test,mutation]"``. Survivors: ``mutmut show NAME`` inside the work directory.
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

#: The modules whose mutation scores docs/testing.md records: the engine's rules and the charging loop's arithmetic.
MODULES = (
    "engine.units",
    "engine.store",
    "engine.timeline",
    "engine.composite",
    "engine._compiled",
    "engine._sweep",
    "engine.combine",
    "engine.limits",
    "engine.next_change",
    "_cache",
    "charging.energy",
    "charging.local_policy",
)
ROOT = Path(__file__).resolve().parents[1]
KILLED = {"killed", "timeout"}
NOT_COUNTED = {"skipped", "not checked", "check was interrupted by user"}


def copy_repository(workdir: Path, ref: str | None, include: list[str]) -> None:
    """The working tree's files (tracked and untracked, not ignored), or the tree of commit `ref` plus the
    working tree's `include` files, into `workdir`."""
    if ref is not None:
        archive = subprocess.run(["git", "archive", ref], cwd=ROOT, check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(workdir)], input=archive, check=True)
        names = include
    else:
        listed = subprocess.run(
            ["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, check=True, capture_output=True
        ).stdout
        names = [*filter(None, listed.decode().split("\0")), *include]
    for name in names:
        source = ROOT / name
        if source.is_file() and not name.startswith("mutants/"):
            (workdir / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, workdir / name)


#: Appended to the scratch copy's tests/conftest.py: few, derandomized examples without deadline, so a mutant is
#: killed by a failing assertion, never by a timing or luck (the assertions themselves are untouched).
MUTATION_PROFILE = """

settings.register_profile(
    "mutation", max_examples=int(os.environ.get("MUTATION_EXAMPLES", "30")), deadline=None, derandomize=True,
    database=None,
)
settings.load_profile("mutation")
"""


def source(module: str) -> Path:
    """The file of `module`, a dotted path below `smartcharge` (``engine.units``)."""
    return ROOT / "src" / "smartcharge" / f"{module.replace('.', '/')}.py"


def narrow(workdir: Path, modules: list[str]) -> None:
    pyproject = workdir / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    wanted = ", ".join(f'"{source(m).relative_to(ROOT).as_posix()}"' for m in modules)
    text, count = re.subn(r"only_mutate = \[[^\]]*\]", f"only_mutate = [{wanted}]", text)
    if count != 1:
        raise SystemExit("pyproject.toml has no [tool.mutmut] only_mutate list")
    pyproject.write_text(text, encoding="utf-8")
    with (workdir / "tests" / "conftest.py").open("a", encoding="utf-8") as conftest:
        conftest.write(MUTATION_PROFILE)


def results(workdir: Path) -> dict[str, collections.Counter[str]]:
    out = subprocess.run(
        [sys.executable, "-m", "mutmut", "results", "--all", "true"],
        cwd=workdir, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    per_module: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for line in out.splitlines():
        match = re.match(r"\s*smartcharge\.(\S+)\.[^.\s]+__mutmut_\d+: (.+)$", line)
        if match:
            per_module[match.group(1)][match.group(2).strip()] += 1
    return per_module


def report(per_module: dict[str, collections.Counter[str]]) -> str:
    lines = [
        "| module | mutants | killed | timeout | survived | no tests | other | score |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for module, counts in sorted(per_module.items()):
        checked = sum(n for status, n in counts.items() if status not in NOT_COUNTED)
        killed = sum(counts[s] for s in KILLED)
        other = checked - killed - counts["survived"] - counts["no tests"]
        score = f"{100 * killed / checked:.1f}%" if checked else "-"
        lines.append(
            f"| {module} | {checked} | {counts['killed']} | {counts['timeout']} | {counts['survived']} | "
            f"{counts['no tests']} | {other} | {score} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("modules", nargs="*", help=f"modules of smartcharge to mutate (default: {' '.join(MODULES)})")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="mutmut --max-children")
    parser.add_argument("--workdir", type=Path, help="scratch copy to use (and keep); default: a temporary one")
    parser.add_argument("--ref", help="mutate the tree of this commit (e.g. HEAD) instead of the working tree")
    parser.add_argument("--include", nargs="*", default=[], help="working-tree files to add to --ref's tree")
    args = parser.parse_args()
    args.modules = args.modules or list(MODULES)
    unknown = [m for m in args.modules if not source(m).is_file()]
    if unknown:
        parser.error(f"no module {source(unknown[0]).relative_to(ROOT)}")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="smartcharge-mutation-"))
    workdir.mkdir(parents=True, exist_ok=True)
    copy_repository(workdir, args.ref, args.include)
    narrow(workdir, args.modules)
    env = dict(os.environ)
    run = subprocess.run(
        [sys.executable, "-m", "mutmut", "run", "--max-children", str(args.jobs)], cwd=workdir, env=env, check=False
    )
    print(report(results(workdir)))
    print(f"\nwork directory: {workdir} (mutmut results / mutmut show NAME there)")
    sys.exit(run.returncode)


if __name__ == "__main__":
    main()
