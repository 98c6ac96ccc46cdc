"""Author names: cleaning prefixes/roles/emails off raw strings and splitting name lists."""

from __future__ import annotations

import re
import unicodedata

from pipeline.cleaning.chars import HAN, HANGUL, KANA

# "By", "Von", "Por" … at the start of a byline, in the languages news pages use.
BYLINE_PREFIX = re.compile(
    r"^\s*(?:(?:written|reported|reporting|posted|published|story|words|text|photos?|interview|compiled|edited)\s+by"
    r"|by|von|vom|por|par|af|av|door|oleh|od|от|"
    r"autor(?:in|es|as|a)?|author(?:s)?|auteur(?:e|s)?|autore|forfatter|författare|yazar|text|texte|reportage|"
    r"analysis by|commentary by|opinion by|(?:erstellt|geschrieben|verfasst) von|текст|автор|фото|"
    r"redaktion|redakteur(?:in)?|bericht|reporter|correspondent|escrito por|publicado por|"
    r"作者|记者|文|撰文|撰稿|文字|编译|通讯员|本报记者|特约记者|新华社记者|来源|出处|"
    r"著者|筆者|記者|기자|글)"
    rf"(?:\s*[:：/|｜]\s*|\s+|(?=[{HAN}]))",
    re.IGNORECASE,
)
# Separators between names in a list.
NAME_SEPARATORS = re.compile(
    r"\s*(?:,|;|、|，|；|/|\||\s&\s|\s\+\s|\s(?:and|und|y|e|et|og|och|en|i|ve|dan|и|та|und von)\s)\s*",
    re.IGNORECASE,
)
_CJK_SPACE_SEPARATED = re.compile(f"^[{HAN}]{{2,4}}(?:\\s+[{HAN}]{{2,4}})+$")
_EMAIL = re.compile(r"\S+@\S+\.\w+")
_URL = re.compile(r"https?://\S+|www\.\S+")
_HANDLE = re.compile(r"(?:^|\s)@\w+")
_PARENS = re.compile(r"\s*[(（\[][^)）\]]*[)）\]]")
_DATEISH = re.compile(
    r"\b\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b.*$|\b(?:19|20)\d{2}年.*$|\b\d{1,2}:\d{2}\b.*$|"
    r"\b(?:updated|aktualisiert|published|veröffentlicht|am|on|le|el|il)\s+\d.*$",
    re.IGNORECASE,
)
# Words that make a comma-part a role or a place, not a person ("Jane Doe, Senior Reporter").
ROLE_WORDS = re.compile(
    r"\b(?:reporter|correspondent|editor|editorial|writer|columnist|contributor|journalist|staff|"
    r"photographer|producer|analyst|redakteur|redakteurin|korrespondent|korrespondentin|"
    r"redacción|redactor|redactora|corresponsal|rédaction|rédacteur|journaliste|"
    r"giornalista|inviato|redattore|chief|senior|deputy|head of|professor|dr\.? phil|"
    r"follow|twitter|email|e-mail|updated|published|more articles|articles by|all articles|"
    r"bio|profile|read more|mehr von|alle artikel|artikel von|comments?|"
    # Links and labels beside a byline: "Weitere Artikel", "Veröffentlicht am", "No Author".
    r"weitere artikel|more stories|veröffentlicht|aktualisiert|no author|unknown author)\b",
    re.IGNORECASE,
)
# A token that never belongs to a name.
_NOT_NAME = re.compile(r"[<>{}=@#\d_]|https?:|\.(?:com|de|org|net)\b", re.IGNORECASE)
# Chinese words that end organisations (人民网, 训练营, 吉林日报) or are labels, not names.
_CJK_NOT_NAME = re.compile(
    r"(?:网|網|报|報|社|台|臺|刊|站|部|局|厅|廳|委|院|会|會|中心|公司|馆|館|所|办|辦|处|處|营|"
    r"频道|頻道|时间|時間|来源|來源|日期|编辑|編輯|单位|發布|发布|作者|记者|記者|"
    r"评论|阅读|点击|分享|打印|关闭|字号|新闻)$|^(?:时间|来源|日期|编辑|发布|发表|作者|记者|本报|本台|回复|评论)"
    # Role nouns end in an agent suffix: 评论员, 研究员, 编者, 律师, 院长, 专家, 博士.
    r"|(?:员|者|师|长|家|士|官|教授|主任)$"
    # Units of an organisation and places, three characters or more: 市政府办公室, 宣传科,
    # 调研组, 北京市.
    r"|^.{2,}(?:室|科|组|厂|队|团|署|集团|协会|市|省|县|区|镇|乡|村)$"
)
# Menu and toolbar words that stand alone on a line exactly like a name does.
CJK_UI_WORDS = frozenset(
    [
        "登录",
        "登陆",
        "注册",
        "退出",
        "首页",
        "返回",
        "更多",
        "搜索",
        "关闭",
        "打印",
        "分享",
        "收藏",
        "评论",
        "帮助",
        "订阅",
        "下载",
        "上一篇",
        "下一篇",
        "推荐",
        "热门",
        "最新",
        "专题",
        "视频",
        "图片",
        "新闻",
        "要闻",
        "国内",
        "国际",
        "财经",
        "体育",
        "娱乐",
        "科技",
        "汽车",
        "房产",
        "教育",
        "健康",
        "旅游",
        "时尚",
        "军事",
        "文化",
        "社会",
        "评论",
        "留言",
        "联系我们",
        "网站地图",
        "设为首页",
        "加入收藏",
        "返回顶部",
        "回首页",
        "关注",
        # Comment and post widgets: "发表 最新评论", "回复", "匿名网友", "游客".
        "发表",
        "发布",
        "回复",
        "编辑",
        "匿名",
        "网友",
        "游客",
        "举报",
        "点赞",
        "转发",
        "删除",
        "引用",
        "沙发",
        "楼主",
        "用户",
        "会员",
        "管理员",
        "匿名网友",
        # "Unknown" placeholders where a name would go.
        "佚名",
        "未知",
        "不详",
        "匿名用户",
        "热心网友",
        "我也说两句",
    ]
)
# The same widgets in Latin script: a comment box's "Reply" or "Share" line, or a login
# link, sits next to author markup and reads like a one-word name.
UI_WORDS = frozenset(
    {
        "reply",
        "replies",
        "share",
        "shares",
        "comment",
        "comments",
        "login",
        "log in",
        "logout",
        "log out",
        "sign in",
        "sign up",
        "register",
        "subscribe",
        "follow",
        "print",
        "email",
        "anonymous",
        "guest",
        "edit",
        "delete",
        "report",
        "like",
        "quote",
        "permalink",
        "admin",
        "administrator",
        "user",
        "member",
        "home",
        "menu",
        "search",
        "close",
        "more",
        "antworten",
        "teilen",
        "kommentar",
        "kommentare",
        "anmelden",
        "répondre",
        "partager",
        "responder",
        "compartir",
        "rispondi",
        "condividi",
        "mehr",
        "weiterlesen",
        # Placeholders where a CMS has no name to print.
        "no author",
        "unknown",
        "anonym",
    }
)
_CJK = re.compile(f"[{KANA}{HAN}{HANGUL}]")


