"""Headline choice: JSON-LD against og:title, kickers, and the visible headline elements."""

from __future__ import annotations

import json

import lxml.html
import pytest

from pipeline.extraction.metadata import extract_metadata
from pipeline.extraction.metadata.headline_dom import heading_text, headings, microdata_headline
from pipeline.extraction.metadata.title import differ_by_kicker, site_words, strip_site_name


def page(head: str = "", body: str = "") -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(
        f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"
    )


def ld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'


def og(title: str) -> str:
    return f'<meta property="og:title" content="{title}">'


def element(markup: str) -> lxml.html.HtmlElement:
    return lxml.html.fragment_fromstring(markup)


# --- JSON-LD against og:title ----------------------------------------------------------


def test_og_title_without_the_kicker_that_jsonld_and_h1_carry() -> None:
    head = (
        ld({"@type": "NewsArticle", "headline": "Neue Leipziger Schule: Judy Lybke, ganz und gar"})
        + og("Judy Lybke, ganz und gar")
        + '<meta name="twitter:title" content="Neue Leipziger Schule: Judy Lybke, ganz und gar">'
        + "<title>Neue Leipziger Schule: Judy Lybke, ganz und gar - n-tv.de</title>"
    )
    body = "<article><h1>Neue Leipziger Schule: Judy Lybke, ganz und gar</h1></article>"
    md = extract_metadata(page(head, body), "https://www.n-tv.de/leben/article24075843.html")
    assert md.title == "Judy Lybke, ganz und gar"


def test_og_title_with_a_kicker_the_jsonld_leaves_out() -> None:
    head = ld(
        {"@type": "NewsArticle", "headline": "Der 9. Juli naht: Gewerkschaften zeigen Stärke"}
    ) + og("Nationale Demo / Der 9. Juli naht: Gewerkschaften zeigen Stärke")
    body = "<h1><span>Nationale Demo</span>Der 9. Juli naht: Gewerkschaften zeigen Stärke</h1>"
    md = extract_metadata(page(head, body), "https://www.tageblatt.lu/headlines/demo/")
    assert md.title == "Nationale Demo / Der 9. Juli naht: Gewerkschaften zeigen Stärke"


def test_a_section_before_a_pipe_is_not_a_kicker() -> None:
    head = ld(
        {"@type": "NewsArticle", "headline": "Beleidigen und beschuldigen: Zoff ums Material"}
    ) + og("Vierschanzentournee | Beleidigen und beschuldigen: Zoff ums Material")
    md = extract_metadata(page(head), "https://www.tageblatt.lu/sport/zoff/")
    assert md.title == "Beleidigen und beschuldigen: Zoff ums Material"


def test_jsonld_wins_when_og_title_is_a_different_teaser() -> None:
    head = (
        ld(
            {
                "@type": "NewsArticle",
                "headline": "Russlands Schattenflotte: USA stoppen Geisterschiff",
            }
        )
        + og("Achtmal den Namen gewechselt: USA beenden Irrfahrt")
        + "<title>Russlands Schattenflotte: USA stoppen Geisterschiff</title>"
    )
    body = "<h1>Russlands Schattenflotte: USA stoppen Geisterschiff</h1>"
    md = extract_metadata(page(head, body), "https://www.t-online.de/nachrichten/id_1/")
    assert md.title == "Russlands Schattenflotte: USA stoppen Geisterschiff"


def test_visible_microdata_headline_confirms_og_title() -> None:
    head = (
        ld({"@type": "NewsArticle", "headline": "Wie groß ist Evergrande?"})
        + og("6 Statistiken, die die Größe von Evergrande zeigen")
        + "<title>Wie groß ist Evergrande? - Business Insider</title>"
    )
    body = (
        '<nav><h1 class="breadcrumb_last">Wie groß ist Evergrande?</h1></nav>'
        '<div class="content without-sidebar"><header class="article-header">'
        '<h2 class="entry-title" itemprop="headline">'
        "6 Statistiken, die die Größe von Evergrande zeigen</h2></header></div>"
    )
    md = extract_metadata(page(head, body), "https://www.businessinsider.de/wirtschaft/evergrande/")
    assert md.title == "6 Statistiken, die die Größe von Evergrande zeigen"


def test_microdata_headline_that_agrees_with_jsonld_keeps_it() -> None:
    head = ld(
        {"@type": "NewsArticle", "headline": "Labor on track to hit 2030 target as Bowen speaks"}
    ) + og("Labor on track to hit climate target")
    body = '<h1 itemprop="headline">Labor on track to hit 2030 target as Bowen speaks</h1>'
    md = extract_metadata(page(head, body), "https://thewest.com.au/politics/labor")
    assert md.title == "Labor on track to hit 2030 target as Bowen speaks"


