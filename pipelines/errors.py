"""The one error type for refused input: it names the file and the reason."""

from __future__ import annotations


class ReportRejected(Exception):
    """A report that cannot be processed. The message names the file and the reason.

    `depends_on`: other files (name -> sha256) the refusal was decided on (a duplicate's
    original), so the refusal is re-examined when one of them changes or goes. `retry`: the
    cause may pass (a crash, a full disk) so the next build tries the report again."""

    def __init__(self, source: str, reason: str, depends_on: dict[str, str] | None = None, retry: bool = False):
        self.source = source
        self.reason = reason
        self.depends_on = depends_on or {}
        self.retry = retry
        super().__init__(f"{source}: rejected: {reason}")
