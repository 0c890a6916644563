"""Model price table (dollars per million tokens) and the cost of a sample's usage."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import LocatedError
from .paths import ROOT

DEFAULT_TABLE = Path(__file__).with_name("prices.yaml")
USER_TABLE = ROOT / "prices.yaml"


@dataclass(frozen=True)
class Price:
    input: float
    output: float
    cache_write: float = 0.0
    cache_read: float = 0.0


CACHE_WRITE_RATIO = 1.25
CACHE_READ_RATIO = 0.1
"""Anthropic's prompt-cache prices relative to the input price (5-minute cache writes, reads)."""


def _row(model: str, row: dict[str, object]) -> Price:
    values = {k: float(v) for k, v in row.items()}  # type: ignore[arg-type]
    if model.startswith("anthropic/") and "input" in values:  # cache prices left out: the standard ratios
        values.setdefault("cache_write", values["input"] * CACHE_WRITE_RATIO)
        values.setdefault("cache_read", values["input"] * CACHE_READ_RATIO)
    return Price(**values)  # type: ignore[arg-type]


def load_prices(extra: Path | None = None) -> dict[str, Price]:
    """The default table, then the project's `prices.yaml`, then `extra` (later wins).

    An `anthropic/` row without `cache_write` / `cache_read` gets Anthropic's standard ratios
    (1.25× and 0.1× its input price) rather than pricing cache tokens at nothing."""
    table: dict[str, Price] = {}
    for path in (DEFAULT_TABLE, USER_TABLE, extra):
        if path is None or not Path(path).is_file():
            if path is extra and extra is not None:
                raise LocatedError(extra, "price table not found")
            continue
        try:
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
            if data is None and path is extra:
                raise LocatedError(path, "price table is empty; expected "
                                   "'model: {input: N, output: N, cache_write: N, cache_read: N}'")
            for model, row in (data or {}).items():
                table[str(model)] = _row(str(model), row)
        except UnicodeDecodeError:
            raise LocatedError(path, "malformed price table (not UTF-8 text): expected YAML") from None
        except (yaml.YAMLError, TypeError, AttributeError, ValueError) as ex:
            raise LocatedError(path, f"malformed price table ({ex}); expected "
                               "'model: {input: N, output: N, cache_write: N, cache_read: N}'") from None
    return table


def price_for(model: str, table: dict[str, Price]) -> Price | None:
    matches = [key for key in table if model.startswith(key)]
    return table[max(matches, key=len)] if matches else None


def cost(model: str, input_tokens: float, output_tokens: float, cache_write: float,
         cache_read: float, table: dict[str, Price]) -> float | None:
    """Dollars for one usage record, or None when the model has no price."""
    price = price_for(model, table)
    if price is None:
        return None
    return (
        input_tokens * price.input + output_tokens * price.output
        + cache_write * price.cache_write + cache_read * price.cache_read
    ) / 1e6
