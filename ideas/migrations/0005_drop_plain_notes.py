"""Sealed notes, step 3 of 3: drop the plain-text notes column (emptied by 0004)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("ideas", "0004_seal_existing_notes")]

    operations = [migrations.RemoveField(model_name="idea", name="notes")]
