"""Letters count once per writer, case, official and month: fill the month, merge repeats.

The constraint comes in 0003: on PostgreSQL the rows changed here leave deferred trigger
events, and a table cannot be altered in the transaction that has them."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import migrations, models


def fill_months_and_merge_repeats(apps: Any, schema_editor: Any) -> None:
    Letter = apps.get_model("cases", "Letter")
    seen: dict[tuple[Any, ...], Any] = {}
    repeats: list[int] = []
    for letter in Letter.objects.order_by("written_at", "pk").iterator():
        letter.month = letter.written_at.astimezone(datetime.UTC).date().replace(day=1)
        key = (letter.writer_id, letter.case_id, letter.official_id, letter.month)
        first = seen.get(key)
        if first is not None and letter.writer_id is not None and letter.official_id is not None:
            if letter.kept and not first.kept:  # a copy kept on a later download stays
                first.text, first.kept = letter.text, True
                first.save(update_fields=["text", "kept"])
            repeats.append(letter.pk)
            continue
        seen[key] = letter
        letter.save(update_fields=["month"])
    Letter.objects.filter(pk__in=repeats).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="letter",
            name="month",
            field=models.DateField(null=True, verbose_name="month"),
        ),
        migrations.RunPython(fill_months_and_merge_repeats, migrations.RunPython.noop),
    ]
