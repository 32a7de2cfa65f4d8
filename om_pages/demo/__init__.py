"""Realistic German demo content, loaded idempotently by ``manage.py load_demo``."""
