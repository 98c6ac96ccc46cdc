"""Chrome rules as data: named tag, class/id and text-pattern lists (English and Chinese).

The functions in ``pipeline.cleaning.strip`` and ``pipeline.cleaning.lines`` apply them. Each
list has a name so that a debug log can say which rule removed what.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import lxml.etree
from cssselect import GenericTranslator, parse


@dataclass(frozen=True, slots=True)
class NamedPattern:
    name: str
    pattern: re.Pattern[str]
    # Literal strings of which every match contains at least one (in lower case for a
    # case-insensitive rule). A cheap ``in`` test then skips the regex on most lines; it is
    # given only for rules whose regex is slow (leading ``.{0,n}``, lookaheads, many
    # alternatives without a common prefix) and must never reject a text the regex matches.
    requires: tuple[str, ...] = ()

    def may_match(self, subject: str) -> bool:
        return not self.requires or any(word in subject for word in self.requires)


# One anchored flag set: the union of its unguarded rules (group i = rule i) and its guarded
# rules (rule index, rule with the pattern compiled without re.IGNORECASE), in rule order.
_Anchored = tuple[re.Pattern[str] | None, bool, tuple[tuple[int, NamedPattern], ...]]


@dataclass(frozen=True, slots=True)
class PatternSet:
    """Named patterns tried together, fast.

    Patterns anchored with ``^`` are joined into one alternation per flag set (group i = rule
    i) and tried only at the start of the text. Unanchored patterns are searched one by one:
    joined, they lose the regex engine's literal-prefix skipping and run ~3x slower.
    Case-insensitive rules (written in lower case) run on lower-cased text without
    re.IGNORECASE, which would also disable that skipping. Rules with ``requires`` stay out of
    the union and run only when one of their literals occurs; the first rule (in list order)
    that matches wins either way, as in the union.
    """

    names: tuple[str, ...]
    anchored: tuple[_Anchored, ...]
    # (pattern, run on lower-cased text?, name, requires): flat tuples, as search() runs
    # for every block and every class name of a page.
    floating: tuple[tuple[re.Pattern[str], bool, str, tuple[str, ...]], ...]

    @classmethod
    def of(cls, rules: tuple[NamedPattern, ...]) -> PatternSet:
        groups: dict[int, list[str]] = {}
        guarded: dict[int, list[tuple[int, NamedPattern]]] = {}
        floating: list[tuple[re.Pattern[str], bool, str, tuple[str, ...]]] = []
        for index, rule in enumerate(rules):
            source, flags = rule.pattern.pattern, rule.pattern.flags
            fold = bool(flags & re.IGNORECASE)
            bare = NamedPattern(
                rule.name, re.compile(source, flags & ~re.IGNORECASE), rule.requires
            )
            if source.startswith("^") and "|" not in _top_level(source):
                groups.setdefault(flags, [])
                if rule.requires:
                    guarded.setdefault(flags, []).append((index, bare))
                else:
                    groups[flags].append(f"(?P<g{index}>{source[1:]})")
            else:
                floating.append((bare.pattern, fold, rule.name, rule.requires))
        anchored = tuple(
            (
                re.compile("|".join(parts), flags & ~re.IGNORECASE) if parts else None,
                bool(flags & re.IGNORECASE),
                tuple(guarded.get(flags, ())),
            )
            for flags, parts in groups.items()
        )
        return cls(tuple(rule.name for rule in rules), anchored, tuple(floating))

    def search(self, text: str) -> str | None:
        """The name of a rule matching ``text``, or None."""
        lowered = text.lower()
        for union, fold, guarded in self.anchored:
            subject = lowered if fold else text
            match = union.match(subject) if union is not None else None
            winner = int(match.lastgroup[1:]) if match and match.lastgroup else len(self.names)
            for index, rule in guarded:
                if index > winner:
                    break
                if rule.may_match(subject) and rule.pattern.match(subject):
                    return rule.name
            if winner < len(self.names):
                return self.names[winner]
        for pattern, fold, name, requires in self.floating:
            subject = lowered if fold else text
            if requires:
                for word in requires:
                    if word in subject:
                        break
                else:
                    continue  # no literal the rule needs: the regex cannot match
            if pattern.search(subject):
                return name
        return None


def _top_level(source: str) -> str:
    """The pattern with every parenthesised group removed (to find a top-level ``|``)."""
    depth = 0
    out = []
    escaped = False
    for char in source:
        if escaped:
            escaped = False
            if depth == 0:
                out.append(char)
            continue
        if char == "\\":
            escaped = True
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        elif depth == 0:
            out.append(char)
    return "".join(out)


def _named(
    name: str, regex: str, flags: int = re.I, requires: tuple[str, ...] = ()
) -> NamedPattern:
    return NamedPattern(name, re.compile(regex, flags), requires)


_NAME = (
    r"[A-ZÀ-ÖØ-Þ][\w.'’-]*(?:\s+(?:[A-ZÀ-ÖØ-Þ][\w.'’-]*|van|von|de|da|del|der|di|du|la|le)){0,4}"
)

# Elements that never hold article text.
DROP_TAGS: tuple[str, ...] = (
    "script", "style", "noscript", "iframe", "svg", "canvas", "template", "button", "input",
    "select", "textarea", "option", "label", "object", "embed", "applet", "audio", "video",
    "map", "dialog", "menu", "link", "meta", "head", "nav", "title",
    "rt", "rp",  # ruby readings (furigana, pinyin) above the text they annotate
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class NamedSelector:
    name: str
    css: str
    strong: bool = False  # removed even when it holds paragraph text (see ChromeRules)


# Structural chrome that markup names outright in attributes: ARIA landmarks, schema.org
# comments, ad slots, share widgets (class and id names are the class rules' job). Landmarks
# are weak (a page may wrap its article in role=banner by mistake).
CHROME_SELECTORS: tuple[NamedSelector, ...] = (
    NamedSelector("aria-navigation", '[role="navigation"], [role="menubar"], [role="menu"], [role="search"]'),
    NamedSelector("aria-banner", '[role="banner"]'),
    NamedSelector("aria-contentinfo", '[role="contentinfo"]'),
    NamedSelector("aria-complementary", '[role="complementary"]'),
    NamedSelector("aria-dialog", '[role="dialog"], [role="alertdialog"], [aria-modal="true"]', strong=True),
    NamedSelector("schema-comment", '[itemprop="comment"], [itemtype="http://schema.org/Comment"], [itemtype="https://schema.org/Comment"]', strong=True),
    NamedSelector("ad-slot", "[data-ad-slot], [data-google-query-id], [data-ad-unit]", strong=True),
    NamedSelector("share-widget", "[data-share-url], [data-social-share]", strong=True),
    NamedSelector("account-form", 'form[action*="subscribe"], form[action*="newsletter"], form[action*="login"], form[role="search"]', strong=True),
)  # fmt: skip

# Page-level containers that are chrome unless they hold most of the page's text (some sites
# wrap the whole page in <footer>-less layouts or put the article in an <aside> by mistake).
CHROME_TAGS: tuple[str, ...] = ("footer", "aside")

# Class/id words that mark chrome. Long words match inside compound names ("commentList",
# "share-bar"); short ones only as a whole token ("ad", not "head" or "read").
CHROME_CLASS_SUBSTRINGS: tuple[NamedPattern, ...] = (
    _named("comments", r"comment(?!ary)|disqus|fb-comments|reply|respond|discuss|pinglun|talkback"),
    _named("share", r"share|social|sharing|addthis|a2a_kit|sns|fenxiang|bdshare|jiathis"),
    _named("breadcrumb", r"breadcrumb|crumbs?\b|weizhi|daohang"),
    _named(
        "related",
        r"related|recommend|more-?stories|read-?more|also-?read|xiangguan|tuijian|outbrain|taboola|trending|popular|most-?read|hot-?news|rank",
    ),
    _named(
        "newsletter",
        r"newsletter|signup|sign-up|register|registration|membership|regwall|paywall-?(prompt|offer|box)",
    ),
    # Weak: "subscriber-content" wraps the article itself on some paywalled sites.
    _named("subscribe", r"subscri"),
    _named(
        "ads",
        r"advert|sponsor|promo|banner|adsbygoogle|dfp|gpt-ad|ad-slot|adslot|adunit|ad-container|ad-wrapper|guanggao",
    ),
    _named("app", r"app-?download|download-?app|qrcode|qr-?code|erweima|weixin|wechat"),
    _named(
        "prevnext",
        r"prev-?next|pagination|(?<![a-z])pager(?![a-z])|(?<![a-z])page-?nav|next-?prev|shangxia",
    ),
    _named("footer", r"footer|copyright|banquan|site-?info|bottom-?links|friend-?links|youqing"),
    _named("cookie", r"cookie|consent|gdpr|privacy-?banner"),
    _named(
        "navigation",
        r"navbar|nav-?bar|topbar|top-?bar|masthead|menu|sidebar|side-?bar|widget|toolbar|skip-?link",
    ),
    _named("popup", r"popup|modal|overlay|lightbox|tooltip"),
    _named("hidden", r"sr-only|visually-?hidden|screen-?reader|offscreen"),
    _named(
        "byline-box",
        r"author-?bio|author-?box|about-?author|author-?info|byline|dateline|article-?meta|post-?meta|entry-?meta|meta-?info|timestamp|publish-?date|print-?only",
    ),
    _named("tags", r"tag-?list|tags-?list|post-?tags|article-?tags|keywords|topics-?list"),
)

CHROME_CLASS_TOKENS: frozenset[str] = frozenset(
    {
        "ad", "ads", "adv", "advert", "nav", "navigation", "menu", "tags", "tag", "share",
        "social", "print", "email", "toolbar", "related", "footer", "header-nav", "sidebar",
        "comments", "comment", "pinglun", "copyright", "gg", "login", "rss", "feedback",
        "caption-credit", "credit", "credits", "noprint",
    }
)  # fmt: skip

# Rules that remove an element whatever it holds (short of most of the page). The others are
# weak: layout words ("sidebar-grid", "widget", "footer") also name the wrappers of real article
# text, so a weakly matched element that holds paragraph text is kept for the body finder.
STRONG_CLASS_RULES: frozenset[str] = frozenset(
    {"comments", "share", "breadcrumb", "cookie", "app", "prevnext", "hidden", "popup", "byline-box", "newsletter",
     "comment", "pinglun", "social", "print", "email", "login"}
)  # fmt: skip

# Class/id words that mark the article: they protect an element from the class rules above
# when it also carries a chrome word ("article-body comments-on").
CONTENT_CLASS = re.compile(
    r"article|content|post-?body|entry|story|main|text|body|zhengwen|detail|neirong|wenzhang",
    re.I,
)

# Short lines inside the body that are chrome, matched against a whole block's text.
CHROME_LINES: tuple[NamedPattern, ...] = (
    _named("advertisement", r"^\W*(advertisement|advertising|advert|adverts|ads?|anzeigen?|реклама|광고|広告|publicidade|sponsored( content)?|publicidad|publicité|pubblicità|reklam|annons|werbung|广告)\W*$"),
    _named("share", r"^\W*(share( this( article| story)?)?( on)?|share via|分享(到|至)?|分享本文|tweet|email|print|打印|收藏|复制链接|facebook|twitter|whatsapp|linkedin|pinterest|reddit|weibo|微博|微信|qq空间)\W*[\d()（）\s]*$"),
    _named("comments", r"^\W*(\d+\s*)?(comments?|leave a (reply|comment)|post a comment|add a comment|show comments|view comments|join the (conversation|discussion)|评论\s*[(（]?\d*[)）]?|我也说两句|发表(评论)?|最新评论|热门评论|网友评论|快来抢沙发吧?~?|暂无评论|查看(全部|更多)评论|加载更多.*|已显示全部内容)\W*$"),
    _named("breadcrumb", r"^\s*(我的位置|当前位置|您的位置|你的位置|当前的位置|所在位置|位置)\s*[:：]"),
    _named("prevnext", r"^\s*(上一篇|下一篇|上一条|下一条|上一页|下一页|previous( article| post| story)?|next( article| post| story)?)\s*[:：]?.{0,80}$"),
    _named("paging", r"^\W*第\s*\d+\s*页\s*[/／]\s*共\s*\d+\s*页.{0,40}$|^\W*(page \d+ of \d+|seite \d+ von \d+)\W*$"),
    _named("prevnext-none", r"^\s*(没有了|无)\s*[.。!！]?$"),
    _named("related", r"^\W*(相关(文章|阅读|新闻|链接|报道|推荐)|延伸阅读|推荐阅读|猜你喜欢|热门(文章|推荐|新闻)|related( articles?| stories| news| content| coverage| posts?| reading)?|don'?t miss|read more|read next|more from .{0,40}|recommended( for you| stories| articles)?|you (may|might) (also )?like|most (read|popular|viewed)|trending( now)?|see also|further reading|also read|mehr zum thema|lesen sie auch|weitere artikel|das könnte sie auch interessieren|lest auch|lies auch|auch interessant|ähnliche|ähnliche artikel|passend dazu|zum thema|leia também|leia mais|lee también|lea también|à lire aussi|lire aussi|voir aussi|leggi anche)\W*$"),
    _named("related-inline", r"^\s*(related|read more|read also|see also|also read|more|recommended|lesen sie auch|mehr dazu|auch interessant|相关阅读|延伸阅读|推荐阅读)\s*[:：|]\s*\S.{0,200}$"),
    _named("newsletter", r"^\W*(sign up|subscribe|newsletter|get our .{0,40}newsletter|follow us|关注我们|订阅).{0,120}$"),
    _named("newsletter-promo", r"^(?=.{0,300}$)(?=.*\b(newsletter|subscription|subscribe|\d+ issues for)\b)(?=.*\b(sign up|subscribe|inbox|delivered|click here|free|issues)\b).*$", requires=("newsletter", "subscri", "issues for")),
    _named("reading-time-line", r"^\W*(tempo de leitura|tiempo de lectura|temps de lecture|lesedauer|lesezeit|reading time|阅读时间)\s*[:：]?\s*\d+.{0,20}$"),
    _named("more-links", r"^\W*more .{0,40}:\s*https?://\S+.{0,120}$"),
    _named("app", r"(客户端下载|下载客户端|扫一扫|扫码(关注|下载|阅读)|扫描二维码|长按(识别)?二维码|download (the|our) app|get the app)"),
    _named("credit", r"^\s*[【\[（(]?\s*(责任编辑|编辑|责编|审核|审校|校对|监制|值班编辑|主编|编审|终审|出品|策划|统筹|制作|实习生|题图来源|题图|图片来源|文中图|编辑邮箱|稿件来源|原标题|本文来源|文章来源|转载请注明|供稿)\s*[:：︰]?.{0,80}$"),
    _named("credit-inline", r"(题图来源|编辑邮箱|责任编辑)\s*[:：]"),
    # Chinese photo captions: a 图说/图为 label, or a line ending in the photographer's credit.
    _named("cjk-photo-caption", r"^\W*(图说|图注|图片说明)\s*[:：]|^(?=.{0,100}$).*(\s|[/／(（])[\u4e00-\u9fff·]{2,4}\s*[/／]?\s*(摄|摄影|供图|文/摄)\s*[)）]?\s*$"),
    _named("source-line", r"^\s*(来源|作者|发布时间|发布日期|时间|日期|字号|浏览次数|阅读数|点击数|阅读量)\s*[:：].{0,120}$"),
    # "记者：张三" credits a reporter; "记者：你怎样看…？" is an interview question (article text).
    _named("reporter-credit", r"^\s*(记者|通讯员)\s*[:：][^。？！?!，,]{0,30}$|^\W*(本报|特约)?(记者|通讯员)\s*[\u4e00-\u9fff·]{2,4}\s*[/／]\s*[\u4e00-\u9fff]{0,4}(报导|报道|摄影|摄)\W*$"),
    _named("copyright", r"(^\s*(copyright|©|\(c\))\s|all rights reserved|版权所有|版权声明|未经.{0,6}(授权|许可).{0,20}(转载|使用)|本网站?所有|icp备|公网安备|京icp|沪icp|粤icp|^\W*免责声明\W{0,3}[:：]|(网友|用户)(评论|留言|跟贴).{0,6}(仅|只)(代表|供))", requires=("copyright", "©", "(c)", "all rights reserved", "版权", "未经", "本网", "icp", "公网安备", "免责声明", "网友", "用户")),
    _named("cookie", r"(we use cookies|this (web)?site uses cookies|accept (all )?cookies|cookie (policy|settings)|durch die weitere nutzung (der|dieser) (seite|website|webseite)|wir respektieren (deine|ihre) privatsphäre)", requires=("cookie", "weitere nutzung", "privatsphäre")),
    _named("report", r"^\W*(举报中心|网上有害信息举报专区|违法和不良信息举报.{0,40}|举报电话.{0,40}|举报)\W*$"),
    _named("font-size", r"^\W*(字号|字体)\s*[:：]?\s*(大|中|小|t|a)?\W*$|^.{0,20}(字号|字体)\s*[:：︰]?\s*[【\[]?大[】\]]?\s*[【\[]?中[】\]]?\s*[【\[]?小.{0,60}$"),
    _named("image-caption", r"^.{0,250}[(（]\s*(image|images|photo|photos|picture|pictures|foto|fotos|bild|credit|source|photograph|illustration|图|图片|摄影|来源)\s*[:：/][^)）]{0,80}[)）]\s*$", requires=("(", "（")),
    _named("syndication", r"^\W*(originally (published|appeared) (by|in|on|at)\b|this (article|story) (was )?(originally|first) (published|appeared)|republished (with permission|under licen[cs]e)|reprinted (with permission|from)|本文(转载|转自|原载)于?|原文(首发|刊载)于).{0,200}$"),
    _named("embed-consent", r"(empfohlener (redaktioneller )?inhalt|externe[rn]? inhalte?|ich bin damit einverstanden|einwilligung.{0,40}(widerrufen|laden)|personenbezogene daten an drittplattformen|to (view|display|see) this (content|embed)|(load|show|allow) (external|third[- ]party) content|click to (load|show) (the )?(content|embed))", requires=("empfohlen", "extern", "einverstanden", "einwilligung", "personenbezogen", "this content", "this embed", "party content", "click to")),
    _named("subscriber-promo", r"^\W*(this (content|article|story) is (reserved|available|exclusive) (for|to) subscribers|subscribe (now|today)( for| to)? .{0,80}|(\d+|zwei|vier) wochen (kostenlos|gratis) (testen|lesen)|jetzt (abonnieren|testen|weiterlesen)|(jetzt|hier) (kostenlos )?registrieren|already (a subscriber|have an account)\??.{0,40}|sign in to (continue|read).{0,40}|create a free account.{0,80})\W*$"),
    _named("credits-line", r"^\W*((additional )?(reporting|writing|editing|compiled|research|translated|produced) by\b.{0,300}|.{0,120}\bcontributed (reporting )?to this (report|article|story)\W*)$", requires=("reporting by", "writing by", "editing by", "compiled by", "research by", "translated by", "produced by", "contributed")),
    _named("affiliate", r"(may earn (an? )?(affiliate )?commission|affiliate (links?|commission)|we may (earn|receive) (a )?(small )?(commission|compensation)|provisions?-?links|partnerlinks?|(dieser|der) (beitrag|artikel|post) enthält (werbung|affiliate|anzeigen)|enthält (unbezahlte )?werbung|contains affiliate links|this post (is sponsored|contains)|sponsored post)"),
    _named("ad-blocker", r"(ad-? ?blocker|disable your ad|adblock)", requires=("blocker", "disable your ad", "adblock")),
    _named("moderation", r"(moderat\w* (all )?comments|comments (are|will be) (moderated|reviewed|closed)|comments? policy|(comentários|comentarios|kommentare|commentaires).{0,120}(moderador|moderator|moderation|modérateur))", requires=("moderat", "comment", "kommentare", "comentários", "comentarios")),
    _named("citation", r"^\W*(citation|cite this article|zitiervorschlag)\s*:.{0,400}(retrieved|abgerufen|accessed).{0,200}$|subject to copyright", requires=("citation", "cite this article", "zitiervorschlag", "subject to copyright")),
    _named("counter", r"^.{0,20}(第\s*\d+\s*(个|位)(阅览者|读者|访客)|(阅读|浏览|点击|访问|阅览)(次数|量|数)?\s*[:：(（]?\s*\d+|\d+\s*(次|人)(阅读|浏览|点击|围观)|在线用户\s*[:：]?\s*\d+|\d+\s*(views|reads|visits)\b).{0,20}$", requires=("第", "阅读", "浏览", "点击", "访问", "阅览", "次", "人", "在线用户", "views", "reads", "visits")),
    # A live blog's entry stamp ("21 mins ago 11:48 Jon King"): never article text.
    _named("live-stamp", r"^\W*\d+\s*(mins?|minutes?|hours?|hrs?)\s+ago\W*\d{1,2}[:.]\d{2}\b.{0,40}$"),
    _named("bare-time", r"^\W*\d{1,2}[:.h]\d{2}(\s*(am|pm|a\.m\.|p\.m\.|uhr|h|et|gmt|utc|bst|cet))?\W*$"),
    _named("widget-text", r"^\W*(【?纠错】?|打印本页|关闭窗口|打印本页\s*关闭窗口|【?字体[:：]?\s*大\s*中\s*小】?|我要反馈|视频加载中.{0,6}|点击查看大图|阅读原文|展开全文|收起|点击进入专题.{0,30}|返回顶部|返回首页|print( this)? (article|page|story)|back to top|skip to (main )?content|continue reading( below)?|story continues below( advertisement)?|loading\.*|enable javascript.{0,60}|this (content|video) is not available.{0,60}|(photo|image) by .{1,60} on (unsplash|pexels)|getty images|shutterstock|istock(photo)?|table of contents|contents|inhaltsverzeichnis|auf dieser seite|on this page|in this (article|story)|in diesem (artikel|beitrag)|hauptinhalt|zum inhalt( springen)?|jump to (content|section)|sommaire|índice|indice|\d{1,3}\s*(min|mins|minuten|sek|sec)\.?)\W*$"),
    _named("portal-disclaimer", r"^.{0,10}(声明|提示)[:：].{0,40}(转载|不代表|仅供参考|传递更多信息).{0,200}$"),
    _named("keywords-label", r"^\W*(文章)?关键词\s*[:：].{0,60}$"),
    _named("member-promo", r"(有料会員|会員登録|会員限定|無料会員|ログインして|新規登録|유료 회원|회원가입|로그인).{0,80}$"),
    _named("gallery-count", r"^\W*(image|photo|picture|slide|foto|bild|imagen|immagine|图)\s*\d+\s*(of|von|de|di|sur|/)(\s*/)?\s*\d*\W*$"),
    _named("feedback-widget", r"^\W*(was (this|the) (article|post|story|page) (helpful|useful)|did you (find|like) this (article|post)|(war|ist) (der|dieser|dieses) (artikel|beitrag|text) (nützlich|hilfreich)|(möchten sie|willst du|möchtest du) (den|diesen) (artikel|beitrag) teilen|(noch )?keine bewertungen( vorhanden)?|no ratings yet|bewerten sie diesen (artikel|beitrag)|rate this (article|post))\W*.{0,40}$"),
    _named("subscription-prompt", r"^(?=.{0,300}$)(?=.*\b(subscri\w*|suscrip\w*|suscrib\w*|abonn\w*|abonnement|digital-?abo\w*|abo|abbona\w*|assinatura|assinante)\b)(?=.*\b(sign in|log in|login|register|create an? (free )?account|account|already (a subscriber|subscribed|have)|unlock|continue reading|keep reading|read the full|full access|unlimited access|anmelden|registrieren|einloggen|weiterlesen|konto|inicia sesión|regístrate|cuenta|usuario|dispositivo|connectez-vous|connexion|compte|accedi|accesso)\b).*$", requires=("subscri", "suscrip", "suscrib", "abonn", "abo", "abbona", "assina")),
    _named("trial-offer", r"((testen|lesen) sie .{0,12}(\d+|zwei|drei|vier|sechs) wochen|(\d+|zwei|drei|vier|sechs) wochen (kostenlos|gratis|für \d)|(try|read) .{0,20}(for free|free for) (\d+|one|two|three|four) (weeks?|months?|days?))", requires=("wochen", "free")),
    _named("follow-us", r"(click (here )?to (subscribe|sign up|follow)|follow (us|him|her|them|me) (on|at) (twitter|facebook|instagram|x\b)|(like|follow) us on facebook|join us on (whatsapp|telegram|facebook|instagram|x\b)|folgen sie uns auf|关注我们的?(微信|微博|公众号))", requires=("click ", "follow ", "like us", "join us on", "folgen sie uns", "关注我们")),
    _named("photo-credit", r"^\W*(photo|image|picture|credit|foto|bild|getty images|reuters|ap photo|afp)\s*[:/].{0,80}$"),
    NamedPattern("byline", re.compile(r"^\s*(?:[Bb]y|BY|[Vv]on|[Pp]or|[Pp]ar|[Dd]oor|[Aa]v|[Aa]f|Written by|Reporting by|Story by|Text:|Von:)\s+" + _NAME + r"(?:\s*(?:,|and|&|und|y|et|e|og|och|en)\s+" + _NAME + r")*\s*(?:(?:[|,•·\-–—]|\s(?:on|am|el|le|il|em)\s).{0,80})?$")),
    _named("updated", r"^\s*(updated|published|posted|last updated|aktualisiert|veröffentlicht|actualizado|publicado|mis à jour|publié|更新时间|发布于)\b.{0,80}$"),
)  # fmt: skip

# Lines that are chrome only at the body's start or end (datelines, labels, reading times):
# the same words mid-article may be content (a list of dates), so they are not dropped there.
EDGE_LINES: tuple[NamedPattern, ...] = (
    _named("dateline", r"^(?=.{0,80}$)(?=.*(\b(19|20)\d{2}\b|\b\d{1,2}:\d{2}\b|\d+\s*(hours?|minutes?|mins?|days?|weeks?) ago|小时前|分钟前|天前|\d{1,2}月\d{1,2}日)).*[^.!?。！？:：]$"),
    _named("posted-by", r"^(?=.{0,200}$).*\b(publicado por|posted by|published by|written by|geschrieben von|publié par|pubblicato da|categoria|category|categories|kategorie)\s*:"),
    _named("reading-time", r"^\W*(\d+\s*(min(ute)?s?\.?)\s*(read|lesezeit|de lectura|lecture|di lettura|läsning)|(lesezeit|reading time|阅读时间|预计阅读)\W*\d+.{0,20})\W*$"),
    _named("label", r"^\W*(tags?|topics?|filed under|schlagworte|themen|temas|tópicos|sujets|thèmes|argomenti|tematy|tagi|теги|темы|标签|关键词|关键字|分类|栏目)\s*[:：]?.{0,60}$"),
    _named("meta-label", r"^\W*(author|authors|publish(ed)? (date|on)|date|posted( on)?|updated|source|autor|datum|quelle|fecha|auteur)\s*[:：]?\s*$"),
    _named("audio", r"^\W*(listen to (this|the) article|listen|audio|save|saved|gift (this )?article|bookmark|vorlesen|artikel anhören|merken|teilen|drucken|font size|text size|a\+?\s*a-?)\W*$"),
)  # fmt: skip

# (appended to EDGE_LINES below)
_CJK_EDGE: tuple[NamedPattern, ...] = (
    _named("reporter-line", r"^\s*([\u4e00-\u9fff]{2,8}\s*)?(记者|通讯员|特约记者|实习记者|实习生)\s*[\u4e00-\u9fff·]{2,5}(\s*[、，,\s]\s*[\u4e00-\u9fff·]{2,5}){0,5}\s*$"),
    _named("bare-domain", r"^\W*(https?://)?(www\.)?[a-z0-9-]+(\.[a-z0-9-]+)+/?\W*$"),
    _named("bracket-label", r"^\s*[【\[][^】\]]{1,14}[】\]]\s*$"),
)  # fmt: skip
EDGE_LINES = EDGE_LINES + _CJK_EDGE

# Short blocks that end the article: what follows them in the same container is chrome
# (comment threads, related lists, prev/next), even when it looks like paragraphs.
# Legal and reprint notices of a site's footer: long paragraphs (often longer than any chrome
# line), so they are matched up to LEGAL_NOTICE_MAX_CHARS. A short article can weigh less than
# its site's legal footer; these must not count as article text.
LEGAL_NOTICES: tuple[NamedPattern, ...] = (
    _named("embed-consent", r"(empfohlener (redaktioneller )?inhalt|externe[rn]? inhalte?|ich bin damit einverstanden|einwilligung.{0,40}(widerrufen|laden)|personenbezogene daten an drittplattformen|to (view|display|see) this (content|embed)|(load|show|allow) (external|third[- ]party) content|click to (load|show) (the )?(content|embed))", requires=("empfohlen", "extern", "einverstanden", "einwilligung", "personenbezogen", "this content", "this embed", "party content", "click to")),
    _named("legal-notice", r"(при (любом )?(полном или частичном )?(использовании|цитировании|воспроизведении|перепечатке|копировании).{0,200}?(ссылк|гиперссылк|источник|указани).{0,80}?обязательн|все права (защищены|на материалы)|свидетельство о регистрации (сми|средства массовой информации)|является интеллектуальной собственностью|wszelkie prawa zastrzeżone|alle rechte vorbehalten|todos los derechos reservados|tous droits réservés|tutti i diritti riservati|todos os direitos reservados|με επιφύλαξη παντός δικαιώματος|all rights reserved)", requires=("при ", "все права", "свидетельство", "интеллектуальн", "prawa zastrzeżone", "rechte vorbehalten", "derechos reservados", "droits réservés", "diritti riservati", "direitos reservados", "επιφύλαξη", "rights reserved")),
)  # fmt: skip
LEGAL_NOTICE_MAX_CHARS = 2000

END_MARKERS: tuple[NamedPattern, ...] = (
    _named("comments-heading", r"^\W*(\d+\s*)?(comments?|responses?|replies|reader comments|leave a (reply|comment)|post a comment|join the (conversation|discussion)|discussion|kommentare|comentarios|comentários|commentaires|commenti|reacties|kommentarer|komentarze|(wybrane |najnowsze )?komentarze|comentar( este artículo| esta noticia)?|deja (un|tu) comentario|deixe (um|seu) comentário|opinie|dodaj (komentarz|opinię)|komentáře|diskuse|yorumlar|комментарии|комментарии читателей|обсуждение|добавить комментарий|ваш комментарий|отзывы|σχ[οό]λια|σχολι[αά]στε|γρ[αά]ψτε ([εέ]να )?σχ[οό]λιο|评论\s*[(（]?\d*[)）]?|网友评论|最新评论|热门评论|我也说两句|发表评论)(\s*[(（]\d+[)）])?\W*$"),
    _named("related-heading", r"^\W*(相关(文章|阅读|新闻|链接|报道|推荐)|延伸阅读|推荐阅读|猜你喜欢|related( articles?| stories| content| coverage| posts?)?|more (stories|articles|news)( from .{0,40})?|recommended( for you| stories| articles)?|you (may|might) (also )?like|(most|more) (read|popular|viewed|shared)( in .{0,40}| on .{0,40}| stories)?|read next|what to read next|top stories|latest (news|stories)|must read|meistgelesen|meist gelesen|neueste artikel|beliebteste artikel|lo más leído|les plus lus|più letti|幻灯欣赏|图片欣赏|热点推荐|精彩推荐|热门推荐|editor'?s picks|in case you missed it|explore further|more .{0,30} (stories|articles|news|coverage)|mehr zum thema|weitere artikel|(das|dieses) (thema |)könnte (sie|dich|euch) (auch )?interessieren|lest auch|lies auch|auch interessant|passend dazu|zum thema|ähnliche (beiträge|artikel|themen)|verwandte (themen\w*|artikel|beiträge)|weitere beiträge|leia também|leia mais|lee también|lea también|à lire aussi|lire aussi|voir aussi|vous aimerez aussi|vous (aimerez|pourriez aimer)( aussi| également)?|leggi anche|ti potrebbe interessare|potrebbe interessarti|zobacz (też|także|również)|czytaj (też|także|również)|polecamy|podobne (artykuły|tematy)|читайте (также|тоже)|смотрите также|(материалы|новости|статьи) по теме|похожие (новости|статьи|материалы)|по теме|διαβ[αά]στε (επ[ιί]σης|ακ[οό]μα|ακ[οό]μη)|σχετικ[αά] ([αά]ρθρα|θ[εέ]ματα|ν[εέ]α))\W*$"),
    _named("prevnext", r"^\s*(上一篇|下一篇)\s*[:：]"),
    _named("legal-heading", r"^.{0,12}(反侵权公告|声明|disclaimer|legal notice|haftungsausschluss)\W*$"),
    _named("about-author", r"^\W*(about the authors?|über (den|die) autor(in|en)?|sobre (o|el|la) autora?|à propos de l'auteur|sull'autore|关于作者|作者简介)\W*$"),
    NamedPattern("about-person", re.compile(r"^\W*(About|Über|Sobre|À propos de)\s+" + _NAME + r"\W*$")),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ChromeRules:
    """One bundle of chrome rules; pass a modified copy to change behaviour, never mutate."""

    drop_tags: tuple[str, ...] = DROP_TAGS
    chrome_tags: tuple[str, ...] = CHROME_TAGS
    class_substrings: tuple[NamedPattern, ...] = CHROME_CLASS_SUBSTRINGS
    class_tokens: frozenset[str] = CHROME_CLASS_TOKENS
    content_class: re.Pattern[str] = CONTENT_CLASS
    strong_class_rules: frozenset[str] = STRONG_CLASS_RULES
    # A weakly matched element with at least this much text outside links (and few links) is
    # kept: it is article text under an unlucky class name.
    weak_keep_chars: int = 400
    weak_keep_chars_cjk: int = 150
    chrome_lines: tuple[NamedPattern, ...] = CHROME_LINES
    end_markers: tuple[NamedPattern, ...] = END_MARKERS
    legal_notices: tuple[NamedPattern, ...] = LEGAL_NOTICES
    edge_lines: tuple[NamedPattern, ...] = EDGE_LINES
    # An element the class rules would remove is kept when it holds at least this share of
    # the page's text: a chrome word on the article's own wrapper must not delete the article.
    protect_share: float = 0.5
    extra_line_patterns: tuple[NamedPattern, ...] = field(default=())
    # Each list compiled into one alternation, so a page costs one regex search per element or
    # block instead of one per rule (derived from the lists above; never set by hand).
    selectors: tuple[NamedSelector, ...] = CHROME_SELECTORS
    # Each selector as a test on one element, plus one XPath listing the elements that could
    # match any of them (by the attributes and tags the selectors mention): one pass over the
    # page in C instead of one per selector.
    compiled_selectors: tuple[tuple[NamedSelector, lxml.etree.XPath], ...] = field(
        init=False, repr=False, compare=False
    )
    selector_candidates: lxml.etree.XPath = field(init=False, repr=False, compare=False)
    # Elements the class/tag/hidden rules could match (class, id, style, hidden, chrome tag),
    # listed in C; and the count of such elements inside one (skipped once it is removed).
    class_candidates: lxml.etree.XPath = field(init=False, repr=False, compare=False)
    class_candidates_inside: lxml.etree.XPath = field(init=False, repr=False, compare=False)
    class_matcher: PatternSet = field(init=False, repr=False, compare=False)
    line_matcher: PatternSet = field(init=False, repr=False, compare=False)
    edge_matcher: PatternSet = field(init=False, repr=False, compare=False)
    end_matcher: PatternSet = field(init=False, repr=False, compare=False)
    legal_matcher: PatternSet = field(init=False, repr=False, compare=False)
    # Verdicts of the line rules by text: menus, share bars and labels repeat on every page of
    # a site (a third of all blocks on the eval pages recur), and the rules are pure. Bounded.
    line_verdicts: dict[tuple[int, str], str | None] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        translator = GenericTranslator()
        compiled = tuple(
            (selector, lxml.etree.XPath(translator.css_to_xpath(selector.css, prefix="self::")))
            for selector in self.selectors
        )
        object.__setattr__(self, "compiled_selectors", compiled)
        tests = sorted(
            {test for selector in self.selectors for test in _selector_tests(selector.css)}
        )
        object.__setattr__(self, "selector_candidates", lxml.etree.XPath(_listing(tests)))
        class_tests = [
            *(f"@{name}" for name in ("class", "id", "style", "hidden", "aria-hidden")),
            *(f"self::{tag}" for tag in self.chrome_tags),
        ]
        listing = _listing(class_tests)
        object.__setattr__(self, "class_candidates", lxml.etree.XPath(listing))
        object.__setattr__(self, "class_candidates_inside", lxml.etree.XPath(f"count({listing})"))
        object.__setattr__(self, "class_matcher", PatternSet.of(self.class_substrings))
        # Legal notices are chrome lines too; long blocks are tried against them alone.
        lines = (*self.chrome_lines, *self.extra_line_patterns, *self.legal_notices)
        object.__setattr__(self, "line_matcher", PatternSet.of(lines))
        object.__setattr__(self, "edge_matcher", PatternSet.of(self.edge_lines))
        object.__setattr__(self, "end_matcher", PatternSet.of(self.end_markers))
        object.__setattr__(self, "legal_matcher", PatternSet.of(self.legal_notices))


def _listing(tests: list[str]) -> str:
    """An XPath listing, in document order, the descendants passing any of ``tests``.

    Written as a union of attribute steps (``descendant::*/@class/..``) rather than one
    predicate (``.//*[@class or @id …]``): libxml2 evaluates each ``or`` operand as a node-set,
    which makes the predicate form ~5x slower on a 50 KB page.
    """
    attributes = [f"descendant::*/{test}" for test in tests if test.startswith("@")]
    tags = [f"descendant::{test[len('self::') :]}" for test in tests if test.startswith("self::")]
    parts = ([f"({' | '.join(attributes)})/.."] if attributes else []) + tags
    return " | ".join(parts) if parts else "/..[false()]"


def _selector_tests(css: str) -> set[str]:
    """XPath tests (``@attr``, ``self::tag``) that any element matching ``css`` passes."""
    tests: set[str] = set()
    for selector in parse(css):
        # cssselect's node classes share no base type: walk them by name and attribute.
        node: Any = selector.parsed_tree
        while node is not None:
            kind = type(node).__name__
            if kind == "Attrib":
                tests.add(f"@{node.attrib}")
            elif kind == "Class":
                tests.add("@class")
            elif kind == "Hash":
                tests.add("@id")
            elif kind == "Element" and node.element:
                tests.add(f"self::{node.element}")
            node = getattr(node, "selector", None)
    return tests


DEFAULT_RULES = ChromeRules()
