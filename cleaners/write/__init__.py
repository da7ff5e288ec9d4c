"""Where records go: JSON Lines that a kill cannot tear, journalled Parquet, WARC archives and the
crawl report."""
