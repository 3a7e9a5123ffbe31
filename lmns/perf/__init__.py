"""The national-scale benchmark: a dataset builder and page timings (``manage.py benchmark``)."""
