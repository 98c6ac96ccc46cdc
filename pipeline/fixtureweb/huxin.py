"""Site 2, 沪信网 (huxin): a Chinese news site served as GBK, with chrome like the seed page."""

from __future__ import annotations

import random

from pipeline.fixtureweb import huxin_content as content
from pipeline.fixtureweb.documents import news_urlset
from pipeline.fixtureweb.exchange import (
    Context,
    Request,
    Response,
    conditional,
    not_found,
    text_response,
)
from pipeline.fixtureweb.expectations import ErrorURL, ExpectedArticle, SiteManifest
from pipeline.fixtureweb.markup import esc, load_template, render_block
from pipeline.fixtureweb.stories import Story

NAME = "huxin"
ENCODING = "gbk"
HTML = "text/html; charset=gbk"
PER_PAGE = 3
NEWS_SITEMAP_PATH = "/sitemap_news.xml"
ADMIN_PATH = "/admin/preview/content_999001.htm"
ROBOTS_DISALLOW = "/admin/"


class HuxinSite:
    name = NAME

    def __init__(self) -> None:
        entries = content.huxin_stories()
        self.stories: tuple[Story, ...] = tuple(story for story, _, _ in entries)
        self._source = {story.path: source for story, source, _ in entries}
        self._by_path = {story.path: story for story in self.stories}
        self._page = load_template("huxin_page.html")

    def channel_stories(self, channel: str) -> list[Story]:
        return [s for s in self.stories if s.section == channel]

    def is_wrong_charset(self, story: Story) -> bool:
        return story.key == str(content.WRONG_CHARSET_ID)

    # -- manifest --------------------------------------------------------------------------
    def manifest(self) -> SiteManifest:
        articles = tuple(
            ExpectedArticle.from_story(
                NAME,
                s,
                "zh",
                declared_charset="utf-8" if self.is_wrong_charset(s) else None,
                in_feeds=False,
            )
            for s in self.stories
        )
        section_pages = []
        for channel in content.CHANNELS:
            pages = self._page_count(channel)
            section_pages.append(f"/channel/{channel}/")
            section_pages.extend(f"/channel/{channel}/index_{n}.html" for n in range(2, pages + 1))
        return SiteManifest(
            name=NAME,
            title="沪信网",
            language="zh",
            encoding=ENCODING,
            timezone="Asia/Shanghai",
            articles=articles,
            section_pages=tuple(section_pages),
            sections=tuple(f"/channel/{c}/" for c in content.CHANNELS),
            sitemaps=(NEWS_SITEMAP_PATH,),
            robots_disallow=(ROBOTS_DISALLOW,),
            chrome_strings=content.CHROME_STRINGS,
            errors=(
                ErrorURL(
                    NAME,
                    ADMIN_PATH,
                    "disallowed",
                    "never fetched: robots.txt Disallow: /admin/",
                    200,
                    linked_from=("/", NEWS_SITEMAP_PATH),
                ),
            ),
        )

    # -- routing ---------------------------------------------------------------------------
    def handle(self, request: Request, ctx: Context) -> Response:
        path = request.path
        story = self._by_path.get(path)
        if story is not None:
            if self.is_wrong_charset(story):
                html = self.render_article(story, ctx, declared="utf-8")
                return conditional(
                    request, html.encode(ENCODING), "text/html; charset=utf-8", story.published
                )
            html = self.render_article(story, ctx)
            return conditional(request, html.encode(ENCODING), HTML, story.published)
        if path == "/robots.txt":
            robots = f"User-agent: *\nDisallow: {ROBOTS_DISALLOW}\n\nSitemap: {ctx.url(NAME, NEWS_SITEMAP_PATH)}\n"
            return text_response(robots, "text/plain; charset=utf-8")
        if path in ("/", "/index.html"):
            return text_response(self._home(), HTML, encoding=ENCODING)
        channel, page = _channel_and_page(path)
        if channel in content.CHANNELS:
            if not 1 <= page <= self._page_count(channel):
                return not_found()
            return text_response(self._channel(channel, page), HTML, encoding=ENCODING)
        if path == NEWS_SITEMAP_PATH:
            urls = [(ctx.url(NAME, s.path), s.published, s.title) for s in self.stories]
            urls.append((ctx.url(NAME, ADMIN_PATH), self.stories[0].published, "内部预览稿件"))
            return text_response(
                news_urlset(urls, "沪信网", "zh"), "application/xml; charset=utf-8"
            )
        if path == ADMIN_PATH:
            return text_response(
                self._shell("内部预览", "<p>内部预览稿件，请勿转载。</p>", ""),
                HTML,
                encoding=ENCODING,
            )
        return not_found()

    # -- pages -----------------------------------------------------------------------------
    def _shell(
        self, title: str, main: str, channel_name: str, *, head: str = "", declared: str = "gb2312"
    ) -> str:
        return self._page.substitute(
            charset=declared,
            page_title=esc(title),
            keywords=esc(channel_name),
            description=esc(title),
            head_extra=head,
            channel_name=channel_name,
            today="2026年11月25日 星期三",
            main=main,
        )

    def render_article(self, story: Story, ctx: Context, *, declared: str = "gb2312") -> str:
        rng = random.Random(story.key)
        channel = content.CHANNELS[story.section]
        column = content.COLUMNS[story.section]
        index = self.stories.index(story)
        style = content.DATE_STYLES[index % len(content.DATE_STYLES)]
        if style == "cjk":
            p = story.published
            when = f"发布时间：{p.year}年{p.month}月{p.day}日 {p:%H:%M}"
        else:
            when = f"{story.published:%Y-%m-%d %H:%M}"
        authors = " ".join(story.authors)
        siblings = self.channel_stories(story.section)
        position = siblings.index(story)
        newer = siblings[position - 1] if position > 0 else None
        older = siblings[position + 1] if position + 1 < len(siblings) else None
        related = [s for s in self.stories if s is not story and s.section == story.section][:3]
        rendered = [render_block(b) for b in story.blocks]
        credit = content.CREDITS[index % len(content.CREDITS)]
        photo_credit = ""
        if index % 2 == 0:
            # Photo in the body, centred in its own <p>, as these CMSs emit it; credited below.
            rendered.insert(
                1,
                f'<p style="text-align:center"><img src="/uploads/2026/11/{story.key}.jpg" '
                'alt="" width="600" /></p>',
            )
            photo_credit = '<p class="tpcredit">文中图均陈正宝 摄</p>'
        body = "\n".join(rendered)
        editor = rng.choice(("责任编辑：王蕾", "责任编辑：顾一鸣", "责任编辑：沈佳"))
        main = f"""
<div class="wz_position">我的位置：<a href="/">首页</a> &gt; <a href="/channel/{story.section}/">{channel}</a> &gt; <a href="/channel/{story.section}/">{column}</a> &gt; 文章详情</div>
<div class="wz_left">
  <div class="wz_contents">
    <div class="wz_title">{esc(story.title)}</div>
    <div class="fenxiang">
      <span class="fx_label">分享至：</span>
      <a class="fx_wx" href="javascript:void(0)"><i></i> ({rng.randint(20, 99)})</a>
      <a class="fx_wb" href="javascript:void(0)"><i></i> ({rng.randint(1, 19)})</a>
      <a class="fx_sc" href="javascript:void(0)"><i></i> 收藏</a>
    </div>
    <div class="fenxiang_zz">
      <span class="source">来源：{esc(self._source[story.path])}</span>
      <span class="author">作者：{esc(authors)}</span>
      <span class="pubtime">{when}</span>
    </div>
    <div class="summary"><span>摘要：</span>{esc(story.lead)}</div>
    <div class="wz_contents_txt" id="newscontent">
{body}
      <p class="tpcredit">{esc(credit)}</p>
      {photo_credit}
      <p class="editor">{editor}</p>
    </div>
    <div class="prev_next">
      <p>上一篇：{f'<a href="{newer.path}">{esc(newer.title)}</a>' if newer else "没有了"}</p>
      <p>下一篇：{f'<a href="{older.path}">{esc(older.title)}</a>' if older else "没有了"}</p>
    </div>
  </div>
  <div class="xgwz">
    <div class="xgwz_title">相关文章</div>
    <ul>{"".join(f'<li><a href="{s.path}">{esc(s.title)}</a><span>{s.published:%Y-%m-%d}</span></li>' for s in related)}</ul>
  </div>
  <div class="pinglun">
    <div class="pl_head"><span class="pl_count">评论({rng.randint(3, 40)})</span></div>
    <div class="pl_write"><span>我也说两句</span><span class="close">×</span>
      <textarea placeholder="文明上网，理性发言"></textarea><button type="button">发表</button></div>
    <div class="pl_list"><div class="pl_list_title">最新评论</div>
      <div class="pl_empty">快来抢沙发吧~</div>
      <a class="pl_more" href="javascript:void(0)">加载更多…</a>
      <span class="pl_end">已显示全部内容</span>
    </div>
  </div>
</div>
<div class="wz_right">
  <div class="hot"><div class="hot_title">热点推荐</div><ul>{"".join(f'<li><a href="{s.path}">{esc(s.title)}</a></li>' for s in self.stories[:5] if s is not story)}</ul></div>
  <div class="app_download"><img src="/images/app_qr.png" alt="" /><p>扫一扫 下载沪信客户端</p></div>
</div>"""
        head = (
            f'<link rel="canonical" href="{ctx.url(NAME, story.path)}" />\n'
            f'<meta name="publishdate" content="{story.published:%Y-%m-%d}" />\n'
            f'<meta name="source" content="{esc(self._source[story.path])}" />'
        )
        return self._shell(
            f"{story.title}_{channel}_沪信网", main, channel, head=head, declared=declared
        )

    def _home(self) -> str:
        items = "".join(
            f'<li><a href="{s.path}">{esc(s.title)}</a><span>{s.published:%m-%d %H:%M}</span></li>'
            for s in self.stories
        )
        channels = "".join(
            f'<a href="/channel/{key}/">{name}</a> ' for key, name in content.CHANNELS.items()
        )
        main = (
            f'<div class="home_channels">{channels}</div>'
            f'<div class="home_news"><div class="title">要闻</div><ul>{items}</ul></div>'
            f'<div class="home_misc"><a href="{ADMIN_PATH}">内部预览</a></div>'
        )
        return self._shell("沪信网_上海新闻资讯", main, "首页")

    def _page_count(self, channel: str) -> int:
        return max(1, -(-len(self.channel_stories(channel)) // PER_PAGE))

    def _channel(self, channel: str, page: int) -> str:
        stories = self.channel_stories(channel)
        pages = self._page_count(channel)
        chunk = stories[(page - 1) * PER_PAGE : page * PER_PAGE]
        items = "".join(
            f'<li><div class="list_title"><a href="{s.path}" target="_blank">{esc(s.title)}</a></div>'
            f'<div class="list_summary">{esc(s.lead)}</div><div class="list_time">{s.published:%Y-%m-%d %H:%M}</div></li>'
            for s in chunk
        )
        nav = ['<a href="index.html">首页</a>' if page > 1 else "<span>首页</span>"]
        if page > 1:
            prev = "index.html" if page == 2 else f"index_{page - 1}.html"
            nav.append(f'<a href="{prev}">上一页</a>')
        nav.append(f'<span class="current">{page}</span>')
        if page < pages:
            nav.append(f'<a href="index_{page + 1}.html">下一页</a>')
            nav.append(f'<a href="index_{pages}.html">尾页</a>')
        name = content.CHANNELS[channel]
        main = (
            f'<div class="wz_position">我的位置：<a href="/">首页</a> &gt; {name}</div>'
            f'<div class="list"><ul>{items}</ul></div><div class="page">{" ".join(nav)}</div>'
        )
        return self._shell(f"{name}_沪信网", main, name)


def _channel_and_page(path: str) -> tuple[str | None, int]:
    parts = [p for p in path.split("/") if p]
    if len(parts) < 2 or parts[0] != "channel":
        return None, 0
    if len(parts) == 2 and path.endswith("/"):
        return parts[1], 1
    if len(parts) == 3:
        name = parts[2]
        if name == "index.html":
            return parts[1], 1
        if name.startswith("index_") and name.endswith(".html") and name[6:-5].isdigit():
            return parts[1], int(name[6:-5])
    return None, 0
