"""Alembic migrations shipped inside the package; configured programmatically by pipeline.db.session."""
