"""Months of the simulation and their calendar dates ("YYYY-MM")."""

from __future__ import annotations

import re

YEAR_MONTH_PATTERN = r"^(19|20|21)\d\d-(0[1-9]|1[0-2])$"
_YEAR_MONTH = re.compile(YEAR_MONTH_PATTERN)


def parse_year_month(text: str) -> int:
    """Turn ``"YYYY-MM"`` into a month count since year 0 (``year * 12 + month - 1``).

    Args:
        text: A calendar month such as ``"2017-09"``.

    Returns:
        The absolute month index.

    Raises:
        ValueError: If the text is not a ``YYYY-MM`` month.
    """
    if not _YEAR_MONTH.match(text):
        raise ValueError(f"expected a month as 'YYYY-MM', got {text!r}")
    year, month = text.split("-")
    return int(year) * 12 + int(month) - 1


def format_year_month(absolute_month: int) -> str:
    """Inverse of :func:`parse_year_month`."""
    year, month0 = divmod(absolute_month, 12)
    return f"{year:04d}-{month0 + 1:02d}"


def month_number(start: str, date: str) -> int:
    """The simulation month (1 = the start month) in which a calendar month falls."""
    return parse_year_month(date) - parse_year_month(start) + 1
