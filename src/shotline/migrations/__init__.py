"""Alembic migrations of the Shotline schema; run them with :func:`shotline.db.upgrade`."""
