"""Run every benchmark and print its figures: `python -m bench [NAME ...]`, names below."""
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "drawapp.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
django.setup()

from bench import batched, classroom, forward, latency, training  # noqa: E402

BENCHMARKS = {"forward": forward.run, "batched": batched.run, "latency": latency.run,
              "classroom": classroom.run, "training": training.run}

if __name__ == "__main__":
    for name in sys.argv[1:] or list(BENCHMARKS):
        print(f"== {name}", flush=True)
        BENCHMARKS[name]()
