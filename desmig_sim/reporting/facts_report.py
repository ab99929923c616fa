"""The stylised-facts table as Markdown: target, model, met or missed and by how much."""

from __future__ import annotations

import pandas as pd

from desmig_sim.reporting.tables import format_number


def miss_text(miss: float, unit: str) -> str:
    """How far a fact is missed, signed: shares to four decimals (small misses stay visible)."""
    if unit in {"share", "index"}:
        return f"{miss:+.4f}"
    text = format_number(abs(miss), unit)
    return text if text == "-" else ("+" if miss >= 0 else "−") + text


def facts_markdown(table: pd.DataFrame, title: str) -> str:
    """A Markdown report of :func:`desmig_sim.experiments.facts.check_facts`.

    Args:
        table: The facts table.
        title: The report's heading.

    Returns:
        The report: a table with one row per fact and a line naming the facts missed.
    """
    lines = [
        f"# {title}",
        "",
        "| fact | target | model mean (10–90 %) | met | miss | relation to the target | sources |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in table.itertuples():
        unit = row.unit
        target = f"{format_number(row.low, unit)} – {format_number(row.high, unit)}"
        spread = f"{format_number(row.p10, unit)} – {format_number(row.p90, unit)}"
        model = f"{format_number(row.mean, unit)} ({spread})"
        miss = "—" if row.met else f"{miss_text(row.miss, unit)} ({row.miss_relative:+.1%})"
        sources = ", ".join(f"[{k}](references.md#{k})" for k in row.sources.split(", "))
        lines.append(
            f"| {row.description} | {target} | {model} | {'yes' if row.met else '**no**'} | {miss}"
            f" | {row.fitted} | {sources} |"
        )
    missed = table.loc[~table["met"], "fact"].tolist()
    lines += ["", f"Missed: {', '.join(missed)}." if missed else "Every fact is met.", ""]
    return "\n".join(lines)
