"""Database layer: models, engine/session (embedded or external PostgreSQL), batched writer."""
