"""Site 3, Wirehouse (syndicate): republishes Ledger articles under its own chrome, plus its own."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from pipeline.fixtureweb import ledger_content
from pipeline.fixtureweb.documents import FeedEntry, rss
from pipeline.fixtureweb.exchange import (
    Context,
    Request,
    Response,
    conditional,
    not_found,
    text_response,
)
from pipeline.fixtureweb.expectations import ExpectedArticle, SiteManifest
from pipeline.fixtureweb.markup import esc, join_names, load_template, render_block
from pipeline.fixtureweb.stories import Story, compose_blocks

NAME = "syndicate"
HTML = "text/html; charset=utf-8"
RSS_PATH = "/rss"
# Ledger stories republished here, whether the copy points its canonical at the original,
# and a paragraph the desk adds (None: the body is the original's, word for word). A copy
# with an added paragraph is a near duplicate: stored, and marked as repeating the original.
REPUBLISHED: tuple[tuple[str, int, bool, str | None], ...] = (
    ("rail-strike-ends-after-nine-days", 7101, True, None),
    ("ancient-bread-found-in-oven", 7093, False, None),
    (
        "port-operator-merger-approved",
        7097,
        False,
        "Shares in the port operator rose four per cent in early trading after the ruling.",
    ),
)
GMT = UTC

_BANK = (
    "The figures were compiled from public records and interviews with people involved.",
    "Organisers said they expected the numbers to grow again next year.",
    "Not everyone was convinced, and some residents said the change had come too late.",
    "The council has promised to publish a review of the first six months.",
    "A similar scheme in a neighbouring town was abandoned after a year.",
    "Volunteers have offered to help with the work over the winter.",
    "The total cost has not been disclosed.",
    "Local businesses said they had noticed the difference within weeks.",
    "Critics argue that the money would have been better spent elsewhere.",
    "A second phase is planned for the spring, weather permitting.",
)

# (id, slug, local UTC date-time, title, authors, lead, [opening, distinctive, quote])
_OWN: tuple[tuple[int, str, str, str, tuple[str, ...], str, tuple[str, str, str]], ...] = (
    (
        7120,
        "night-buses-return-to-seaside-town",
        "2026-11-24 18:20",
        "Night buses return to seaside town after five-year gap",
        ("Kate Morrow",),
        "Two routes will run until two in the morning at weekends.",
        (
            "Night buses are running again in Brackenshore for the first time since 2021.",
            "The two routes cost the town about 190,000 pounds a year, paid for partly by a levy on late-opening venues.",
            "\u201cMy daughter can get home from her shift without me waiting up with the car keys,\u201d said resident Joan Fisk.",
        ),
    ),
    (
        7112,
        "allotment-waiting-list-shrinks",
        "2026-11-21 08:00",
        "Allotment waiting list shrinks as council splits plots in half",
        ("Sam Whitlock", "Rhea Anand"),
        "Half-size plots have cut the wait from eight years to under two.",
        (
            "The waiting list for allotments in Fernley has fallen from 640 names to 150 since the council began splitting plots.",
            "Half plots measuring about 125 square metres now make up a third of the 900 plots on the council\u2019s eleven sites.",
            "\u201cA full plot was too much for me anyway, this is just right,\u201d said new tenant Oliver Grant.",
        ),
    ),
    (
        7104,
        "lost-library-book-returned",
        "2026-11-18 12:45",
        "Library book returned 52 years late with an apology note",
        ("Kate Morrow",),
        "The book, a guide to British birds, was borrowed in 1974.",
        (
            "A guide to British birds borrowed from Hollins Lane library in 1974 has been returned with a handwritten apology.",
            "The note, signed only with the initials R. T., said the book had travelled to four countries and identified 212 species.",
            "\u201cWe waived the fine, which would have been quite something,\u201d said librarian Priya Doshi.",
        ),
    ),
)

CHROME_STRINGS: tuple[str, ...] = (
    "WIREHOUSE",
    "The day's stories from newsrooms everywhere",
    "Get the Wirehouse app",
    "Trending now",
    "Sponsored content from our partners",
    "This one trick keeps your home warm all winter",
    "Originally published by The Ledger",
    "Republished under licence",
    "Comments are closed for this story.",
    "More from Wirehouse",
    "Wirehouse is a member of the Independent Press Council.",
    "Copyright 2026 Wirehouse Syndication Ltd",
)


class SyndicateSite:
    name = NAME

    def __init__(self) -> None:
        ledger = {s.key: s for s in ledger_content.ledger_stories()}
        stories: list[tuple[Story, str | None]] = []
        self._originals: dict[str, Story] = {}
        self._edited: set[str] = set()
        for slug, story_id, canonical_to_original, added in REPUBLISHED:
            original = ledger[slug]
            copy = replace(
                original,
                site=NAME,
                key=f"{story_id}",
                path=f"/stories/{story_id}-{slug}",
                published=(original.published + timedelta(hours=3)).astimezone(GMT),
                modified=None,
                image=None,
                image_caption=None,
                blocks=original.blocks + ((added,) if added else ()),
            )
            stories.append((copy, original.path if canonical_to_original else None))
            self._originals[copy.path] = original
            if added:
                self._edited.add(copy.path)
        for story_id, slug, when, title, authors, lead, specific in _OWN:
            published = datetime.strptime(when, "%Y-%m-%d %H:%M").replace(tzinfo=GMT)
            stories.append(
                (
                    Story(
                        key=str(story_id),
                        site=NAME,
                        section="life",
                        path=f"/stories/{story_id}-{slug}",
                        title=title,
                        published=published,
                        authors=authors,
                        lead=lead,
                        blocks=compose_blocks(slug, specific, _BANK, (), paragraphs=5),
                        sentence=specific[1],
                    ),
                    None,
                )
            )
        stories.sort(key=lambda item: item[0].published, reverse=True)
        self.stories: tuple[Story, ...] = tuple(s for s, _ in stories)
        self._canonical_original = {s.path: original for s, original in stories}
        self._by_path = {s.path: s for s in self.stories}
        self._page = load_template("syndicate_page.html")

    def original_of(self, story: Story) -> Story | None:
        return self._originals.get(story.path)

    def manifest(self) -> SiteManifest:
        articles = []
        for story in self.stories:
            original = self.original_of(story)
            copied_from = ("ledger", original.path) if original else None
            edited = story.path in self._edited
            articles.append(
                ExpectedArticle.from_story(
                    NAME,
                    story,
                    "en",
                    duplicate_of=None if edited else copied_from,
                    near_duplicate_of=copied_from if edited else None,
                    in_sitemaps=False,
                )
            )
        return SiteManifest(
            name=NAME,
            title="Wirehouse",
            language="en",
            encoding="utf-8",
            timezone="Europe/London",
            articles=tuple(articles),
            section_pages=("/",),
            sections=("/",),
            feeds=(RSS_PATH,),
            chrome_strings=CHROME_STRINGS,
        )

    def handle(self, request: Request, ctx: Context) -> Response:
        story = self._by_path.get(request.path)
        if story is not None:
            body = self.render_article(story, ctx).encode("utf-8")
            return conditional(request, body, HTML, story.published)
        if request.path == "/robots.txt":
            return text_response("User-agent: *\nDisallow:\n", "text/plain; charset=utf-8")
        if request.path == "/":
            return text_response(self._front(), HTML)
        if request.path == RSS_PATH:
            entries = [
                FeedEntry(
                    s.title,
                    ctx.url(NAME, s.path),
                    ctx.url(NAME, s.path),
                    s.published,
                    s.authors,
                    s.lead,
                )
                for s in self.stories
            ]
            feed = rss("Wirehouse", ctx.url(NAME, "/"), "The day's stories", entries, language="en")
            return text_response(feed, "application/rss+xml; charset=utf-8")
        return not_found()

    def render_article(self, story: Story, ctx: Context) -> str:
        original = self.original_of(story)
        canonical_path = self._canonical_original[story.path]
        canonical = (
            ctx.url("ledger", canonical_path) if canonical_path else ctx.url(NAME, story.path)
        )
        head = (
            f'<link rel="canonical" href="{esc(canonical)}">\n'
            f'  <meta property="article:published_time" content="{story.published.isoformat()}">\n'
            f'  <meta property="og:title" content="{esc(story.title)}">'
        )
        credit = (
            f'<div class="wh-credit">Originally published by The Ledger. Republished under licence. '
            f'<a href="{esc(ctx.url("ledger", original.path))}">Read the original</a></div>'
            if original
            else ""
        )
        byline = join_names(story.authors)
        if original:
            byline += ", The Ledger"
        more = [s for s in self.stories if s is not story][:3]
        main = f"""
    <div class="wh-story">
      <h1 class="wh-headline">{esc(story.title)}</h1>
      <div class="wh-info">Written by {esc(byline)} | Published {story.published:%d %b %Y, %H:%M} GMT</div>
      {credit}
      <div class="wh-lead"><strong>{esc(story.lead)}</strong></div>
      <div class="wh-text">
        {"".join(render_block(b) for b in story.blocks)}
      </div>
      <div class="wh-comments-closed">Comments are closed for this story.</div>
    </div>
    <div class="wh-more"><h3>More from Wirehouse</h3>
      {"".join(f'<p><a href="{s.path}">{esc(s.title)}</a></p>' for s in more)}
    </div>"""
        return self._page.substitute(
            page_title=esc(f"{story.title} - Wirehouse"), head_extra=head, main=main
        )

    def _front(self) -> str:
        items = "".join(_teaser(s) for s in self.stories)
        main = f'<h1 class="wh-front">Today on Wirehouse</h1><div class="wh-list">{items}</div>'
        return self._page.substitute(page_title="Wirehouse", head_extra="", main=main)


def _teaser(story: Story) -> str:
    return (
        f'<div class="wh-item"><a href="{story.path}">{esc(story.title)}</a> '
        f"<span>{story.published:%d %b %H:%M}</span></div>"
    )
