"""Settings, from the environment (prefix ``MATCHER_``) or defaults that work on a fresh clone."""

from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PACKAGE_ROOT = Path(__file__).resolve().parent
"""The installed package: it carries the catalog, templates, migrations and data it needs."""
BUNDLED_CATALOG = PACKAGE_ROOT / "catalog"
DEMO_ENTERPRISE = PACKAGE_ROOT / "data" / "demo-enterprise.json"
VAR_DIR = Path("var").resolve()
"""Where the embedded defaults keep their files: ``var/`` in the working directory."""
DEVELOPMENT_SECRET = "development-only-secret-change-me"
DEVELOPMENT_LEDGER_KEY = "development-only-ledger-key-change-me"
DEVELOPMENT_FOUNDER_KEY = "development-only-founder-key-change-me"
PDF_FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),  # Debian fonts-wqy-microhei
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),  # Debian fonts-noto-cjk
    Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
)
"""Where Debian installs a CJK font the printed documents can embed, in order of preference."""


def _installed_pdf_font() -> Path | None:
    return next((path for path in PDF_FONT_CANDIDATES if path.is_file()), None)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MATCHER_")

    environment: Literal["development", "test", "production"] = "development"
    policies_dir: Path = BUNDLED_CATALOG
    holidays_file: Path = BUNDLED_CATALOG / "standards" / "holidays.yaml"
    """Public holidays and adjusted working days of the years chinese-calendar does not know
    yet, from the State Council's notices (:mod:`matcher.payouts.holidays`)."""
    database_url: str = f"sqlite:///{VAR_DIR / 'matcher.sqlite3'}"
    secret_key: str = DEVELOPMENT_SECRET
    """Signs session cookies (and unsubscribe links); founders' pseudonyms have a key of their
    own, ``founder_key``."""
    founder_key: str = DEVELOPMENT_FOUNDER_KEY
    """Keys the pseudonym each founder's ID number is kept as (the once-per-founder limits).
    Back it up with the database; never rotate it without ``matcher founders rekey``."""
    ledger_key: str = DEVELOPMENT_LEDGER_KEY
    """Keys the HMAC of every ledger record and checkpoint; the database never holds it, so a
    database writer cannot re-chain the ledger. Never rotated without re-keying the ledger."""
    ledger_checkpoints: Path = VAR_DIR / "ledger-checkpoints.log"
    """The append-only file of signed ledger heads, kept outside the database."""
    max_body_bytes: int = 1_000_000
    """Larger request bodies are refused (413); keep nginx's ``client_max_body_size`` equal."""
    max_backdate_days: int = Field(30, ge=0)
    """How many days back staff may date a claim they enter for an enterprise (the window's
    own rule, not a policy's): a claim received on paper keeps the day it was received."""
    public_notice_days: int = Field(7, ge=1, le=60)
    """The 公示 of a 免申即享 payable list (:mod:`matcher.no_application`), in calendar days
    from its publication, when the policy's text sets none: the window's own rule, not a
    policy's."""
    run_retention_days: int = Field(90, ge=1)
    """How long the snapshots of full match runs and the change log of told state runs are
    kept; the latest full run is kept whatever its age."""
    entitlement_cache_mb: int = Field(128, ge=0)
    """Memory each worker may keep serialized entitlement lists in (MiB; an answer is about
    90 KiB with the bundled catalog), least recently used dropped first; 0 keeps none."""
    redis_url: str | None = None
    """Where rate limits are counted for every worker and host; unset: each process counts."""
    calculator_rate_limit: int = Field(60, ge=1)
    """Anonymous calculator requests per client per minute."""
    suggestion_rate_limit: int = Field(120, ge=1)
    """Anonymous industry suggestions per client per minute."""
    login_attempts_per_username: int = Field(10, ge=1)
    """Sign-in attempts per username per minute, right or wrong."""
    login_attempts_per_client: int = Field(30, ge=1)
    """Sign-in attempts per client address per minute: an office behind one address signs in
    together, a guesser trying names one after another is stopped."""
    forwarded_allow_ips: str = "127.0.0.1,::1"
    """The proxies (comma-separated addresses or networks) whose X-Forwarded-For and
    X-Forwarded-Proto ``matcher serve`` believes: the client address that rate limits count
    and the scheme behind the proxy. Nobody else can claim another address."""
    log_level: Annotated[
        Literal["DEBUG", "INFO", "WARNING", "ERROR"], BeforeValidator(lambda v: str(v).upper())
    ] = "INFO"
    log_format: Literal["json", "text"] | None = None
    """One JSON object per line, or text for people; unset: JSON in production, else text."""
    metrics_token: str | None = None
    """The bearer token ``/metrics`` asks for; unset: it answers loopback clients alone."""
    pdf_font: Path | None = Field(default_factory=_installed_pdf_font)
    """The CJK font (TrueType or a collection) embedded, subset, in the receipts and decisions
    printed as PDF; unset: the first of :data:`PDF_FONT_CANDIDATES` installed."""
    materials_dir: Path = VAR_DIR / "materials"
    """Where uploaded claim materials are kept (:mod:`matcher.materials.store`); back it up
    with the database."""
    material_max_bytes: int = Field(10 * 1024 * 1024, ge=1)
    """The largest material file taken; upload requests may be this much larger than
    ``max_body_bytes`` (keep nginx's ``client_max_body_size`` for them equal)."""

    @model_validator(mode="after")
    def _real_secrets_in_production(self) -> "Settings":
        if self.environment == "production" and self.secret_key == DEVELOPMENT_SECRET:
            raise ValueError("MATCHER_SECRET_KEY must be set in production")
        if self.environment == "production" and self.ledger_key == DEVELOPMENT_LEDGER_KEY:
            raise ValueError("MATCHER_LEDGER_KEY must be set in production")
        if self.environment == "production" and self.founder_key == DEVELOPMENT_FOUNDER_KEY:
            raise ValueError("MATCHER_FOUNDER_KEY must be set in production")
        return self


@cache
def settings() -> Settings:
    return Settings()
