"""Picture workers say they are awake: a thread of each worker beats in Redis per category."""
import logging
import threading

from celery.signals import worker_ready

from .line import AWAKE_BEAT_S, picture_line

log = logging.getLogger(__name__)
QUEUE_PREFIX = "gen."


def categories_served(queue_names) -> list[str]:
    return [name[len(QUEUE_PREFIX):] for name in queue_names if name.startswith(QUEUE_PREFIX)]


def beat(categories: list[str], stop: threading.Event) -> None:
    """Mark the categories awake every AWAKE_BEAT_S until `stop` is set; a Redis hiccup is
    logged and the next beat tries again."""
    while True:
        try:
            picture_line().mark_awake(categories)
        except Exception as error:  # never let the beat die: the page would call us asleep
            log.warning("could not say the picture worker is awake: %s", error)
        if stop.wait(AWAKE_BEAT_S):
            return


@worker_ready.connect
def start_beating(sender, **_):
    categories = categories_served(sender.app.amqp.queues.consume_from)
    if categories:
        threading.Thread(target=beat, args=(categories, threading.Event()),
                         name="awake-beat", daemon=True).start()
