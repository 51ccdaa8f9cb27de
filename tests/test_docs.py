"""The documentation cannot drift from the code: every ```python block in docs/*.md runs here.

- A block written as a doctest (``>>>`` lines) is run as one, and its shown output must match.
- Another block is executed; when it prints something and the next fenced block is ```text, what it printed
  must equal that block (the "Output:" convention of the pages).
- Blocks of one page share one namespace, in page order, with docs/ as the working directory (so pages can use
  ``examples/evening.json``). A block preceded by the line ``<!-- docs-test: skip -->`` is not run.

Beyond running them: every rule and decision of the spec (R1-R35, D1-D11) has an entry with an executed example in
docs/spec-questions.md, and every OCPP 2.0.1 rule and decision (S1-S18, E1-E9) one in docs/ocpp201-rules.md; every
page is linked from docs/index.md and listed in mkdocs.yml's nav, and the generated API reference leaves no public
name out. The reference is built by mkdocstrings from ``::: module`` directives in the pages (``mkdocs build
--strict`` in CI); it shows a module's ``__all__`` names that have a docstring (a ``#:`` comment above a constant
counts, docs/_ext/comment_docstrings.py), so the checks here, with the standard library only, are: every module with
an ``__all__`` has a directive, and every name of every ``__all__`` is rendered by the directive of the module that
defines it, with a docstring. ``smartcharge.__all__`` is also listed, name by name, in docs/api.md.
"""

from __future__ import annotations

import ast
import contextlib
import doctest
import importlib
import io
import itertools
import pkgutil
import re
from pathlib import Path

import pytest

import smartcharge

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.rglob("*.md"))
FENCE = re.compile(r"^```(\S*)\s*$")
SKIP = "<!-- docs-test: skip -->"
IDS = [f"R{n}" for n in range(1, 36)] + [f"D{n}" for n in range(1, 12)]
#: The OCPP 2.0.1 rules and decisions (SPEC-201), each with an entry in docs/ocpp201-rules.md.
IDS_201 = [f"S{n}" for n in range(1, 19)] + [f"E{n}" for n in range(1, 10)]


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


def _entries(page: str = "spec-questions.md") -> dict[str, str]:
    text = (DOCS / page).read_text(encoding="utf-8")
    parts = re.split(r"^### ", text, flags=re.MULTILINE)[1:]
    return {part.split()[0]: part for part in parts}


@pytest.mark.parametrize(
    ("page", "rule"), [("spec-questions.md", rule) for rule in IDS] + [("ocpp201-rules.md", rule) for rule in IDS_201]
)
def test_every_rule_and_decision_has_an_entry_with_an_executed_example(page: str, rule: str) -> None:
    entry = _entries(page).get(rule)
    assert entry is not None, f"docs/{page} has no '### {rule} ...' entry"
    for label in ("**Spec:**", "**Question:**", "**Answer:**"):
        assert label in entry, f"{rule} lacks {label}"
    examples = [body for language, body, _, skipped in fenced_blocks(entry) if language == "python" and not skipped]
    assert any(">>> " in body for body in examples), f"{rule} has no doctest example"


# --- the generated API reference ------------------------------------------------------------------------------

DIRECTIVE = re.compile(r"^::: (\S+)\s*$")
MODULES = sorted(
    m.name for m in pkgutil.walk_packages(smartcharge.__path__, "smartcharge.") if not m.name.endswith("__main__")
)
#: Modules with an `__all__`, private ones (a name part starting with "_") left out: they are the library's own.
PUBLIC_MODULES = [
    name
    for name in ["smartcharge", *MODULES]
    if hasattr(importlib.import_module(name), "__all__") and not any(part.startswith("_") for part in name.split("."))
]


def directives() -> dict[str, set[str] | None]:
    """Every ``::: module`` directive in the pages: the names it renders (None: its whole ``__all__``)."""
    found: dict[str, set[str] | None] = {}
    for page in PAGES:
        lines = page.read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines):
            opening = DIRECTIVE.match(line)
            if opening is None:
                continue
            options = list(itertools.takewhile(lambda row: row.startswith("    "), lines[i + 1 :]))
            members: set[str] | None = None
            for j, option in enumerate(options):
                if option.strip() == "members: false":
                    members = set()
                elif option.strip() == "members:":
                    items = itertools.takewhile(lambda row: row.strip().startswith("- "), options[j + 1 :])
                    members = {item.strip()[2:].strip() for item in items}
            assert opening.group(1) not in found, f"{opening.group(1)} has two ::: directives"
            found[opening.group(1)] = members
    return found


