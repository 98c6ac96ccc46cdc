"""PostgreSQL advisory lock keys Newsmill takes, side by side so no two share a key.

A shared key makes unrelated work wait on each other: when near-duplicate marking used the
migration lock's key, a running ``newsmill db upgrade`` blocked every writer.
"""

from __future__ import annotations

# Session lock around Alembic migrations: concurrent `upgrade` calls run one at a time.
MIGRATION_LOCK = 0x6E6577736D696C6C  # "newsmill"
# Transaction lock around near-duplicate marking: one writer at a time marks copies, so two
# concurrent batches holding copies of one story see each other.
NEAR_DUPLICATE_LOCK = 0x6E6D3A6E65617264  # "nm:neard"
# Transaction lock around story assignment (pipeline/db/lineage.py): two writers storing
# copies of one story at the same moment take turns, so the second sees the first's bands.
STORY_LOCK = 0x6E6D3A73746F7279  # "nm:story"
# First key of the two-int4 session lock a crawl run holds while it runs: the second key is
# the run's own, named in its claims (crawl_state.claimed_by), so a claim of a run that died
# is free at once. (pipeline/runlock.py's source locks use the class "nmsc".)
CLAIM_OWNER_CLASS = 0x6E6D636C  # "nmcl"
# First key of the two-int4 session lock a crawl of a source holds for its whole run
# (pipeline/runlock.py): the second key is a hash of the source's name.
SOURCE_LOCK_CLASS = 0x6E6D7363  # "nmsc"
