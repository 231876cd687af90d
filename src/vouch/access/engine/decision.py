"""Decisions and explanations: the engine's answers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

LAYERS = ("identity", "function", "record", "restriction", "field")


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    layer: str | None = None  # the first layer that denied
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOW = Decision(True, None, "allowed")
DENY_IDENTITY = Decision(False, "identity", "the user is deactivated")
DENY_FUNCTION = Decision(False, "function", "no active role grants this action on the object")
DENY_RECORD = Decision(False, "record", "the record is outside the user's scope, shares and "
                       "rules for this action")
DENY_RESTRICTION = Decision(False, "restriction", "a restriction rule covering the user "
                            "matches the record")


@dataclass(frozen=True, slots=True)
class LayerResult:
    layer: str
    allowed: bool
    reason: str
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Explanation:
    user_id: int
    object: str
    action: str
    record_id: int | None
    field: str | None
    layers: tuple[LayerResult, ...]

    @property
    def allowed(self) -> bool:
        return all(layer.allowed for layer in self.layers)

    @property
    def first_denied(self) -> str | None:
        return next((layer.layer for layer in self.layers if not layer.allowed), None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "allowed": self.allowed,
            "first_denied": self.first_denied,
            "user_id": self.user_id,
            "object": self.object,
            "action": self.action,
            "record_id": self.record_id,
            "field": self.field,
            "layers": [
                {"layer": x.layer, "allowed": x.allowed, "reason": x.reason,
                 "sources": list(x.sources)}
                for x in self.layers
            ],
        }
