"""Print a demo account's current two-factor code (development only)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp

from vigil.accounts.models import User
from vigil.accounts.selectors import confirmed_totp_device


class Command(BaseCommand):
    help = "Print the current two-factor code of a demo account (refused in production)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, email: str, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("demo_totp is for development only")
        user = User.objects.get_by_email(email)
        device = confirmed_totp_device(user) if user else None
        if device is None:
            raise CommandError(f"no account with a confirmed authenticator for {email}")
        code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{code:0{device.digits}d}")
