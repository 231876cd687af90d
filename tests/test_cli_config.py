"""`vouch config export` and `vouch config import`: the document on disk, the dry run's
readable diff and exit codes (0 no change, 3 changes, 2 invalid, 1 refused), an apply
acting as a named administrator, and the refusals."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tests.conftest import (
    DEMO_PASSWORD,
    drop_postgres_database,
    fresh_postgres_database,
)
from vouch.access.service import clear_caches, policy_version
from vouch.audit.models import AuditEvent
from vouch.cli.main import app
from vouch.db import make_engine, system_session
from vouch.demo import load_demo
from vouch.org.models import User
from vouch.records.models import model_for

runner = CliRunner()
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
                scope="module")
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[Engine]:
    """A demo organisation of this module's own: the imports below change it."""
    clear_caches()
    if request.param == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path_factory.mktemp('cli-config') / 'vouch.db'}")
        load_demo(eng, password=DEMO_PASSWORD, records=60, now=NOW)
        yield eng
        eng.dispose()
    else:
        name, eng = fresh_postgres_database("vouch_cli_config")
        load_demo(eng, password=DEMO_PASSWORD, records=60, now=NOW)
        yield eng
        drop_postgres_database(name, eng)
    clear_caches()


def run(engine: Engine, *args: str) -> Any:
    url = engine.url.render_as_string(hide_password=False)
    return runner.invoke(app, list(args), env={"VOUCH_DATABASE_URL": url, "COLUMNS": "200"})


def export(engine: Engine, tmp_path: Path, name: str = "config.yaml") -> Path:
    out = tmp_path / name
    result = run(engine, "config", "export", "--as", "wangfang", "-o", str(out))
    assert result.exit_code == 0, result.output
    return out


def last_seq(engine: Engine) -> int:
    with Session(engine) as s:
        return int(s.scalar(select(func.coalesce(func.max(AuditEvent.seq), 0))) or 0)


def version(engine: Engine) -> int:
    with Session(engine) as s:
        return policy_version(s)


def without_stamp(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.startswith("exported_at:"))


def test_export_to_a_file_or_stdout_in_yaml_or_json(engine: Engine, tmp_path: Path) -> None:
    path = export(engine, tmp_path)
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert doc["format"] == "vouch-config/1"
    assert doc["policy_version"] == version(engine)
    assert "sales_rep" in [r["key"] for r in doc["roles"]]
    shown = run(engine, "config", "export", "--as", "wangfang")
    assert shown.exit_code == 0
    assert without_stamp(shown.stdout) == without_stamp(path.read_text(encoding="utf-8"))
    as_json = run(engine, "config", "export", "--as", "sunli", "--format", "json")
    assert as_json.exit_code == 0 and as_json.stdout.lstrip().startswith("{")
    assert run(engine, "config", "export", "--as", "wangfang", "--format", "xml"
               ).exit_code == 2


def test_the_export_imports_as_no_change(engine: Engine, tmp_path: Path) -> None:
    path = export(engine, tmp_path)
    seq, v = last_seq(engine), version(engine)
    result = run(engine, "config", "import", str(path), "--dry-run", "--as", "wangfang")
    assert result.exit_code == 0, result.output
    assert "no change" in result.stdout
    result = run(engine, "config", "import", str(path), "--reason", "round trip",
                 "--as", "wangfang")
    assert result.exit_code == 0, result.output
    assert (last_seq(engine), version(engine)) == (seq, v)
    again = export(engine, tmp_path, "again.yaml")
    assert without_stamp(again.read_text(encoding="utf-8")) == \
        without_stamp(path.read_text(encoding="utf-8"))


def _edit(path: Path, change: Any) -> Path:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(doc)
    out = path.with_name("edited.yaml")
    out.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return out


def _no_customer_edit(doc: dict[str, Any]) -> None:
    rep = next(r for r in doc["roles"] if r["key"] == "sales_rep")
    del rep["grants"]["customer"]["edit"]


