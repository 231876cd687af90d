"""Stable human keys for what a document names: a department by its path of names
(`总部/销售部/华东一组`), a user by username, a role by key — never a database id, so a
document means the same thing in every installation that has the same organisation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from vouch.access.models import Role
from vouch.org.models import Department, User

PATH_SEPARATOR = "/"


class UnknownKey(LookupError):
    """A key that names nothing (or, for a department path, more than one thing)."""

    def __init__(self, message: str, type: str = "validation.no_such") -> None:
        super().__init__(message)
        self.message = message
        self.type = type


@dataclass
class Directory:
    """ids ⇄ keys of departments, users and roles, read once per export or import.

    Role keys are the document's: a role the document adds has no id until the import
    writes it (`role_id` answers None for it, and `new_roles` lists it)."""

    department_paths: dict[int, str]
    departments_by_path: dict[str, list[int]]
    usernames: dict[int, str]
    users_by_name: dict[str, int]
    role_keys: dict[int, str]
    roles_by_key: dict[str, int]
    new_roles: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, session: Session) -> Directory:
        rows = session.execute(select(Department.id, Department.name, Department.parent_id)
                               ).tuples().all()
        names = {d: (name, parent) for d, name, parent in rows}
        paths = {d: _path(d, names) for d in names}
        by_path: dict[str, list[int]] = {}
        for d, path in sorted(paths.items()):
            by_path.setdefault(path, []).append(d)
        users = dict(session.execute(select(User.id, User.username)).tuples().all())
        roles = dict(session.execute(select(Role.id, Role.key)).tuples().all())
        return cls(paths, by_path, users, {u: i for i, u in users.items()}, roles,
                   {k: i for i, k in roles.items()})

    # --- ids → keys (export) -----------------------------------------------------------

    def department_path(self, department_id: object) -> object:
        """The path; an id that names no department is kept, so importing it fails."""
        return self.department_paths.get(department_id, department_id)  # type: ignore[call-overload]

    def username(self, user_id: object) -> object:
        return self.usernames.get(user_id, user_id)  # type: ignore[call-overload]

    def role_key(self, role_id: object) -> object:
        return self.role_keys.get(role_id, role_id)  # type: ignore[call-overload]

    # --- keys → ids (import) -----------------------------------------------------------

    def department_id(self, path: object) -> int:
        if not isinstance(path, str):
            raise UnknownKey(f"a department is named by its path of names, like "
                             f"{self._example_path()!r}, not {path!r}", "validation.format")
        found = self.departments_by_path.get(path.strip(PATH_SEPARATOR))
        if not found:
            raise UnknownKey(f"no department {path!r}")
        if len(found) > 1:
            raise UnknownKey(f"{len(found)} departments have the path {path!r}; rename one "
                             "so that the path names one department", "validation.duplicate")
        return found[0]

    def user_id(self, username: object) -> int:
        if not isinstance(username, str):
            raise UnknownKey(f"a user is named by username, not {username!r}",
                             "validation.format")
        if username not in self.users_by_name:
            raise UnknownKey(f"no user {username!r}")
        return self.users_by_name[username]

    def role_id(self, key: object) -> int | None:
        """The id of a role the document keeps; None for one it adds."""
        if not isinstance(key, str):
            raise UnknownKey(f"a role is named by its key, not {key!r}", "validation.format")
        if key in self.new_roles:
            return None
        if key not in self.roles_by_key:
            raise UnknownKey(f"no role {key!r} in the document's roles")
        return self.roles_by_key[key]

    def keep_only_roles(self, keys: Iterable[str]) -> None:
        """The document's roles are the roles there will be: the others cannot be named,
        and those not stored yet are new."""
        wanted = set(keys)
        self.roles_by_key = {k: i for k, i in self.roles_by_key.items() if k in wanted}
        self.new_roles = wanted - set(self.roles_by_key)

    def role_created(self, key: str, role_id: int) -> None:
        self.roles_by_key[key] = role_id
        self.role_keys[role_id] = key
        self.new_roles.discard(key)

    def _example_path(self) -> str:
        nested = sorted(p for p in self.department_paths.values() if PATH_SEPARATOR in p)
        return nested[0] if nested else "总部/销售部"


def _path(department_id: int, names: dict[int, tuple[str, int | None]]) -> str:
    parts: list[str] = []
    seen: set[int] = set()
    current: int | None = department_id
    while current is not None and current in names and current not in seen:
        seen.add(current)
        name, parent = names[current]
        parts.append(name)
        current = parent
    return PATH_SEPARATOR.join(reversed(parts))
