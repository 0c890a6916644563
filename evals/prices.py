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


def load_prices(extra: Path | None = None) -> dict[str, Price]:
    """The default table, then the project's `prices.yaml`, then `extra` (later wins)."""
    table: dict[str, Price] = {}
    for path in (DEFAULT_TABLE, USER_TABLE, extra):
        if path is None or not Path(path).is_file():
            if path is extra and extra is not None:
                raise LocatedError(extra, "price table not found")
            continue
        try:
            data = yaml.safe_load(Path(path).read_text()) or {}
            for model, row in data.items():
                table[str(model)] = Price(**{k: float(v) for k, v in row.items()})
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
