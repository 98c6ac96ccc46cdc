"""The complete schema: imports every model module so ``metadata`` knows all tables (Alembic uses it)."""

from __future__ import annotations

import pipeline.db.crawlstate  # noqa: F401  (registers the crawl_state table)
from pipeline.db import models
from pipeline.db.models import Base

metadata = Base.metadata

__all__ = ["metadata", "models"]
