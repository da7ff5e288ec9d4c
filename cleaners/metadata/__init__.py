"""Stage 2, metadata: what the page declares (JSON-LD, meta tags, microdata) and, where it declares
nothing, what it shows its readers beside the headline (byline, dates), plus a syndicated copy's source."""
