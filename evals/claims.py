"""What each persona claims to be good at, and which task families measure it.

The claims are read from the persona's own text (description and prompt) with a small table
of expertise areas and the phrases that claim them; each area names the families that test it.
Pure: text in, claims out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .personas import Persona


@dataclass(frozen=True)
class Area:
    name: str
    patterns: tuple[str, ...]
    families: tuple[str, ...]


#: expertise area -> phrases that claim it (regex, case-insensitive) -> families measuring it
AREAS: tuple[Area, ...] = (
    Area("API design", (r"\bAPI design\b", r"\bREST", r"OpenAPI", r"API (development|documentation)",
                        r"APIs following"), ("api_design",)),
    Area("database optimisation", (r"query optimi[sz]ation", r"indexing", r"database (optimi[sz]ation|design)",
                                   r"\bORMs?\b", r"SQLAlchemy"), ("db_optimize",)),
    Area("SQL injection / input validation", (r"SQL injection", r"input validation", r"sanitization"), ("security",)),
    Area("security", (r"\bsecurity\b", r"encryption", r"hashing", r"secure storage", r"vulnerability"), ("security",)),
    Area("authentication & authorisation", (r"authenticat", r"authori[sz]ation", r"\bJWT\b", r"OAuth", r"RBAC"), ("auth", "security")),
    Area("caching", (r"\bcach",), ("caching",)),
    Area("rate limiting", (r"rate limit",), ("rate_limit",)),
    Area("message queues", (r"message queue", r"RabbitMQ", r"Kafka", r"Pub/Sub", r"event-driven", r"\bSQS\b"), ("messaging",)),
    Area("migrations", (r"migration",), ("migrations",)),
    Area("concurrency & consistency", (r"concurren", r"race condition", r"transaction", r"Unit of Work", r"locking"), ("concurrency",)),
    Area("error handling", (r"error handling",), ("api_design",)),
    Area("reliability & resilience", (r"reliability", r"resilien", r"fault toleran", r"circuit breaker",
                                      r"graceful (shutdown|degradation)", r"retr(y|ies) with"), ()),
    Area("scalability & load balancing", (r"scalab", r"load balanc", r"horizontal scaling"), ()),
    Area("monitoring & logging", (r"monitoring", r"logging", r"metrics collection", r"Prometheus"), ()),
    Area("microservices & architecture", (r"microservice", r"hexagonal", r"clean architecture", r"CQRS"), ()),
    Area("containers, cloud & CI/CD", (r"Docker", r"Kubernetes", r"\bAWS\b", r"CI/CD", r"serverless"), ()),
    Area("GraphQL / gRPC", (r"GraphQL", r"gRPC"), ()),
    Area("other stacks (Node.js, Java, Go, C#)", (r"Node\.js", r"Spring Boot", r"\bGo\b", r"\.NET", r"Express"), ()),
)


@dataclass(frozen=True)
class Claim:
    area: str
    evidence: str
    """the first phrase in the document that claims it"""
    families: tuple[str, ...]
    """families that exist and measure it (empty: unmeasured)"""


def _line_of(text: str, index: int, width: int = 70) -> str:
    """The document line holding a match, without markdown decoration."""
    start = text.rfind("\n", 0, index) + 1
    end = text.find("\n", index)
    line = text[start : end if end >= 0 else len(text)]
    line = re.sub(r"[*_`#]|^\s*[-+\d.]+\s+", "", line).strip()
    return line if len(line) <= width else line[: width - 1] + "…"


AREA_NAMES = tuple(a.name for a in AREAS)


def unknown_areas_problem(names: tuple[str, ...] | list[str]) -> str | None:
    """The error for `measures:` names that are not areas here (fixture.yaml, codebase.yaml), or None."""
    unknown = [m for m in names if m not in AREA_NAMES]
    if not unknown:
        return None
    return f"measures: unknown area(s) {', '.join(map(repr, unknown))}; known: {', '.join(AREA_NAMES)}"


def persona_claims(persona: Persona, existing_families: list[str] | set[str],
                   measured: dict[str, tuple[str, ...]] | None = None) -> list[Claim]:
    """The areas a persona's text claims, each with the existing families that measure it: the
    area's own families, and (`measured`, area -> families) those whose fixtures say they
    measure it (`measures:` in fixture.yaml, e.g. monitoring on a product codebase)."""
    text = f"{persona.description}\n{persona.system_prompt}"
    claims = []
    for area in AREAS:
        for pattern in area.patterns:
            match = re.search(pattern, text, flags=re.IGNORECASE)
            if match:
                own = [f for f in area.families if f in existing_families]
                families = tuple(dict.fromkeys([*own, *sorted((measured or {}).get(area.name, ()))]))
                claims.append(Claim(area.name, _line_of(text, match.start()), families))
                break
    return claims


def measured_by(families: list[str] | tuple[str, ...], stacks: list[str] | tuple[str, ...], unmeasured: str) -> str:
    """A claim's "measured by" cell: its families, then the codebase stacks it is measured on."""
    if not families:
        return unmeasured
    return ", ".join(families) + (f"; stacks: {', '.join(stacks)}" if stacks else "")


def claims_markdown(claims_by_persona: dict[str, list[dict]]) -> str:
    """One Markdown table: each claimed area, which personas claim it, which families measure it.

    Input is the `evals coverage --json` shape, so the README table and the command agree.
    """
    names = sorted(claims_by_persona)
    areas = [a.name for a in AREAS]
    claimed = {n: {c["claim"]: c for c in claims_by_persona[n]} for n in names}
    header = ["claimed expertise", *names, "measured by"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for area in areas:
        holders = [n for n in names if area in claimed[n]]
        if not holders:
            continue
        row = claimed[holders[0]][area]
        marks = ["claims" if n in holders else "—" for n in names]
        cell = measured_by(row["families"], row.get("stacks") or [], "**unmeasured**")
        lines.append(f"| {area} | " + " | ".join(marks) + f" | {cell} |")
    return "\n".join(lines)
