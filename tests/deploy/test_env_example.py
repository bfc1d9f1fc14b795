"""``deploy/matcher.env.example`` names every setting the service reads, once, and nothing it
does not: a new setting is listed for operators, or this fails."""

import re
from pathlib import Path

from matcher.config import Settings
from matcher.notices.settings import NoticeSettings
from matcher.tagging.store import CACHE_ENV

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
BACKUP_SETTINGS = {"MATCHER_BACKUP_DIR", "MATCHER_BACKUP_KEEP"}
"""Read by deploy/matcher-backup, not by the package."""


def test_every_setting_is_listed_once() -> None:
    text = (DEPLOY / "matcher.env.example").read_text("utf-8")
    listed = re.findall(r"^#?(MATCHER_[A-Z_]+)=", text, re.MULTILINE)
    settings = {
        f"{model.model_config['env_prefix']}{name.upper()}"
        for model in (Settings, NoticeSettings)
        for name in model.model_fields
    }
    assert sorted(listed) == sorted(settings | {CACHE_ENV} | BACKUP_SETTINGS)


def test_the_backup_settings_are_the_scripts() -> None:
    script = (DEPLOY / "matcher-backup").read_text("utf-8")
    assert {name for name in BACKUP_SETTINGS if f"${{{name}:-" in script} == BACKUP_SETTINGS
