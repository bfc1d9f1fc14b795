"""Sign-in attempts, counted per client address and per username before any password is
checked: guessing is slowed to a handful a minute, and a flood of bad sign-ins cannot keep the
processor busy with deliberately slow password hashing (scrypt) for everyone else."""

from dataclasses import dataclass

from matcher.api.ratelimit import RateLimiter
from matcher.config import Settings


@dataclass(frozen=True, slots=True)
class LoginThrottle:
    by_client: RateLimiter
    by_username: RateLimiter

    @classmethod
    def of(cls, config: Settings) -> "LoginThrottle":
        return cls(
            RateLimiter(config.login_attempts_per_client),
            RateLimiter(config.login_attempts_per_username),
        )

    def admit(self, client: str, username: str) -> bool:
        """Count one attempt; False when ``client`` or ``username`` has used up its minute."""
        return self.by_client.hit(client) and self.by_username.hit(username)
