import django.utils.timezone
from django.db import migrations, models

# PostgreSQL refuses to change or delete an audit row, whoever asks (TRUNCATE, which only a
# test database flush uses, stays possible). SQLite has no such guard beyond the ORM's.
APPEND_ONLY_SQL = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_auditevent is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_event_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
"""
DROP_SQL = """
DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_append_only();
"""


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY_SQL, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL, params=None)


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="AuditEvent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="tidspunkt")),
                ("actor_id", models.IntegerField(blank=True, db_index=True, null=True, verbose_name="bruker-id")),
                ("actor_name", models.CharField(blank=True, max_length=150, verbose_name="utført av")),
                ("via", models.CharField(choices=[("web", "nettleser"), ("command", "kommandolinjen"), ("task", "bakgrunnsjobb"), ("system", "systemet")], default="system", max_length=10, verbose_name="via")),
                ("action", models.CharField(db_index=True, max_length=64, verbose_name="handling")),
                ("target_type", models.CharField(blank=True, max_length=100, verbose_name="objekttype")),
                ("target_id", models.CharField(blank=True, max_length=64, verbose_name="objekt-id")),
                ("target_label", models.CharField(blank=True, max_length=300, verbose_name="objekt")),
                ("details", models.JSONField(blank=True, default=dict, verbose_name="detaljer")),
            ],
            options={
                "verbose_name": "hendelse i revisjonsloggen",
                "verbose_name_plural": "revisjonslogg",
                "ordering": ["-at", "-id"],
                "indexes": [models.Index(fields=["target_type", "target_id"], name="audit_audit_target__59bbff_idx")],
            },
        ),
        migrations.RunPython(add_trigger, drop_trigger),
    ]
