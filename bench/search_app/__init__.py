"""A Django app only for ``bench/search.py``: one indexed model shaped like ``ProtokollPage``."""
