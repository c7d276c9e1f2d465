"""Second-factor keys move from django-otp's column, in clear, into a sealed table."""

import django.db.models.deletion
from django.db import migrations, models

import vigil.core.fields


def seal_device_keys(apps, schema_editor):
    """Seal every key still in clear (with the current first data key) and empty its column."""
    device_model = apps.get_model("otp_totp", "TOTPDevice")
    secret_model = apps.get_model("accounts", "TOTPSecret")
    for device in device_model.objects.exclude(key="").iterator():
        secret_model.objects.update_or_create(device_id=device.pk, defaults={"key": device.key})
        device_model.objects.filter(pk=device.pk).update(key="")


def unseal_device_keys(apps, schema_editor):
    device_model = apps.get_model("otp_totp", "TOTPDevice")
    secret_model = apps.get_model("accounts", "TOTPSecret")
    for secret in secret_model.objects.iterator():
        device_model.objects.filter(pk=secret.device_id).update(key=secret.key)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_language_help_text"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [
        migrations.CreateModel(
            name="TOTPSecret",
            fields=[
                (
                    "device",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="sealed_key",
                        serialize=False,
                        to="otp_totp.totpdevice",
                    ),
                ),
                ("key", vigil.core.fields.EncryptedCharField(max_length=80, verbose_name="key")),
            ],
            options={
                "verbose_name": "second-factor key",
                "verbose_name_plural": "second-factor keys",
            },
        ),
        migrations.CreateModel(
            name="SealedTOTPDevice",
            fields=[],
            options={
                "verbose_name": "authenticator",
                "verbose_name_plural": "authenticators",
                "proxy": True,
                "indexes": [],
                "constraints": [],
            },
            bases=("otp_totp.totpdevice",),
        ),
        migrations.RunPython(seal_device_keys, unseal_device_keys),
    ]
