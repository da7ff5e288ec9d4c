"""Stage 3, the story: whether the page is an article at all (the article model), then its paragraphs,
with site chrome pruned by rules, by a site's repeated boilerplate, and split chunks joined again."""
