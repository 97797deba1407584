"""Find Celery tasks by name, so that services never import task modules.

Task modules import services (a task is a thin wrapper around one); services that queue work
look the task up here by its registered name instead, which keeps the import graph acyclic.
"""

from __future__ import annotations

from celery import current_app
from celery.app.task import Task


def task(name: str) -> Task:
    """The registered task called `name`.

    A worker imports every task module when it starts; a web process has not, so the first
    lookup of an unknown name asks Celery's loader to import them (once per process).
    """
    registry = current_app.tasks
    if name not in registry:
        current_app.loader.import_default_modules()
    return registry[name]
