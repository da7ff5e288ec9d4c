"""Many workers, one frontier: the crawl's shared state in Redis, switched on by ``REDIS_URL``.

Built on scrapy-redis (its scheduler, queue base and dupefilter), extended where a crawl must lose
nothing: a request a worker takes is leased, not removed, and only acknowledged once its outcome is
recorded (``queue``, ``scheduler``, ``leases``); the collected-article index, the spider's set of
discovered URLs and its per-site page counts are shared, so no two workers write the same article
or count the same page (``shared``). Without ``REDIS_URL`` none of this is loaded.
"""
