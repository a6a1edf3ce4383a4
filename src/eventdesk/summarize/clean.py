"""Sentence cleaning for timelines and summaries: keep the news, drop the page furniture.

Why a separate step: extracted article text carries datelines ("BAGHDAD (Reuters) -"), bylines,
share buttons, photo credits and comment-policy notes. In an extractive summary these read as
noise and, worse, a dateline glued to a lead sentence makes two copies of one report look
different to the de-duplication. :func:`clean_sentence` removes what can be removed from a
sentence and returns None when nothing newsworthy is left, so the caller drops it.

Everything here is plain regular expressions over one sentence: it runs before any model and
must stay cheap, since every sentence of every article passes through it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..nlp.datelines import DATELINE as _DATELINE

__all__ = ["MIN_WORDS", "clean_sentence", "is_boilerplate"]

MIN_WORDS = 5  # a shorter remainder is a heading, a caption or a fragment, not a report

# "By Jane Doe, Reuters", "By JANE DOE and John Roe | Staff writers" at the start of a sentence.
_BYLINE_HEAD = re.compile(
    r"^\s*By\s+[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3}"
    r"(?:\s*(?:,|and|&)\s*[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3})*"
    r"(?:\s*[,|]\s*[\w .'’-]{0,40})?\s*(?:\n|$|(?=[A-Z][a-z]+ [a-z]))",
)
# Whole sentences that are page furniture, wherever they appear in the sentence.
_FURNITURE = re.compile(
    r"(?:"
    r"\bsource link\b|\bcomments? (?:are|is) (?:moderated|closed|welcome)|\bcomment polic"
    r"|\bclick here\b|\bread (?:more|the full|our)\b|\bshare (?:this|on)\b"
    r"|\b(?:follow|like) us on\b|\bsign up (?:for|to)\b|\bsubscribe (?:to|now|for)\b"
    r"|\bnewsletter\b|\ball rights reserved\b|\bcopyright\b|©"
    r"|\bmay not be (?:published|reproduced|redistributed)\b|\brewritten or redistributed\b"
    r"|\bcookie(?:s| policy)\b|\bprivacy policy\b|\bterms of (?:use|service)\b"
    r"|\bjavascript\b|\byour browser\b|\bthis video\b|\bwatch (?:the )?video\b"
    r"|\bplease (?:read|note|enable)\b|\bload(?:ing)? comments\b|\bjump to comments\b"
    r"|\bemail this\b|\bprint this\b|\bfacebook\b.*\btwitter\b|\btwitter\b.*\bfacebook\b"
    r"|\b(?:photo|image|picture|video) (?:by|credit|courtesy)\b|\bgetty images\b"
    r"|\b(?:AP|Reuters|AFP|EPA) (?:photo|images?)\b|^\s*(?:photo|image|caption|file photo)\s*:"
    r"|^\s*(?:advertisement|related|trending(?: news)?|more|see also|also read|editor'?s note)\s*:?"
    r"\s*(?:$|[A-Z])"
    r"|\bthis (?:story|article) (?:has been|was) (?:updated|corrected)\b"
    r"|\bcontributed (?:to )?(?:this )?report(?:ing)?\b|\breporting by\b|\bediting by\b"
    r"|\bwritten by\b"
    r"|\bwayback machine\b|\barchived pages\b|\barchive-it\b|\bcrawl data\b|\bthese crawls\b"
    r"|\bcrawls of\b|\bno more 404\b|\bbroken links?\b|\bmailing list\b"
    # a web archive's description of its crawl: "The seed for Wide00014 was:", "Top ranked
    # pages (up to a max of 100) from every linked-to domain", "We used Heritrix ..."
    r"|\b(?:web|wide|this|the) crawl(?: was| of|\b[^.]{0,40}\b(?:seed|URLs|WARC))"
    r"|\bseed ?list\b|\bthe seed for \w*\d\w* was\b|\bWARC\b|\bheritrix\b|\binter-domain\b"
    r"|\bslash pages\b|\bhighly ranked URLs\b|\blinked-to domain\b"
    # its note on why it keeps pages, the captures it holds, a tweet's location settings,
    # a page's social plug-in ("Join us on Facebook Like us and ...")
    r"|\bpages that are referenced\b|\bthe version that was live\b|\bweb captures\b"
    r"|\blocation (?:information )?to your tweets\b|\btweet location history\b"
    r"|\bjoin us on (?:facebook|twitter|instagram)\b"
    r"|\bbrowser to (?:see|view|watch)\b"
    # captions and a player's notices: "Image caption ...", "Media playback is unsupported",
    # "In this May 24, 2016, file photo, ...", "In this image released by ..."
    r"|\b(?:image|media|video) caption\b|\bmedia playback\b"
    r"|^\s*in this (?:(?:undated|file|handout|recent|aerial|\w+\.? \d{1,2},? \d{4},?|\d{4},?)\s+)"
    r"{0,3}(?:photo|image|picture|frame grab|video still)\b"
    r"|\bsend us your\b|\btweet with a location\b|\badd a location to your tweets?\b"
    # a teaser cut short with its agency: "Police arrested several people and are widening...
    # (Associated Press)"; a related-link line in brackets: "[Titanosaur Photos: Meet ...]"
    r"|(?:\.\.\.|…)\s*\((?:the )?(?:associated press|AP|reuters|AFP)\)\s*$"
    r"|^\s*\[[^\]]{3,200}\]\s*$"
    # more captions: "... in this March 24, 2015 file photo", "File photo of ...", "This photo
    # released by the agency shows ...", "Enlarge this image toggle caption", "Graphic shows"
    r"|\bin (?:this|a)\b[^.;]{0,40}\bfile (?:photo|image|picture)\b"
    r"|^\s*this (?:undated |handout |file |aerial )*(?:photo|image|picture)"
    r"(?: \w+){0,3} (?:released|provided|taken|made available|obtained|shows?)\b"
    r"|^\s*(?:a |an )?file (?:photo|image|picture)\b"
    r"|\btoggle caption\b|\benlarge this image\b|^\s*graphic shows\b"
    # links, sign-up and press-wire furniture
    r"|https?://|\bwww\.\w|\bunsubscribe\b|\bclick (?:below|the link|on the)\b"
    r"|^\s*watch (?:the |our )?(?:report|video|live)\b"
    r"|\((?:business ?wire|pr ?newswire|globe ?newswire|marketwired)\)"
    r"|\b(?:translated|compiled) by\b|^\s*edited (?:and \w+ )?by\b"
    r")",
    re.IGNORECASE,
)
# Trailing credits and captions inside an otherwise good sentence: "(Photo: AP)", "(Reuters)".
_TRAILING = re.compile(
    r"\s*(?:\((?:(?:courtesy|file|staff|ap|handout) )?(?:photo|image|picture|file|credit)"
    r"[^)]{0,60}\)|\[(?:photo|image)[^\]]{0,60}\])\s*",
    re.IGNORECASE,
)
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"[A-Za-z]+(?:['’][a-z]+)?")


def is_boilerplate(text: str) -> bool:
    """True when ``text`` is page furniture as a whole (a share line, a credit, a policy note)."""
    return _FURNITURE.search(text) is not None


def clean_sentence(text: str) -> str | None:
    """``text`` without dateline, byline or credits; None if nothing newsworthy remains.

    "Newsworthy" is deliberately simple: at least :data:`MIN_WORDS` words, some of them lower
    case (a sentence in capitals is a heading), and no page furniture anywhere in it — a sentence
    that mentions "click here" is a link line even when it also says something.
    """
    if not isinstance(text, str):
        raise TypeError(f"clean_sentence() takes a str, not {type(text).__name__}")
    if len(text) > _REMEMBERED_CHARS:  # a run-on "sentence" (a table, a list): not kept
        return _clean.__wrapped__(text)
    return _clean(text)


_REMEMBERED_CHARS = 2_000  # 20,000 sentences of at most this stay in memory


@lru_cache(maxsize=20_000)
def _clean(text: str) -> str | None:
    """:func:`clean_sentence`, remembered: a story's views read every sentence of its articles
    twice (the texts to embed, then the summary), and the furniture pattern costs 0.15 ms a
    sentence, a third of the 2,000-article benchmark's story views (``bench/views.py``)."""
    s = _SPACES.sub(" ", text).strip()
    if not s or is_boilerplate(s):
        return None
    for _ in range(2):  # "LONDON (Reuters) - By Jane Doe ..." has two heads
        before = s
        s = _DATELINE.sub("", s, count=1)
        s = _BYLINE_HEAD.sub("", s, count=1).strip()
        if s == before:
            break
    s = _TRAILING.sub(" ", s).strip()
    s = s.lstrip("-–—:|•*· ").strip()
    words = _WORD.findall(s)
    if len(words) < MIN_WORDS:
        return None
    if not any(w[0].islower() for w in words):
        return None
    if s[0].islower() and not s[0].isdigit():
        s = s[0].upper() + s[1:]
    return s