def test_jsonld_name_agreeing_with_og_title_outvotes_its_headline() -> None:
    head = ld(
        {
            "@type": "NewsArticle",
            "headline": "Tårene rant for norsk OL-håp – så kom sjokkvendingen",
            "name": "OL i Paris 2024: Tårene rant for Lene Retzius – så kom sjokkvendingen",
        }
    ) + og("OL i Paris 2024: Tårene rant for Lene Retzius – så kom sjokkvendingen")
    md = extract_metadata(page(head), "https://www.nrk.no/ol/1.16990729")
    assert md.title == "OL i Paris 2024: Tårene rant for Lene Retzius – så kom sjokkvendingen"


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("Neue Leipziger Schule: Judy Lybke, ganz und gar", "Judy Lybke, ganz und gar", True),
        ("«Evnukkmakeren»: Nordmann dømt til livstid", "Nordmann dømt til livstid", True),
        ("Nationale Demo / Der 9. Juli naht", "Der 9. Juli naht", True),
        ("Minderheit in Syrien - Drusen fordern Teilhabe", "Drusen fordern Teilhabe", True),
        ("Vierschanzentournee | Beleidigen und beschuldigen", "Beleidigen und beschuldigen", False),
        ("Starmer suggests he will keep gifts", "Starmer defiant over gifts", False),
        # Eleven words before the colon are a sentence, not a kicker.
        (
            "One two three four five six seven eight nine ten eleven: the rest of it",
            "the rest of it",
            False,
        ),
        ("Sport: Ja", "Ja", False),  # too short to be sure it is the same headline
    ],
)
def test_differ_by_kicker(first: str, second: str, expected: bool) -> None:
    assert differ_by_kicker(first, second) is expected
    assert differ_by_kicker(second, first) is expected


# --- the visible headline element --------------------------------------------------------


def test_kicker_span_with_hidden_separator() -> None:
    h1 = element(
        '<h1 class="BOj6"><span data-ob="kicker" class="BOj7">Eskalation im Nordatlantik</span>'
        '<span class="visually-hidden">:</span> <span data-ob="headline">„Wenn die Ozeane '
        "überhitzen“</span></h1>"
    )
    assert heading_text(h1) == "Eskalation im Nordatlantik: „Wenn die Ozeane überhitzen“"


def test_topline_span_without_separator_gets_a_colon() -> None:
    h1 = element(
        '<h1 class="seitenkopf__headline">\n  <span class="seitenkopf__topline">Ausschuss zur '
        'Ahrtal-Flut</span>\n  <span class="seitenkopf__headline--text">Zwei Rücktritte - und '
        "viele offene Fragen</span>\n</h1>"
    )
    assert (
        heading_text(h1) == "Ausschuss zur Ahrtal-Flut: Zwei Rücktritte - und viele offene Fragen"
    )


def test_unmarked_separator_span_sticks_to_the_word_before() -> None:
    h1 = element(
        '<h1>\n <span class="dh2 head1">LTE-Patent</span><span class="implied">: </span>\n'
        ' <span class="dh1 head5">Samsung soll Smartphones zerst&ouml;ren</span> </h1>'
    )
    assert heading_text(h1) == "LTE-Patent: Samsung soll Smartphones zerstören"


def test_inline_spans_and_french_spacing_are_kept() -> None:
    sized = element(
        '<h1 class="headline">Nordmann dømt <span class=" tm91">til livstid</span></h1>'
    )
    assert heading_text(sized) == "Nordmann dømt til livstid"
    french = element("<h1>Le merlu : sauvé de l'extinction ?</h1>")
    assert heading_text(french) == "Le merlu : sauvé de l'extinction ?"
    assert heading_text(element("<h1>Rome <i>(AP)</i> – vote</h1>")) == "Rome (AP) – vote"


def test_headings_put_the_article_h1_before_logo_breadcrumb_dialog_and_hidden_ones() -> None:
    tree = page(
        body='<header><a class="logo_area"><h1 class="logo">Daily Example</h1></a></header>'
        '<dialog class="modal"><h1 class="modal__title">Artikel merken</h1></dialog>'
        '<main><h1 class="page_ttl is_blind">기사 상세</h1>'
        '<nav class="breadcrumb"><ul><li><h1>Home</h1></li></ul></nav>'
        "<article><h1>Die Eisheiligen 2024: Wann sie sind</h1></article></main>"
    )
    found = headings(tree)
    assert found[0] == "Die Eisheiligen 2024: Wann sie sind"
    assert set(found[1:]) == {"Daily Example", "Artikel merken", "기사 상세", "Home"}


