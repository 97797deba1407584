"""The Celery application: tasks are discovered in each installed app's and each capability
package's `tasks.py`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ekommune.settings")

app = Celery("ekommune")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The surveys app keeps its tasks beside the services they call, one module per package.
app.autodiscover_tasks(["surveys.outreach", "surveys.analysis", "surveys.demo"])
