"""The authorization matrix: every route of the app × the demo roles × record positions.

The route table is read from the app itself (`iter_route_contexts(app.routes)`), so a new
route cannot slip in untested: `test_every_route_is_covered` fails naming any route that
no rule below covers, and `test_no_rule_without_a_route` fails on rules for routes that no
longer exist.

Rules:
- record routes: one family rule per route shape (list, create, export, import, view,
  edit, delete, transfer, shares, share, unshare), instantiated for each of the nine
  objects. Each (route, user) test walks the record positions (own, in_scope,
  out_of_scope, shared_read, shared_read_write, restricted; see `matrix_world`), each
  mutating case on a record of its own. Expected outcomes come from the reference model
  (`tests.reference.model`, no code shared with the engine), mapped to HTTP as
  PERMISSIONS.md and docs/design-notes.md say: identity → 401, function → 403, record or
  restriction → 404, viewable but outside the action's scope → 403, allowed → 2xx. Lists
  and exports must return exactly the reference's allowed ids among the fixture records.
- administration, auth, audit and catalog routes: an explicit table of what each route
  needs (public, signed in, one of some system permissions, or nobody — someone else's
  session or token), with a call per route that acts on a throwaway target of its own.
  Who holds which permission is read from the reference World, not from the engine.

Users: the six demo roles (wangfang sys_admin, lilei sales_manager, hanmeimei sales_rep,
zhaomin finance, chenjing support, sunli auditor), `nobody` (no role), `gone` (a sales
rep whose account was deactivated after signing in) and an anonymous client.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy import Engine, select, update

from tests.api.conftest import API, Clock, TestClient
from tests.api.matrix_world import (
    DEACTIVATED,
    EXTRA_REQUIRED,
    MATRIX_USERS,
    MUTATIONS,
    NO_ROLE_USER,
    OUTSIDER,
    POSITIONS,
    Matrix,
    build_matrix,
    title_of,
    world_from_db,
)
from tests.conftest import DEMO_PASSWORD
from tests.reference import model as ref
from tests.reference.world import World
from vouch.access import models as am
from vouch.access.service import bump_policy_version, clear_caches
from vouch.audit.service import Origin
from vouch.auth import service as auth
from vouch.catalog import OBJECT_MAP, OBJECT_NAMES, OBJECTS
from vouch.config import Settings
from vouch.db import make_engine, system_session
from vouch.org import models as om
from vouch.org.closure import rebuild_department_closure, rebuild_reporting_closure
from vouch.records.models import RECORD_MODELS

ANONYMOUS = "anonymous"
ALL_USERS = (*MATRIX_USERS, DEACTIVATED, ANONYMOUS)
CONFIG_READERS = ("manage_roles", "view_audit")
USER_READERS = ("manage_users", "view_audit")


# ---------------------------------------------------------------------------------------
# The route table


def routes_of(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path template below /api/v1) for every API route of the app."""
    found: set[tuple[str, str]] = set()
    for rc in iter_route_contexts(app.routes):
        if not isinstance(rc.original_route, APIRoute) or not rc.path:
            continue
        if not rc.path.startswith(API):
            continue
        for method in rc.methods or ():
            if method != "HEAD":
                found.add((method, rc.path[len(API):]))
    return sorted(found, key=lambda r: (r[1], r[0]))


def shape(path: str) -> str:
    """A path template with its parameter names erased: /customers/{record_id} →
    /customers/{}."""
    return re.sub(r"\{[^}]*\}", "{}", path)


def matches(template: str, path: str) -> bool:
    """Whether a concrete path fills a template (each {param} one path segment)."""
    pattern = re.sub(r"\\\{[^}]*\\\}", "[^/]+", re.escape(template))
    return re.fullmatch(pattern, path) is not None


def _route_table() -> list[tuple[str, str]]:
    from vouch.app import create_app

    return routes_of(create_app(make_engine("sqlite://"), Settings()))


ROUTES = _route_table()

# Record routes: family → (method, path shape after /{plural}), and the action whose
# decision the family follows.
RECORD_FAMILIES = {
    "list": ("GET", ""), "create": ("POST", ""), "export": ("GET", "/export"),
    "import": ("POST", "/import"), "view": ("GET", "/{}"), "edit": ("PATCH", "/{}"),
    "delete": ("DELETE", "/{}"), "transfer": ("POST", "/{}/transfer"),
    "shares": ("GET", "/{}/shares"), "share": ("POST", "/{}/shares"),
    "unshare": ("DELETE", "/{}/shares/{}"),
}
FAMILY_ACTION = {"view": "view", "shares": "view", "edit": "edit", "delete": "delete",
                 "transfer": "transfer", "share": "share", "unshare": "share"}
FAMILY_OK = {"view": 200, "shares": 200, "edit": 200, "delete": 204, "transfer": 200,
             "share": 201, "unshare": 204}
RECORD_RULES: dict[tuple[str, str], tuple[str, str]] = {
    (method, f"/{o.plural}{suffix}"): (o.name, family)
    for o in OBJECTS for family, (method, suffix) in RECORD_FAMILIES.items()
}


# ---------------------------------------------------------------------------------------
# The environment: app, matrix records, reference world, throwaway targets


class Env:
    def __init__(self, engine: Engine, app: FastAPI, clock: Clock, matrix: Matrix) -> None:
        self.engine, self.app, self.clock, self.matrix = engine, app, clock, matrix
        self.world: World = World(clock.now, (), ())  # set by the fixture once loaded
        self.clients: dict[str, TestClient] = {}
        self.counter = itertools.count(1)
        self.settings = Settings()
        # (record id, object) → (kind, owner, object, position)
        self.key_of = {(rid, key[2]): key for key, rid in matrix.records.items()}

    @property
    def now(self) -> Any:
        return self.clock.now

    def client(self, username: str) -> TestClient:
        """One client per user for the module, kept open (one event loop for all its
        requests), with a bearer token minted by the auth service (signing in through
        the API costs an argon2 verification; the auth routes themselves are checked
        below)."""
        if username not in self.clients:
            client = TestClient(self.app, raise_server_exceptions=False)
            client.__enter__()
            if username != ANONYMOUS:
                client.headers["Authorization"] = f"Bearer {self.new_session(username)[1]}"
            self.clients[username] = client
        return self.clients[username]

    def uid(self, username: str) -> int:
        return self.matrix.users[username]

    def perms(self, username: str) -> set[str]:
        """System permissions per the reference World (active roles' permissions)."""
        uid = self.uid(username)
        out: set[str] = set()
        for role_id in ref.active_role_ids(self.world, uid, self.world.now):
            role = self.world.role(role_id)
            assert role is not None
            out |= set(role.permissions)
        return out

    def signed_in(self, username: str) -> bool:
        return username not in (ANONYMOUS, DEACTIVATED)

    # --- throwaway targets (created in the database, one per case) ---------------------

    def name(self, what: str) -> str:
        return f"mx-{what}-{next(self.counter)}"

    def new_user(self, active: bool = True) -> tuple[int, int]:
        with system_session(self.engine, "matrix throwaway user") as s:
            u = om.User(username=self.name("user"), display_name="Throwaway", department_id=1,
                        active=active, created_at=self.now,
                        deactivated_at=None if active else self.now - timedelta(days=1))
            s.add(u)
            s.flush()
            rebuild_reporting_closure(s)
            bump_policy_version(s)
            s.commit()
            return u.id, u.version

    def new_role(self) -> tuple[int, int]:
        with system_session(self.engine, "matrix throwaway role") as s:
            r = am.Role(key=self.name("role").replace("-", "_"), name="Throwaway role",
                        created_at=self.now)
            s.add(r)
            s.commit()
            return r.id, r.version

    def new_department(self) -> tuple[int, int]:
        with system_session(self.engine, "matrix throwaway department") as s:
            d = om.Department(name=self.name("dept"), parent_id=1)
            s.add(d)
            s.flush()
            rebuild_department_closure(s)
            bump_policy_version(s)
            s.commit()
            return d.id, d.version

    def new_assignment(self) -> int:
        user_id, _ = self.new_user()
        role_id, _ = self.new_role()
        with system_session(self.engine, "matrix throwaway assignment") as s:
            a = am.RoleAssignment(user_id=user_id, role_id=role_id, granted_at=self.now,
                                  reason="matrix")
            s.add(a)
            bump_policy_version(s)
            s.commit()
            return a.id

    def new_rule(self, kind: str) -> tuple[int, int]:
        model = am.SharingRule if kind == "sharing" else am.RestrictionRule
        extra = {"access": "read"} if kind == "sharing" else {}
        with system_session(self.engine, "matrix throwaway rule") as s:
            r = model(name=self.name(kind), object="task",
                      condition={"field": "title", "op": "eq", "value": "no such task"},
                      principals=[{"kind": "user", "id": self.uid(OUTSIDER)}], active=False,
                      **extra)
            s.add(r)
            s.commit()
            return r.id, r.version

    def new_share(self) -> int:
        with system_session(self.engine, "matrix throwaway share") as s:
            sh = am.Share(object="task", record_id=1, principal_kind="user",
                          principal_id=self.uid(OUTSIDER), access="read", created_at=self.now)
            s.add(sh)
            bump_policy_version(s)
            s.commit()
            return sh.id

    def new_session(self, username: str) -> tuple[int, str]:
        with system_session(self.engine, "matrix throwaway session") as s:
            user = s.get(om.User, self.uid(username))
            assert user is not None
            issued = auth.open_session(s, user, "bearer", Origin(user.id, "127.0.0.1", "matrix",
                                                                 None), self.now, self.settings)
            return issued.session.id, issued.secret

    def new_token(self, username: str) -> int:
        with system_session(self.engine, "matrix throwaway token") as s:
            _secret, row = auth.create_token(s, self.uid(username), self.name("token"), None,
                                             self.now, self.settings,
                                             Origin(self.uid(username), None, None, None))
            s.commit()
            return row.id


