"""Web sites for crawl tests: an in-process HTTP server on 127.0.0.1 and the sites it serves."""
