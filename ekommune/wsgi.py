import os

from django.core.wsgi import get_wsgi_application

from ekommune.runtime import tune_garbage_collector

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ekommune.settings")
application = get_wsgi_application()
# gunicorn imports this module in every worker: the application is loaded by now.
tune_garbage_collector()
