"""The one error type for refused input: it names the file and the reason."""

from __future__ import annotations


class ReportRejected(Exception):
    """A report that cannot be processed. The message names the file and the reason."""

    def __init__(self, source: str, reason: str):
        self.source = source
        self.reason = reason
        super().__init__(f"{source}: rejected: {reason}")
