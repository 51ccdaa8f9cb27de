"""A Griffe extension: a `#:` comment above a module-level assignment is that name's docstring.

smartcharge documents its constants the Sphinx way, with `#:` comment lines right above the assignment
(`#: The envelope's "format".` then `FORMAT = ...`). Griffe reads only a string literal below an assignment,
and mkdocstrings leaves out a name without a docstring, so without this extension the constants would be missing
from the generated reference. tests/test_docs.py checks the same convention with the standard library.
"""

from __future__ import annotations

import ast
from typing import Any

import griffe


def comment_docstring(lines: list[str], lineno: int) -> str | None:
    """The text of the `#:` lines right above line `lineno` (1-based) of `lines`, or None."""
    text: list[str] = []
    index = lineno - 2
    while index >= 0 and lines[index].lstrip().startswith("#:"):
        text.insert(0, lines[index].lstrip()[2:].strip())
        index -= 1
    return "\n".join(text) or None


class CommentDocstrings(griffe.Extension):
    """Gives an attribute without a docstring the text of the `#:` comment lines above it."""

    def on_attribute_instance(
        self, *, node: ast.AST | griffe.ObjectNode, attr: griffe.Attribute, **kwargs: Any
    ) -> None:
        if attr.docstring is not None or attr.lineno is None or attr.parent is None or not attr.parent.is_module:
            return
        text = comment_docstring(attr.parent.lines, attr.lineno)
        if text is not None:
            attr.docstring = griffe.Docstring(text, lineno=attr.lineno, parent=attr)