@pytest.fixture(scope="module")
def env(api_engine: Engine, app: FastAPI, clock: Clock) -> Iterator[Env]:
    matrix = build_matrix(api_engine, clock.now, DEMO_PASSWORD)
    e = Env(api_engine, app, clock, matrix)
    e.client(DEACTIVATED)  # signed in while active; deactivated below, the token kept
    with system_session(api_engine, "matrix: deactivate") as s:
        s.execute(update(om.User).where(om.User.id == matrix.users[DEACTIVATED])
                  .values(active=False, deactivated_at=clock.now))
        bump_policy_version(s)
        s.commit()
    clear_caches()
    e.world = world_from_db(api_engine, clock.now, {o: matrix.ids(o) for o in OBJECT_NAMES})
    yield e
    for client in e.clients.values():
        client.__exit__(None, None, None)


# ---------------------------------------------------------------------------------------
# Expectations from the reference


def record_expectation(env: Env, username: str, action: str, obj: str, rid: int) -> int | None:
    """None when the reference allows; otherwise the HTTP status PERMISSIONS.md gives."""
    if username == ANONYMOUS:
        return 401
    allowed, layer = ref.can(env.world, env.uid(username), action, obj, rid, env.now)
    if allowed:
        return None
    if layer == "identity":
        return 401
    if layer == "function":
        return 403
    if action == "view":
        return 404
    viewable, _ = ref.can(env.world, env.uid(username), "view", obj, rid, env.now)
    return 403 if viewable else 404


def function_expectation(env: Env, username: str, obj: str, *actions: str) -> int | None:
    if username == ANONYMOUS:
        return 401
    uid = env.uid(username)
    user = env.world.user(uid)
    assert user is not None
    if not user.active:
        return 401
    if all(ref.function_allows(env.world, uid, obj, a, env.now) for a in actions):
        return None
    return 403


def _body(r: Any) -> Any:
    try:
        return r.json()
    except ValueError:
        return None


def denial_problems(r: Any, status: int, obj: str, action: str | None) -> list[str]:
    """The error body of a denial: its code, and a 403 of the record layers names the
    object and action."""
    body = _body(r)
    if not isinstance(body, dict) or "error" not in body:
        return [f"no error body: {r.text[:200]}"]
    err = body["error"]
    problems = []
    code = {401: "not_authenticated", 403: "forbidden", 404: "not_found"}[status]
    if err.get("code") != code:
        problems.append(f"error code {err.get('code')!r}, expected {code!r}")
    if status == 403 and action is not None:
        details = err.get("details") or {}
        if details.get("action") != action or details.get("object") != obj:
            problems.append(f"403 names {details.get('object')}/{details.get('action')}, "
                            f"expected {obj}/{action}")
    return problems


def item_problems(env: Env, username: str, obj: str, item: dict[str, Any]) -> list[str]:
    """A record as shown: `_editable` and which fields are present follow the reference
    (hidden fields absent, every other field present)."""
    uid, rid = env.uid(username), item["id"]
    problems = []
    editable, _ = ref.can(env.world, uid, "edit", obj, rid, env.now)
    if item.get("_editable") is not editable:
        problems.append(f"{obj} {rid}: _editable={item.get('_editable')}, reference {editable}")
    levels = ref.record_field_levels(env.world, uid, obj, rid, env.now)
    for name, level in levels.items():
        if (level == "hidden") == (name in item):
            problems.append(f"{obj} {rid}: field {name} is {level} in the reference but "
                            f"{'present' if name in item else 'absent'}")
    return problems


# ---------------------------------------------------------------------------------------
# Record routes


@dataclass
class Case:
    """One checked request (for the size report) and what went wrong with it."""

    label: str
    problems: list[str]


def _positions_of(username: str) -> str:
    """Whose positions a user acts on: their own; the anonymous client tries the
    deactivated user's (both must get 401 and change nothing)."""
    return DEACTIVATED if username == ANONYMOUS else username


def _title_field(obj: str) -> str:
    return OBJECT_MAP[obj].title_field


def _csv_ids(text: str) -> tuple[list[str], set[int]]:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    rows = list(reader)
    if not rows:
        return [], set()
    header = rows[0]
    at = header.index("id")
    return header, {int(row[at]) for row in rows[1:] if row}


def _id_set_case(env: Env, username: str, obj: str, family: str) -> Case:
    """list / export: exactly the reference's allowed ids among the static records."""
    action = "view" if family == "list" else "export"
    static = sorted(env.matrix.ids(obj, "static"))
    params = {"id__in": ",".join(map(str, static))}
    client = env.client(username)
    plural = OBJECT_MAP[obj].plural
    if family == "list":
        r = client.get(f"{API}/{plural}", params=params | {"limit": "500"})
    else:
        r = client.get(f"{API}/{plural}/export", params=params | {"format": "csv"})
    label = f"{family} {obj} as {username}"
    expected = function_expectation(env, username, obj, action)
    if expected is not None:
        if r.status_code != expected:
            return Case(label, [f"{label}: {r.status_code}, expected {expected}: "
                                f"{r.text[:200]}"])
        return Case(label, [f"{label}: {p}" for p in
                            denial_problems(r, expected, obj, action if expected == 403
                                            else None)])
    if r.status_code != 200:
        return Case(label, [f"{label}: {r.status_code}, expected 200: {r.text[:200]}"])
    want = {rid for rid in static
            if ref.can(env.world, env.uid(username), action, obj, rid, env.now)[0]}
    problems = []
    if family == "list":
        body = r.json()
        got = {item["id"] for item in body["items"]}
        if body.get("next_cursor") is not None:
            problems.append("one page expected (limit 500)")
        for item in body["items"]:
            problems += item_problems(env, username, obj, item)
    else:
        header, got = _csv_ids(r.text)
        for f in OBJECT_MAP[obj].fields:
            hidden = ref.user_field_level(env.world, env.uid(username), obj, f.name,
                                          env.now) == "hidden"
            if hidden == (f.name in header):
                problems.append(f"export column {f.name}: hidden={hidden} in the reference"
                                f" but {'present' if f.name in header else 'absent'}")
    if got != want:
        name = {rid: pos for (k, _u, o, pos), rid in env.matrix.records.items()
                if k == "static" and o == obj}
        extra = sorted(name.get(i, str(i)) for i in got - want)
        missing = sorted(name.get(i, str(i)) for i in want - got)
        problems.append(f"ids differ from the reference: extra {extra}, missing {missing}")
    return Case(label, [f"{label}: {p}" for p in problems])


def _create_case(env: Env, username: str, obj: str) -> Case:
    label = f"create {obj} as {username}"
    body = {_title_field(obj): env.name(f"created-{username}")[:60], **EXTRA_REQUIRED.get(obj, {})}
    r = env.client(username).post(f"{API}/{OBJECT_MAP[obj].plural}", json=body)
    expected = function_expectation(env, username, obj, "create")
    if expected is not None:
        if r.status_code != expected:
            return Case(label, [f"{label}: {r.status_code}, expected {expected}: "
                                f"{r.text[:200]}"])
        return Case(label, [f"{label}: {p}" for p in denial_problems(
            r, expected, obj, "create" if expected == 403 else None)])
    if r.status_code != 201:
        return Case(label, [f"{label}: {r.status_code}, expected 201: {r.text[:200]}"])
    if r.json().get("owner_id") != env.uid(username):
        return Case(label, [f"{label}: owner {r.json().get('owner_id')}, expected the creator"])
    return Case(label, [])


