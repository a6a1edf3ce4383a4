"""Tense of the clause a date sits in: decides "on Friday" = last Friday or the coming one.

With a dependency parse we read the verb that governs the date ("On Friday, NATO will join":
"Friday" hangs off "join", whose auxiliary is "will"), so a past-tense "said" elsewhere in the
sentence does not mislead. Without a parse (the stateless commands) we fall back to cue words
in the sentence. "would" is deliberately not a future cue: in reported speech ("said it would
meet on Friday") it is as often past as future; it gives the tense "would", by which the nearer
of the two days wins.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence

from ..types import Token
from .lexicon import FUTURE_GOVERNORS, FUTURE_MODALS
from .normalize import Tense

_FUTURE_CUES = re.compile(
    r"\b(?:will|shall|won't|(?:is|are|was|were|'s|'re)\s+(?:going|due|set|expected|scheduled"
    r"|slated|poised)\s+to|plans?\s+to|planned\s+to|intends?\s+to)\b|\w'll\b",
    re.IGNORECASE,
)
_NEAR = 40  # tokens either side of a verb searched for its auxiliaries
_MAX_CLIMB = 8  # head steps from the date to its verb; deeper means a parse we should not trust


class TenseReader:
    """Reads tense for spans of one document; indexes the tokens once."""

    def __init__(self, tokens: Sequence[Token]):
        self.tokens = tokens
        self.starts = [t.start for t in tokens]
        self.ends = [t.end for t in tokens]
        self.dense = all(t.i == k for k, t in enumerate(tokens))

    def _children(self, verb: Token) -> list[Token]:
        """Dependents of ``verb``, looked for nearby only (a full index costs more per article
        than the few verbs we ask about)."""
        if not self.dense:
            return [t for t in self.tokens if t.head == verb.i and t.i != verb.i]
        lo, hi = max(0, verb.i - _NEAR), min(len(self.tokens), verb.i + _NEAR)
        return [t for t in self.tokens[lo:hi] if t.head == verb.i and t.i != verb.i]

    def _token(self, i: int) -> Token | None:
        # Token.i is the document-wide index; the list is in that order (nlp stage).
        if self.dense:
            return self.tokens[i] if 0 <= i < len(self.tokens) else None
        return next((t for t in self.tokens if t.i == i), None)  # a hand-built token list

    def verb_tense(self, start: int, end: int) -> tuple[bool, Tense | None]:
        """``(found, tense)``: whether a verb governs ``[start, end)`` and its tense (None:
        present or unclear)."""
        lo = bisect_right(self.ends, start)
        hi = bisect_left(self.starts, end)
        inside = self.tokens[lo:hi]
        if not inside:
            return False, None
        ids = {t.i for t in inside}
        root = next((t for t in inside if t.head not in ids or t.head == t.i), inside[0])
        cur: Token | None = root
        for _ in range(_MAX_CLIMB):
            if cur is None:
                return False, None
            if cur.i not in ids and cur.pos in ("VERB", "AUX"):
                return True, self._verdict(cur) or "present"
            if cur.head == cur.i:
                return False, None
            cur = self._token(cur.head)
        return False, None

    def _verdict(self, verb: Token) -> Tense | None:
        kids = self._children(verb)
        aux = [k for k in kids if k.dep in ("aux", "auxpass")]
        if any(k.text.lower().lstrip("'") in FUTURE_MODALS or k.lemma.lower() in FUTURE_MODALS
               for k in aux if k.tag == "MD"):  # fmt: skip
            return "future"
        if any(k.tag == "MD" and k.text.lower() == "would" for k in aux):
            return "would"  # reported future or conditional: either side of the anchor
        head = self._token(verb.head) if verb.head != verb.i else None
        has_to = any(k.text.lower() == "to" and k.tag == "TO" for k in aux)
        if head is not None and has_to and verb.dep == "xcomp":
            if head.lemma.lower() in FUTURE_GOVERNORS:
                return "future"
            if any(k.tag == "MD" and k.text.lower().lstrip("'") in FUTURE_MODALS
                   for k in self._children(head)):  # fmt: skip
                return "future"
        if verb.tag == "VBD":
            return "past"
        if any(k.tag == "VBD" for k in aux):  # "was killed", "had met", "did not say"
            return "past"
        if verb.tag == "VBN" and (not aux or any(k.lemma.lower() == "have" for k in aux)):
            return "past"  # "troops killed on Sunday", "has signed"; not "is delivered"
        return None


def cue_tense(sentence: str) -> Tense | None:
    """Future when the sentence carries a future cue word; otherwise unknown."""
    return "future" if _FUTURE_CUES.search(sentence) else None