def _source(module: str) -> tuple[ast.Module, list[str]]:
    path = Path(importlib.import_module(module).__file__ or "")
    text = path.read_text(encoding="utf-8")
    return ast.parse(text), text.splitlines()


def definition(module: str, name: str) -> tuple[str, bool]:
    """The module that defines `name` (following ``from ... import`` re-exports from `module`), and whether the
    definition has a docstring: a class's or function's own, or for a constant a ``#:`` comment right above it or
    a string right below it (what Griffe, with the project's extension, reads)."""
    tree, lines = _source(module)
    body = tree.body
    for index, node in enumerate(body):
        if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
            return module, bool(ast.get_docstring(node))
        targets = (
            node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        )
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            above = node.lineno >= 2 and lines[node.lineno - 2].lstrip().startswith("#:")
            after = body[index + 1] if index + 1 < len(body) else None
            below = (
                isinstance(after, ast.Expr)
                and isinstance(after.value, ast.Constant)
                and isinstance(after.value.value, str)
            )
            return module, above or below
    for node in body:
        if isinstance(node, ast.ImportFrom) and node.module and any((a.asname or a.name) == name for a in node.names):
            original = next(a.name for a in node.names if (a.asname or a.name) == name)
            return definition(node.module, original)
    raise AssertionError(f"{module}.{name} is in __all__ but neither defined nor imported there")


def test_every_module_with_an_all_has_a_reference_directive() -> None:
    documented = directives()
    missing = [module for module in PUBLIC_MODULES if module not in documented]
    assert not missing, f"no '::: module' directive in docs/ for {missing}"
    unknown = [module for module in documented if module not in PUBLIC_MODULES]
    assert not unknown, f"'::: module' directives for modules without __all__: {unknown}"


@pytest.mark.parametrize("module", PUBLIC_MODULES)
def test_every_public_name_is_rendered_where_it_is_defined_with_a_docstring(module: str) -> None:
    documented = directives()
    problems = []
    for name in importlib.import_module(module).__all__:
        where, has_docstring = definition(module, name)
        rendered = documented.get(where, set())
        if where not in documented or (rendered is not None and name not in rendered):
            problems.append(f"{name}: defined in {where}, whose '::: {where}' directive does not render it")
        elif rendered is None and name not in importlib.import_module(where).__all__:
            problems.append(f"{name}: not in {where}.__all__, so the reference leaves it out")
        if not has_docstring:
            problems.append(f"{name}: no docstring in {where} (a constant takes a '#:' comment above it)")
    assert not problems, "\n".join(problems)


def test_every_name_of_the_package_is_listed_in_the_api_overview() -> None:
    api = (DOCS / "api.md").read_text(encoding="utf-8")
    unlisted = [
        name
        for name in smartcharge.__all__
        if name != "__version__"
        and not re.search(rf"\[`{name}`\]\[{re.escape(definition('smartcharge', name)[0])}\.{name}\]", api)
    ]
    assert not unlisted, f"docs/api.md does not list {unlisted} with a link to its reference"


def test_every_page_is_in_the_navigation() -> None:
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    missing = [str(p.relative_to(DOCS)) for p in PAGES if f" {p.relative_to(DOCS).as_posix()}" not in nav]
    assert not missing, f"mkdocs.yml's nav does not list {missing}"


def test_every_page_is_linked_from_the_index() -> None:
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    unlinked = [p.name for p in PAGES if p.parent == DOCS and p.name != "index.md" and f"({p.name})" not in index]
    assert not unlinked, f"docs/index.md does not link {unlinked}"


def test_a_drifted_example_fails(tmp_path: Path) -> None:
    page = tmp_path / "drift.md"
    page.write_text("```python\n>>> 1 + 1\n3\n```\n\n```python\nprint('a')\n```\n\n```text\nb\n```\n")
    assert len(run_page(page)) == 2
