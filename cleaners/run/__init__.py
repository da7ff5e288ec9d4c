"""Running many pages: the ordered cleaning stream in worker processes that never raise and die with
their parent."""