# Italian/Portuguese "di"/"de"/"da" mean "by" only in lower case before a capital: "Di Maria" is a name.
_LOWER_PREFIX = re.compile(r"^(?:di|da|de)\s+(?=[A-ZÀ-Ý])")


CREDENTIALS = frozenset(
    {
        "MS",
        "MSc",
        "BSc",
        "RD",
        "RDN",
        "LD",
        "MD",
        "PhD",
        "Ph.D",
        "MPH",
        "RN",
        "MA",
        "MBA",
        "DDS",
        "CPA",
        "DVM",
        "PharmD",
        "CDE",
    }
)
# Bylines glued to a dateline: "Jeff FoustMonday", "Malcolm Owen Monday, November 18".
_WEEKDAY_TAIL = re.compile(
    r"(?:(?<=[a-z])|\s+)(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b.*$"
)


def is_ui_word(text: str) -> bool:
    """A widget or menu word ("发表", "Reply", "匿名网友") that is never anyone's name."""
    compact = " ".join(text.split())
    return compact in CJK_UI_WORDS or compact.casefold() in UI_WORDS


def strip_prefix(text: str) -> str:
    previous = None
    while previous != text:
        previous = text
        text = BYLINE_PREFIX.sub("", text, count=1).strip()
        text = _LOWER_PREFIX.sub("", text, count=1)
    return text


# Shape of a name in page text. Punctuation other than the joiners of Western names
# (Jean-Luc, O'Brien, J. Doe) and of transliterated CJK names (穆罕默德·阿里) means the
# token is a fragment of a sentence or a label: "(本文", "出自：".
_NAME_JOINERS = frozenset(".-'’·・‧")
# Function words: a Chinese name never opens with a demonstrative, a pronoun or the verb of
# a source line (本文, 此文, 该报, 出自, 转自, 据…), nor ends with a particle (…的, 网友们).
_CJK_FUNCTION_START = re.compile(
    r"^(?:[本此该这那其我你他她它据转摘]|出自|来自|选自|引自|源自|编者|系)"
)
_CJK_PARTICLE_END = re.compile(r"[的了吗呢吧啊着过们]$")


