"""Casualty and arrest counts stated in an event's sentence ("killing 12", "five were wounded").

Why from the parse and not a regular expression over the sentence: a number counts the dead only
when it quantifies the thing that was killed ("12 soldiers were killed", "killing 12"), and a
sentence is full of other numbers (years, troop totals, distances) that must not be counted. So a
number is taken only when the word it counts is an argument of a kill/wound/arrest word, or it
sits in a fixed casualty phrase ("12 dead", "a death toll of 12").
"""

from __future__ import annotations

import re

from ..types import Size
from .tree import Tree

KILL = frozenset({"kill", "die", "dead", "behead", "execute", "massacre", "murder", "slay",
                  "slaughter", "assassinate", "death", "fatality", "perish", "lose", "shoot_dead"})
WOUND = frozenset({"wound", "injure", "hurt", "injured", "wounded", "injury", "maim"})
ARREST = frozenset({"arrest", "detain", "jail", "imprison", "apprehend", "capture", "round",
                    "hold", "abduct", "kidnap", "seize", "nab"})
TOLL = frozenset({"toll"})

WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "hundred": 100, "dozen": 12, "a": 1, "an": 1,
}
PERSON_NOUNS = frozenset({
    "person", "people", "civilian", "soldier", "troop", "police", "policeman", "officer",
    "militant", "fighter", "rebel", "protester", "demonstrator", "child", "woman", "man",
    "student", "worker", "contractor", "journalist", "member", "insurgent", "guard", "pilgrim",
    "villager", "resident", "passenger", "gunman", "suspect", "activist", "staff", "employee",
    "marine", "commander", "official", "leader", "refugee", "migrant", "player", "patient",
})
_NUM = re.compile(r"^\d{1,3}(,\d{3})*$|^\d+$")


def number_value(text: str) -> int | None:
    """Integer value of a count token ("12", "1,200", "twelve"); None for years and others."""
    t = text.lower()
    if _NUM.match(t):
        v = int(t.replace(",", ""))
        if 1800 <= v <= 2100 and "," not in t:
            return None  # a year
        return v
    if "-" in t:  # twenty-five
        parts = t.split("-")
        if all(p in WORDS for p in parts):
            return sum(WORDS[p] for p in parts)
    return WORDS.get(t) if t not in ("a", "an") else None


def _count_of(tree: Tree, noun: int) -> int | None:
    """The number counting ``noun`` ("12 soldiers", "at least five people", "a contractor")."""
    tok = tree.tokens[noun]
    v = number_value(tok.text) if tok.pos == "NUM" else None
    if v is not None:
        return v
    for c in tree.kids(noun, "nummod", "quantmod", "det", "amod"):
        ct = tree.tokens[c]
        if ct.dep == "det":
            if (ct.text.lower() in ("a", "an") and tok.tag in ("NN", "NNP")
                    and tree.lemma(noun) in PERSON_NOUNS):
                return 1
            continue
        v = number_value(ct.text)
        if v is not None:
            return v
    # "12 of them", "five of the soldiers"
    if tok.pos == "NUM":
        return number_value(tok.text)
    return None


def _category(tree: Tree, k: int) -> str | None:
    lem = tree.lemma(k)
    text = tree.tokens[k].text.lower()
    if lem in KILL or text in KILL:
        return "dead"
    if lem in WOUND or text in WOUND:
        return "injured"
    if lem in ARREST or text in ARREST:
        return "arrested"
    return None


def sentence_size(tree: Tree, sent_tokens: list[int]) -> Size:
    """The dead/injured/arrested counts stated in one sentence (largest stated value of each)."""
    found: dict[str, int] = {}

    def put(cat: str | None, value: int | None) -> None:
        if cat and value is not None and value > 0:
            found[cat] = max(found.get(cat, 0), value)

    for k in sent_tokens:
        tok = tree.tokens[k]
        cat = _category(tree, k)
        if cat is None:
            continue
        if tok.pos in ("VERB", "AUX") or tok.tag.startswith("VB"):
            if tree.lemma(k) in ("die", "perish"):
                for s in tree.kids(k, "nsubj"):
                    put("dead", _count_of(tree, s))
                continue
            args = tree.kids(k, "dobj", "nsubjpass")
            for a in args:
                if tree.lemma(a) in ("toll",):
                    continue
                v = _count_of(tree, a)
                if v is None:
                    continue
                if tree.tokens[a].pos == "NUM" or tree.lemma(a) in PERSON_NOUNS or any(
                        tree.lemma(c) in PERSON_NOUNS for c in tree.kids(a, "prep")) or \
                        tree.tokens[a].pos in ("NOUN", "PROPN"):
                    put(cat, v)
                # "killed 12 soldiers and wounded 20" is handled per verb; conjoined objects:
                for cj in tree.kids(a, "conj"):
                    put(cat, _count_of(tree, cj))
            # "at least 12 were killed" with the number as subject
            continue
        # adjectival: "12 dead", "five people were reported injured", "12 killed"
        if tok.dep in ("amod", "acomp", "oprd", "appos", "conj", "ROOT", "npadvmod"):
            h = tree.head(k)
            put(cat, _count_of(tree, h) if h != k else None)
            for c in tree.kids(k, "nummod", "npadvmod", "nsubj"):
                put(cat, number_value(tree.tokens[c].text))
        # "a death toll of 12"/"the toll rose to 12"
    for k in sent_tokens:
        if tree.lemma(k) in TOLL:
            for a in tree.subtree(tree.head(k)):
                if tree.tokens[a].pos == "NUM" and tree.sent_of[a] == tree.sent_of[k]:
                    put("dead", number_value(tree.tokens[a].text))
    return Size(dead=found.get("dead"), injured=found.get("injured"),
                arrested=found.get("arrested"))
