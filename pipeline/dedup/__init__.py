"""URL canonicalization and content fingerprints for deduplication."""
