import os

from celery import Celery
from celery.signals import beat_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("register")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@beat_init.connect
def _announce_beat(sender: object, **kwargs: object) -> None:
    # A heartbeat as soon as beat starts, so `make run` shows the scheduler working at once.
    app.send_task("notifications.tasks.scheduler_heartbeat")
