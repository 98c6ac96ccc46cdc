"""Site 1, The Ledger: an English news site with real-looking chrome, feeds and sitemaps."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta

from pipeline.fixtureweb import ledger_content as content
from pipeline.fixtureweb.documents import (
    FeedEntry,
    atom,
    gzipped,
    oversized_page,
    pdf_document,
    rss,
    sitemap_index,
    urlset,
)
from pipeline.fixtureweb.exchange import (
    Context,
    Request,
    Response,
    conditional,
    not_found,
    redirect,
    text_response,
)
from pipeline.fixtureweb.expectations import ErrorURL, ExpectedArticle, SiteManifest
from pipeline.fixtureweb.markup import body_text, esc, join_names, load_template, render_block
from pipeline.fixtureweb.stories import Story

NAME = "ledger"
HTML = "text/html; charset=utf-8"
PER_PAGE = 5

ROBOTS_DISALLOW = "/private/"
PRIVATE_PATH = "/private/2026/11/20/staff-memo-restructuring.html"
PDF_PATH = "/reports/ledger-annual-report-2026.pdf"
NOT_FOUND_PATH = "/world/2026/11/02/council-budget-vote.html"
ALWAYS_500_PATH = "/world/2026/11/21/live-summit-updates.html"
SLOW_PATH = "/business/2026/11/22/markets-live-ticker.html"
HUGE_PATH = "/world/2026/11/19/election-results-full-data.html"
HUGE_SIZE = 12 * 1024 * 1024
BROKEN_FEED_PATH = "/feeds/broken.xml"
RSS_PATH = "/feeds/rss.xml"
ATOM_PATH = "/feeds/atom.xml"
SITEMAP_INDEX_PATH = "/sitemap_index.xml"
SITEMAP_NOV_PATH = "/sitemaps/2026-11.xml"
SITEMAP_OCT_PATH = "/sitemaps/2026-10.xml.gz"
# Redirect path -> (status, target story slug)
REDIRECTS: dict[str, tuple[int, str]] = {
    "/go/ferry-service-restored": (301, "ferry-service-restored"),
    "/news/2026/11/22/puffins-skarra.html": (302, "seabirds-return-to-rat-free-island"),
}
SECTION_PATHS = tuple(f"/{s}/" for s in content.SECTIONS)
_SHARE_COUNTS = ("1.2K", "348", "96", "2.4K", "57", "811")


class LedgerSite:
    name = NAME

    def __init__(self) -> None:
        self.stories = content.ledger_stories()
        self._by_path = {s.path: s for s in self.stories}
        self._by_slug = {s.key: s for s in self.stories}
        self._page = load_template("ledger_page.html")

    def story(self, slug: str) -> Story:
        return self._by_slug[slug]

    def section_stories(self, section: str) -> list[Story]:
        return [s for s in self.stories if s.section == section]

    # -- manifest --------------------------------------------------------------------------
    def manifest(self) -> SiteManifest:
        redirected = {slug: path for path, (_, slug) in REDIRECTS.items()}
        articles = []
        for story in self.stories:
            other = []
            if story.key == content.DUPLICATE_URL_SLUG:
                other.append(story.path + content.TRACKING_QUERY)
            if story.key in redirected:
                other.append(redirected[story.key])
            first_status = {content.FLAKY_500_SLUG: 500, content.RATE_LIMITED_SLUG: 429}.get(
                story.key
            )
            articles.append(
                ExpectedArticle.from_story(
                    NAME,
                    story,
                    "en",
                    modified=story.modified,
                    text=body_text((*story.blocks, *story.page2_blocks)),
                    other_paths=tuple(other),
                    pages=2 if story.page2_blocks else 1,
                    page_sentences=(story.page2_sentence,) if story.page2_sentence else (),
                    changes_on_advance=story.update_block is not None,
                    sentence_after_advance=content.UPDATE_SENTENCE if story.update_block else None,
                    modified_after_advance=story.updated_modified,
                    first_status=first_status,
                )
            )
        section_pages = []
        for section in content.SECTIONS:
            count = len(self.section_stories(section))
            pages = max(1, -(-count // PER_PAGE))
            section_pages.append(f"/{section}/")
            section_pages.extend(f"/{section}/page/{n}/" for n in range(2, pages + 1))
        home = ("/",)
        errors = (
            ErrorURL(NAME, NOT_FOUND_PATH, "not_found", "http_404", 404, linked_from=home),
            ErrorURL(
                NAME,
                ALWAYS_500_PATH,
                "server_error",
                "http_500 after retries",
                500,
                linked_from=home,
            ),
            ErrorURL(
                NAME,
                SLOW_PATH,
                "timeout",
                "download timeout when DOWNLOAD_TIMEOUT < slow_seconds (else a page with no article text)",
                None,
                linked_from=home,
            ),
            ErrorURL(
                NAME,
                HUGE_PATH,
                "too_large",
                f"cancelled by DOWNLOAD_MAXSIZE ({HUGE_SIZE} bytes)",
                200,
                linked_from=home,
            ),
            ErrorURL(
                NAME,
                PDF_PATH,
                "non_html",
                "skipped: application/pdf",
                200,
                linked_from=("/", "/business/"),
            ),
            ErrorURL(
                NAME,
                BROKEN_FEED_PATH,
                "malformed_feed",
                "feedparser bozo; 2 entries link ordinary articles, a 3rd is cut off before its link",
                200,
            ),
            ErrorURL(
                NAME,
                PRIVATE_PATH,
                "disallowed",
                "never fetched: robots.txt Disallow: /private/",
                200,
                linked_from=("/", SITEMAP_NOV_PATH),
            ),
            *(
                ErrorURL(
                    NAME,
                    path,
                    "redirect",
                    "followed to the article; stored once",
                    status,
                    target=self._by_slug[slug].path,
                    linked_from=home,
                )
                for path, (status, slug) in REDIRECTS.items()
            ),
            *(
                ErrorURL(
                    NAME,
                    s.path,
                    "server_error" if a.first_status == 500 else "rate_limited",
                    "stored after one retry",
                    a.first_status,
                    linked_from=(f"/{s.section}/",),
                )
                for s, a in zip(self.stories, articles, strict=True)
                if a.first_status
            ),
        )
        return SiteManifest(
            name=NAME,
            title="The Ledger",
            language="en",
            encoding="utf-8",
            timezone="America/New_York",
            articles=tuple(articles),
            section_pages=tuple(section_pages),
            sections=SECTION_PATHS,
            feeds=(RSS_PATH, ATOM_PATH),
            sitemaps=(SITEMAP_INDEX_PATH,),
            robots_disallow=(ROBOTS_DISALLOW, "/search"),
            chrome_strings=content.CHROME_STRINGS,
            errors=errors,
            extra={
                "sitemap_files": (SITEMAP_NOV_PATH, SITEMAP_OCT_PATH),
                "broken_feed": BROKEN_FEED_PATH,
                "tracking_query": content.TRACKING_QUERY,
            },
        )

    # -- routing ---------------------------------------------------------------------------
    def handle(self, request: Request, ctx: Context) -> Response:
        path = request.path
        story = self._by_path.get(path)
        if story is not None:
            return self._story_response(story, request, ctx)
        if path == "/robots.txt":
            return text_response(self._robots(ctx), "text/plain; charset=utf-8")
        if path in ("/", "/index.html"):
            return text_response(self._home(), HTML)
        section, page = _section_and_page(path)
        if section in content.SECTIONS:
            return self._section(section, page)
        if path in REDIRECTS:
            status, slug = REDIRECTS[path]
            return redirect(status, ctx.url(NAME, self._by_slug[slug].path))
        if path == RSS_PATH:
            return text_response(self._rss(ctx), "application/rss+xml; charset=utf-8")
        if path == ATOM_PATH:
            return text_response(self._atom(ctx), "application/atom+xml; charset=utf-8")
        if path == BROKEN_FEED_PATH:
            return text_response(self._broken_feed(ctx), "application/rss+xml; charset=utf-8")
        if path == SITEMAP_INDEX_PATH:
            return text_response(self._sitemap_index(ctx), "application/xml; charset=utf-8")
        if path == SITEMAP_NOV_PATH:
            return text_response(self._sitemap(ctx, 11), "application/xml; charset=utf-8")
        if path == SITEMAP_OCT_PATH:
            return Response(body=gzipped(self._sitemap(ctx, 10)), content_type="application/x-gzip")
        if path == PRIVATE_PATH:
            return text_response(self._private(), HTML)
        if path == PDF_PATH:
            body = pdf_document(
                "The Ledger Annual Report 2026", "Audited accounts and editorial review."
            )
            return Response(body=body, content_type="application/pdf")
        if path == ALWAYS_500_PATH:
            return text_response(_error_page(500, "Internal Server Error"), HTML, status=500)
        if path == SLOW_PATH:
            slow = text_response(self._slow_page(), HTML)
            return Response(body=slow.body, content_type=HTML, delay=ctx.slow_seconds)
        if path == HUGE_PATH:
            big = oversized_page("Election results: every polling station", HUGE_SIZE)
            return Response(content_type=HTML, stream_length=big.length, stream=big.chunks)
        if path.startswith("/static/") or path.startswith("/media/"):
            return _asset(path)
        return not_found()

    def _story_response(self, story: Story, request: Request, ctx: Context) -> Response:
        if story.key == content.FLAKY_500_SLUG and ctx.state.first_time(f"{NAME}:500:{story.path}"):
            return text_response(_error_page(500, "Internal Server Error"), HTML, status=500)
        if story.key == content.RATE_LIMITED_SLUG and ctx.state.first_time(
            f"{NAME}:429:{story.path}"
        ):
            response = text_response(_error_page(429, "Too Many Requests"), HTML, status=429)
            return Response(
                status=429, body=response.body, content_type=HTML, headers=(("Retry-After", "1"),)
            )
        page = 2 if request.query.get("page") == "2" and story.page2_blocks else 1
        version = ctx.state.version
        body = self.render_article(story, ctx, page=page, version=version).encode("utf-8")
        return conditional(request, body, HTML, last_modified_of(story, version))

    # -- pages -----------------------------------------------------------------------------
    def _shell(
        self, *, title: str, description: str, head: str, main: str, section: str, cls: str
    ) -> str:
        return self._page.substitute(
            page_title=esc(title),
            description=esc(description),
            head_extra=head,
            main=main,
            section_name=section,
            body_class=cls,
        )

    def render_article(self, story: Story, ctx: Context, *, page: int = 1, version: int = 0) -> str:
        url = ctx.url(NAME, story.path)
        self_url = url + ("?page=2" if page == 2 else "")
        index = self.stories.index(story)
        rng = random.Random(story.key)
        modified = modified_of(story, version)
        section_name = content.SECTIONS[story.section]
        head = [
            f'<link rel="canonical" href="{esc(self_url)}">',
            f'<meta property="og:url" content="{esc(self_url)}">',
            '<meta property="og:type" content="article">',
            f'<meta property="og:title" content="{esc(story.title)}">',
            f'<meta property="og:description" content="{esc(story.lead)}">',
        ]
        if story.image:
            head.append(f'<meta property="og:image" content="{esc(ctx.url(NAME, story.image))}">')
        if story.page2_blocks:
            if page == 1:
                head.append(f'<link rel="next" href="{esc(url)}?page=2">')
            else:
                head.append(f'<link rel="prev" href="{esc(url)}">')
        if index % content.JSON_LD_EVERY == 0:
            head.append(_json_ld(story, url, modified, ctx))
        else:
            head.append(
                f'<meta property="article:published_time" content="{story.published.isoformat()}">'
            )
            head.append(f'<meta name="author" content="{esc(join_names(story.authors))}">')
            if modified:
                head.append(
                    f'<meta property="article:modified_time" content="{modified.isoformat()}">'
                )

        blocks = list(story.blocks if page == 1 else story.page2_blocks)
        if version >= 1 and story.update_block:
            blocks.append(story.update_block)
        body_parts = []
        for position, block in enumerate(blocks):
            body_parts.append(render_block(block))
            if position == 2:
                body_parts.append(
                    '<aside class="ad-slot ad-inline"><span class="ad-label">Advertisement</span>'
                    '<div class="ad" data-slot="mid" data-size="300x250"></div></aside>'
                )
            if position == 4:
                body_parts.append(_NEWSLETTER)
        if story.page2_blocks and page == 1:
            body_parts.append(
                f'<nav class="article-pagination"><span>Page 1 of 2</span> '
                f'<a rel="next" href="{esc(story.path)}?page=2">Next page &rsaquo;</a></nav>'
            )
        elif story.page2_blocks:
            body_parts.append(
                f'<nav class="article-pagination"><a rel="prev" href="{esc(story.path)}">'
                "&lsaquo; Previous page</a> <span>Page 2 of 2</span></nav>"
            )
        byline = "By " + join_names(
            f'<a rel="author" href="/authors/{_slug(a)}/">{esc(a)}</a>' for a in story.authors
        )
        updated = (
            f' <span class="updated">Updated <time class="modified" datetime="{modified.isoformat()}">'
            f"{_display_time(modified)}</time></span>"
            if modified
            else ""
        )
        figure = (
            f'<figure class="lead-image"><img src="{esc(story.image)}" alt="{esc(story.image_caption or "")}" '
            f'width="1200" height="675"><figcaption>{esc(story.image_caption or "")} '
            f'<span class="credit">Photograph: The Ledger</span></figcaption></figure>'
            if story.image and page == 1
            else ""
        )
        comments = rng.sample(content.COMMENTS, k=rng.choice((3, 4, 5)))
        shares = rng.sample(_SHARE_COUNTS, k=3)
        related = [s for s in self.stories if s.section == story.section and s is not story][:3]
        most_read = [s for s in self.stories if s is not story][index % 5 : index % 5 + 5]
        tags = "".join(f'<li><a href="/tags/{_slug(t)}/">{esc(t)}</a></li>' for t in story.tags)
        main = f"""
