"""Credentials, stored only as hashes."""

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from matcher.clock import now
from matcher.db import UtcDateTime


class Role(StrEnum):
    ENTERPRISE = "enterprise"
    STAFF = "staff"
    ADMIN = "admin"


USERNAME_LENGTH = 50
DISPLAY_NAME_LENGTH = 100

ROLE_LABELS = {Role.ENTERPRISE: "企业", Role.STAFF: "兑现专窗工作人员", Role.ADMIN: "管理员"}


class ApiToken(SQLModel, table=True):
    """A bearer token for programs. Only the SHA-256 of the token is kept."""

    __tablename__ = "api_tokens"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    role: Role = Field(max_length=20)
    uscc: str | None = Field(default=None, max_length=18, index=True)
    label: str = Field(max_length=100)
    account_id: int | None = Field(default=None, foreign_key="accounts.id", index=True)
    """The account the token acts as, if issued for one: it ends when the account is
    disabled. A token for a program stands alone."""
    created_at: datetime = Field(default_factory=now, sa_type=UtcDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UtcDateTime)


class Account(SQLModel, table=True):
    """A person who logs in to the web pages. The password is kept as an argon2id hash."""

    __tablename__ = "accounts"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=USERNAME_LENGTH, unique=True)
    password_hash: str = Field(max_length=200)
    role: Role = Field(max_length=20)
    uscc: str | None = Field(default=None, max_length=18)
    display_name: str = Field(max_length=DISPLAY_NAME_LENGTH)
    created_at: datetime = Field(default_factory=now, sa_type=UtcDateTime)
    disabled_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    session_epoch: int = 0
    """Sessions started under an earlier epoch are over: signing out moves it on."""
