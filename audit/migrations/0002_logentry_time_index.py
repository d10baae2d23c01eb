"""An index on the admin log's time, for the audit page and the log entry list (newest first).

`django_admin_log` belongs to `django.contrib.admin`, whose model declares no index on
`action_time`; every admin action adds a row, so over years the audit page would sort the whole
log for each view. The index is plain SQL that SQLite and PostgreSQL both accept, and touches no
model state.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("admin", "0003_logentry_add_action_flag_choices"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS audit_logentry_time_idx ON django_admin_log (action_time, id)",
            "DROP INDEX IF EXISTS audit_logentry_time_idx",
            elidable=False,
        ),
    ]
