"""Settings, from the environment (prefix ``MATCHER_``) or defaults that work on a fresh clone."""

from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PACKAGE_ROOT = Path(__file__).resolve().parent
"""The installed package: it carries the catalog, templates, migrations and data it needs."""
BUNDLED_CATALOG = PACKAGE_ROOT / "catalog"
DEMO_ENTERPRISE = PACKAGE_ROOT / "data" / "demo-enterprise.json"
VAR_DIR = Path("var").resolve()
"""Where the embedded defaults keep their files: ``var/`` in the working directory."""
DEVELOPMENT_SECRET = "development-only-secret-change-me"
DEVELOPMENT_LEDGER_KEY = "development-only-ledger-key-change-me"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MATCHER_")

    environment: Literal["development", "test", "production"] = "development"
    policies_dir: Path = BUNDLED_CATALOG
    database_url: str = f"sqlite:///{VAR_DIR / 'matcher.sqlite3'}"
    secret_key: str = DEVELOPMENT_SECRET
    """Signs session cookies and keys the HMAC of founders' ID numbers."""
    ledger_key: str = DEVELOPMENT_LEDGER_KEY
    """Keys the HMAC of every ledger record and checkpoint; the database never holds it, so a
    database writer cannot re-chain the ledger. Never rotated without re-keying the ledger."""
    ledger_checkpoints: Path = VAR_DIR / "ledger-checkpoints.log"
    """The append-only file of signed ledger heads, kept outside the database."""
    max_body_bytes: int = 1_000_000
    """Working days the window takes for a claim when the policy sets no time limit."""
    max_backdate_days: int = Field(30, ge=0)
    """How many days back staff may date a claim they enter for an enterprise (the window's
    own rule, not a policy's): a claim received on paper keeps the day it was received."""
    calculator_rate_limit: int = 60
    """Anonymous calculator requests per client per minute."""
    login_attempts_per_username: int = 10
    """Sign-in attempts per username per minute (per process), right or wrong."""
    login_attempts_per_client: int = 30
    """Sign-in attempts per client address per minute (per process): an office behind one
    address signs in together, a guesser trying names one after another is stopped."""

    @model_validator(mode="after")
    def _real_secrets_in_production(self) -> "Settings":
        if self.environment == "production" and self.secret_key == DEVELOPMENT_SECRET:
            raise ValueError("MATCHER_SECRET_KEY must be set in production")
        if self.environment == "production" and self.ledger_key == DEVELOPMENT_LEDGER_KEY:
            raise ValueError("MATCHER_LEDGER_KEY must be set in production")
        return self


@cache
def settings() -> Settings:
    return Settings()
