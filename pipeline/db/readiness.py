"""Is a database ready to crawl into? An empty one gets the schema; any other revision is refused.

The embedded server is migrated as it starts (pipeline/db/target.py). A server the user
points DATABASE_URL at is theirs: Newsmill creates its tables in an empty database, as a
first `newsmill crawl` or `demo` would be expected to, but never migrates existing data
behind the user's back: a database at another revision is refused in one line that says
what to run.
"""

from __future__ import annotations

import logging

from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import create_engine, inspect
from sqlalchemy.pool import NullPool

from pipeline.db.schema import metadata
from pipeline.db.session import (
    alembic_config,
    current_revision,
    describe_url,
    head_revision,
    normalize_url,
    upgrade,
)
from pipeline.user_errors import DatabaseUnavailable

logger = logging.getLogger(__name__)


def newsmill_tables(url: str) -> set[str]:
    """Which of Newsmill's tables exist in the database."""
    engine = create_engine(normalize_url(url), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            existing = set(inspect(conn).get_table_names())
    finally:
        engine.dispose()
    return existing & set(metadata.tables)


def _known(revision: str) -> bool:
    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except CommandError:
        return False


def ensure_schema(url: str, *, migrate_empty: bool = True) -> bool:
    """Make sure the schema at ``url`` is this Newsmill's; return whether it was just created.

    An empty database (none of Newsmill's tables) is migrated to head when
    ``migrate_empty``; anything else not at head raises DatabaseUnavailable.
    """
    current, head = current_revision(url), head_revision()
    if current == head:
        return False
    where = describe_url(url)
    if current is None:
        present = newsmill_tables(url)
        if present:
            raise DatabaseUnavailable(
                f"the database at {where} has Newsmill tables ({', '.join(sorted(present))}) "
                "but no schema revision: it was not created by `newsmill db upgrade`; "
                "use an empty database"
            )
        if not migrate_empty:
            raise DatabaseUnavailable(
                f"the database at {where} is empty: run `newsmill db upgrade`"
            )
        logger.warning("creating Newsmill's tables in the empty database at %s", where)
        upgrade(url)
        return True
    if not _known(current):
        raise DatabaseUnavailable(
            f"the database at {where} is at schema {current}, newer than this Newsmill "
            f"(head {head}): upgrade Newsmill"
        )
    raise DatabaseUnavailable(
        f"the database at {where} is at schema {current}, this Newsmill needs {head}: "
        "run `newsmill db upgrade`"
    )
