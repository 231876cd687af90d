"""diff(before, after): what a proposed configuration change alters for one user (what-if).

Both profiles are compiled from facts at the same instant, one from the stored facts and
one from the facts as the change would leave them. The diff names the (object, action)
scopes, the field levels and the system permissions that change, and the objects whose
view predicate changes with both predicates, so that the records which become visible or
invisible can be counted in SQL under the engine's own filters (`vouch.access.whatif`).

Scopes, field levels and system permissions depend only on the active roles (`grants`),
so callers may compute them once per distinct pair of role sets; the view predicates
depend on the user as well.
"""

from __future__ import annotations

from dataclasses import dataclass

from vouch.access.engine.fields import object_field_levels
from vouch.access.engine.predicate import FALSE, Pred
from vouch.access.engine.profile import AccessProfile
from vouch.catalog import ACTIONS, OBJECT_NAMES, Scope

_SCOPE_ORDER = {s.value: i for i, s in enumerate(Scope)}


@dataclass(frozen=True, slots=True)
class ScopeChange:
    object: str
    action: str
    before: tuple[str, ...]  # the scopes granted, narrowest first; () = not granted
    after: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FieldChange:
    object: str
    field: str
    before: str  # a level: hidden, masked, read, edit
    after: str


@dataclass(frozen=True, slots=True)
class GrantsDiff:
    """The function layer, field levels and system permissions: what the roles decide."""

    scopes: tuple[ScopeChange, ...]
    fields: tuple[FieldChange, ...]
    permissions_added: tuple[str, ...]
    permissions_removed: tuple[str, ...]
    roles_added: tuple[str, ...]  # role keys
    roles_removed: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not (self.scopes or self.fields or self.permissions_added
                    or self.permissions_removed or self.roles_added or self.roles_removed)


@dataclass(frozen=True, slots=True)
class ViewChange:
    """An object whose view predicate differs: records in `after` and not in `before`
    become visible, the reverse invisible (the sets may still be equal)."""

    object: str
    before: Pred
    after: Pred


@dataclass(frozen=True, slots=True)
class ProfileDiff:
    grants: GrantsDiff
    views: tuple[ViewChange, ...]


def _scopes(profile: AccessProfile, obj: str, action: str) -> tuple[str, ...]:
    if not profile.active:
        return ()
    return tuple(sorted(profile.access(obj, action).scopes, key=_SCOPE_ORDER.__getitem__))


def diff_grants(before: AccessProfile, after: AccessProfile) -> GrantsDiff:
    scopes = []
    for obj in OBJECT_NAMES:
        for action in ACTIONS:
            b, a = _scopes(before, obj, action), _scopes(after, obj, action)
            if b != a:
                scopes.append(ScopeChange(obj, action, b, a))
    fields = []
    for obj in OBJECT_NAMES:
        lb, la = object_field_levels(before, obj), object_field_levels(after, obj)
        for name, info in lb.items():
            if info.level is not la[name].level:
                fields.append(FieldChange(obj, name, info.level.value, la[name].level.value))
    keys_b = {r.key for r in before.roles}
    keys_a = {r.key for r in after.roles}
    return GrantsDiff(
        tuple(scopes), tuple(fields),
        tuple(sorted(after.permissions - before.permissions)),
        tuple(sorted(before.permissions - after.permissions)),
        tuple(sorted(keys_a - keys_b)), tuple(sorted(keys_b - keys_a)),
    )


def view_predicate(profile: AccessProfile, obj: str) -> Pred:
    """The records `profile` may view, as `record_filter` compiles them (nothing for a
    deactivated user)."""
    return profile.access(obj, "view").predicate if profile.active else FALSE


def diff_views(before: AccessProfile, after: AccessProfile,
               objects: tuple[str, ...] | list[str] = OBJECT_NAMES) -> tuple[ViewChange, ...]:
    out = []
    for obj in objects:
        b, a = view_predicate(before, obj), view_predicate(after, obj)
        if b != a:
            out.append(ViewChange(obj, b, a))
    return tuple(out)


def diff(before: AccessProfile, after: AccessProfile) -> ProfileDiff:
    """Everything that differs between two profiles of one user at one instant."""
    return ProfileDiff(diff_grants(before, after), diff_views(before, after))
