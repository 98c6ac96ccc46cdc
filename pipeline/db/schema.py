"""The complete schema: imports every model module so ``metadata`` knows all tables (Alembic uses it)."""

from __future__ import annotations

from pipeline.db import models
from pipeline.db.models import Base

metadata = Base.metadata

__all__ = ["metadata", "models"]
