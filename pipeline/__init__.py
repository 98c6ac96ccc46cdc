"""Newsmill: news pages in, clean deduplicated articles in PostgreSQL out."""
