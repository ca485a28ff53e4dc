"""Why a plan cannot run in the JSON mode."""

from __future__ import annotations

from loadplan.errors import PlanError

__all__ = ["Incomplete", "NotEligible"]


class NotEligible(PlanError):
    """The JSON mode cannot write this plan's JSON with the exact bytes the
    other modes write (a type it cannot format on this dialect, a field that
    needs Python): the plan runs in another mode, or, forced, is refused."""

    def __init__(self, reason: str) -> None:
        super().__init__("json", "mode", reason)
        self.args = (f"the JSON mode cannot answer this plan: {reason}",)


class Incomplete(NotEligible):
    """An item lacks a value its document requires: the other modes refuse
    it (the response model's validation fails), so the request is answered
    by them, as it would have been without the JSON mode."""
