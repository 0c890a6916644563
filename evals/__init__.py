"""Evaluation harness for backend-agent persona documents, on Inspect AI.

Pipeline, one module each: personas (documents) -> tools (faithful Claude Code tools) ->
agent (react) -> sandbox (compose config) -> scorer/grading (hidden tests) -> task.
"""

__version__ = "0.1.0"
