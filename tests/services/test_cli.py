"""The `vouch` CLI: help, exit codes, matrix and roles, demo loading."""

from __future__ import annotations

import json

from sqlalchemy import Engine
from typer.testing import CliRunner

from tests.conftest import DEMO_PASSWORD
from vouch.cli.main import app

runner = CliRunner()


def run(engine: Engine | str, *args: str) -> tuple[int, str]:
    url = engine if isinstance(engine, str) else engine.url.render_as_string(hide_password=False)
    result = runner.invoke(app, list(args), env={"VOUCH_DATABASE_URL": url})
    return result.exit_code, result.output


def test_help_lists_the_commands() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("check", "matrix", "roles", "records", "demo", "migrate"):
        assert command in result.output


def test_matrix_json_shows_scopes_sources_and_fields(demo_engine: Engine) -> None:
    code, out = run(demo_engine, "matrix", "lilei", "--json")
    m = json.loads(out)
    assert code == 0
    view = m["objects"]["customer"]["actions"]["view"]
    assert view["scopes"] == ["department_tree"]
    assert {s["role"] for s in view["sources"]} == {"sales_manager"}
    assert m["objects"]["contract"]["fields"]["amount"]["level"] == "read"
    assert "manage_settings" not in m["system_permissions"]


def test_matrix_table_renders(demo_engine: Engine) -> None:
    code, out = run(demo_engine, "matrix", "hanmeimei")
    assert code == 0 and "销售人员" in out and "customer" in out


def test_roles_list_and_show(demo_engine: Engine) -> None:
    code, out = run(demo_engine, "roles", "list", "--json")
    roles = {r["key"]: r for r in json.loads(out)}
    assert code == 0 and set(roles) == {"sys_admin", "sales_manager", "sales_rep", "finance",
                                        "support", "auditor"}
    assert roles["auditor"]["system_permissions"] == ["view_audit"]
    assert roles["auditor"]["grants"] == 0
    code, out = run(demo_engine, "roles", "show", "sales_rep", "--json")
    rep = json.loads(out)
    grants = {(g["object"], g["action"]): g["scope"] for g in rep["grants"]}
    assert code == 0 and grants[("customer", "view")] == "own"
    assert ("customer", "delete") not in grants and ("customer", "export") not in grants
    assert run(demo_engine, "roles", "show", "nobody")[0] == 2


def test_records_list_of_an_unknown_object_is_bad_input(demo_engine: Engine) -> None:
    assert run(demo_engine, "records", "list", "spaceship", "--as", "lilei")[0] == 2


def test_records_list_denied_function_exits_1(demo_engine: Engine) -> None:
    code, out = run(demo_engine, "records", "list", "customer", "--as", "sunli")
    assert code == 1 and "not allowed to view customer" in out


def test_demo_loads_into_an_empty_database_once(tmp_path: object) -> None:
    url = f"sqlite:///{tmp_path}/fresh.db"
    code, out = run(url, "demo", "--records", "200", "--password", DEMO_PASSWORD)
    assert code == 0, out
    assert "loaded" in out and DEMO_PASSWORD not in out
    code, out = run(url, "demo", "--records", "200")
    assert code == 2 and "already has users" in out
    code, _ = run(url, "demo", "--if-empty")
    assert code == 0
    code, out = run(url, "records", "list", "customer", "--as", "wangfang", "--json")
    assert code == 0 and json.loads(out)["total"] > 0


def test_commands_on_a_database_without_schema_say_so(tmp_path: object) -> None:
    code, out = run(f"sqlite:///{tmp_path}/none.db", "matrix", "lilei")
    assert code == 2 and "vouch migrate" in out
