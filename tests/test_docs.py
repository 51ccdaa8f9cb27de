"""The documentation cannot drift from the code: every ```python block in docs/*.md runs here.

- A block written as a doctest (``>>>`` lines) is run as one, and its shown output must match.
- Another block is executed; when it prints something and the next fenced block is ```text, what it printed
  must equal that block (the "Output:" convention of the pages).
- Blocks of one page share one namespace, in page order, with docs/ as the working directory (so pages can use
  ``examples/evening.json``). A block preceded by the line ``<!-- docs-test: skip -->`` is not run.

Beyond running them: every rule and decision of the spec (R1-R35, D1-D11) has an entry with an executed example in
docs/spec-questions.md, every name in ``smartcharge.__all__`` is documented in docs/api.md, and every page is linked
from docs/index.md.
"""

from __future__ import annotations

import contextlib
import doctest
import io
import re
from pathlib import Path

import pytest

import smartcharge

DOCS = Path(__file__).resolve().parent.parent / "docs"
PAGES = sorted(DOCS.rglob("*.md"))
FENCE = re.compile(r"^```(\S*)\s*$")
SKIP = "<!-- docs-test: skip -->"
IDS = [f"R{n}" for n in range(1, 36)] + [f"D{n}" for n in range(1, 12)]


def fenced_blocks(text: str) -> list[tuple[str, str, int, bool]]:
    """(language, body, line number of the body, skipped) of every fenced block in `text`, in order."""
    blocks: list[tuple[str, str, int, bool]] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if opening is None:
            i += 1
            continue
        skipped = i > 0 and lines[i - 1].strip() == SKIP
        body: list[str] = []
        j = i + 1
        while j < len(lines) and not lines[j].startswith("```"):
            body.append(lines[j])
            j += 1
        blocks.append((opening.group(1), "\n".join(body) + "\n", i + 2, skipped))
        i = j + 1
    return blocks


def run_page(path: Path) -> list[str]:
    """Runs the page's python blocks; the failures, each as a message."""
    failures: list[str] = []
    namespace: dict[str, object] = {"__name__": f"docs.{path.stem}"}
    blocks = fenced_blocks(path.read_text(encoding="utf-8"))
    parser = doctest.DocTestParser()
    for index, (language, body, line, skipped) in enumerate(blocks):
        if language != "python" or skipped:
            continue
        where = f"{path.name}:{line}"
        if re.search(r"^\s*>>> ", body, re.MULTILINE):
            test = parser.get_doctest(body, namespace, where, str(path), line - 1)
            report = io.StringIO()
            runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
            runner.run(test, out=report.write, clear_globs=False)
            namespace.update(test.globs)  # a DocTest runs on a copy: later blocks see what this one defined
            if runner.failures:
                failures.append(report.getvalue())
            continue
        printed = io.StringIO()
        try:
            with contextlib.redirect_stdout(printed):
                exec(compile(body, where, "exec"), namespace)
        except Exception as exc:  # a failing example is a failing test, whatever it raised
            failures.append(f"{where}: {type(exc).__name__}: {exc}")
            continue
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if printed.getvalue() and following is not None and following[0] == "text":
            shown = [row.rstrip() for row in following[1].rstrip("\n").splitlines()]
            actual = [row.rstrip() for row in printed.getvalue().rstrip("\n").splitlines()]
            if shown != actual:
                failures.append(
                    f"{where}: printed output differs from the text block at line {following[2]}:\n" + "\n".join(actual)
                )
    return failures


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(DOCS)) for p in PAGES])
def test_page_examples_run_and_show_their_real_output(page: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(DOCS)
    failures = run_page(page)
    assert not failures, "\n\n".join(failures)


def _entries() -> dict[str, str]:
    text = (DOCS / "spec-questions.md").read_text(encoding="utf-8")
    parts = re.split(r"^### ", text, flags=re.MULTILINE)[1:]
    return {part.split()[0]: part for part in parts}


@pytest.mark.parametrize("rule", IDS)
def test_every_rule_and_decision_has_an_entry_with_an_executed_example(rule: str) -> None:
    entry = _entries().get(rule)
    assert entry is not None, f"docs/spec-questions.md has no '### {rule} ...' entry"
    for label in ("**Spec:**", "**Question:**", "**Answer:**"):
        assert label in entry, f"{rule} lacks {label}"
    examples = [body for language, body, _, skipped in fenced_blocks(entry) if language == "python" and not skipped]
    assert any(">>> " in body for body in examples), f"{rule} has no doctest example"


def test_every_public_name_is_in_the_api_reference() -> None:
    api = (DOCS / "api.md").read_text(encoding="utf-8")
    missing = [name for name in smartcharge.__all__ if f"`{name}" not in api]
    assert not missing, f"docs/api.md does not document {missing}"


def test_every_page_is_linked_from_the_index() -> None:
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    unlinked = [p.name for p in PAGES if p.parent == DOCS and p.name != "index.md" and f"({p.name})" not in index]
    assert not unlinked, f"docs/index.md does not link {unlinked}"


def test_a_drifted_example_fails(tmp_path: Path) -> None:
    page = tmp_path / "drift.md"
    page.write_text("```python\n>>> 1 + 1\n3\n```\n\n```python\nprint('a')\n```\n\n```text\nb\n```\n")
    assert len(run_page(page)) == 2