def _import_case(env: Env, username: str, obj: str) -> Case:
    label = f"import {obj} (dry run) as {username}"
    title = _title_field(obj)
    columns = [title, *EXTRA_REQUIRED.get(obj, {})]
    values = [env.name("imported")[:60], *EXTRA_REQUIRED.get(obj, {}).values()]
    text = ",".join(columns) + "\n" + ",".join(values) + "\n"
    r = env.client(username).post(f"{API}/{OBJECT_MAP[obj].plural}/import",
                                  files={"file": ("rows.csv", text.encode(), "text/csv")})
    # the import gate needs both import and create
    expected = function_expectation(env, username, obj, "import", "create")
    if expected is not None:
        if r.status_code != expected:
            return Case(label, [f"{label}: {r.status_code}, expected {expected}: "
                                f"{r.text[:200]}"])
        problems = denial_problems(r, expected, obj, None)
        return Case(label, [f"{label}: {p}" for p in problems])
    if r.status_code != 200 or r.json().get("valid") != 1:
        return Case(label, [f"{label}: {r.status_code}, expected 200 with one valid row: "
                            f"{r.text[:300]}"])
    return Case(label, [])


def _record_request(env: Env, client: TestClient, family: str, obj: str, rid: int) -> Any:
    base = f"{API}/{OBJECT_MAP[obj].plural}/{rid}"
    outsider = env.uid(OUTSIDER)
    if family == "view":
        return client.get(base)
    if family == "shares":
        return client.get(f"{base}/shares")
    if family == "edit":
        title = _title_field(obj)
        # the record's own title with a suffix (a restricted title keeps its mark)
        key = env.key_of[(rid, obj)]
        return client.patch(base, json={"version": 1,
                                        title: f"{title_of(*key[:2], obj, key[3])} (edited)"})
    if family == "delete":
        return client.delete(base)
    if family == "transfer":
        return client.post(f"{base}/transfer", json={"owner_id": outsider})
    if family == "share":
        return client.post(f"{base}/shares", json={"principal_kind": "user",
                                                   "principal_id": outsider,
                                                   "access": "read"})
    if family == "unshare":
        return client.delete(f"{base}/shares/{env.matrix.removable_share[(obj, rid)]}")
    raise AssertionError(family)


def _unchanged_problems(env: Env, family: str, obj: str, denied: list[int]) -> list[str]:
    """A refused mutation wrote nothing: the record is there, at version 1, with its
    owner; shares are as they were."""
    if not denied:
        return []
    model = RECORD_MODELS[obj]
    problems = []
    with system_session(env.engine, "matrix: check nothing was written") as s:
        rows = {r.id: r for r in s.scalars(select(model).where(model.id.in_(denied)))}
        shares = {(sh.record_id, sh.id) for sh in s.scalars(
            select(am.Share).where(am.Share.object == obj, am.Share.record_id.in_(denied)))}
    for rid in denied:
        row = rows.get(rid)
        if row is None:
            problems.append(f"{obj} {rid} was deleted by a refused {family}")
            continue
        before = env.world.record(obj, rid)
        assert before is not None
        if row.version != 1 or row.owner_id != before.owner_id:
            problems.append(f"{obj} {rid} changed by a refused {family}")
        if family == "unshare" and (rid, env.matrix.removable_share[(obj, rid)]) not in shares:
            problems.append(f"{obj} {rid}: a refused unshare removed the share")
        if family == "share" and len([1 for r, _ in shares if r == rid]) > 2:
            problems.append(f"{obj} {rid}: a refused share added a share")
    return problems


def _position_cases(env: Env, username: str, obj: str, family: str) -> list[Case]:
    action = FAMILY_ACTION[family]
    kind = "static" if family in ("view", "shares") else family
    owner = _positions_of(username)
    client = env.client(username)
    cases, denied = [], []
    # Identity comes first: a client that cannot sign in gets 401 wherever the record
    # is, so one position shows it (the others would only repeat the request).
    positions = POSITIONS if env.signed_in(username) else ("own",)
    for position in positions:
        rid = env.matrix.record(kind, owner, obj, position)
        label = f"{family} {obj} {position} (id {rid}) as {username}"
        r = _record_request(env, client, family, obj, rid)
        expected = record_expectation(env, username, action, obj, rid)
        problems = []
        if expected is None:
            if r.status_code != FAMILY_OK[family]:
                problems.append(f"{r.status_code}, expected {FAMILY_OK[family]}: "
                                f"{r.text[:200]}")
            elif family == "view":
                problems += item_problems(env, username, obj, r.json())
        else:
            if kind != "static":
                denied.append(rid)
            if r.status_code != expected:
                problems.append(f"{r.status_code}, expected {expected}: {r.text[:200]}")
            else:
                problems += denial_problems(r, expected, obj,
                                            action if expected == 403 else None)
        cases.append(Case(label, [f"{label}: {p}" for p in problems]))
    if kind in MUTATIONS:
        extra = _unchanged_problems(env, family, obj, denied)
        if extra:
            cases.append(Case(f"{family} {obj} as {username}: nothing written", extra))
    return cases


def record_cases(env: Env, username: str, obj: str, family: str) -> list[Case]:
    if family in ("list", "export"):
        return [_id_set_case(env, username, obj, family)]
    if family == "create":
        return [_create_case(env, username, obj)]
    if family == "import":
        return [_import_case(env, username, obj)]
    return _position_cases(env, username, obj, family)


RECORD_ROUTES = [r for r in ROUTES if (r[0], shape(r[1])) in RECORD_RULES]


@pytest.mark.parametrize("username", ALL_USERS)
@pytest.mark.parametrize("route", RECORD_ROUTES, ids=lambda r: f"{r[0]} {r[1]}")
def test_record_route(env: Env, route: tuple[str, str], username: str) -> None:
    obj, family = RECORD_RULES[(route[0], shape(route[1]))]
    cases = record_cases(env, username, obj, family)
    CASE_COUNT[route] = CASE_COUNT.get(route, 0) + len(cases)
    problems = [p for c in cases for p in c.problems]
    assert not problems, "\n".join(problems)


CASE_COUNT: dict[tuple[str, str], int] = {}


# ---------------------------------------------------------------------------------------
# Administration, auth, audit and catalog routes


@dataclass(frozen=True)
class Call:
    method: str
    path: str  # below /api/v1, concrete
    json: Any = None
    params: dict[str, Any] | None = None
    headers: dict[str, str] | None = None


# "public" (no credentials needed), "signed_in" (any active user), "nobody" (someone
# else's session or token: the answer is `denied`, 404), or system permissions (any of).
Need = str | tuple[str, ...]
Check = Callable[["Env", str, Any], list[str]]


@dataclass(frozen=True)
class Variant:
    label: str
    need: Need
    ok: int
    call: Callable[[Env, str], Call]
    denied: int = 403
    check: Check | None = None
    users: tuple[str, ...] = ()  # who tries it; empty: everyone in ALL_USERS


SYSTEM_RULES: dict[tuple[str, str], list[Variant]] = {}


def rule(method: str, path: str, *variants: Variant) -> None:
    key = (method, shape(path))
    assert key not in SYSTEM_RULES, f"two rules for {key}"
    SYSTEM_RULES[key] = list(variants)


def only(need: Need, ok: int, call: Callable[[Env, str], Call],
         check: Check | None = None) -> Variant:
    return Variant("", need, ok, call, check=check)


def me(username: str) -> str:
    """The user a call is about: oneself, or (for the anonymous client) the outsider."""
    return OUTSIDER if username == ANONYMOUS else username


def why(env: Env) -> str:
    return "authorization matrix"


# --- checks on allowed answers ----------------------------------------------------------


def check_me(env: Env, username: str, body: Any) -> list[str]:
    want = sorted(env.perms(username))
    if body.get("username") != username or sorted(body.get("permissions", [])) != want:
        return [f"/me says {body.get('username')} with {body.get('permissions')}, "
                f"the reference {username} with {want}"]
    return []


