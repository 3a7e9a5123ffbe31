"""The background task that sends one delivery (Django's tasks API, the django-tasks backport).

Production runs ``django_tasks_db.DatabaseBackend`` with ``manage.py db_worker``; ``make run``
the immediate backend. Neither retries a failed task: the outbox does (``mail.outbox``).
"""

from django_tasks import task

from . import outbox


@task()
def send_delivery(delivery_id: int) -> str:
    return outbox.send(delivery_id)
