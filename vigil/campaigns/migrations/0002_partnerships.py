"""Partner organisations get a role, a contact person and a staff note (``Partnership``).

Django cannot add ``through=`` to an existing many-to-many field, so the links are copied into
the new table, the old field (and its table) is removed, and the field is declared again with
the new table behind it.  Every existing partner becomes a supporter."""

from typing import Any

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

import vigil.core.fields


def copy_links(apps: Any, schema_editor: Any) -> None:
    campaign = apps.get_model("campaigns", "Campaign")
    partnership = apps.get_model("campaigns", "Partnership")
    alias = schema_editor.connection.alias
    links = campaign.partners.through.objects.using(alias).order_by("pk")
    partnership.objects.using(alias).bulk_create(
        partnership(campaign_id=link.campaign_id, organisation_id=link.organisation_id)
        for link in links
    )


def copy_back(apps: Any, schema_editor: Any) -> None:
    campaign = apps.get_model("campaigns", "Campaign")
    partnership = apps.get_model("campaigns", "Partnership")
    alias = schema_editor.connection.alias
    through = campaign.partners.through
    through.objects.using(alias).bulk_create(
        through(campaign_id=row.campaign_id, organisation_id=row.organisation_id)
        for row in partnership.objects.using(alias).order_by("pk")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0001_initial"),
        ("directory", "0007_search_facets"),
    ]

    operations = [
        migrations.CreateModel(
            name="Partnership",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "role",
                    models.CharField(
                        choices=[
                            ("co_organiser", "co-organiser"),
                            ("supporter", "supporter"),
                            ("expert", "expert"),
                            ("host", "host"),
                            ("media", "media partner"),
                            ("other", "other"),
                        ],
                        default="supporter",
                        max_length=16,
                        verbose_name="role",
                    ),
                ),
                (
                    "note",
                    vigil.core.fields.EncryptedTextField(
                        blank=True,
                        help_text="Only staff read this. It is never shown publicly.",
                        verbose_name="staff note",
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="since"),
                ),
                (
                    "campaign",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="partnerships",
                        to="campaigns.campaign",
                        verbose_name="campaign",
                    ),
                ),
                (
                    "contact",
                    models.ForeignKey(
                        blank=True,
                        help_text="One of the organisation's contacts in the directory.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="partnerships",
                        to="directory.contact",
                        verbose_name="contact person",
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="partnerships",
                        to="directory.organisation",
                        verbose_name="organisation",
                    ),
                ),
            ],
            options={
                "verbose_name": "partnership",
                "verbose_name_plural": "partnerships",
                "ordering": ["campaign", "role", "id"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("campaign", "organisation"),
                        name="campaigns_partner_once_per_campaign",
                    )
                ],
            },
        ),
        migrations.RunPython(copy_links, copy_back),
        migrations.RemoveField(model_name="campaign", name="partners"),
        migrations.AddField(
            model_name="campaign",
            name="partners",
            field=models.ManyToManyField(
                blank=True,
                related_name="campaigns",
                through="campaigns.Partnership",
                to="directory.organisation",
                verbose_name="partner organisations",
            ),
        ),
    ]