def check_catalog(env: Env, username: str, body: Any) -> list[str]:
    """Allowed actions per object are the function layer; a field's level is the user's
    level, capped at read where no record can be editable (no edit function)."""
    uid, problems = env.uid(username), []
    for o in body["objects"]:
        want = [a for a in (*ref.RECORD_ACTIONS, *ref.OBJECT_ACTIONS)
                if ref.function_allows(env.world, uid, o["name"], a, env.now)]
        if sorted(o["actions"]) != sorted(want):
            problems.append(f"catalog {o['name']} actions {o['actions']}, reference {want}")
        for f in o["fields"]:
            level = ref.user_field_level(env.world, uid, o["name"], f["name"], env.now)
            if "edit" not in want:
                level = ref.lower(level, "read")
            if f["level"] != level:
                problems.append(f"catalog {o['name']}.{f['name']} is {f['level']}, "
                                f"reference {level}")
    return problems


def check_user_view(env: Env, username: str, body: Any) -> list[str]:
    """Administrators' view (e-mail and the rest) only with manage_users or view_audit."""
    items = body.get("items", [body])
    full = bool(env.perms(username) & set(USER_READERS))
    wrong = [u["id"] for u in items if ("email" in u) != full]
    return [f"users {wrong}: full view should be {full}"] if wrong else []


def check_role_view(env: Env, username: str, body: Any) -> list[str]:
    full = bool(env.perms(username) & set(CONFIG_READERS))
    wrong = [r.get("key") for r in body["items"] if ("grants" in r) != full]
    return [f"roles {wrong}: grants shown should be {full}"] if wrong else []


def check_explain_create(env: Env, username: str, body: Any) -> list[str]:
    allowed = ref.function_allows(env.world, env.uid(username), "customer", "create", env.now)
    if body.get("allowed") is not allowed:
        return [f"explain create customer: {body.get('allowed')}, reference {allowed}"]
    return []


def check_explain_permission(env: Env, username: str, body: Any) -> list[str]:
    allowed = "manage_users" in env.perms(username)
    if body.get("allowed") is not allowed:
        return [f"explain manage_users: {body.get('allowed')}, reference {allowed}"]
    return []


# --- auth --------------------------------------------------------------------------------


def _credentials(env: Env, username: str) -> dict[str, str]:
    return {"username": "no-such-user" if username == ANONYMOUS else username,
            "password": DEMO_PASSWORD}


def _fresh_bearer(env: Env, username: str) -> dict[str, str] | None:
    """A session of its own for a call that ends it (signed-in users only; the others
    send what their client has)."""
    if not env.signed_in(username):
        return None
    return {"Authorization": f"Bearer {env.new_session(username)[1]}"}


# Signing in costs an argon2 verification (~0.3 s): tried by a user with a role, one with
# none, a deactivated one and an unknown name, not by every demo role.
SIGN_IN_USERS = ("hanmeimei", NO_ROLE_USER, DEACTIVATED, ANONYMOUS)
rule("POST", "/auth/token", Variant("", "public", 200, lambda e, u: Call(
    "POST", "/auth/token", json=_credentials(e, u)), users=SIGN_IN_USERS))
rule("POST", "/auth/login", Variant("", "public", 200, lambda e, u: Call(
    "POST", "/auth/login", json=_credentials(e, u)), users=SIGN_IN_USERS))
rule("POST", "/auth/logout", only("signed_in", 204, lambda e, u: Call(
    "POST", "/auth/logout", headers=_fresh_bearer(e, u))))
rule("GET", "/auth/csrf", only("signed_in", 200, lambda e, u: Call("GET", "/auth/csrf")))
rule("GET", "/me", only("signed_in", 200, lambda e, u: Call("GET", "/me"), check_me))
rule("GET", "/me/sessions", only("signed_in", 200, lambda e, u: Call("GET", "/me/sessions")))
rule("DELETE", "/me/sessions/{}",
     Variant("own session", "signed_in", 204, lambda e, u: Call(
         "DELETE", f"/me/sessions/{e.new_session(me(u))[0]}")),
     Variant("someone else's session", "nobody", 204, lambda e, u: Call(
         "DELETE", f"/me/sessions/{e.new_session(OUTSIDER)[0]}"), denied=404))
rule("GET", "/sessions", only(("manage_users",), 200, lambda e, u: Call("GET", "/sessions")))
rule("DELETE", "/sessions/{}", only(("manage_users",), 204, lambda e, u: Call(
    "DELETE", f"/sessions/{e.new_session(OUTSIDER)[0]}")))
rule("GET", "/me/tokens", only("signed_in", 200, lambda e, u: Call("GET", "/me/tokens")))
rule("POST", "/me/tokens", only("signed_in", 201, lambda e, u: Call(
    "POST", "/me/tokens", json={"name": e.name("token")})))
rule("DELETE", "/me/tokens/{}",
     Variant("own token", "signed_in", 204, lambda e, u: Call(
         "DELETE", f"/me/tokens/{e.new_token(me(u))}")),
     Variant("someone else's token", "nobody", 204, lambda e, u: Call(
         "DELETE", f"/me/tokens/{e.new_token(OUTSIDER)}"), denied=404))

# --- audit -------------------------------------------------------------------------------

AUDIT = ("view_audit",)
rule("GET", "/audit/events", only(AUDIT, 200, lambda e, u: Call("GET", "/audit/events")))
rule("GET", "/audit/events/{}", only(AUDIT, 200, lambda e, u: Call("GET", "/audit/events/1")))
rule("GET", "/audit/export", only(AUDIT, 200, lambda e, u: Call("GET", "/audit/export")))
rule("GET", "/audit/verify", only(AUDIT, 200, lambda e, u: Call("GET", "/audit/verify")))

# --- roles, assignments, rules, shares ------------------------------------------------------

ROLES = ("manage_roles",)
rule("GET", "/roles", only("signed_in", 200, lambda e, u: Call("GET", "/roles"),
                           check_role_view))
rule("GET", "/roles/{}", only(CONFIG_READERS, 200, lambda e, u: Call("GET", "/roles/1")))
rule("POST", "/roles", only(ROLES, 201, lambda e, u: Call(
    "POST", "/roles", json={"key": e.name("role").replace("-", "_"), "name": "Matrix role",
                            "reason": why(e)})))


def _patch_role(e: Env, u: str) -> Call:
    rid, version = e.new_role()
    return Call("PATCH", f"/roles/{rid}", json={"description": "changed", "version": version,
                                               "reason": why(e)})


def _delete_role(e: Env, u: str) -> Call:
    rid, version = e.new_role()
    return Call("DELETE", f"/roles/{rid}", params={"version": version, "reason": why(e)})


rule("PATCH", "/roles/{}", only(ROLES, 200, _patch_role))
rule("DELETE", "/roles/{}", only(ROLES, 204, _delete_role))
rule("GET", "/assignments", only(CONFIG_READERS, 200, lambda e, u: Call("GET", "/assignments")))
rule("GET", "/assignments/{}", only(CONFIG_READERS, 200, lambda e, u: Call(
    "GET", "/assignments/1")))


def _new_assignment(e: Env, u: str) -> Call:
    user_id, _ = e.new_user()
    role_id, _ = e.new_role()
    return Call("POST", "/assignments", json={"user_id": user_id, "role_id": role_id,
                                              "reason": why(e)})


rule("POST", "/assignments", only(ROLES, 201, _new_assignment))
rule("PATCH", "/assignments/{}", only(ROLES, 200, lambda e, u: Call(
    "PATCH", f"/assignments/{e.new_assignment()}",
    json={"expires_at": (e.now + timedelta(days=30)).isoformat(), "reason": why(e)})))
rule("DELETE", "/assignments/{}", only(ROLES, 204, lambda e, u: Call(
    "DELETE", f"/assignments/{e.new_assignment()}", params={"reason": why(e)})))


def _rule_routes(kind: str, base: str) -> None:
    def create(e: Env, u: str) -> Call:
        body = {"name": e.name(kind), "object": "task",
                "condition": {"field": "title", "op": "eq", "value": "no such task"},
                "principals": [{"kind": "user", "id": e.uid(OUTSIDER)}], "active": False,
                "reason": why(e)}
        if kind == "sharing":
            body["access"] = "read"
        return Call("POST", base, json=body)

    def patch(e: Env, u: str) -> Call:
        rid, version = e.new_rule(kind)
        return Call("PATCH", f"{base}/{rid}", json={"description": "changed",
                                                   "version": version, "reason": why(e)})

    def delete(e: Env, u: str) -> Call:
        rid, version = e.new_rule(kind)
        return Call("DELETE", f"{base}/{rid}", params={"version": version, "reason": why(e)})

    rule("GET", base, only(CONFIG_READERS, 200, lambda e, u: Call("GET", base)))
    rule("GET", f"{base}/{{}}", only(CONFIG_READERS, 200, lambda e, u: Call(
        "GET", f"{base}/{e.new_rule(kind)[0]}")))
    rule("POST", base, only(ROLES, 201, create))
    rule("PATCH", f"{base}/{{}}", only(ROLES, 200, patch))
    rule("DELETE", f"{base}/{{}}", only(ROLES, 204, delete))


