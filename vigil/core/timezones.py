"""Times are stored in UTC and shown in the viewer's zone (Russia alone spans eleven)."""

from __future__ import annotations

import zoneinfo

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .memo import memoised

#: The cookie the browser's script sets from Intl.DateTimeFormat().resolvedOptions().timeZone.
TZ_COOKIE = "vigil_tz"


@memoised("core.timezones.zones", keeps="the system's IANA zone names", bound=1, settings=False)
def available_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def is_valid_zone(name: str | None) -> bool:
    return bool(name) and name in available_zones()


def validate_time_zone(value: str) -> None:
    if not is_valid_zone(value):
        raise ValidationError(
            _("“%(value)s” is not a time zone name such as Europe/Moscow or Asia/Vladivostok."),
            params={"value": value},
            code="invalid_time_zone",
        )


def zone_choices() -> list[tuple[str, str]]:
    """Russia's zones first (west to east), then every other zone."""
    russian = [
        "Europe/Kaliningrad", "Europe/Moscow", "Europe/Samara", "Asia/Yekaterinburg",
        "Asia/Omsk", "Asia/Krasnoyarsk", "Asia/Irkutsk", "Asia/Yakutsk",
        "Asia/Vladivostok", "Asia/Magadan", "Asia/Kamchatka",
    ]  # fmt: skip
    rest = sorted(available_zones() - set(russian))
    return [(z, z) for z in russian] + [(z, z) for z in rest]
