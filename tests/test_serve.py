"""`vouch serve` as a real process: uvicorn on a free port against a migrated demo database,
a token and a customer list over real HTTP, several workers, and the exit codes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from vouch.context import RequestContext
from vouch.db import make_engine
from vouch.demo import load_demo
from vouch.org.models import User
from vouch.records.service import list_records

API = "/api/v1"
PASSWORD = "serve-test-password"
VOUCH = [str(Path(sys.executable).with_name("vouch"))]
STARTUP_S = 30.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('serve') / 'vouch.db'}"
    engine = make_engine(url)
    load_demo(engine, password=PASSWORD, records=60)
    engine.dispose()
    return url


def env_for(url: str) -> dict[str, str]:
    return {**os.environ, "VOUCH_DATABASE_URL": url, "COLUMNS": "200"}


class Server:
    def __init__(self, url: str, *args: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [*VOUCH, "serve", "--port", str(self.port), *args], env=env_for(url),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True)  # a process group: workers included in kill()

    def wait_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"vouch serve exited {self.proc.returncode}:\n{self.output()}")
            try:
                if httpx.get(f"{self.base}{API}/openapi.json", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        self.kill()
        pytest.fail(f"vouch serve did not answer within {STARTUP_S} s:\n{self.output()}")

    def stop(self) -> int:
        """SIGTERM, as a service manager would; returns the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()
            pytest.fail(f"vouch serve ignored SIGTERM:\n{self.output()}")

    def kill(self) -> None:
        """SIGKILL the whole process group (uvicorn's workers would outlive their parent);
        only while the parent is not yet reaped, so that the group id is still ours."""
        if self.proc.returncode is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def output(self) -> str:
        if self.proc.poll() is None:
            return "(still running)"
        assert self.proc.stdout is not None
        return self.proc.stdout.read()


@pytest.fixture
def serving(db_url: str, request: pytest.FixtureRequest) -> Iterator[Server]:
    server = Server(db_url, *getattr(request, "param", ()))
    try:
        server.wait_ready()
        yield server
    finally:
        server.kill()  # a test that failed before stop()


def token(client: httpx.Client, username: str) -> str:
    r = client.post(f"{API}/auth/token", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return str(r.json()["access_token"])


def expected_first_page(db_url: str, username: str) -> list[int]:
    engine = make_engine(db_url)
    try:
        with Session(engine) as session:
            uid = session.scalars(select(User.id).where(User.username == username)).one()
            page = list_records(RequestContext.for_user(session, uid), "customer", limit=50)
            return [item["id"] for item in page.items]
    finally:
        engine.dispose()


def check_customers(server: Server, db_url: str) -> None:
    with httpx.Client(base_url=server.base, timeout=10) as client:
        seen = {}
        for username in ("hanmeimei", "wangfang"):
            bearer = {"Authorization": f"Bearer {token(client, username)}"}
            r = client.get(f"{API}/customers", params={"limit": 50}, headers=bearer)
            assert r.status_code == 200, r.text
            assert r.headers["cache-control"] == "no-store"
            assert "server" not in r.headers  # no version banner
            seen[username] = [item["id"] for item in r.json()["items"]]
            assert seen[username] == expected_first_page(db_url, username)
        assert 0 < len(seen["hanmeimei"]) < len(seen["wangfang"])
        r = client.get(f"{API}/customers")
        assert r.status_code == 401
        assert r.json()["error"]["code"]


@pytest.mark.parametrize("serving", [(), ("--workers", "2")], indirect=True,
                         ids=["one-worker", "two-workers"])
def test_serves_the_api_over_http(serving: Server, db_url: str) -> None:
    check_customers(serving, db_url)
    # X-Forwarded-For is not believed (no trusted proxies configured): nothing to assert
    # over HTTP beyond the request succeeding; the address logged is the socket's.
    with httpx.Client(base_url=serving.base, timeout=10) as client:
        r = client.get(f"{API}/openapi.json", headers={"X-Forwarded-For": "203.0.113.9"})
        assert r.status_code == 200
    assert serving.stop() == 0
    log = serving.output()
    assert '"GET /api/v1/customers?limit=50 HTTP/1.1" 200' in log
    assert "127.0.0.1:" in log and "203.0.113.9" not in log
    workers = log.count("Started server process")
    assert workers == (2 if "--workers" in serving.proc.args else 1), log


def run_serve(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*VOUCH, "serve", *args], env=env_for(url), capture_output=True,
                          text=True, timeout=60)


def test_port_in_use_exits_1_with_a_clear_message(db_url: str) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        for workers in ("1", "2"):
            done = run_serve(db_url, "--port", str(port), "--workers", workers)
            assert done.returncode == 1, done
            assert f"cannot listen on 127.0.0.1:{port}" in done.stderr
            assert "already in use" in done.stderr
            assert "Traceback" not in done.stderr + done.stdout


def test_unmigrated_database_exits_1(tmp_path: Path) -> None:
    done = run_serve(f"sqlite:///{tmp_path / 'empty.db'}", "--port", str(free_port()))
    assert done.returncode == 1, done
    assert "no Vouch schema yet" in done.stderr and "vouch migrate" in done.stderr


def test_bad_options_exit_2(db_url: str) -> None:
    for args in (("--workers", "0"), ("--log-level", "loud")):
        done = run_serve(db_url, *args)
        assert done.returncode == 2, (args, done)


def test_help_says_it_serves_the_console_and_the_api() -> None:
    from typer.testing import CliRunner

    from vouch.cli.main import app

    done = CliRunner().invoke(app, ["serve", "--help"], env={"COLUMNS": "200"})
    assert done.exit_code == 0, done.output
    text = " ".join(done.output.split())
    assert "Serve the web console at http://HOST:PORT/ and the HTTP API at /api/v1" in text
    assert "answers 503" in text and "make console" in text
