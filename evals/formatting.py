"""How the report writes a number, one function per kind, for the Markdown and the HTML alike.

Both renderings call these, so a figure reads the same wherever it appears: rates as whole
percentages with the interval beside them ("41% (30–53%)"), differences in percentage points
with a real minus sign, counts with thousands separators, dollars to the cent or, under a dollar,
to four places. A missing value is an em dash, never "nan".
"""

from __future__ import annotations

import math

DASH = "—"
MINUS = "−"
MDE_CAP = 1.0
"""An MDE above 100 points means no difference at all could be detected."""
MDE_TOO_LARGE = (
    "over 100 points: with this few fixtures (or this much disagreement between epochs) no "
    "difference could be detected"
)


def missing(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def signed(x: float, digits: int = 1) -> str:
    """+6.2 / −3.1 / 0.0, with the typographic minus."""
    if missing(x):
        return DASH
    text = f"{abs(x):.{digits}f}"
    if float(text) == 0:
        return text
    return ("+" if x > 0 else MINUS) + text


def pct(x: float | None, digits: int = 0) -> str:
    """A share 0–1 as a percentage: 0.413 -> "41%"."""
    return DASH if missing(x) else f"{x * 100:.{digits}f}%"  # type: ignore[operator]


def rate_interval(rate: float, low: float, high: float) -> str:
    """"41% (30–53%)"; the rate alone when its interval is undefined."""
    if missing(low) or missing(high):
        return pct(rate)
    return f"{pct(rate)} ({low * 100:.0f}–{high * 100:.0f}%)"


def points(x: float) -> str:
    """A difference of shares in percentage points, unsigned: 0.062 -> "6.2 points"."""
    return DASH if missing(x) else f"{abs(x) * 100:.1f} points"


def signed_points(x: float) -> str:
    """A signed difference in percentage points: 0.062 -> "+6.2"."""
    return DASH if missing(x) else signed(x * 100)


def points_interval(low: float, high: float) -> str:
    """An interval of a difference in points: "−3.1 to +15.5"."""
    if missing(low) or missing(high):
        return DASH
    return f"{signed(low * 100)} to {signed(high * 100)}"


def mde_too_large(mde: float) -> bool:
    return missing(mde) or mde > MDE_CAP


def mde(x: float) -> str:
    """The minimum detectable effect in points ("14 points"), or "—" above 100 points (see
    `MDE_TOO_LARGE` for the reason the report gives)."""
    return DASH if mde_too_large(x) else f"{x * 100:.0f} points"


def p_value(p: float) -> str:
    if missing(p):
        return DASH
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}" if p < 0.01 else f"p = {p:.2f}"


def count(n: float) -> str:
    """1063.75 -> "1,064"."""
    return DASH if missing(n) else f"{n:,.0f}"


def dollars(x: float) -> str:
    """$0.0123 under a dollar, $12.35 under a thousand, $1,235 above."""
    if missing(x):
        return DASH
    if x < 1:
        return f"${x:.4f}"
    return f"${x:,.2f}" if x < 1000 else f"${x:,.0f}"


def duration(seconds: float) -> str:
    """12.3 s, or 4 min 05 s from a minute up."""
    if missing(seconds):
        return DASH
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s"


def decimal(x: float, digits: int = 1) -> str:
    return DASH if missing(x) else f"{x:,.{digits}f}"