<nav class="breadcrumb" aria-label="Breadcrumb"><span>You are here:</span> <a href="/">Home</a> &rsaquo; <a href="/{story.section}/">{section_name}</a> &rsaquo; <span class="current">{esc(story.title)}</span></nav>
<div class="layout">
<article class="story" id="story-{index}">
  <header class="story-header">
    <p class="kicker"><a href="/{story.section}/">{section_name}</a></p>
    <h1 class="headline">{esc(story.title)}</h1>
    <p class="standfirst">{esc(story.lead)}</p>
    <div class="meta">
      <p class="byline">{byline}</p>
      <p class="dateline"><time class="published" datetime="{story.published.isoformat()}">{_display_time(story.published)}</time>{updated}</p>
    </div>
    <div class="share-bar" role="group" aria-label="Share">
      <span class="share-label">Share this article</span>
      <a class="share share-facebook" href="https://www.facebook.com/sharer/sharer.php?u={esc(url)}">Facebook <span class="count">{shares[0]}</span></a>
      <a class="share share-x" href="https://x.com/intent/post?url={esc(url)}">X <span class="count">{shares[1]}</span></a>
      <a class="share share-email" href="mailto:?subject={esc(story.title)}">Email</a>
      <button class="share share-copy" type="button">Copy link</button>
      <a class="comment-count" href="#comments">{len(comments)} comments</a>
    </div>
  </header>
  {figure}
  <div class="story-body" itemprop="articleBody">
{chr(10).join(body_parts)}
  </div>
  <footer class="story-footer"><ul class="tags">{tags}</ul></footer>
