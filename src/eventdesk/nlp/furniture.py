"""Where a page's furniture begins: the comment section and its policy at an article's end.

Why: text pasted or extracted from a news site often ends with the site's comment section ("Post
a comment", "We will not tolerate the following: profanity, threats, personal attacks ...").
Read as news, a policy that lists "threats" and "attacks" becomes events, and a summary may quote
it. Sentence by sentence these lines look like ordinary prose; what gives them away is the
heading or policy line that opens the block, so everything from there on is left out by the
stages that report what an article says (events, summaries, timelines).

Plain regular expressions over the text: cheap, and the same for every stage.
"""

from __future__ import annotations

import re
from itertools import islice

__all__ = ["furniture_start"]

# A line that opens a comment section: a heading on its own ("Comments", "Post a comment",
# "Leave a Reply") or a moderation notice ("Rudaw moderates all comments", "comments must meet
# our community guidelines", "Comment policy").
_OPENERS = re.compile(
    r"^[ \t]*(?:"
    r"(?:\d+\s+)?comments?|post a comment|leave a (?:comment|reply)|add (?:a|your) comment"
    r"|join the (?:discussion|conversation)|show comments|view comments|reader comments"
    r"|comment policy|community guidelines"
    r")[ \t]*:?[ \t]*$"
    r"|\bmoderates? (?:all )?(?:the )?comments\b|\bcomments? (?:policy|guidelines)\b"
    r"|\byour comments? must\b|\bcomments? (?:are|is) moderated\b",
    re.IGNORECASE | re.MULTILINE,
)
# A reader's signed post, stamped with its clock time: "At 00:45 am on 16 Jun 2010, jdd535
# wrote: ...", "On 16 June 2010 at 9:12, Sam wrote: ...". Where a page carries two or more, the
# first opens the readers' section wherever it stands: a "Have your say" page is mostly its
# readers' posts, and their "attack" and "resign" are opinions, not events. The clock time is
# what tells a post from news quoting a post ("On Monday, Trump wrote: ...").
_SIGNED = re.compile(
    r"^[ \t]*(?:At|On)\b[^\n]{0,40}?\b\d{1,2}:\d{2}\b[^\n]{0,30}?,\s*\S{2,40}\s+wrote\s*:",
    re.IGNORECASE | re.MULTILINE,
)
MIN_SIGNED = 2
# A block this far into the text, or later, is the page's tail; an opener in the first part is
# more likely a report about comments ("comments by the minister") than furniture.
MIN_SHARE = 0.5


def furniture_start(text: str) -> int | None:
    """The offset where the article's trailing comment section begins, or None if it has none.

    The section starts at the first opener (see :data:`_OPENERS`) found in the last half of the
    text: at its line, or, for a notice inside a line of prose, at the notice's sentence; or,
    where the text holds two or more readers' signed posts (:data:`_SIGNED`), at the first post,
    wherever it stands.
    """
    if not text:
        return None
    signed = [m.start() for m in islice(_SIGNED.finditer(text), MIN_SIGNED)]  # enough to tell
    first_post = signed[0] if len(signed) >= MIN_SIGNED else None
    floor = int(len(text) * MIN_SHARE)
    for m in _OPENERS.finditer(text, floor):
        line = text.rfind("\n", 0, m.start()) + 1
        # a notice inside a line of prose starts at its own sentence, not the paragraph's
        sentence = max(text.rfind(end, 0, m.start()) for end in (". ", "! ", "? "))
        start = max(line, sentence + 2 if sentence >= 0 else 0)
        return start if first_post is None else min(start, first_post)
    return first_post
