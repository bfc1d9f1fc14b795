"""Settings, from the environment (prefix ``MATCHER_``) or defaults that work on a fresh clone."""

from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
DEVELOPMENT_SECRET = "development-only-secret-change-me"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MATCHER_")

    environment: Literal["development", "test", "production"] = "development"
    policies_dir: Path = REPO_ROOT / "policies"
    database_url: str = f"sqlite:///{REPO_ROOT / 'var' / 'matcher.sqlite3'}"
    secret_key: str = DEVELOPMENT_SECRET
    """Signs session cookies and keys the HMAC of founders' ID numbers."""
    max_body_bytes: int = 1_000_000
    default_processing_days: int = 20
    """Working days the window takes for a claim when the policy sets no time limit."""
    calculator_rate_limit: int = 60
    """Anonymous calculator requests per client per minute."""

    @model_validator(mode="after")
    def _real_secret_in_production(self) -> "Settings":
        if self.environment == "production" and self.secret_key == DEVELOPMENT_SECRET:
            raise ValueError("MATCHER_SECRET_KEY must be set in production")
        return self


@cache
def settings() -> Settings:
    return Settings()
