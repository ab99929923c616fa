"""The one switch that makes every input file strict: finite numbers, exact types, sane magnitudes.

Every pydantic model read from a scenario or experiment file derives from :class:`InputModel`
(the parameter sections, the scenario's tables, the component settings, the events, the
experiment file's tables), so a parameter added to any of them is strict without touching it:

- **finite**: ``inf`` and ``nan`` are refused (``allow_inf_nan=False``);
- **strict types**: no bool where a number is expected (``months = true``), no quoted number
  (``months = "12"``), no fraction where a whole number is expected (``months = 12.5`` or
  ``12.0``), no number where a flag is expected. A whole number where a real number is expected
  stays allowed: TOML writes ``coverage = 1`` as an integer;
- **magnitude**: a number whose field sets no upper bound must still lie within
  :data:`MAX_MAGNITUDE` (a money amount of 10^13 rupiah per village is a typo, not a scenario).

Errors are worded by :func:`desmig_sim.config.scenario.explain_validation_error`.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import annotated_types
from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

#: The largest magnitude a number may have when its field sets no tighter bound (10^12: a
#: thousand billion rupiah, about 60 million US dollars, for one village or one household).
MAX_MAGNITUDE = 1e12

#: The configuration every input model shares (subclasses add ``validate_default`` and the like).
INPUT_CONFIG = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


@cache
def _unbounded_above(model: type[BaseModel], field: str) -> bool:
    """Whether a field sets no upper bound of its own (then :data:`MAX_MAGNITUDE` applies)."""
    info = model.model_fields.get(field)
    if info is None:
        return False
    return not any(isinstance(m, annotated_types.Le | annotated_types.Lt) for m in info.metadata)


def _numbers(value: Any) -> list[float | int]:
    """The numbers in a field's value: the value itself, or the items of a list (bools are flags)."""
    items = value if isinstance(value, list) else [value]
    return [v for v in items if isinstance(v, int | float) and not isinstance(v, bool)]


class InputModel(BaseModel):
    """The base of every model read from an input file: strict, finite and bounded (frozen)."""

    model_config = INPUT_CONFIG

    @field_validator("*", mode="after")
    @classmethod
    def _within_magnitude(cls, value: Any, info: ValidationInfo) -> Any:
        if info.field_name is None or not _unbounded_above(cls, info.field_name):
            return value
        for number in _numbers(value):
            if abs(number) > MAX_MAGNITUDE:
                raise ValueError(
                    f"{number!r} is out of range; allowed: a number of magnitude at most {MAX_MAGNITUDE:.0e}"
                )
        return value
