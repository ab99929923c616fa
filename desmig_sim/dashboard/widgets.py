"""Small widgets shared by the dashboard's views."""

from __future__ import annotations

import markdown
import solara


@solara.component
def Prose(text: str):
    """Markdown text rendered on the server (python-markdown): no math or code script from a CDN."""
    html = solara.use_memo(lambda: markdown.markdown(text, extensions=["tables", "fenced_code"]), [text])
    solara.HTML(tag="div", unsafe_innerHTML=html, classes=["dm-prose"])
