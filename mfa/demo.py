"""Demo accounts get an authenticator whose key is derived from their username.

So `manage.py demo_code om.nmp` (or `make code USER=om.nmp`) prints the code to sign in with.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mfa import services

if TYPE_CHECKING:
    from register.demo import DemoWorld


def load(world: DemoWorld) -> None:
    for user in world.users.values():
        services.demo_enrol(user=user)
