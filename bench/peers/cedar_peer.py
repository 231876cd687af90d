"""Cedar (cedarpy) peer for benchmark O1.

Translation of :mod:`bench.peers.dataset`:

* ``Department::"<id>"`` entities, parent = the parent department, so that
  ``resource.department in principal.department`` is the department-tree test.
* ``Role::"<id>"`` entities (no attributes).
* ``User::"<id>"`` entities, parents = the user's roles,
  attrs ``{department: Department::"<id>"}``.
* Records are ``Customer::"<id>"`` / ``Contact::"<id>"`` / ... (one entity type per
  CRM object), attrs ``{owner: User::"<id>", department: Department::"<id>"}``.
* Actions are ``Action::"view"|"edit"|"delete"|"export"``.
* One policy per (role, object, action, scope) grant, e.g.::

      permit (principal in Role::"7", action == Action::"edit", resource is Contact)
      when { resource.owner == principal || resource.department == principal.department };

How cedarpy is called, and why there are several variants
--------------------------------------------------------
cedarpy's ``is_authorized(request, policies, entities)`` is stateless: every call
receives the policy set and the entity set. Historically both were strings (or an
entity list that is ``json.dumps``-ed on every call), so each call re-parsed all
331 policies and all ~6,070 entities and recomputed the transitive closure of the
entity hierarchy. cedarpy 4.x adds pre-parsed ``PolicySet`` and ``Entities``
handles that are built once and reused, which is what a long-running service with
a stable entity graph would do. We measure:

* ``handles``      -- headline. PolicySet handle (all 331 policies) + Entities handle
                      (all entities), both built once outside the timed call.
* ``partitioned``  -- "policy slicing": one PolicySet handle per (object, action),
                      ~17 policies each, picked by a dict lookup in ``check``. Sound
                      here because every policy pins ``action ==`` and
                      ``resource is``; it is the Cedar analogue of casbin
                      FastEnforcer's (obj, act) key index. Entities handle as above.
* ``slice``        -- all policies (handle) + a per-request JSON string holding only
                      the entities the request can touch: principal, its roles, the
                      resource, and the department chains of both. This is what an
                      integration that loads entities per request from a database
                      does. Per-entity JSON fragments are pre-serialised; the join
                      and Cedar's parsing of ~6-9 entities happen inside the call.
* ``full_json``    -- the classic stateless call: policies as text and ALL entities
                      as one JSON string, re-parsed by Cedar on every call. Reference
                      only: dominated by parsing ~6k entities (+ transitive closure)
                      and 331 policies per call, so it is run on very few queries.
* batch            -- ``is_authorized_batch`` with the handles, throughput only (a
                      batch has no per-check latency).

Where the time goes (probed while writing this, cedarpy 4.12.2, this 2-core box):
Cedar's authorizer has no policy index -- it evaluates EVERY policy in the set,
~1.2 us per policy even when the scope does not match. With 331 policies that is
~420 us of a ~500 us ``handles`` call (the response's ``authz_duration_micros``
metric), i.e. ~85%. The rest is a fixed ~40-70 us per call: ~25 us inside the
extension (request construction, response serialisation to a JSON string) and
~15-40 us in the pure-Python wrapper (one-element batch, ``json.loads`` of the
result, AuthzResult objects). Hence ``partitioned`` (~17 policies) is ~5-10x
faster, and its cost is mostly that fixed part. Entity-set size barely matters
once the Entities handle is pre-parsed (1 policy: ~25 us with all 6,070 entities
vs ~30 us with none); parsing a per-request slice costs ~100-150 us
(``load_entities_duration_micros``). Request UIDs are passed in the structured
``{"type", "id"}`` form: the ``'User::"17"'`` string form goes through Cedar's
surface-syntax parser and costs ~50 us more per call. ``check()`` always uses the
public ``cedarpy.is_authorized``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

import cedarpy

from bench.peers.dataset import ACTIONS, Dataset, Query

ENTITY_TYPE = {
    "customer": "Customer",
    "contact": "Contact",
    "opportunity": "Opportunity",
    "contract": "Contract",
    "task": "Task",
}


def _uid(t: str, i: int | str) -> dict[str, str]:
    return {"type": t, "id": str(i)}


def _ref(t: str, i: int | str) -> dict[str, Any]:
    return {"__entity": _uid(t, i)}


def _euid(t: str, i: int | str) -> str:
    return f'{t}::"{i}"'


_SCOPE_CONDITION = {
    "own": " when { resource.owner == principal }",
    "department": (
        " when { resource.owner == principal || resource.department == principal.department }"
    ),
    "department_tree": (
        " when { resource.owner == principal || resource.department in principal.department }"
    ),
    "all": "",
}


def build_policies(ds: Dataset) -> tuple[list[str], list[tuple[str, str]]]:
    """One Cedar policy per grant; also returns the (object, action) of each."""
    out: list[str] = []
    pairs: list[tuple[str, str]] = []
    for role in ds.roles.values():
        for (obj, action), scope in sorted(role.grants.items()):
            pairs.append((obj, action))
            out.append(
                f'@id("role{role.id}-{obj}-{action}-{scope}")\n'
                f"permit (principal in {_euid('Role', role.id)}, "
                f"action == {_euid('Action', action)}, "
                f"resource is {ENTITY_TYPE[obj]})"
                f"{_SCOPE_CONDITION[scope]};"
            )
    return out, pairs


def build_entities(ds: Dataset) -> dict[tuple[str, int], dict[str, Any]]:
    """All entities, keyed by (type, id)."""
    ents: dict[tuple[str, int], dict[str, Any]] = {}
    for d in ds.departments.values():
        ents[("Department", d.id)] = {
            "uid": _uid("Department", d.id),
            "attrs": {},
            "parents": [] if d.parent is None else [_uid("Department", d.parent)],
        }
    for r in ds.roles.values():
        ents[("Role", r.id)] = {"uid": _uid("Role", r.id), "attrs": {}, "parents": []}
    for u in ds.users.values():
        ents[("User", u.id)] = {
            "uid": _uid("User", u.id),
            "attrs": {"department": _ref("Department", u.department)},
            "parents": [_uid("Role", rid) for rid in u.roles],
        }
    for rec in ds.records.values():
        t = ENTITY_TYPE[rec.object]
        ents[(t, rec.id)] = {
            "uid": _uid(t, rec.id),
            "attrs": {
                "owner": _ref("User", rec.owner),
                "department": _ref("Department", rec.department),
            },
            "parents": [],
        }
    return ents


class CedarPeer:
    name = "cedarpy"

    def __init__(self, ds: Dataset) -> None:
        self.ds = ds
        self.policies_list, self.policies_pairs = build_policies(ds)
        self.policies_text = "\n".join(self.policies_list)
        self.policy_set = cedarpy.PolicySet.from_str(self.policies_text)
        ents = build_entities(ds)
        self.n_entities = len(ents)
        self.n_policies = len(self.policy_set)
        self.entities_json = json.dumps(list(ents.values()))
        self.entities = cedarpy.Entities.from_json_str(self.entities_json)

        # Policy slicing by (object, action): every policy pins both.
        by_pair: dict[tuple[str, str], list[str]] = {}
        for text, pair in zip(self.policies_list, self.policies_pairs, strict=True):
            by_pair.setdefault(pair, []).append(text)
        empty = cedarpy.PolicySet.from_str("")
        self.partitions = {
            (o, a): cedarpy.PolicySet.from_str("\n".join(by_pair[(o, a)]))
            if (o, a) in by_pair
            else empty
            for o in ENTITY_TYPE
            for a in ACTIONS
        }

        # Request UIDs, pre-built, in the structured form (no Cedar parser on the path).
        self._principal = {u: _uid("User", u) for u in ds.users}
        self._action = {a: _uid("Action", a) for a in ACTIONS}
        self._resource = {r.id: _uid(ENTITY_TYPE[r.object], r.id) for r in ds.records.values()}

        # For the "slice" variant: pre-serialised JSON fragments.
        dept_frag = {d: json.dumps(ents[("Department", d)]) for d in ds.departments}
        role_frag = {r: json.dumps(ents[("Role", r)]) for r in ds.roles}
        # user part = user + its roles ; resource part = the record
        self._user_frag = {
            u.id: ",".join([json.dumps(ents[("User", u.id)])] + [role_frag[r] for r in u.roles])
            for u in ds.users.values()
        }
        self._rec_frag = {
            r.id: json.dumps(ents[(ENTITY_TYPE[r.object], r.id)]) for r in ds.records.values()
        }
        self._dept_frag = dept_frag
        self._dept_chain = {d.id: frozenset(d.ancestors) for d in ds.departments.values()}
        self._user_dept = {u.id: u.department for u in ds.users.values()}
        self._rec_dept = {r.id: r.department for r in ds.records.values()}

    # --- helpers --------------------------------------------------------------------
    def _request(self, user_id: int, action: str, record_id: int) -> dict[str, Any]:
        return {
            "principal": self._principal[user_id],
            "action": self._action[action],
            "resource": self._resource[record_id],
        }

    def slice_json(self, user_id: int, record_id: int) -> str:
        """Entities a request can touch, as a Cedar JSON entity list."""
        chain = self._dept_chain
        depts = chain[self._user_dept[user_id]] | chain[self._rec_dept[record_id]]
        df = self._dept_frag
        return (
            "["
            + self._user_frag[user_id]
            + ","
            + self._rec_frag[record_id]
            + ","
            + ",".join([df[d] for d in depts])
            + "]"
        )

    # --- variants -------------------------------------------------------------------
    def check(self, user_id: int, obj: str, action: str, record_id: int) -> bool:
        """Headline variant: pre-parsed PolicySet + Entities handles."""
        req = {
            "principal": self._principal[user_id],
            "action": self._action[action],
            "resource": self._resource[record_id],
        }
        return cedarpy.is_authorized(req, self.policy_set, self.entities).allowed

    def check_partitioned(self, user_id: int, obj: str, action: str, record_id: int) -> bool:
        """Pre-parsed Entities handle + the PolicySet handle for this (object, action)."""
        req = {
            "principal": self._principal[user_id],
            "action": self._action[action],
            "resource": self._resource[record_id],
        }
        return cedarpy.is_authorized(req, self.partitions[(obj, action)], self.entities).allowed

    def check_slice(self, user_id: int, obj: str, action: str, record_id: int) -> bool:
        """Per-request entity slice (JSON string, parsed by Cedar every call)."""
        req = {
            "principal": self._principal[user_id],
            "action": self._action[action],
            "resource": self._resource[record_id],
        }
        return cedarpy.is_authorized(
            req, self.policy_set, self.slice_json(user_id, record_id)
        ).allowed

    def check_full_json(self, user_id: int, obj: str, action: str, record_id: int) -> bool:
        """Classic stateless call: policies text + all entities JSON text, every call."""
        req = {
            "principal": self._principal[user_id],
            "action": self._action[action],
            "resource": self._resource[record_id],
        }
        return cedarpy.is_authorized(req, self.policies_text, self.entities_json).allowed

    def check_batch(self, queries: Sequence[Query]) -> list[bool]:
        reqs = [self._request(u, a, r) for (u, _o, a, r) in queries]
        return [
            res.allowed for res in cedarpy.is_authorized_batch(reqs, self.policy_set, self.entities)
        ]

    def variants(self) -> dict[str, Callable[[int, str, str, int], bool]]:
        return {
            "handles": self.check,
            "partitioned": self.check_partitioned,
            "slice": self.check_slice,
            "full_json": self.check_full_json,
        }
