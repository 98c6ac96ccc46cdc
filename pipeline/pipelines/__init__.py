"""Thin Scrapy item pipelines around the pure functions of each stage."""
