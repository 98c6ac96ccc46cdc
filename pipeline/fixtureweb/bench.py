"""A generated news site for the crawl benchmark: N article pages of about 50 KB, with chrome.

Pages are assembled per request from shared chrome and per-article paragraphs, so the site
costs little memory whatever N is and every article still has a distinct body.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from pipeline.fixtureweb.documents import urlset
from pipeline.fixtureweb.exchange import (
    Context,
    Request,
    Response,
    conditional,
    not_found,
    text_response,
)
from pipeline.fixtureweb.ledger_content import BANK, COMMENTS, EST
from pipeline.fixtureweb.markup import esc

NAME = "bench"
HTML = "text/html; charset=utf-8"
PER_INDEX = 50
TARGET_PAGE_BYTES = 50_000

_SENTENCES: tuple[str, ...] = tuple(s for section in BANK.values() for s in section)
_TOPICS = (
    "council",
    "harbour",
    "railway",
    "market",
    "school",
    "hospital",
    "library",
    "bridge",
    "festival",
    "museum",
)
_PLACES = (
    "Ardmore",
    "Brackenshore",
    "Castell",
    "Dunmore",
    "Eastgate",
    "Fernley",
    "Greyfield",
    "Hallstein",
    "Kilbrae",
    "Tarrow",
)


@dataclass(frozen=True, slots=True)
class BenchSite:
    """``n_articles`` articles at ``/a/N.html``, listed 50 a page by ``/`` and ``/index/P.html``."""

    n_articles: int = 2000
    name: str = NAME
    _chrome: tuple[str, str] = field(default=("", ""), repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.n_articles < 1:
            raise ValueError("a bench site needs at least one article")
        object.__setattr__(self, "_chrome", _chrome())

    # -- what the bench crawls --------------------------------------------------------------
    @property
    def index_pages(self) -> int:
        return -(-self.n_articles // PER_INDEX)

    def article_paths(self) -> list[str]:
        return [article_path(n) for n in range(1, self.n_articles + 1)]

    def index_paths(self) -> list[str]:
        return ["/"] + [f"/index/{p}.html" for p in range(2, self.index_pages + 1)]

    # -- serving ---------------------------------------------------------------------------
    def handle(self, request: Request, ctx: Context) -> Response:
        path = request.path
        if path.startswith("/a/") and path.endswith(".html"):
            number = path[3:-5]
            if number.isdigit() and 1 <= int(number) <= self.n_articles:
                body = self.render_article(int(number)).encode("utf-8")
                return conditional(request, body, HTML, _published(int(number)))
            return not_found()
        if path in ("/", "/index.html"):
            return text_response(self.render_index(1), HTML)
        if path.startswith("/index/") and path.endswith(".html"):
            page = path[7:-5]
            if page.isdigit() and 1 <= int(page) <= self.index_pages:
                return text_response(self.render_index(int(page)), HTML)
            return not_found()
        if path == "/robots.txt":
            return text_response(
                f"User-agent: *\nDisallow:\n\nSitemap: {ctx.url(self.name, '/sitemap.xml')}\n",
                "text/plain; charset=utf-8",
            )
        if path == "/sitemap.xml":
            urls = [
                (ctx.url(self.name, article_path(n)), _published(n))
                for n in range(1, self.n_articles + 1)
            ]
            return text_response(urlset(urls), "application/xml; charset=utf-8")
        return not_found()

    def render_article(self, number: int) -> str:
        head, tail = self._chrome
        title = title_of(number)
        paragraphs = [
            f"<p>{esc(first_sentence(number))} {esc(_SENTENCES[number % len(_SENTENCES)])}</p>"
        ]
        # ~20 KB of body text: sentences picked by stepping through the bank from a per-article
        # offset, so no two articles share their paragraph sequence.
        step = 1 + number % 7
        offset = number * 3
        for p in range(60):
            sentences = (
                _SENTENCES[(offset + (p * 3 + k) * step) % len(_SENTENCES)] for k in range(4)
            )
            paragraphs.append(f"<p>{esc(' '.join(sentences))}</p>")
            if p in (15, 40):
                paragraphs.append(f"<h2>Inside the {_TOPICS[number % len(_TOPICS)]} plan</h2>")
        published = _published(number)
        article = (
            f'<article class="story"><h1 class="headline">{esc(title)}</h1>'
            f'<p class="byline">By Jane Doe and John Roe</p>'
            f'<time class="published" datetime="{published.isoformat()}">{published:%d %B %Y}</time>'
            f'<div class="story-body">{"".join(paragraphs)}</div></article>'
        )
        related = "".join(
            f'<li><a href="{article_path(n)}">{esc(title_of(n))}</a></li>'
            for n in _neighbours(number, self.n_articles)
        )
        return (
            head.replace("$title", esc(title))
            + article
            + f'<section class="related"><h2>Related stories</h2><ul>{related}</ul></section>'
            + tail
        )

    def render_index(self, page: int) -> str:
        head, tail = self._chrome
        first = (page - 1) * PER_INDEX + 1
        last = min(self.n_articles, page * PER_INDEX)
        items = "".join(
            f'<li><a href="{article_path(n)}">{esc(title_of(n))}</a></li>'
            for n in range(first, last + 1)
        )
        nav = (
            f'<a rel="next" href="/index/{page + 1}.html">Next page</a>'
            if page < self.index_pages
            else ""
        )
        return (
            head.replace("$title", f"Latest news, page {page}")
            + f"<ul class='teasers'>{items}</ul>{nav}"
            + tail
        )


def generate_bench_site(n_articles: int = 2000, name: str = NAME) -> BenchSite:
    """The crawl benchmark's site; serve it with ``serve(sites=[generate_bench_site()])``."""
    return BenchSite(n_articles=n_articles, name=name)


