"""Benchmark the reader's-script boundary: what converting a whole page costs (academy.script).

    .venv/bin/python bench/script.py            # the demo's pages, 5 rounds each
    .venv/bin/python bench/script.py -n 20

Migrates a throw-away SQLite database, seeds the demo, then requests every live page and the
main catalogue pages in zh-hans and zh-hant through the Django test client. Prints, per language,
the page size, the whole request time and the time ReaderScriptMiddleware spent converting
(mean, p50 and p95 in milliseconds), and the conversion's share of the request.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=5, help="rounds over the pages")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    folder = tempfile.mkdtemp()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings.test")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment
    from wagtail.models import Page

    setup_test_environment()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("seed_demo", stdout=StringIO())
    print(f"seed_demo: {time.perf_counter() - started:.1f} s")
    paths = [p.url for p in Page.objects.live().filter(depth__gt=1).specific() if p.url]
    paths += ["/programmes/", "/exams/", "/lecturers/", "/search/?query=餐饮"]
    client = Client()
    for language, prefix in (("zh-hans", ""), ("zh-hant", "/zh-hant")):
        for path in paths:  # warm-up: templates, OpenCC dictionaries
            client.get(prefix + path)
        sizes, totals, conversions = [], [], []
        for _ in range(args.n):
            for path in paths:
                started = time.perf_counter()
                response = client.get(prefix + path)
                totals.append((time.perf_counter() - started) * 1000)
                conversions.append(getattr(response, "script_conversion_ms", 0.0))
                sizes.append(len(response.content))

        def figures(values):
            values = sorted(values)
            p95 = values[int(len(values) * 0.95) - 1]
            return f"mean {statistics.mean(values):6.1f}  p50 {values[len(values) // 2]:6.1f}  p95 {p95:6.1f}"

        print(
            f"{language}: {len(paths)} pages × {args.n}, "
            f"{statistics.mean(sizes) / 1024:.0f} KB a page on average"
        )
        print(f"  request     ms  {figures(totals)}")
        print(f"  conversion  ms  {figures(conversions)}")
        print(f"  share of the request: {sum(conversions) / sum(totals):.1%}")


if __name__ == "__main__":
    main()
