import logging
import os

from celery import Celery, Task
from celery.signals import beat_init, worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

logger = logging.getLogger(__name__)


class BatchTask(Task):  # type: ignore[misc]
    """Every task is a named batch job: its statements may run for the batch limit.

    Pages and API calls keep the short interactive statement_timeout (settings).
    """

    def __call__(self, *args: object, **kwargs: object) -> object:
        from django.conf import settings

        from core.db import statement_timeout

        with statement_timeout(settings.DATABASE_BATCH_STATEMENT_TIMEOUT):
            return super().__call__(*args, **kwargs)


app = Celery("register", task_cls=BatchTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# What beat sends once as it starts. Beat's schedule file catches up the periods it
# missed while it was down, but not after the file is lost (a new container); these are
# idempotent, so running them again costs nothing and nothing waits for the next tick.
CATCH_UP_ON_START = (
    "notifications.tasks.scheduler_heartbeat",
    "notifications.tasks.scan_overdue",
    "notifications.tasks.scan_due_soon",
    "notifications.tasks.scan_escalations",
    "core.tasks.sweep_outbox",
)


@beat_init.connect
def _catch_up(sender: object, **kwargs: object) -> None:
    for name in CATCH_UP_ON_START:
        try:
            app.send_task(name)
        except Exception:  # the broker may be down as beat starts; beat retries each tick
            logger.warning("Could not queue %s as the scheduler started", name, exc_info=True)


@worker_ready.connect
def _sweep_on_start(sender: object, **kwargs: object) -> None:
    # E-mails that waited while no worker ran go now, not at the next beat tick.
    try:
        app.send_task("core.tasks.sweep_outbox")
    except Exception:
        logger.warning("Could not queue the outbox sweep as the worker started", exc_info=True)
