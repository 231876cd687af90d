"""Settings from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "var" / "vouch.db"


def database_url_from_env() -> str:
    url = os.environ.get("VOUCH_DATABASE_URL")
    if url:
        return url
    DEFAULT_SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


def _minutes(name: str, default: int) -> timedelta:
    return timedelta(minutes=int(os.environ.get(name, default)))


@dataclass(frozen=True)
class Settings:
    """What the HTTP service reads from the environment (all have safe defaults)."""

    session_idle: timedelta = timedelta(minutes=30)
    session_absolute: timedelta = timedelta(hours=12)
    bearer_lifetime: timedelta = timedelta(hours=8)
    api_token_max_days: int = 366
    max_upload_bytes: int = 10 * 1024 * 1024
    max_import_rows: int = 20_000
    cookie_secure: bool = False
    # E-mail of notifications: sent when host and sender are set
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str | None = None
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False

    @property
    def smtp_configured(self) -> bool:
        return bool(self.smtp_host and self.smtp_from)

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            session_idle=_minutes("VOUCH_SESSION_IDLE_MINUTES", 30),
            session_absolute=_minutes("VOUCH_SESSION_ABSOLUTE_MINUTES", 12 * 60),
            bearer_lifetime=_minutes("VOUCH_BEARER_MINUTES", 8 * 60),
            api_token_max_days=int(os.environ.get("VOUCH_API_TOKEN_MAX_DAYS", 366)),
            max_upload_bytes=int(os.environ.get("VOUCH_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)),
            max_import_rows=int(os.environ.get("VOUCH_MAX_IMPORT_ROWS", 20_000)),
            cookie_secure=os.environ.get("VOUCH_COOKIE_SECURE", "") in ("1", "true", "yes"),
            smtp_host=os.environ.get("VOUCH_SMTP_HOST") or None,
            smtp_port=int(os.environ.get("VOUCH_SMTP_PORT", 25)),
            smtp_from=os.environ.get("VOUCH_SMTP_FROM") or None,
            smtp_user=os.environ.get("VOUCH_SMTP_USER") or None,
            smtp_password=os.environ.get("VOUCH_SMTP_PASSWORD") or None,
            smtp_starttls=os.environ.get("VOUCH_SMTP_STARTTLS", "") in ("1", "true", "yes"),
        )