def test_microdata_headline_skips_teasers_and_meta_tags() -> None:
    tree = page(
        head='<meta itemprop="headline" content="Meta headline">',
        body='<ul class="related-articles"><li><h3 itemprop="headline">Other story</h3></li></ul>'
        '<article><h1 itemprop="name headline">Starmer defiant over gifts</h1></article>',
    )
    assert microdata_headline(tree) == "Starmer defiant over gifts"
    assert microdata_headline(page(body="<h1>No microdata</h1>")) is None


def test_h1_with_kicker_confirmed_by_the_page_title_when_nothing_else_names_it() -> None:
    tree = page(
        head="<title>Bubi-Bomber wieder da: Thioune fordert Geduld | Sport</title>",
        body='<article><h1 class="article-title"><span class="article-title__kicker">'
        'Bubi-Bomber wieder da</span><span class="article-title__separator">: </span>'
        '<span class="article-title__headline">Thioune fordert Geduld</span></h1></article>',
    )
    md = extract_metadata(tree, "https://www.bild.de/sport/1")
    assert md.title == "Bubi-Bomber wieder da: Thioune fordert Geduld"


def test_breadcrumb_list_h1_yields_to_a_headline_in_a_list_layout() -> None:
    tree = page(
        body='<ol itemscope itemtype="https://schema.org/BreadcrumbList"><li itemprop='
        '"itemListElement"><h1 class="level-2 active">Kühltürme gesprengt</h1></li></ol>'
        '<ul><li><div class="archives"><h1>US, Manila launch war games after drills</h1>'
        "</div></li></ul>"
    )
    assert headings(tree) == ["US, Manila launch war games after drills", "Kühltürme gesprengt"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # The site is known from the URL: the channel before it goes too, however short the headline.
        ("初冬银杏正当时_城市_沪信网", "初冬银杏正当时"),
        ("初冬银杏正当时，全市推出三十条落叶景观道路_城市_沪信网", "初冬银杏正当时，全市推出三十条落叶景观道路"),
        # Nothing names the site, but three parts with two short ones end in channel and site.
        ("坚持才能胜利|政情|上观", "坚持才能胜利"),
        ("从原子弹爆炸原理想开去 - 奇闻异事 - 雅虎社区", "从原子弹爆炸原理想开去"),
    ],
)  # fmt: skip
def test_chinese_channel_and_site_suffixes(raw: str, expected: str) -> None:
    assert (
        strip_site_name(raw, site_words([], "http://www.huxin.example.cn/html/1.html")) == expected
    )


def test_chinese_two_part_title_keeps_a_short_second_clause() -> None:
    # Two parts and no site known: a short second part may be the headline's own clause.
    assert strip_site_name("国足两连胜|晋级", set()) == "国足两连胜|晋级"


def test_clean_jsonld_keeps_its_spelling_over_og_punctuation() -> None:
    head = ld({"@type": "NewsArticle", "headline": "What Film Can Teach About Doing What’s Right"})
    head += og("What Film Can Teach About Doing What's Right")
    assert extract_metadata(page(head=head), None).title == (
        "What Film Can Teach About Doing What’s Right"
    )


def test_entity_escaped_jsonld_takes_og_spelling() -> None:
    # "&quot;" inside a JSON string: a template escaped the headline for HTML; og:title is
    # the editor's display form of the same words.
    head = ld(
        {
            "@type": "NewsArticle",
            "headline": "R&uuml;ckbau von Atomkraftwerk - K&uuml;hlturm gesprengt",
        }
    )
    head += og("Rückbau von Atomkraftwerk: Kühlturm gesprengt")
    assert extract_metadata(page(head=head), None).title == (
        "Rückbau von Atomkraftwerk: Kühlturm gesprengt"
    )


def test_headline_naming_the_site_is_not_the_site_part() -> None:
    sites = site_words(["the Guardian"], "https://www.theguardian.com/commentisfree/1")
    raw = "The Guardian view on Hong Kong: a city on the brink | Editorial | Opinion | The Guardian"
    assert strip_site_name(raw, sites).startswith("The Guardian view on Hong Kong")
    assert strip_site_name("Storm warning | CBC News Toronto", site_words(["CBC News"], None)) == (
        "Storm warning"
    )


def test_logo_h1_signing_the_title_is_the_site() -> None:
    head = "<title>土豆不“土” 土豆无“土” 松花江网</title>"
    body = "<h1>松花江网</h1><p>正文。</p>"
    assert extract_metadata(page(head=head, body=body), None).title == "土豆不“土” 土豆无“土”"
    # An <h1> opening the <title> is the headline; what follows it is the site.
    head = "<title>Dare to Play 3 / October pack – Vortex Cannon Entertainment</title>"
    body = "<h1>Dare to Play 3 / October pack</h1>"
    assert (
        extract_metadata(page(head=head, body=body), None).title == "Dare to Play 3 / October pack"
    )
