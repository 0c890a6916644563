"""WebSearch and WebFetch: declared as in Claude Code, answered "unavailable".

The sandbox has no network and the evaluation configures no search provider, so these tools
answer with a result (not an error) that starts with ``unavailable:``, and count the call in
the sample store (``ToolState.web_unavailable``) so the report can show how often the agent
reached for the web.
"""

from urllib.parse import urlparse

from inspect_ai.tool import ToolDef, ToolError, ToolParam

from ._common import make_tool_def, params, string
from ._state import tool_state

UNAVAILABLE = "unavailable:"

WEBSEARCH_PARAMS = params(
    ["query"],
    query=string("The search query (at least 2 characters)."),
    allowed_domains=ToolParam(type="array", items=ToolParam(type="string"),
                              description="Only return results from these domains."),
    blocked_domains=ToolParam(type="array", items=ToolParam(type="string"),
                              description="Never return results from these domains."),
)

WEBFETCH_PARAMS = params(
    ["url", "prompt"],
    url=string("The URL to fetch (http or https)."),
    prompt=string("What to extract from or answer about the fetched page."),
)


def count_unavailable(tool: str) -> None:
    """Record one web call answered "unavailable" for the report."""
    state = tool_state()
    counts = dict(state.web_unavailable)
    counts[tool] = counts.get(tool, 0) + 1
    state.web_unavailable = counts


async def web_search(
    query: str, allowed_domains: list[str] | None = None, blocked_domains: list[str] | None = None
) -> str:
    if len(query.strip()) < 2:
        raise ToolError("query must be at least 2 characters long.")
    if allowed_domains and blocked_domains:
        raise ToolError("Give either allowed_domains or blocked_domains, not both.")
    count_unavailable("WebSearch")
    return (
        f"{UNAVAILABLE} web search is not available in this evaluation: the sandbox has no "
        f"network access and no search provider is configured. No results for {query!r}. "
        "Work from the repository and your own knowledge instead."
    )


async def web_fetch(url: str, prompt: str) -> str:
    parsed = urlparse(url.strip())
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ToolError(f"Invalid URL: {url!r} (an absolute http or https URL is required).")
    if not prompt.strip():
        raise ToolError("prompt must not be empty.")
    count_unavailable("WebFetch")
    return (
        f"{UNAVAILABLE} fetching web pages is not available in this evaluation: the sandbox "
        f"has no network access. {url} was not retrieved. Work from the repository and your "
        "own knowledge instead."
    )


def web_search_def() -> ToolDef:
    return make_tool_def(
        "WebSearch",
        "Search the web and return result titles, links and snippets. Results can "
        "be limited to, or exclude, given domains.",
        WEBSEARCH_PARAMS,
        web_search,
        parallel=True,
    )


def web_fetch_def() -> ToolDef:
    return make_tool_def(
        "WebFetch",
        "Fetch a web page and answer a prompt about its content.",
        WEBFETCH_PARAMS,
        web_fetch,
        parallel=True,
    )
