"""Suggestions' contact addresses get a blind index, so erasure can find them."""

from django.db import migrations

import vigil.core.crypto
import vigil.core.fields


def index_contact_emails(apps, schema_editor):
    suggestion_model = apps.get_model("directory", "Suggestion")
    for suggestion in suggestion_model.objects.iterator():
        if suggestion.contact_email:  # sealed: compared once opened, not in SQL
            suggestion.save(update_fields=["contact_email_index"])


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0008_search_relevance_levels"),
    ]

    operations = [
        migrations.AddField(
            model_name="suggestion",
            name="contact_email_index",
            field=vigil.core.fields.BlindIndexField(
                normaliser=vigil.core.crypto.normalise_email, source="contact_email"
            ),
        ),
        migrations.RunPython(index_contact_emails, migrations.RunPython.noop),
    ]