def _has_foreign_punctuation(text: str) -> bool:
    return any(unicodedata.category(ch)[0] in "PS" and ch not in _NAME_JOINERS for ch in text)


def _cjk_function_word(text: str) -> bool:
    compact = text.replace(" ", "")
    return bool(_CJK_FUNCTION_START.search(compact) or _CJK_PARTICLE_END.search(compact))


# "赵  培": a two-character name padded to the width of three, as CJK pages align names.
_SPACED_CJK_NAME = re.compile(f"^[{HAN}](?:[ \u3000]+[{HAN}]){{1,2}}$")


def clean_name(raw: str, *, structured: bool = False) -> str | None:
    """One person's name from a fragment, or None when it does not look like a name.

    ``structured`` names (JSON-LD, meta tags) are declared as authors by the publisher, so
    only junk is removed; names found in page text must also look like names.
    """
    text = " ".join(raw.replace("\u00a0", " ").split())
    if _SPACED_CJK_NAME.match(text):
        text = text.replace(" ", "")
    text = _PARENS.sub("", text)
    text = _EMAIL.sub(" ", text)
    text = _URL.sub(" ", text)
    text = _HANDLE.sub(" ", text)
    text = _DATEISH.sub("", text)
    text = _WEEKDAY_TAIL.sub("", text)
    text = strip_prefix(text)
    text = text.strip(" \t-–—:：|·•,.;'\"“”„«»*")
    if not text or len(text) > 60:
        return None
    if is_ui_word(text):
        return None
    words = text.split()
    if structured:
        # Ids such as "L_104485" or "105092" are CMS user numbers, not names.
        is_id = any(ch.isdigit() for ch in text) and len(words) == 1
        usable = len(words) <= 8 and "<" not in text and "http" not in text and not is_id
        return text if usable and any(ch.isalpha() for ch in text) else None
    if _NOT_NAME.search(text) or ROLE_WORDS.search(text) or _has_foreign_punctuation(text):
        return None
    if any(all(ch in _NAME_JOINERS for ch in word) for word in words):
        # A joiner standing between spaces separates things ("Headline - Site"), it joins
        # no name.
        return None
    if not _CJK.search(text) and not words[0][0].isupper():
        return None
    if _CJK.search(text):
        if len(text.replace(" ", "")) > 12 or len(words) > 3:
            return None
        if _CJK_NOT_NAME.search(text) or text in CJK_UI_WORDS or _cjk_function_word(text):
            return None
    elif len(words) > 5:
        return None
    return text


def looks_like_organisation(name: str) -> bool:
    """A CJK name shaped like an organisation, a desk or a label (新华网, 人民日报社, 本站编辑).

    Structured data (meta author, JSON-LD) keeps such names, but they credit the house,
    not a person: a reporter named in the page text is the better author.
    """
    return bool(_CJK.search(name)) and bool(_CJK_NOT_NAME.search(name.replace(" ", "")))


_SPACED_BAR = re.compile(r"\s+[|–—-]\s+")
# A byline, even one naming a dozen writers, is one line. A longer "name" is page text or an
# attack, and _EMAIL's search takes quadratic time on it (a 425 KB meta author: minutes).
_MAX_BYLINE_CHARS = 1000


def split_names(raw: str, *, structured: bool = False) -> list[str]:
    """All names in a byline string: 'By Jane Doe and John Roe' → ['Jane Doe', 'John Roe']."""
    text = " ".join(raw.replace("\u00a0", " ").split())
    if not text or len(text) > _MAX_BYLINE_CHARS or _URL.fullmatch(text):
        return []
    text = _PARENS.sub("", text)
    text = _EMAIL.sub(" ", text)
    text = strip_prefix(text)
    if not structured:
        # "By Jane Doe | Reuters", "Jane Doe – Updated 10:03": what follows a spaced bar or
        # dash in page text is an agency, a section or a date, not another writer.
        text = _SPACED_BAR.split(text, 1)[0]
    parts = text.split() if _CJK_SPACE_SEPARATED.match(text) else NAME_SEPARATORS.split(text)
    if len(parts) > 1:
        # In a list, parts that are roles or degrees ("Jane Doe, AP Sports Writer",
        # "Rachael Link, MS, RD") are dropped even from structured data; a lone value
        # such as "Guardian staff reporter" is what the publisher chose to credit.
        parts = [p for p in parts if not ROLE_WORDS.search(p) and p.strip(" .") not in CREDENTIALS]
    names: list[str] = []
    for part in parts:
        name = clean_name(part, structured=structured)
        if name:
            names.append(name)
    return names


def dedupe(names: list[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for name in names:
        key = " ".join(name.casefold().split())
        if key not in seen:
            seen.add(key)
            out.append(name)
    return out


def looks_like_url(value: str) -> bool:
    return bool(_URL.match(value.strip()))
