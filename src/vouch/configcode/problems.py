"""What is wrong with a document: every problem found, each named by its path in the
document (`roles[3].grants.customer.edit`), not just the first one."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from vouch.errors import Conflict, ErrorType, Invalid, VouchError


@dataclass(frozen=True)
class Problem:
    """One error: `path` in the document, a message for people, the stable `type` a
    client translates (the admin API's error types), and its parameters."""

    path: str
    message: str
    type: str = "validation.invalid"
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def is_refusal(self) -> bool:
        """A valid document the current state refuses (409), not a malformed one (422)."""
        return self.type.startswith("conflict")

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "message": self.message, "type": self.type,
                "details": self.details}


PathMap = Callable[[str], str]


def under(prefix: str, validator_root: str = "") -> PathMap:
    """Turn a path the admin validators name (`condition.and[1].value`, `name`) into the
    document's (`sharing_rules[2].condition.and[1].value`): `validator_root` is replaced
    by `prefix`, or `prefix` is put in front."""
    def remap(path: str) -> str:
        if validator_root and (path == validator_root or path.startswith(
                (f"{validator_root}.", f"{validator_root}["))):
            return prefix + path[len(validator_root):]
        return f"{prefix}.{path}" if path else prefix
    return remap


def _message_with(path: str, original: str | None, message: str) -> str:
    """The validators start their messages with their own path; say the document's."""
    if original and message.startswith(f"{original}:"):
        return f"{path}:{message[len(original) + 1:]}"
    if original and message.startswith(f"{original} "):
        return f"{path} {message[len(original) + 1:]}"
    return f"{path}: {message}"


class Problems:
    """A collector: `with problems.catch(remap):` turns a validator's error into a
    problem at the document's path and carries on with the next item."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, path: str, message: str, type: str = "validation.invalid",
            **details: Any) -> None:
        self.items.append(Problem(path, f"{path}: {message}", type, details))

    @contextmanager
    def catch(self, remap: PathMap) -> Iterator[None]:
        try:
            yield
        except (Invalid, Conflict) as exc:
            self.items.append(self.from_error(exc, remap))

    @staticmethod
    def from_error(exc: VouchError, remap: PathMap) -> Problem:
        original = exc.details.get("field")
        original = original if isinstance(original, str) else ""
        path = remap(original)
        details = {k: v for k, v in exc.details.items() if k != "field"}
        return Problem(path, _message_with(path, original, exc.message),
                       exc.error_type.value, details)

    def __bool__(self) -> bool:
        return bool(self.items)


def problems_error(problems: list[Problem]) -> VouchError:
    """The error answer for an import refused: 422 when the document is wrong anywhere,
    else 409 (a valid document the current state refuses). `details.errors` lists every
    problem with its path."""
    invalid = [p for p in problems if not p.is_refusal]
    shown = invalid or problems
    first = shown[0]
    summary = first.message if len(shown) == 1 else (
        f"{first.message} (and {len(shown) - 1} more problem(s))")
    errors = [p.as_dict() for p in shown]
    kind = ErrorType(first.type)  # the first problem's: one type for one problem
    params = {k: v for k, v in first.details.items() if k not in ("field", "errors", "type")}
    if invalid:
        return Invalid(f"the document is not valid: {summary}", first.path, type=kind,
                       errors=errors, **params)
    return Conflict(f"the import is refused: {summary}",
                    {**params, "field": first.path, "errors": errors}, type=kind)
