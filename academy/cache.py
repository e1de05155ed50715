"""Django's Redis cache, with one redis-py client per connection pool instead of one per call.

Django's RedisCacheClient makes a `redis.Redis` for every cache operation; redis-py (8.x) fills a
table of some 170 response callbacks in each constructor, about 0.3 ms of CPU. A signed-in page
makes several cache calls (its session, the privacy notice's version, the content version, the
shared fragments), so this was a millisecond or two of every page. A redis-py client is safe to
share between threads (each command takes a connection from the pool) and its pool reconnects
after a fork, so keeping one per pool changes nothing else.
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _SharedClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _SharedClient
