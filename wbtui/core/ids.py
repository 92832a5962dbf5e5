"""Run ids as wandb makes them: 8 random lowercase letters and digits."""

from __future__ import annotations

import secrets
import string

_ALPHABET = string.ascii_lowercase + string.digits


def generate_id(length: int = 8) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))
