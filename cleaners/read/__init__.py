"""Stage 1, reading: bytes from a file, a folder, a WARC record or a crawl become one ``Page``, decoded
and parsed once into the lxml tree every later stage shares, under per-page time and memory limits."""