def test_dry_run_shows_the_diff_then_apply_changes_decisions(engine: Engine,
                                                            tmp_path: Path) -> None:
    edited = _edit(export(engine, tmp_path), _no_customer_edit)
    with system_session(engine, "test: zhangwei's first customer") as s:
        zhangwei = s.scalars(select(User.id).where(User.username == "zhangwei")).one()
        customer = s.scalars(select(model_for("customer").id).where(
            model_for("customer").owner_id == zhangwei).order_by(model_for("customer").id)
        ).first()
    assert run(engine, "check", "zhangwei", "edit", "customer", str(customer)).exit_code == 0
    seq = last_seq(engine)
    result = run(engine, "config", "import", str(edited), "--dry-run", "--as", "wangfang")
    assert result.exit_code == 3, result.output
    assert "~ role sales_rep (changed)" in result.stdout
    assert "grants.customer.edit: own → (absent)" in result.stdout
    assert "dry run: 0 added, 1 changed, 0 removed" in result.stdout
    assert last_seq(engine) == seq  # a dry run writes nothing

    v = version(engine)
    result = run(engine, "config", "import", str(edited), "--reason", "reps stop editing",
                 "--as", "wangfang", "--expect-version", str(v))
    assert result.exit_code == 0, result.output
    assert f"policy version {v} → {v + 1}" in result.stdout
    assert run(engine, "check", "zhangwei", "edit", "customer", str(customer)).exit_code == 1
    with Session(engine) as s:
        actions = list(s.scalars(select(AuditEvent.action).where(AuditEvent.seq > seq)
                                 .order_by(AuditEvent.seq)))
    assert actions == ["access.role_updated", "config.imported"]
    assert run(engine, "config", "import", str(edited), "--dry-run", "--as", "wangfang"
               ).exit_code == 0


def test_an_invalid_document_exits_2_naming_each_path(engine: Engine, tmp_path: Path) -> None:
    def break_it(doc: dict[str, Any]) -> None:
        rep = next(r for r in doc["roles"] if r["key"] == "sales_rep")
        rep["grants"]["customer"]["view"] = "galaxy"
        doc["sharing_rules"].append({"name": "x", "object": "customer", "access": "read",
                                     "principals": [{"department": "总部/火星"}],
                                     "condition": {"field": "industry", "op": "eq",
                                                   "value": "finance"}})
    edited = _edit(export(engine, tmp_path), break_it)
    index = [r["key"] for r in yaml.safe_load(edited.read_text())["roles"]].index("sales_rep")
    seq = last_seq(engine)
    for extra in (("--dry-run",), ("--reason", "broken")):
        result = run(engine, "config", "import", str(edited), *extra, "--as", "wangfang")
        assert result.exit_code == 2, result.output
        assert f"roles[{index}].grants.customer.view" in result.stderr
        assert "sharing_rules[0].principals[0].department" in result.stderr
        assert "galaxy" in result.stderr
    assert last_seq(engine) == seq
    bad_yaml = tmp_path / "bad.yaml"
    bad_yaml.write_text("roles: [\n", encoding="utf-8")
    result = run(engine, "config", "import", str(bad_yaml), "--dry-run", "--as", "wangfang")
    assert result.exit_code == 2 and "line" in result.stderr


def test_refusals_exit_1(engine: Engine, tmp_path: Path) -> None:
    path = export(engine, tmp_path)
    v = version(engine)
    # not an administrator: refused, and the refusal audited
    seq = last_seq(engine)
    result = run(engine, "config", "import", str(path), "--reason", "try", "--as", "lilei")
    assert result.exit_code == 1 and "manage_roles" in result.stderr
    with Session(engine) as s:
        denied = s.scalars(select(AuditEvent).where(AuditEvent.seq > seq)).all()
    assert [e.action for e in denied] == ["access.denied"]
    # a role still held cannot go
    held = _edit(path, lambda doc: doc.update(
        roles=[r for r in doc["roles"] if r["key"] != "auditor"]))
    result = run(engine, "config", "import", str(held), "--dry-run", "--as", "wangfang")
    assert result.exit_code == 1, result.output
    assert "- role auditor (removed)" in result.stdout
    assert "held by 1 user" in result.stderr
    result = run(engine, "config", "import", str(held), "--reason", "x", "--as", "wangfang")
    assert result.exit_code == 1 and "held by 1 user" in result.stderr
    # the policy version moved since the export
    result = run(engine, "config", "import", str(path), "--reason", "x", "--as", "wangfang",
                 "--expect-version", str(v - 1))
    assert result.exit_code == 1 and "export it again" in result.stderr
    # applying needs a reason
    result = run(engine, "config", "import", str(path), "--as", "wangfang")
    assert result.exit_code == 2 and "--reason" in result.stderr
