"""Newsmill's versions of Scrapy commands (COMMANDS_MODULE): `scrapy crawl` as a user runs it."""
