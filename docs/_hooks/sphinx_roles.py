"""Griffe extension: Sphinx roles in docstrings (``:func:`run```) shown as code on the site.

The package's docstrings are Google style, with Sphinx cross-reference roles in places
(``:func:``, ``:class:``, ``:mod:``, ...), which Markdown would show literally. The role is
dropped and the name kept as code; ``~a.b.c`` shows as ``c``, as Sphinx does.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

#: A Sphinx role with its target: ``:func:`~desmig_sim.run```.
ROLE = re.compile(r":(?:py:)?(?:func|class|mod|attr|meth|data|exc|obj):`(?P<tilde>~?)(?P<target>[^`]+)`")


def strip_roles(text: str) -> str:
    """The text with each Sphinx role replaced by its target as code."""

    def code(match: re.Match[str]) -> str:
        target = match.group("target")
        return f"`{target.rsplit('.', 1)[-1] if match.group('tilde') else target}`"

    return ROLE.sub(code, text)


class SphinxRoles(griffe.Extension):
    """Rewrite the roles of every docstring as it is loaded."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        """Strip the roles of the object's docstring (see the module docstring)."""
        if obj.docstring is not None:
            obj.docstring.value = strip_roles(obj.docstring.value)
