"""Every allowed state transition of imports, merge suggestions and merges, in one table.

Actions move a row only along an edge listed here, with a conditional update
(`filter(status=source).update(status=target)`), so two requests racing for the
same transition cannot both win. Tests walk every edge, allowed and refused.
"""

from kaffebro.network.models import ImportStatus, SuggestionStatus

MERGE_ACTIVE = "active"
MERGE_UNDONE = "undone"

TRANSITIONS: dict[str, dict[str, set[str]]] = {
    "import": {
        ImportStatus.PREVIEW: {ImportStatus.QUEUED, ImportStatus.CANCELLED},
        ImportStatus.QUEUED: {ImportStatus.RUNNING, ImportStatus.CANCELLED},
        # A run that died (the process was killed) stays RUNNING until it is retried.
        ImportStatus.RUNNING: {ImportStatus.DONE, ImportStatus.FAILED, ImportStatus.QUEUED},
        ImportStatus.FAILED: {ImportStatus.QUEUED, ImportStatus.CANCELLED},
        ImportStatus.DONE: set(),
        ImportStatus.CANCELLED: set(),
    },
    "suggestion": {
        SuggestionStatus.OPEN: {SuggestionStatus.ACCEPTED, SuggestionStatus.REJECTED},
        SuggestionStatus.ACCEPTED: set(),
        SuggestionStatus.REJECTED: set(),
    },
    "merge": {
        MERGE_ACTIVE: {MERGE_UNDONE},
        MERGE_UNDONE: set(),
    },
}


def allowed(machine: str, source: str, target: str) -> bool:
    return target in TRANSITIONS[machine].get(source, set())


def sources_of(machine: str, target: str) -> list[str]:
    """The states from which `target` may be reached: the filter of a conditional update."""
    return [source for source, targets in TRANSITIONS[machine].items() if target in targets]
