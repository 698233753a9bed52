"""A national-scale benchmark: a generated database of 34 provinces and timings of the main handlers.

Run it with ``make bench`` or ``python -m bench --help``; see bench/README.md.
"""