_rule_routes("sharing", "/sharing-rules")
_rule_routes("restriction", "/restriction-rules")
rule("GET", "/shares", only(CONFIG_READERS, 200, lambda e, u: Call("GET", "/shares")))
rule("DELETE", "/shares/{}", only(ROLES, 204, lambda e, u: Call(
    "DELETE", f"/shares/{e.new_share()}", params={"reason": why(e)})))

# --- explanations --------------------------------------------------------------------------

rule("GET", "/access/explain",
     Variant("own object action", "signed_in", 200, lambda e, u: Call(
         "GET", "/access/explain", params={"action": "create", "object": "customer"}),
         check=check_explain_create),
     Variant("own system permission", "signed_in", 200, lambda e, u: Call(
         "GET", "/access/explain", params={"action": "manage_users"}),
         check=check_explain_permission),
     Variant("another user's", CONFIG_READERS, 200, lambda e, u: Call(
         "GET", "/access/explain", params={"action": "view", "object": "customer",
                                           "user": OUTSIDER})))
rule("GET", "/access/matrix",
     Variant("own", "signed_in", 200, lambda e, u: Call("GET", "/access/matrix")),
     Variant("another user's", CONFIG_READERS, 200, lambda e, u: Call(
         "GET", "/access/matrix", params={"user": OUTSIDER})))
rule("GET", "/me/access", only("signed_in", 200, lambda e, u: Call("GET", "/me/access")))

# --- departments and users -------------------------------------------------------------------

USERS = ("manage_users",)
rule("GET", "/departments", only("signed_in", 200, lambda e, u: Call("GET", "/departments")))
rule("GET", "/departments/{}", only("signed_in", 200, lambda e, u: Call(
    "GET", "/departments/2")))
rule("POST", "/departments", only(USERS, 201, lambda e, u: Call(
    "POST", "/departments", json={"name": e.name("dept"), "parent_id": 1, "reason": why(e)})))


def _patch_department(e: Env, u: str) -> Call:
    did, version = e.new_department()
    return Call("PATCH", f"/departments/{did}", json={"name": e.name("renamed"),
                                                     "version": version, "reason": why(e)})


def _delete_department(e: Env, u: str) -> Call:
    did, version = e.new_department()
    return Call("DELETE", f"/departments/{did}", params={"version": version,
                                                        "reason": why(e)})


rule("PATCH", "/departments/{}", only(USERS, 200, _patch_department))
rule("DELETE", "/departments/{}", only(USERS, 204, _delete_department))
rule("GET", "/users", only("signed_in", 200, lambda e, u: Call("GET", "/users"),
                           check_user_view))
rule("GET", "/users/{}", only("signed_in", 200, lambda e, u: Call(
    "GET", f"/users/{e.uid(OUTSIDER)}"), check_user_view))
rule("POST", "/users", only(USERS, 201, lambda e, u: Call(
    "POST", "/users", json={"username": e.name("user"), "display_name": "Matrix user",
                            "department_id": 1, "reason": why(e)})))


def _user_call(path: str, active: bool = True, **body: Any) -> Callable[[Env, str], Call]:
    def call(e: Env, u: str) -> Call:
        uid, version = e.new_user(active=active)
        extra = {k: (v(e) if callable(v) else v) for k, v in body.items()}
        return Call("PATCH" if path == "" else "POST", f"/users/{uid}{path}",
                    json={**extra, "version": version, "reason": why(e)})
    return call


rule("PATCH", "/users/{}", only(USERS, 200, _user_call("", display_name="Renamed")))
rule("POST", "/users/{}/move", only(USERS, 200, _user_call(
    "/move", department_id=7, records="stay")))
rule("POST", "/users/{}/deactivate", only(USERS, 200, _user_call(
    "/deactivate", successor_id=lambda e: e.uid(OUTSIDER))))
rule("POST", "/users/{}/reactivate", only(USERS, 200, _user_call("/reactivate",
                                                                 active=False)))

# --- catalog ---------------------------------------------------------------------------------

rule("GET", "/catalog", only("signed_in", 200, lambda e, u: Call("GET", "/catalog"),
                             check_catalog))


# --- reports ---------------------------------------------------------------------------------
# A report needs the view function on its object ("view:<object>"); what it counts must be
# what the reference lets the user view. The reference world for a report is read right
# before the request (other cases create, delete and transfer records as they run).


def _visible(env: Env, username: str, obj: str) -> tuple[World, list[Any]]:
    world = world_from_db(env.engine, env.now, {obj: None})
    uid = env.uid(username)
    return world, [r for r in world.records[obj]
                   if ref.can(world, uid, "view", obj, r.id, env.now)[0]]


def _sum_problems(env: Env, username: str, obj: str, field: str, body: Any,
                  groups: dict[Any, list[Any]], key: str) -> list[str]:
    level = ref.user_field_level(env.world, env.uid(username), obj, field, env.now)
    readable = level in ("read", "edit")
    problems = []
    if (body["sum"] == field) != readable:
        problems.append(f"sum of {field} shown={body['sum'] == field} but the level is "
                        f"{level}")
    if body["sum"] == field:
        for g in body["groups"]:
            want = sum((r.values.get(field) or Decimal(0) for r in groups.get(g[key], [])),
                       Decimal(0))
            if Decimal(g[field]) != want:
                problems.append(f"{key}={g[key]}: sum {g[field]}, reference {want}")
    return problems


def check_pipeline(env: Env, username: str, body: Any) -> list[str]:
    _world, visible = _visible(env, username, "opportunity")
    by_stage: dict[Any, list[Any]] = {}
    for r in visible:
        by_stage.setdefault(r.values["stage"], []).append(r)
    got = {g["stage"]: g["count"] for g in body["groups"] if g["count"]}
    want = {k: len(v) for k, v in by_stage.items()}
    problems = [f"pipeline counts {got}, reference {want}"] if got != want else []
    return problems + _sum_problems(env, username, "opportunity", "amount", body, by_stage,
                                    "stage")


def check_sales_by_month(env: Env, username: str, body: Any) -> list[str]:
    _world, visible = _visible(env, username, "contract")
    by_month: dict[Any, list[Any]] = {}
    for r in visible:
        signed = r.values["signed_on"]
        by_month.setdefault(signed.strftime("%Y-%m") if signed else None, []).append(r)
    got = {g["month"]: g["count"] for g in body["groups"]}
    want = {k: len(v) for k, v in by_month.items()}
    problems = [f"sales by month {got}, reference {want}"] if got != want else []
    return problems + _sum_problems(env, username, "contract", "amount", body, by_month,
                                    "month")


def check_by_owner(env: Env, username: str, body: Any) -> list[str]:
    _world, visible = _visible(env, username, "opportunity")
    by_owner: dict[Any, list[Any]] = {}
    for r in visible:
        by_owner.setdefault(r.owner_id, []).append(r)
    got = {g["owner_id"]: g["count"] for g in body["groups"]}
    want = {k: len(v) for k, v in by_owner.items()}
    problems = [f"by owner {got}, reference {want}"] if got != want else []
    return problems + _sum_problems(env, username, "opportunity", "amount", body, by_owner,
                                    "owner_id")


def check_summary(obj: str) -> Check:
    """Grouped by the title field: the matrix's static records appear (once each)
    exactly when the reference lets the user view them."""
    def check(env: Env, username: str, body: Any) -> list[str]:
        title = _title_field(obj)
        static = {title_of("static", _positions_of(username), obj, p): p for p in POSITIONS}
        got = {static[g[title]] for g in body["groups"] if g[title] in static}
        want = {p for p in POSITIONS if ref.can(
            env.world, env.uid(username), "view", obj,
            env.matrix.record("static", _positions_of(username), obj, p), env.now)[0]}
        counts = [g for g in body["groups"] if g[title] in static and g["count"] != 1]
        if got != want or counts or body.get("truncated"):
            return [f"summary of {obj} by {title}: positions {sorted(got)}, reference "
                    f"{sorted(want)} (counts {counts}, truncated {body.get('truncated')})"]
        return []
    return check


rule("GET", "/reports/pipeline", only("view:opportunity", 200, lambda e, u: Call(
    "GET", "/reports/pipeline"), check_pipeline))
