"""Settings, from the environment (prefix ``MATCHER_``) or defaults that work on a fresh clone."""

from functools import cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MATCHER_")

    policies_dir: Path = REPO_ROOT / "policies"


@cache
def settings() -> Settings:
    return Settings()
