"""Keep each process's questionnaire cache honest: any change to a wave's sections, questions,
choices or matrix rows gives the wave a new `definition_token` in the same transaction.

Bulk writes (`bulk_create`, `QuerySet.update`) send no signals; code that changes a
questionnaire that way calls `surveys.form_engine.loading.definition_changed` itself (the
YAML loader does).
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from surveys.form_engine.loading import definition_changed
from surveys.models import Choice, MatrixRow, Question, Section


@receiver([post_save, post_delete], sender=Section, dispatch_uid="section_definition_changed")
@receiver([post_save, post_delete], sender=Question, dispatch_uid="question_definition_changed")
def _wave_part_changed(sender, instance, **kwargs) -> None:
    definition_changed(wave_id=instance.wave_id)


@receiver([post_save, post_delete], sender=Choice, dispatch_uid="choice_definition_changed")
@receiver([post_save, post_delete], sender=MatrixRow, dispatch_uid="row_definition_changed")
def _question_part_changed(sender, instance, **kwargs) -> None:
    definition_changed(question_id=instance.question_id)
