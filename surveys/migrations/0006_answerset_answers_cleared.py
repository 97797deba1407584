from django.db import migrations, models


def mark_sets_with_cleared_answers(apps, schema_editor):
    AnswerSet = apps.get_model("surveys", "AnswerSet")
    AnswerSet.objects.filter(changes__action="cleared").update(answers_cleared=True)


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0005_wave_definition_token"),
    ]

    operations = [
        migrations.AddField(
            model_name="answerset",
            name="answers_cleared",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(mark_sets_with_cleared_answers, migrations.RunPython.noop),
    ]
