"""Scrapy spiders: one module per discovery method, sharing spiders.base.

    scrapy crawl feed    -a feeds=URL[,URL…]          RSS 0.9x/2.0, Atom, RDF (feedparser)
    scrapy crawl sitemap -a sitemaps=URL[,URL…]       indexes, .gz, Google News; a …/robots.txt
                         -a site=https://example.com  URL is read for its Sitemap: lines
    scrapy crawl section -a sections=URL[,URL…]       section pages, bounded pagination (下一页)
    scrapy crawl urls    -a urls=URL[,URL…] | -a file=PATH
    scrapy crawl source  -a source=NAME               every start point of sources/NAME.yaml

Every spider also takes ``-a source=NAME`` (its start points of that kind come from the source
file), ``-a since=2026-11-01``, ``-a domains=a.com,b.com``, ``-a max_pages=N``,
``-a max_depth=N``, ``-a max_age_days=N`` and ``-a sources_dir=DIR``.
"""
