"""Letters count once per writer, case, official and month (0002 filled the month)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_letter_month")]

    operations = [
        migrations.AlterField(
            model_name="letter",
            name="month",
            field=models.DateField(verbose_name="month"),
        ),
        migrations.AddConstraint(
            model_name="letter",
            constraint=models.UniqueConstraint(
                fields=("writer", "case", "official", "month"), name="cases_letter_once_a_month"
            ),
        ),
    ]
