"""Plan jobs on a Celery task queue: the app and its task, the service's dispatcher, the worker."""
