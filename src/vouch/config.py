"""Settings from the environment, read once per process."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "var" / "vouch.db"


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str | None
    demo_mode: bool


def database_url_from_env() -> str:
    url = os.environ.get("VOUCH_DATABASE_URL")
    if url:
        return url
    DEFAULT_SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


def load_settings() -> Settings:
    return Settings(
        database_url=database_url_from_env(),
        secret_key=os.environ.get("VOUCH_SECRET_KEY"),
        demo_mode=os.environ.get("VOUCH_DEMO", "") in {"1", "true", "yes"},
    )
