"""Article extraction: bytes + URL in, an Article out (see extract())."""