rule("GET", "/reports/sales-by-month", only("view:contract", 200, lambda e, u: Call(
    "GET", "/reports/sales-by-month"), check_sales_by_month))
rule("GET", "/reports/by-owner", only("view:opportunity", 200, lambda e, u: Call(
    "GET", "/reports/by-owner"), check_by_owner))
rule("GET", "/reports/summary", *(
    Variant(obj, f"view:{obj}", 200, (lambda o: lambda e, u: Call(
        "GET", "/reports/summary", params={"object": o, "group": _title_field(o)}))(obj),
        check=check_summary(obj))
    for obj in OBJECT_NAMES))


# --- access reviews and dormant permissions --------------------------------------------------
# Campaigns are read with run_reviews, view_audit or manage_roles, started and closed with
# run_reviews. An item is decided by its reviewer (whoever they are) or a run_reviews
# holder; a reader who may not decide gets 403, anyone else 404 (as if it did not exist).

REVIEW_READERS = ("run_reviews", "view_audit", "manage_roles")
REVIEW_DECIDERS = ("run_reviews",)
# who reads reviews in the demo (or gets 401), and who neither reads nor decides
REVIEW_READER_USERS = ("wangfang", "lilei", "sunli", DEACTIVATED, ANONYMOUS)
REVIEW_STRANGERS = ("hanmeimei", "zhaomin", "chenjing", NO_ROLE_USER)


def _review_target(e: Env) -> tuple[int, int, int]:
    """A throwaway user holding a throwaway role: (assignment, user, role)."""
    assignment_id = e.new_assignment()
    with system_session(e.engine, "matrix: throwaway assignment") as s:
        a = s.get(am.RoleAssignment, assignment_id)
        assert a is not None
        return a.id, a.user_id, a.role_id


def _review_item(e: Env, reviewer: str = "wangfang") -> tuple[int, int]:
    """A throwaway open campaign with one item reviewed by `reviewer`: (campaign, item)."""
    from vouch.workflow.models import ReviewCampaign, ReviewItem

    assignment_id, user_id, role_id = _review_target(e)
    with system_session(e.engine, "matrix: throwaway review") as s:
        c = ReviewCampaign(name=e.name("review"), scope_kind="roles", role_ids=[role_id],
                           deadline=e.now + timedelta(days=30), on_deadline="keep",
                           status="open", reason="matrix", created_by=e.uid("wangfang"),
                           created_at=e.now, version=1)
        s.add(c)
        s.flush()
        item = ReviewItem(campaign_id=c.id, user_id=user_id, reviewer_id=e.uid(reviewer),
                          kind="assignment", assignment_id=assignment_id,
                          snapshot={"assignment_id": assignment_id, "role_id": role_id},
                          version=1)
        s.add(item)
        s.commit()
        return c.id, item.id


def _start_review(e: Env, u: str) -> Call:
    _assignment, _user, role_id = _review_target(e)
    return Call("POST", "/reviews", json={
        "name": e.name("review"), "scope": "roles", "role_ids": [role_id],
        "deadline": (e.now + timedelta(days=7)).isoformat(), "reason": why(e)})


def _campaign_call(suffix: str, **params: Any) -> Callable[[Env, str], Call]:
    return lambda e, u: Call("GET", f"/reviews/{_review_item(e)[0]}{suffix}",
                             params=params or None)


def _decision_variants(decision: str) -> list[Variant]:
    body = {"version": 1, "reason": "matrix review"}

    def call(reviewer: Callable[[str], str]) -> Callable[[Env, str], Call]:
        return lambda e, u: Call("POST", f"/review-items/{_review_item(e, reviewer(u))[1]}/"
                                 f"{decision}", json=body)

    return [
        Variant("as its reviewer", "signed_in", 200, call(me)),
        Variant("someone else's, reading reviews", REVIEW_DECIDERS, 200,
                call(lambda u: OUTSIDER), users=REVIEW_READER_USERS),
        Variant("someone else's, not reading reviews", "nobody", 200,
                call(lambda u: OUTSIDER), denied=404, users=REVIEW_STRANGERS),
    ]


rule("POST", "/reviews", only(REVIEW_DECIDERS, 201, _start_review))
rule("GET", "/reviews", only(REVIEW_READERS, 200, lambda e, u: Call("GET", "/reviews")))
rule("GET", "/reviews/{}", only(REVIEW_READERS, 200, _campaign_call("")))
rule("GET", "/reviews/{}/items", only(REVIEW_READERS, 200, _campaign_call("/items")))
rule("GET", "/reviews/{}/report", only(REVIEW_READERS, 200, _campaign_call("/report")))
rule("GET", "/reviews/{}/export", only(REVIEW_READERS, 200, _campaign_call(
    "/export", format="csv")))
rule("POST", "/reviews/{}/close", only(REVIEW_DECIDERS, 200, lambda e, u: Call(
    "POST", f"/reviews/{_review_item(e)[0]}/close",
    json={"version": 1, "reason": why(e), "undecided": "keep"})))
rule("GET", "/me/reviews", only("signed_in", 200, lambda e, u: Call("GET", "/me/reviews")))
rule("POST", "/review-items/{}/certify", *_decision_variants("certify"))
rule("POST", "/review-items/{}/revoke", *_decision_variants("revoke"))
rule("GET", "/access/dormant", only(("manage_roles", "view_audit", "run_reviews"), 200,
                                    lambda e, u: Call("GET", "/access/dormant",
                                                      params={"days": 30})))

# --- configuration as code -------------------------------------------------------------------
# The document a call sends is the live export, so an allowed apply changes nothing.


def _live_document(e: Env) -> dict[str, Any]:
    from vouch.configcode.export import export_document

    with system_session(e.engine, "matrix: configuration export") as s:
        return export_document(s, e.now)


rule("GET", "/config/export", only(CONFIG_READERS, 200, lambda e, u: Call(
    "GET", "/config/export")))
rule("POST", "/config/diff", only(CONFIG_READERS, 200, lambda e, u: Call(
    "POST", "/config/diff", json=_live_document(e))))
rule("POST", "/config/apply", only(ROLES, 200, lambda e, u: Call(
    "POST", "/config/apply", json={"document": _live_document(e), "reason": why(e)})))


# --- requests and approvals, workflow settings, notifications ---------------------------------
# Requests are seen by their requester and beneficiary, the approvers of the current step and
# the readers of access configuration; anyone else gets 404. A step is decided by whoever it
# names (here: the caller, as the requester's manager of a throwaway request by OUTSIDER).
# Strangers to a request (no reader, not named) get 404 for every decision.

REQUEST_STRANGERS = ("hanmeimei", "zhaomin", "chenjing", NO_ROLE_USER)
SETTINGS = ("manage_settings",)


def _throwaway_request(e: Env, requester: str, approver: str | None = None,
                       status: str = "pending") -> int:
    """A request by `requester` for a throwaway role, its first step named `approver`
    (a second step keeps an approval from granting)."""
    from vouch.workflow.models import AccessRequest

    role_id, _ = e.new_role()
    first = ({"approver": "manager", "user_id": e.uid(approver)} if approver
             else {"approver": "permission", "permission": "manage_roles"})
    with system_session(e.engine, "matrix: throwaway request") as s:
        req = AccessRequest(kind="role", status=status, requester_id=e.uid(requester),
                            beneficiary_id=e.uid(requester), role_id=role_id, reason="matrix",
                            context={"policy": {"step_deadline_hours": 72,
                                                "on_deadline": "escalate"}},
                            steps=[first, {"approver": "permission",
                                           "permission": "manage_roles"}],
                            current_step=0, step_due_at=e.now + timedelta(days=30),
                            created_at=e.now, updated_at=e.now, version=1)
        s.add(req)
        s.commit()
        return req.id


def _settings_version(e: Env) -> int:
    from vouch.workflow.settings import workflow_settings

    with system_session(e.engine, "matrix: settings version") as s:
        return int(workflow_settings(s)["version"])


def _throwaway_policy(e: Env) -> int:
    from vouch.workflow.models import ApprovalPolicy

    role_id, _ = e.new_role()
    with system_session(e.engine, "matrix: throwaway policy") as s:
        p = ApprovalPolicy(role_id=role_id, steps=[{"approver": "manager"}],
                           step_deadline_hours=72, on_deadline="escalate",
                           required_courses=[], version=1)
        s.add(p)
        s.commit()
        return p.id


