"""Scrapy spiders: one module per discovery method, sharing spiders.base."""
