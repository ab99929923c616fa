"""MkDocs hook: the repository's Markdown, written for GitHub, rendered alike on the site.

Links between the repository's files become links between the site's pages.

The site reads the repository's own files (``README.md``, ``CONTRIBUTING.md`` and ``CHANGELOG.md``
are included into ``docs/``; see ``mkdocs.yml``), whose links are written for a reader of the
repository. After the include-markdown plugin has rewritten them relative to the including page,
a link that leaves ``docs/`` is turned into a link to the page that shows that file
(``CONTRIBUTING.md`` -> ``contributing.md``) or, for a file the site does not show (a benchmark
script's notes, a module), into its path as code, so that ``mkdocs build --strict`` checks every
remaining link.

Evidence grades written before a link (``[V] [some-key](link)``) are escaped: Python-Markdown,
unlike CommonMark, reads ``[V] [key]`` as the reference link ``[V][key]`` and loses the link.

Lists are written as GitHub (CommonMark) reads them: a list may follow a paragraph line directly,
and a list nested in an item's text may be indented by the item's marker width (1-3 spaces).
Python-Markdown needs a blank line before a list and four spaces for nesting; ``sane_lists`` adds
both, outside code fences, without changing the text.

``PENDING`` names pages that another change is writing: while such a page is absent from
``docs/``, links to it are shown as plain text (logged); once it exists, its links are checked as
any other. Keep that set empty when nothing is pending.
"""

from __future__ import annotations

import logging
import posixpath
import re
from pathlib import Path
from typing import Any

from mkdocs.plugins import event_priority

log = logging.getLogger("mkdocs.hooks.github_markdown")

#: Repository files shown as a page of the site, by their path in the repository.
PAGES = {
    "README.md": "index.md",
    "CONTRIBUTING.md": "contributing.md",
    "CHANGELOG.md": "changelog.md",
}
#: Pages (relative to ``docs/``) being written in another change; see the module docstring.
PENDING: set[str] = set()

#: An inline Markdown link or image: ``[text](target)`` or ``![alt](target)``.
LINK = re.compile(r"(?P<bang>!?)\[(?P<text>[^\]\n]*)\]\((?P<target>[^)\s]+)\)")
#: An evidence grade followed by a space and a link (see the module docstring).
GRADE_BEFORE_LINK = re.compile(r"\[(V|D|M|UNVERIFIED)\](?= \[)")
#: A fenced code block (its links are code, not links).
FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)


#: The start of a list item: indent, marker.
ITEM = re.compile(r"^(?P<indent> *)(?:[-*+]|\d+[.)]) ")


def sane_lists(markdown: str) -> str:
    """The Markdown with a blank line before each list that follows text, and nested lists at 4 spaces.

    Args:
        markdown: A page's Markdown, written for CommonMark (GitHub).
    """
    out: list[str] = []
    fenced = False
    shift = 0  # extra indent of the nested list being re-indented (0: none)
    nested_indent = 0
    for line in markdown.split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        indent = len(line) - len(line.lstrip(" "))
        if shift and (not line.strip() or indent < nested_indent):
            shift = 0
            if line.strip():
                out.append("")  # the nested list ends: the outer list or text goes on
        item = None if fenced else ITEM.match(line)
        previous = out[-1] if out else ""
        if item and not shift and previous.strip():
            previous_item = ITEM.match(previous)
            previous_indent = len(previous) - len(previous.lstrip(" "))
            # Where the previous line's text starts (after the marker, for an item).
            text_indent = previous_item.end() if previous_item else previous_indent
            if indent == 0 and not previous_item and previous_indent == 0:
                if not previous.lstrip().startswith(("|", ">", "<")):
                    out.append("")  # a list right after a paragraph line
            elif 0 < indent < 4 and (
                previous_indent < indent <= text_indent if previous_item else indent <= previous_indent
            ):
                out.append("")  # a list nested in an item's text, indented by the marker's width
                shift, nested_indent = 4 - indent, indent
        out.append(" " * shift + line if shift else line)
    return "\n".join(out)


def _is_external(target: str) -> bool:
    return target.startswith(("#", "/", "mailto:")) or "://" in target


def rewrite_link(text: str, target: str, page_dir: str, docs_dir: Path) -> str | None:
    """The replacement of one link, or None to keep it.

    Args:
        text: The link's text.
        target: The link's target as written (relative to the page), possibly with ``#anchor``.
        page_dir: The page's folder relative to ``docs/`` (``""`` for the top).
        docs_dir: The site's source folder.
    """
    if _is_external(target):
        return None
    path, _, anchor = target.partition("#")
    resolved = posixpath.normpath(posixpath.join(page_dir, path))
    suffix = f"#{anchor}" if anchor else ""
    if resolved.startswith("../"):
        repo_path = resolved[3:]
        if repo_path in PAGES:
            page = posixpath.relpath(PAGES[repo_path], page_dir or ".")
            return f"[{text}]({page}{suffix})"
        return f"`{repo_path}`" if text.strip("`") == repo_path else f"{text} (`{repo_path}`)"
    if resolved in PENDING and not (docs_dir / resolved).exists():
        log.info("github_markdown: %s is not written yet; its link is shown as text", resolved)
        return text
    return None


@event_priority(-50)  # after include-markdown has pulled in and re-based the top-level files
def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """Rewrite the page's links and lists for the site (see the module docstring)."""
    docs_dir = Path(config["docs_dir"])
    page_dir = posixpath.dirname(page.file.src_uri)
    fences = [(m.start(), m.end()) for m in FENCE.finditer(markdown)]

    def replace(match: re.Match[str]) -> str:
        if match.group("bang") or any(start <= match.start() < end for start, end in fences):
            return match.group(0)
        new = rewrite_link(match.group("text"), match.group("target"), page_dir, docs_dir)
        return match.group(0) if new is None else new

    return sane_lists(GRADE_BEFORE_LINK.sub(r"\\[\1\\]", LINK.sub(replace, markdown)))