</article>
<aside class="sidebar">
  <section class="most-read"><h2>Most read</h2><ol>{"".join(f'<li><a href="{s.path}">{esc(s.title)}</a></li>' for s in most_read)}</ol></section>
  <div class="ad-slot ad-sidebar"><span class="ad-label">Advertisement</span><div class="ad" data-slot="side" data-size="300x600"></div></div>
</aside>
</div>
<section class="related" aria-label="Related stories"><h2>Related stories</h2><ul>
{"".join(f'<li><a href="{s.path}"><span class="related-title">{esc(s.title)}</span></a> <time datetime="{s.published.isoformat()}">{s.published:%d %b %Y}</time></li>' for s in related)}
</ul></section>
<section id="comments" class="comments"><h2>Join the conversation</h2>
<form class="comment-form"><textarea name="comment" placeholder="Add your comment"></textarea><button type="submit">Post comment</button></form>
<ol class="comment-list">
{"".join(f'<li class="comment"><div class="comment-meta"><span class="comment-author">{esc(name)}</span> <span class="comment-time">{when}</span></div><p class="comment-body">{esc(text)}</p><div class="comment-actions"><button type="button">Reply</button> <button type="button">Like ({rng.randint(0, 40)})</button></div></li>' for name, when, text in comments)}
</ol>
<button class="load-more" type="button">Load more comments</button>
</section>"""
        title = story.title + (" (page 2)" if page == 2 else "") + " | The Ledger"
        return self._shell(
            title=title,
            description=story.lead,
            head="\n".join(head),
            main=main,
            section=section_name,
            cls="article-page",
        )

    def _home(self) -> str:
        top = self.stories[:8]
        items = []
        for story in top:
            href = story.path + (
                content.TRACKING_QUERY if story.key == content.DUPLICATE_URL_SLUG else ""
            )
            items.append(_teaser(story, href))
        # The dup story is a top story only if it is recent; make sure the tracking link exists.
        if all(s.key != content.DUPLICATE_URL_SLUG for s in top):
            dup = self.story(content.DUPLICATE_URL_SLUG)
            items.append(_teaser(dup, dup.path + content.TRACKING_QUERY))
        also = [
            ("Live: summit updates as leaders gather", ALWAYS_500_PATH),
            ("Markets live: shares, bonds and currencies", SLOW_PATH),
            ("Election results in full: every polling station", HUGE_PATH),
            ("Council budget vote: what was decided", NOT_FOUND_PATH),
            ("Ferry service restored to the outer islands", next(iter(REDIRECTS))),
            ("Puffins are back on Skarra", list(REDIRECTS)[1]),
            ("Staff memo: newsroom restructuring", PRIVATE_PATH),
            ("Read The Ledger annual report 2026 (PDF)", PDF_PATH),
        ]
        also_html = "".join(f'<li><a href="{href}">{esc(text)}</a></li>' for text, href in also)
        sections = "".join(
            f'<section class="section-rail"><h2><a href="/{key}/">{name}</a></h2><ul>'
            + "".join(
                f'<li><a href="{s.path}">{esc(s.title)}</a></li>'
                for s in self.section_stories(key)[:3]
            )
            + "</ul></section>"
            for key, name in content.SECTIONS.items()
        )
        main = (
            '<section class="top-stories"><h1 class="visually-hidden">The Ledger: top stories</h1>'
            f'<ul class="teasers">{"".join(items)}</ul></section>'
            f"{sections}"
            f'<section class="also"><h2>Also on The Ledger</h2><ul>{also_html}</ul></section>'
        )
        return self._shell(
            title="The Ledger: news, analysis and opinion",
            description="Independent reporting since 1871",
            head='<link rel="canonical" href="/">',
            main=main,
            section="home",
            cls="home-page",
        )

    def _section(self, section: str, page: int) -> Response:
        stories = self.section_stories(section)
        pages = max(1, -(-len(stories) // PER_PAGE))
        if page < 1 or page > pages:
            return not_found()
        chunk = stories[(page - 1) * PER_PAGE : page * PER_PAGE]
        name = content.SECTIONS[section]
        head = []
        nav = []
        if page > 1:
            prev = f"/{section}/" if page == 2 else f"/{section}/page/{page - 1}/"
            head.append(f'<link rel="prev" href="{prev}">')
            nav.append(f'<a class="prev" rel="prev" href="{prev}">&lsaquo; Newer stories</a>')
        nav.append(f'<span class="page-number">Page {page} of {pages}</span>')
        if page < pages:
            head.append(f'<link rel="next" href="/{section}/page/{page + 1}/">')
            nav.append(
                f'<a class="next" rel="next" href="/{section}/page/{page + 1}/">Next page &rsaquo;</a>'
            )
        extra = ""
        if section == "business" and page == 1:
            extra = f'<p class="download"><a href="{PDF_PATH}">Download The Ledger annual report 2026 (PDF, 1 page)</a></p>'
        main = (
            f'<header class="section-header"><h1>{name}</h1></header>'
            f'<ul class="teasers">{"".join(_teaser(s, s.path) for s in chunk)}</ul>{extra}'
            f'<nav class="pagination" aria-label="Pagination">{" ".join(nav)}</nav>'
        )
        html = self._shell(
            title=f"{name} | The Ledger",
            description=f"The latest {name.lower()} news from The Ledger",
            head="\n".join(head),
            main=main,
            section=name,
            cls="section-page",
        )
        return text_response(html, HTML)

    def _private(self) -> str:
        main = (
            '<article class="story"><h1 class="headline">Staff memo: newsroom restructuring</h1>'
            '<p class="byline">By The Editor</p><div class="story-body">'
            "<p>This internal memo sets out the proposed changes to desk structure for next year. "
            "It is not for publication and must never be stored by a crawler that honours robots.txt.</p>"
            "<p>The night desk will merge with the digital desk from January, and the weekend team "
            "will move to a four-day rota.</p></div></article>"
        )
        return self._shell(
            title="Staff memo | The Ledger",
            description="Internal",
            head="",
            main=main,
            section="private",
            cls="article-page",
        )

    def _slow_page(self) -> str:
        main = (
            '<section class="ticker"><h1>Markets live</h1><p>Loading prices&hellip;</p></section>'
        )
        return self._shell(
            title="Markets live | The Ledger",
            description="Live prices",
            head="",
            main=main,
            section="Business",
            cls="live-page",
        )

    # -- feeds and sitemaps ----------------------------------------------------------------
    def feed_entries(self, ctx: Context) -> list[FeedEntry]:
        entries = []
        for story in self.stories:
            link = ctx.url(NAME, story.path)
            if story.key == content.DUPLICATE_URL_SLUG:
                link += content.TRACKING_QUERY
            entries.append(
                FeedEntry(
                    title=story.title,
                    link=link,
                    guid=ctx.url(NAME, story.path),
                    published=story.published,
                    updated=story.modified,
                    authors=story.authors,
                    summary=story.lead,
                    category=content.SECTIONS[story.section],
                )
            )
        return entries

    def _rss(self, ctx: Context) -> str:
        return rss(
            "The Ledger - Latest",
            ctx.url(NAME, "/"),
            "Independent reporting since 1871",
            self.feed_entries(ctx),
            language="en-gb",
        )

    def _atom(self, ctx: Context) -> str:
        entries = [
            FeedEntry(
                e.title, e.guid, e.guid, e.published, e.authors, e.summary, e.updated, e.category
            )
            for e in self.feed_entries(ctx)
        ]
        return atom("The Ledger", ctx.url(NAME, "/"), ctx.url(NAME, ATOM_PATH), entries)

    def _broken_feed(self, ctx: Context) -> str:
        # Truncated mid-item with a raw ampersand: what a crashed CMS export looks like.
        full = rss(
            "The Ledger - Opinion & Analysis",
            ctx.url(NAME, "/"),
            "Opinion",
            self.feed_entries(ctx)[:3],
            language="en-gb",
        )
        full = full.replace("Opinion &amp; Analysis", "Opinion & Analysis")
        return full[: full.index("</item>", full.index("</item>") + 1) + 40]

    def _sitemap_index(self, ctx: Context) -> str:
        newest = self.stories[0].published
        return sitemap_index(
            [
                (ctx.url(NAME, SITEMAP_NOV_PATH), newest),
                (
                    ctx.url(NAME, SITEMAP_OCT_PATH),
                    datetime(2026, 10, 31, 23, 0, tzinfo=content.EDT),
                ),
            ]
        )

    def _sitemap(self, ctx: Context, month: int) -> str:
        urls = [
            (ctx.url(NAME, s.path), modified_of(s, 0) or s.published)
            for s in self.stories
            if s.published.month == month
        ]
        if month == 11:
            urls.append(
                (ctx.url(NAME, PRIVATE_PATH), datetime(2026, 11, 20, 9, 0, tzinfo=content.EST))
            )
        return urlset(urls)

    def _robots(self, ctx: Context) -> str:
        return (
            "# The Ledger\n"
            "User-agent: *\n"
            f"Disallow: {ROBOTS_DISALLOW}\n"
            "Disallow: /search\n"
            "\n"
            f"Sitemap: {ctx.url(NAME, SITEMAP_INDEX_PATH)}\n"
        )


def modified_of(story: Story, version: int) -> datetime | None:
    if version >= 1 and story.updated_modified:
        return story.updated_modified
    return story.modified


def last_modified_of(story: Story, version: int) -> datetime:
    return modified_of(story, version) or story.published


def _section_and_page(path: str) -> tuple[str | None, int]:
    parts = [p for p in path.split("/") if p]
    if len(parts) == 1 and path.endswith("/"):
        return parts[0], 1
    if len(parts) == 3 and parts[1] == "page" and parts[2].isdigit() and path.endswith("/"):
        return parts[0], int(parts[2])
    return None, 0


def _teaser(story: Story, href: str) -> str:
    return (
        f'<li class="teaser"><h3><a href="{esc(href)}">{esc(story.title)}</a></h3>'
        f'<p class="teaser-standfirst">{esc(story.lead)}</p>'
        f'<p class="teaser-meta">By {esc(join_names(story.authors))} &middot; '
        f'<time datetime="{story.published.isoformat()}">{story.published:%d %B %Y}</time></p></li>'
    )


def _display_time(moment: datetime) -> str:
    zone = "EST" if moment.utcoffset() == timedelta(hours=-5) else "EDT"
    hour = moment.hour % 12 or 12
    return f"{moment:%B} {moment.day}, {moment.year} {hour}:{moment:%M} {'AM' if moment.hour < 12 else 'PM'} {zone}"


def _json_ld(story: Story, url: str, modified: datetime | None, ctx: Context) -> str:
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": story.title,
        "description": story.lead,
        "datePublished": story.published.isoformat(),
        "dateModified": (modified or story.published).isoformat(),
        "author": [
            {"@type": "Person", "name": a, "url": ctx.url(NAME, f"/authors/{_slug(a)}/")}
            for a in story.authors
        ],
        "publisher": {
            "@type": "Organization",
            "name": "The Ledger",
            "logo": {"@type": "ImageObject", "url": ctx.url(NAME, "/static/ledger-logo.png")},
        },
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "articleSection": content.SECTIONS[story.section],
    }
    if story.image:
        data["image"] = [ctx.url(NAME, story.image)]
    return f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'


def _slug(text: str) -> str:
    return "-".join("".join(c for c in word if c.isalnum()) for word in text.lower().split())


def _error_page(status: int, reason: str) -> str:
    return (
        f"<!DOCTYPE html><html><head><title>{status} {reason}</title></head>"
        f"<body><h1>{status} {reason}</h1><p>Please try again later.</p></body></html>"
    )


_NEWSLETTER = (
    '<aside class="newsletter-signup"><h3>Sign up for The Ledger Morning Briefing</h3>'
    "<p>Our best journalism, in your inbox before breakfast. Free, every weekday.</p>"
    '<form action="/newsletters/subscribe" method="post"><input type="email" name="email" '
    'placeholder="Your email address"><button type="submit">Sign up</button></form></aside>'
)
# A 1x1 GIF: pages reference images and a stylesheet; crawlers may fetch them.
_GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


def _asset(path: str) -> Response:
    if path.endswith(".css"):
        return Response(body=b"body{font-family:Georgia,serif}", content_type="text/css")
    if path.endswith(".js"):
        return Response(body=b"/* analytics */", content_type="application/javascript")
    if path.endswith((".jpg", ".png", ".svg", ".gif")):
        return Response(body=_GIF, content_type="image/gif")
    return not_found()