def _throwaway_conflict(e: Env) -> int:
    from vouch.workflow.models import RoleConflict

    a, _ = e.new_role()
    b, _ = e.new_role()
    with system_session(e.engine, "matrix: throwaway conflict") as s:
        c = RoleConflict(role_a_id=min(a, b), role_b_id=max(a, b), reason="matrix",
                         created_at=e.now)
        s.add(c)
        s.commit()
        return c.id


def _throwaway_notification(e: Env, username: str) -> int:
    from vouch.workflow.models import Notification

    with system_session(e.engine, "matrix: throwaway notification") as s:
        n = Notification(user_id=e.uid(username), kind="request.approved",
                         payload={"request_id": 0}, created_at=e.now)
        s.add(n)
        s.commit()
        return n.id


def _request_variants(suffix: str, ok: int, body: dict[str, Any] | None,
                      mine: bool) -> list[Variant]:
    """`mine`: the route is the requester's (withdraw, resubmit); otherwise an approver's."""
    method = "GET" if body is None else "POST"
    status = "changes_requested" if suffix == "/resubmit" else "pending"

    def call(requester: Callable[[str], str], approver: Callable[[str], str | None]
             ) -> Callable[[Env, str], Call]:
        def make(e: Env, u: str) -> Call:
            rid = _throwaway_request(e, requester(u), approver(u), status)
            return Call(method, f"/requests/{rid}{suffix}", json=body)
        return make

    own = (Variant("own", "signed_in", ok, call(me, lambda u: OUTSIDER)) if mine else
           Variant("as the current step's approver", "signed_in", ok,
                   call(lambda u: OUTSIDER, me)))
    return [own, Variant("someone else's, a stranger to it", "nobody", ok,
                         call(lambda u: OUTSIDER, lambda u: "wangfang"), denied=404,
                         users=REQUEST_STRANGERS)]


def _new_request(e: Env, u: str) -> Call:
    role_id, _ = e.new_role()
    return Call("POST", "/requests", json={"kind": "role", "role_id": role_id, "days": 10,
                                           "reason": why(e)})


rule("GET", "/settings/workflow", only("signed_in", 200, lambda e, u: Call(
    "GET", "/settings/workflow")))
rule("PATCH", "/settings/workflow", only(SETTINGS, 200, lambda e, u: Call(
    "PATCH", "/settings/workflow", json={"expiry_notice_days": 7,
                                         "version": _settings_version(e), "reason": why(e)})))
rule("GET", "/role-conflicts", only(CONFIG_READERS, 200, lambda e, u: Call(
    "GET", "/role-conflicts")))
rule("POST", "/role-conflicts", only(ROLES, 201, lambda e, u: Call(
    "POST", "/role-conflicts", json={"role_a_id": e.new_role()[0],
                                     "role_b_id": e.new_role()[0], "reason": why(e)})))
rule("DELETE", "/role-conflicts/{}", only(ROLES, 204, lambda e, u: Call(
    "DELETE", f"/role-conflicts/{_throwaway_conflict(e)}", params={"reason": why(e)})))
rule("GET", "/users/{}/trainings",
     Variant("own", "signed_in", 200, lambda e, u: Call(
         "GET", f"/users/{e.uid(me(u))}/trainings")),
     Variant("another user's", USER_READERS, 200, lambda e, u: Call(
         "GET", f"/users/{e.uid(OUTSIDER)}/trainings")))
rule("POST", "/users/{}/trainings", only(USERS, 201, lambda e, u: Call(
    "POST", f"/users/{e.new_user()[0]}/trainings",
    json={"course": "matrix_course", "reason": why(e)})))
rule("GET", "/me/trainings", only("signed_in", 200, lambda e, u: Call("GET", "/me/trainings")))
rule("GET", "/approval-policies", only(CONFIG_READERS, 200, lambda e, u: Call(
    "GET", "/approval-policies")))
rule("GET", "/approval-policies/{}", only(CONFIG_READERS, 200, lambda e, u: Call(
    "GET", f"/approval-policies/{_throwaway_policy(e)}")))
rule("POST", "/approval-policies", only(ROLES, 201, lambda e, u: Call(
    "POST", "/approval-policies", json={"role_id": e.new_role()[0],
                                        "steps": [{"approver": "manager"}],
                                        "reason": why(e)})))
rule("PATCH", "/approval-policies/{}", only(ROLES, 200, lambda e, u: Call(
    "PATCH", f"/approval-policies/{_throwaway_policy(e)}",
    json={"step_deadline_hours": 24, "version": 1, "reason": why(e)})))
rule("DELETE", "/approval-policies/{}", only(ROLES, 204, lambda e, u: Call(
    "DELETE", f"/approval-policies/{_throwaway_policy(e)}",
    params={"version": 1, "reason": why(e)})))
rule("POST", "/requests", only("signed_in", 201, _new_request))
rule("POST", "/requests/check", only("signed_in", 200, lambda e, u: Call(
    "POST", "/requests/check", json={"kind": "role", "role_id": e.new_role()[0]})))
rule("GET", "/requests", only(CONFIG_READERS, 200, lambda e, u: Call("GET", "/requests")))
rule("GET", "/requests/{}",
     *_request_variants("", 200, None, mine=True),
     Variant("someone else's, reading requests", CONFIG_READERS, 200, lambda e, u: Call(
         "GET", f"/requests/{_throwaway_request(e, OUTSIDER, 'lilei')}"),
         users=("wangfang", "sunli", DEACTIVATED, ANONYMOUS)))
rule("POST", "/requests/{}/approve", *_request_variants("/approve", 200, {"version": 1},
                                                        mine=False))
rule("POST", "/requests/{}/reject", *_request_variants(
    "/reject", 200, {"version": 1, "reason": "matrix"}, mine=False))
rule("POST", "/requests/{}/request-changes", *_request_variants(
    "/request-changes", 200, {"version": 1, "reason": "matrix"}, mine=False))
rule("POST", "/requests/{}/withdraw", *_request_variants("/withdraw", 200, {"version": 1},
                                                         mine=True))
rule("POST", "/requests/{}/resubmit", *_request_variants(
    "/resubmit", 200, {"version": 1, "reason": "matrix, again"}, mine=True))
rule("GET", "/me/requests", only("signed_in", 200, lambda e, u: Call("GET", "/me/requests")))
rule("GET", "/approvals", only("signed_in", 200, lambda e, u: Call("GET", "/approvals")))
rule("POST", "/me/access/problems", only("signed_in", 201, lambda e, u: Call(
    "POST", "/me/access/problems", json={"object": "customer", "action": "delete",
                                         "message": "matrix: I should delete"})))
rule("GET", "/me/notifications", only("signed_in", 200, lambda e, u: Call(
    "GET", "/me/notifications")))
rule("POST", "/me/notifications/read-all", only("signed_in", 200, lambda e, u: Call(
    "POST", "/me/notifications/read-all")))
rule("POST", "/me/notifications/{}/read",
     Variant("own", "signed_in", 200, lambda e, u: Call(
         "POST", f"/me/notifications/{_throwaway_notification(e, me(u))}/read")),
     Variant("someone else's", "nobody", 200, lambda e, u: Call(
         "POST", f"/me/notifications/{_throwaway_notification(e, OUTSIDER)}/read"),
         denied=404))
rule("GET", "/me/counts", only("signed_in", 200, lambda e, u: Call("GET", "/me/counts")))
rule("GET", "/me/ending-soon", only("signed_in", 200, lambda e, u: Call(
    "GET", "/me/ending-soon")))

# --- what-if -----------------------------------------------------------------------------------
# Asking what a change would do needs what making it needs: manage_roles (a delegated
# administrator for an assignment they could make; no matrix user is one, see
# tests/api/test_whatif.py). Nothing is written; a throwaway role and user are the targets.


def _what_if_role(e: Env, u: str) -> Call:
    rid, version = e.new_role()
    return Call("POST", "/access/what-if", json={"change": {
        "kind": "role", "op": "update", "id": rid,
        "body": {"description": "changed", "version": version, "reason": why(e)}}})


def _what_if_assignment(e: Env, u: str) -> Call:
    user_id, _ = e.new_user()
    role_id, _ = e.new_role()
    return Call("POST", "/access/what-if", json={"change": {
        "kind": "assignment", "op": "create",
        "body": {"user_id": user_id, "role_id": role_id, "reason": why(e)}}})


def check_what_if_role(env: Env, username: str, body: Any) -> list[str]:
    if body["totals"]["users"] != 0 or [n["code"] for n in body["notes"]] != [
            "role_unassigned"]:
        return [f"what-if of an unheld role: {body['totals']}, notes {body['notes']}"]
    return []


