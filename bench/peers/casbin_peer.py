"""pycasbin FastEnforcer peer for benchmark O1.

Model (RBAC + ABAC-ish matcher), loaded from text, policies added in memory:

* ``p = obj, act, sub, scope`` -- one policy line per (role, object, action, scope)
  grant, ``sub`` being the role name.
* ``g = _, _``   -- user -> role.
* ``g2 = _, _``  -- department -> parent department, so ``g2(d, top)`` is true iff
  ``d`` is in the subtree of ``top`` (casbin's role manager is transitive and
  ``has_link(x, x)`` is true).
* Request ``r = obj, act, sub, res`` where ``sub`` / ``res`` are small attribute
  objects (casbin's documented ABAC style: the matcher reads ``r.sub.dept``,
  ``r.res.owner`` ...). ``check()`` looks those objects up in pre-built dicts,
  which is the same work as Cedar resolving principal/resource in its entity set.

FastEnforcer setup (non-obvious):
  ``FastEnforcer(cache_key_order=...)`` only speeds anything up if the model is a
  ``FastModel`` built with the SAME key order, and the key positions index BOTH the
  request tuple and the policy tuple (``keys = [rvals[i] for i in order]`` at
  enforce time, ``[rule[i] for i in order]`` at insert time). Passing a ready
  ``Model`` object to the constructor silently bypasses ``FastEnforcer.new_model``
  and you get a plain ``Enforcer``. Hence ``obj, act`` are the FIRST fields of both
  ``r`` and ``p``, and we build ``FastModel([0, 1])`` ourselves. At enforce time the
  policy list is then narrowed to the grants for that (object, action) -- about
  ~17 of the 331 lines -- and the matcher is evaluated (by simpleeval) only on those.

Caveats:
  * Every ``enforce`` call re-parses the matcher string (``_get_expression`` ->
    ``SimpleEval(...)`` -> ``ast.parse``): ~110-170 us per call on this box, i.e.
    roughly a third to a half of a check. That is how pycasbin 2.8 works (no cache),
    so it is part of the measured cost; we do not monkeypatch it. The remainder is
    simpleeval walking the matcher AST for each of the ~13-17 policies of the
    (obj, act) bucket, plus ``g``/``g2`` role-manager lookups.
  * Within an (obj, act) bucket FastPolicy stores policies in a ``set``, so the
    order in which they are tried (and thus where ``some(allow)`` stops early)
    depends on string hashing (PYTHONHASHSEED); decisions do not.
  * The record's object type is not re-checked by the matcher; the queries always
    carry ``obj == record.object`` (``validate`` would catch a mismatch).
"""

from __future__ import annotations

import casbin
from casbin.model import FastModel, FastPolicy, Model

from bench.peers.dataset import Dataset

MODEL_CONF = """
[request_definition]
r = obj, act, sub, res

[policy_definition]
p = obj, act, sub, scope

[role_definition]
g = _, _
g2 = _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = g(r.sub.name, p.sub) && (p.scope == "all" || r.res.owner == r.sub.name || \
(p.scope == "department" && r.res.dept == r.sub.dept) || \
(p.scope == "department_tree" && g2(r.res.dept, r.sub.dept)))
"""

CACHE_KEY_ORDER = (0, 1)  # (obj, act) -- same positions in r and p


class _FixedFastModel(FastModel):
    """Work around a pycasbin 2.8 bug: ``FastModel.add_def`` drops the return value
    of ``Model.add_def``, and ``Model._load_section`` stops at the first falsy
    return, so with a plain FastModel only ``g`` is loaded and ``g2``/``g3``... (and
    ``p2``, ``m2``...) silently disappear (``KeyError: 'g2'`` on the first g2 add)."""

    def add_def(self, sec, key, value):  # type: ignore[no-untyped-def]
        ok = Model.add_def(self, sec, key, value)
        if sec == "p" and key == "p":
            self.model[sec][key].policy = FastPolicy(self._cache_key_order)
        return ok


class Subject:
    __slots__ = ("dept", "name")

    def __init__(self, name: str, dept: str) -> None:
        self.name = name
        self.dept = dept


class Resource:
    __slots__ = ("dept", "owner")

    def __init__(self, owner: str, dept: str) -> None:
        self.owner = owner
        self.dept = dept


def _u(i: int) -> str:
    return f"user:{i}"


def _r(i: int) -> str:
    return f"role:{i}"


def _d(i: int) -> str:
    return f"dept:{i}"


class CasbinPeer:
    name = "pycasbin FastEnforcer"

    def __init__(self, ds: Dataset) -> None:
        self.ds = ds
        model = _FixedFastModel(list(CACHE_KEY_ORDER))
        model.load_model_from_text(MODEL_CONF)
        e = casbin.FastEnforcer(model, None, cache_key_order=list(CACHE_KEY_ORDER))

        policies = [
            [obj, action, _r(role.id), scope]
            for role in ds.roles.values()
            for (obj, action), scope in sorted(role.grants.items())
        ]
        assert e.add_policies(policies)
        user_roles = [[_u(u.id), _r(rid)] for u in ds.users.values() for rid in u.roles]
        assert e.add_grouping_policies(user_roles)
        dept_links = [
            [_d(d.id), _d(d.parent)] for d in ds.departments.values() if d.parent is not None
        ]
        assert e.add_named_grouping_policies("g2", dept_links)
        self.enforcer = e
        self.n_policies = len(policies)
        self.n_grouping = len(user_roles) + len(dept_links)

        self._sub = {u.id: Subject(_u(u.id), _d(u.department)) for u in ds.users.values()}
        self._res = {r.id: Resource(_u(r.owner), _d(r.department)) for r in ds.records.values()}

    def check(self, user_id: int, obj: str, action: str, record_id: int) -> bool:
        return self.enforcer.enforce(obj, action, self._sub[user_id], self._res[record_id])