def article_path(number: int) -> str:
    return f"/a/{number}.html"


def title_of(number: int) -> str:
    topic = _TOPICS[number % len(_TOPICS)]
    place = _PLACES[(number // len(_TOPICS)) % len(_PLACES)]
    return f"{place} {topic} report number {number}"


def first_sentence(number: int) -> str:
    """The sentence only article ``number`` contains."""
    return f"This is report number {number} from the {_PLACES[number % len(_PLACES)]} desk."


def _published(number: int) -> datetime:
    return datetime(2026, 11, 24, 12, 0, tzinfo=EST) - timedelta(minutes=17 * number)


def _neighbours(number: int, total: int) -> list[int]:
    return [((number + k * 37) % total) + 1 for k in range(1, 9)]


def _chrome() -> tuple[str, str]:
    """Head and tail of every bench page, padded with realistic chrome to ~50 KB pages."""
    nav = "".join(f'<li><a href="/index/{p}.html">Section {p}</a></li>' for p in range(1, 30))
    comments = "".join(
        f'<li class="comment"><span class="comment-author">{esc(name)}</span> <span>{when}</span>'
        f"<p>{esc(text)}</p><button>Reply</button></li>"
        for _ in range(6)
        for name, when, text in COMMENTS
    )
    footer_links = "".join(
        f'<li><a href="/footer/{k}">Footer link {k}</a></li>' for k in range(120)
    )
    script = "<script>" + "var x=1;" * 800 + "</script>"
    head = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>$title | Bench Gazette</title>"
        f"{script}</head><body><div class='cookie-banner'>We use cookies to improve your experience."
        f"<button>Accept all cookies</button></div><header><nav><ul>{nav}</ul></nav></header>"
        "<div class='ad-slot'><span>Advertisement</span></div><main>"
    )
    tail = (
        f"</main><section class='comments'><h2>Comments</h2><ol>{comments}</ol></section>"
        f"<footer><ul>{footer_links}</ul><p>&copy; 2026 Bench Gazette</p></footer></body></html>"
    )
    return head, tail