def check_what_if_assignment(env: Env, username: str, body: Any) -> list[str]:
    if body["totals"]["users"] != 1 or body["users"][0]["roles"]["added"] == []:
        return [f"what-if of an assignment: {body['totals']}, users {body['users']}"]
    return []


rule("POST", "/access/what-if",
     Variant("role", ROLES, 200, _what_if_role, check=check_what_if_role),
     Variant("assignment", ROLES, 200, _what_if_assignment, check=check_what_if_assignment))


def system_expectation(env: Env, variant: Variant, username: str) -> int:
    if variant.need == "public":
        return variant.ok if env.signed_in(username) else 401
    if not env.signed_in(username):
        return 401
    if variant.need == "signed_in":
        return variant.ok
    if variant.need == "nobody":
        return variant.denied
    if isinstance(variant.need, str) and variant.need.startswith("view:"):
        obj = variant.need.removeprefix("view:")
        allowed = ref.function_allows(env.world, env.uid(username), obj, "view", env.now)
        return variant.ok if allowed else variant.denied
    assert isinstance(variant.need, tuple)
    return variant.ok if env.perms(username) & set(variant.need) else variant.denied


def system_cases(env: Env, route: tuple[str, str], username: str) -> list[Case]:
    cases = []
    for variant in SYSTEM_RULES[(route[0], shape(route[1]))]:
        if variant.users and username not in variant.users:
            continue
        call = variant.call(env, username)
        assert call.method == route[0] and matches(route[1], call.path), call
        label = f"{call.method} {call.path} {variant.label} as {username}".replace("  ", " ")
        expected = system_expectation(env, variant, username)
        r = env.client(username).request(call.method, f"{API}{call.path}", json=call.json,
                                         params=call.params, headers=call.headers)
        problems = []
        if r.status_code != expected:
            problems.append(f"{r.status_code}, expected {expected}: {r.text[:300]}")
        elif expected == variant.ok and variant.check is not None:
            problems += variant.check(env, username, r.json())
        elif expected != variant.ok and isinstance(variant.need, str) \
                and variant.need.startswith("view:"):
            problems += denial_problems(r, expected, variant.need.removeprefix("view:"),
                                        "view")
        elif expected != variant.ok:
            problems += denial_problems(r, expected, "", None)
            if expected == 403:
                details = (_body(r) or {}).get("error", {}).get("details", {})
                if details.get("permission") not in variant.need:
                    problems.append(f"403 names {details.get('permission')!r}, expected one "
                                    f"of {variant.need}")
        cases.append(Case(label, [f"{label}: {p}" for p in problems]))
    return cases


SYSTEM_ROUTES = [r for r in ROUTES if (r[0], shape(r[1])) in SYSTEM_RULES]
SYSTEM_CASES = [(r, u) for r in SYSTEM_ROUTES for u in ALL_USERS
                if any(not v.users or u in v.users for v in SYSTEM_RULES[(r[0], shape(r[1]))])]


@pytest.mark.parametrize(("route", "username"), SYSTEM_CASES,
                         ids=[f"{r[0]} {r[1]}-{u}" for r, u in SYSTEM_CASES])
def test_system_route(env: Env, route: tuple[str, str], username: str) -> None:
    cases = system_cases(env, route, username)
    CASE_COUNT[route] = CASE_COUNT.get(route, 0) + len(cases)
    problems = [p for c in cases for p in c.problems]
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------------------------------
# /access/explain on the record positions: the explanation agrees with the reference


EXPLAIN_OBJECTS = ("customer", "contract")


def _explain_case(env: Env, asker: str, target: str, obj: str, position: str) -> Case:
    rid = env.matrix.record("static", _positions_of(target), obj, position)
    params: dict[str, Any] = {"action": "edit", "object": obj, "record": rid}
    if asker != target:
        params["user"] = target
    label = f"explain edit {obj} {position} of {target} asked by {asker}"
    r = env.client(asker).get(f"{API}/access/explain", params=params)
    if not env.signed_in(asker):
        expected = 401
    elif env.perms(asker) & set(CONFIG_READERS):
        expected = 200
    elif asker != target:
        expected = 403
    else:  # explaining one's own access to a record one cannot view: as if absent
        viewable = ref.can(env.world, env.uid(asker), "view", obj, rid, env.now)[0]
        expected = 200 if viewable else 404
    if r.status_code != expected:
        return Case(label, [f"{label}: {r.status_code}, expected {expected}: {r.text[:200]}"])
    if expected != 200:
        return Case(label, [f"{label}: {p}" for p in denial_problems(r, expected, obj, None)])
    allowed, layer = ref.can(env.world, env.uid(target), "edit", obj, rid, env.now)
    body = r.json()
    if (body["allowed"], body["first_denied"]) != (allowed, layer):
        return Case(label, [f"{label}: ({body['allowed']}, {body['first_denied']}), "
                            f"reference ({allowed}, {layer})"])
    return Case(label, [])


@pytest.mark.parametrize("username", ALL_USERS)
def test_explain_own_record_positions(env: Env, username: str) -> None:
    """Everyone may explain their own access; to a record they cannot view the answer is
    404 (as for a missing record) unless they read access configuration."""
    cases = [_explain_case(env, username, username, obj, p)
             for obj in EXPLAIN_OBJECTS for p in POSITIONS]
    key = ("GET", "/access/explain (own, positions)")
    CASE_COUNT[key] = CASE_COUNT.get(key, 0) + len(cases)
    problems = [p for c in cases for p in c.problems]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("asker", ["sunli", "wangfang", "lilei"])
def test_explain_others_record_positions(env: Env, asker: str) -> None:
    """Explaining someone else's access needs manage_roles or view_audit (sunli the
    auditor may, though she can view no record herself); the answer is the reference's."""
    cases = [_explain_case(env, asker, target, "customer", p)
             for target in MATRIX_USERS if target != asker for p in POSITIONS]
    key = ("GET", "/access/explain (others, positions)")
    CASE_COUNT[key] = CASE_COUNT.get(key, 0) + len(cases)
    problems = [p for c in cases for p in c.problems]
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------------------------------
# Coverage of the route table, and the size of the matrix


def test_every_route_is_covered() -> None:
    """A route that no rule covers fails here, by name: add a rule (and so its
    authorization cases) when adding a route."""
    uncovered = [f"{m} {p}" for m, p in ROUTES
                 if (m, shape(p)) not in RECORD_RULES and (m, shape(p)) not in SYSTEM_RULES]
    assert not uncovered, "routes without an authorization rule:\n" + "\n".join(uncovered)


def test_no_rule_without_a_route() -> None:
    """A rule for a route that no longer exists is a stale expectation."""
    present = {(m, shape(p)) for m, p in ROUTES}
    stale = sorted(f"{m} {p}" for m, p in (*RECORD_RULES, *SYSTEM_RULES)
                   if (m, p) not in present)
    assert not stale, "rules for routes the app does not have:\n" + "\n".join(stale)


def test_matrix_size(capsys: pytest.CaptureFixture[str]) -> None:
    """The size of the matrix this module checks (printed; run after the cases, it also
    reports how many requests they made)."""
    record_routes, system_routes = len(RECORD_ROUTES), len(SYSTEM_ROUTES)
    users = len(ALL_USERS)
    positions = len(POSITIONS)
    planned = 0
    for username in ALL_USERS:
        signed_in = username not in (ANONYMOUS, DEACTIVATED)
        for m, p in RECORD_ROUTES:
            family = RECORD_RULES[(m, shape(p))][1]
            single = family in ("list", "export", "create", "import") or not signed_in
            planned += 1 if single else positions
        planned += sum(1 for m, p in SYSTEM_ROUTES for v in SYSTEM_RULES[(m, shape(p))]
                       if not v.users or username in v.users)
        planned += len(EXPLAIN_OBJECTS) * positions  # own explanations
    planned += 3 * (len(MATRIX_USERS) - 1) * positions  # explaining others
    with capsys.disabled():
        print(f"\nauthorization matrix: {len(ROUTES)} routes ({record_routes} record routes "
              f"of {len(OBJECTS)} objects, {system_routes} other) × {users} users "
              f"(6 demo roles, no role, deactivated, anonymous) × {positions} record "
              f"positions: {users * record_routes} record (route, user) tests, "
              f"{len(SYSTEM_CASES)} other; {planned} checked requests planned per "
              f"database, "
              f"{sum(CASE_COUNT.values())} run in this session")
    assert planned > 0 and record_routes == len(RECORD_RULES)
