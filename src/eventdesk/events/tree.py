"""Navigation of the dependency parse kept in ``doc.tokens``, and the factuality cues read off it.

Why over ``doc.tokens`` and not the spaCy Doc: the tokens survive storage and the Ray runner, so
event coding can be re-run on a stored document; the Doc is only a transient convenience.

Factuality is decided from the tree around a trigger (documented on :func:`factuality`): the
flags say how the text presents the event, so that a negated or hypothetical event is kept but
never passed off as something that happened.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..types import Document, Token

# Words that introduce attributed speech: "X said Y attacked" makes the attack a reported claim.
SPEECH_VERBS = frozenset({
    "say", "tell", "report", "claim", "state", "add", "allege", "assert", "explain", "note",
    "write", "quote", "reveal", "confirm", "acknowledge", "insist", "argue", "believe", "suggest",
    "announce", "indicate", "maintain", "contend", "testify", "disclose", "recount", "tweet",
    "warn", "caution",
})
# Adverbs that make the act a claim someone makes, not a fact the text states.
CLAIM_ADVERBS = frozenset({"allegedly", "reportedly", "purportedly", "supposedly", "ostensibly"})
MODALS = frozenset({"will", "would", "could", "may", "might", "shall", "should", "can", "must",
                    "wo", "ca", "'ll", "need"})
# Governing words that make what they govern an intention, plan, expectation or possibility.
INTENT_WORDS = frozenset({
    "plan", "intend", "expect", "aim", "hope", "seek", "want", "consider", "prepare", "propose",
    "threaten", "vow", "pledge", "promise", "offer", "agree", "decide", "wish", "mull", "weigh",
    "likely", "unlikely", "set", "due", "poised", "ready", "able", "unable", "willing", "eager",
    "possible", "going", "urge", "ask", "call", "demand", "request",
    "press", "order", "invite", "encourage", "vote", "warn", "refuse", "reject", "decline",
    "commit", "move", "resolve", "need", "push", "allow", "authorize", "approve",
})
# Governing words that deny what they govern ("denied attacking", "failed to reach").
# Of those, the ones that state the actor's own commitment or plan (PLOVER codes a stated
# intention to cooperate as AGREE), as opposed to mere possibility ("could", "if", "likely").
INTENT_STRONG = frozenset({"plan", "intend", "decide", "agree", "pledge", "promise", "vow",
                           "offer", "commit", "prepare", "set", "due", "move", "aim", "resolve",
                           "poised", "ready", "willing", "going", "seek", "want", "eager"})
# Governing words by which an authority takes a decision: "decided to lift the sanctions" is
# the concession itself being made, not a promise of one.
DECISION_WORDS = frozenset({"decide", "resolve"})
# Speech verbs that make a decision public: "announced it would suspend the training" tells the
# decision taken (its "would" is the reported "will"), where "said it would retaliate" only
# tells an intention.
ANNOUNCING_WORDS = frozenset({"announce", "declare"})
FUTURE_MODALS = frozenset({"will", "shall", "'ll", "wo"})
NEGATING_GOVERNORS = frozenset({"deny", "fail", "refuse", "decline", "avoid", "reject", "dismiss",
                                "refute", "prevent", "stop", "unable", "incapable", "without"})
# Adjectives of ability that govern an act through "of": "capable of attacking" states what a
# party can do, not what it did (as "able to attack" does through "to").
ABILITY_WORDS = frozenset({"capable", "incapable"})
NEG_DETERMINERS = frozenset({"no", "none", "nobody", "nothing", "neither", "nor", "never"})
CONDITIONAL_MARKS = frozenset({"if", "unless", "whether", "lest"})
HYPOTHETICAL_MODIFIERS = frozenset({"planned", "proposed", "possible", "potential", "threatened",
                                    "future", "expected", "imminent", "prospective", "would-be"})
CLAUSE_DEPS = frozenset({"xcomp", "ccomp", "advcl", "pcomp", "acl", "relcl", "csubj", "conj",
                         "dep", "parataxis"})
# "neg": "The Pentagon, not the Coalition, ..." names the Pentagon, not "Pentagon, not".
NP_EXCLUDE = frozenset({"relcl", "acl", "appos", "punct", "cc", "conj", "advcl", "parataxis",
                        "prep", "dep", "neg"})


# Verb lemmas the small English model gets wrong ("staged" -> "stag", "retook" kept as it is,
# found by lemmatising the past forms of cue verbs in a plain sentence): the cue tables are
# written for the right lemma, so the wrong one would silently miss "staged a protest".
LEMMA_FIXES = {"stag": "stage", "retook": "retake"}


@dataclass(slots=True)
class Tree:
    """Children lists and sentence bounds over ``doc.tokens`` (indices into that list)."""

    doc: Document
    tokens: list[Token]
    children: list[list[int]]
    sent_of: list[int]

    @classmethod
    def build(cls, doc: Document) -> Tree:
        toks = doc.tokens
        base = toks[0].i if toks else 0
        children: list[list[int]] = [[] for _ in toks]
        for k, t in enumerate(toks):
            h = t.head - base
            if h != k and 0 <= h < len(toks):
                children[h].append(k)
        sent_of = [doc.sentence_at(t.start) for t in toks]
        return cls(doc=doc, tokens=toks, children=children, sent_of=sent_of)

    def head(self, k: int) -> int:
        h = self.tokens[k].head - (self.tokens[0].i if self.tokens else 0)
        return h if 0 <= h < len(self.tokens) else k

    def kids(self, k: int, *deps: str) -> list[int]:
        if not deps:
            return self.children[k]
        return [c for c in self.children[k] if self.tokens[c].dep in deps]

    def lemma(self, k: int) -> str:
        lem = self.tokens[k].lemma.lower()
        return LEMMA_FIXES.get(lem, lem) if self.tokens[k].pos == "VERB" else lem

    def tokens_in(self, start: int, end: int) -> range:
        """Indices of the tokens that start in ``[start, end)`` (a span of the article text)."""
        return self.doc.token_range(start, end)

    def sentence_tokens(self, sent: int) -> list[int]:
        return [k for k, s in enumerate(self.sent_of) if s == sent]

    def subtree(self, k: int) -> Iterator[int]:
        stack = [k]
        while stack:
            n = stack.pop()
            yield n
            stack.extend(self.children[n])

    def ancestors(self, k: int, limit: int = 8) -> Iterator[int]:
        """Heads above ``k`` up to the sentence root."""
        seen = {k}
        n = k
        for _ in range(limit):
            h = self.head(n)
            if h in seen:
                return
            seen.add(h)
            yield h
            n = h

    def governor(self, k: int) -> int | None:
        """The word whose clause ``k`` is a complement of (through conj chains), if any."""
        n = k
        for _ in range(6):
            dep = self.tokens[n].dep
            h = self.head(n)
            if h == n:
                return None
            if dep == "conj":
                n = h
                continue
            if dep in ("xcomp", "ccomp", "pcomp", "acl", "advcl", "csubj"):
                return h
            if dep == "pobj":
                n = h  # "accused X of attacking": pcomp/pobj under a preposition
                continue
            if dep == "prep":
                return h
            return None
        return None

    def np_span(self, k: int) -> tuple[int, int]:
        """Character span of the noun phrase headed by ``k``, without clauses and appositions.

        "of" phrases stay ("the government of Iraq"), and so does "from" after a noun for
        people sent or belonging somewhere (:data:`PEOPLE_FROM`: "doctors from two American aid
        groups", "troops from Chad": whose they are; "credits from the National Bank" are no
        party); other
        prepositional phrases, relative clauses and conjuncts are left out so the span names one
        participant.
        """
        keep = [k]
        stack = [k]
        while stack:
            n = stack.pop()
            for c in self.children[n]:
                t = self.tokens[c]
                if t.dep in NP_EXCLUDE and not (t.dep == "prep" and (
                        t.lemma.lower() == "of" or (t.lemma.lower() == "from" and n == k
                                                    and self.lemma(k) in PEOPLE_FROM))):
                    continue
                keep.append(c)
                stack.append(c)
        lo = min(keep)
        hi = max(keep)
        toks = self.tokens
        # trim leading determiners/punctuation and trailing punctuation
        while lo < hi and (toks[lo].pos in ("PUNCT", "DET", "CCONJ") or toks[lo].dep == "case"):
            lo += 1
        while hi > lo and toks[hi].pos == "PUNCT":
            hi -= 1
        # the span must be contiguous and inside the sentence of k
        return toks[lo].start, toks[hi].end


# Nouns for people whose "from" phrase says whose they are ("officials from the World Bank").
PEOPLE_FROM = frozenset({
    "delegate", "delegation", "diplomat", "doctor", "envoy", "expert", "fighter", "force",
    "inspector", "journalist", "lawmaker", "leader", "legislator", "member", "militant",
    "minister", "monitor", "negotiator", "observer", "official", "representative", "soldier",
    "team", "troop", "volunteer", "worker",
})


def _has_neg(tree: Tree, k: int) -> bool:
    for c in tree.children[k]:
        t = tree.tokens[c]
        if t.dep == "neg" or t.lemma.lower() in ("never", "not", "n't"):
            return True
    return False


def _np_negated(tree: Tree, k: int) -> bool:
    """'No one was hurt', 'no soldiers were killed': a negative determiner on an argument."""
    for c in tree.kids(k, "nsubj", "nsubjpass", "dobj"):
        if tree.lemma(c) in NEG_DETERMINERS:
            return True
        for d in tree.children[c]:
            if tree.lemma(d) in NEG_DETERMINERS and tree.tokens[d].dep in ("det", "neg", "amod"):
                return True
    return False


def _modal(tree: Tree, k: int) -> str | None:
    """'future' for will/shall, 'modal' for could/may/might/would/should, else None."""
    for c in tree.kids(k, "aux", "auxpass"):
        w = tree.tokens[c].text.lower()
        if w in FUTURE_MODALS or tree.lemma(c) in FUTURE_MODALS:
            return "future"
        if tree.lemma(c) in MODALS or w in MODALS:
            return "modal"
    return None


def future_clause(tree: Tree, v: int) -> bool:
    """Whether the clause of verb ``v`` is told as to come: "will"/"shall"/"would" on it or on
    the verb it is joined to by "and" ("will meet him and testify"), or "going to"."""
    n = v
    for _ in range(4):
        for c in tree.kids(n, "aux", "auxpass"):
            w = tree.tokens[c].text.lower()
            if w in FUTURE_MODALS or w in ("would", "'d") or tree.lemma(c) in FUTURE_MODALS:
                return True
        if tree.lemma(n) == "go" and tree.kids(n, "xcomp") and tree.tokens[n].tag == "VBG":
            return True
        if tree.tokens[n].dep != "conj" or tree.head(n) == n:
            return False
        n = tree.head(n)
    return False


@dataclass(slots=True)
class Factuality:
    negated: bool = False
    hypothetical: bool = False
    reported: bool = False
    intent: bool = False  # hypothetical only as a stated future act or plan ("will", "plans to")
    conditional: bool = False  # under "if"/"unless"
    # the event is itself the condition ("unless France withdrew its troops"): what another
    # party wants done, neither offered nor threatened by its own actor
    is_condition: bool = False
    # the only thing making it hypothetical is a condition clause it carries ("vowed to kill
    # the hostages unless ..."): for a threat or a demand that clause belongs to what is said
    only_carried_condition: bool = False
    decided: bool = False  # governed by a decision taken ("decided to lift the sanctions")
    announced: bool = False  # what a body announced it will do ("announced it would suspend")


def _conditional(tree: Tree, k: int) -> bool:
    """Whether ``k`` is under a condition: its own clause opens with "if"/"unless", or it
    carries such a clause ("would meet the envoy if he ...")."""
    return _is_condition(tree, k) or _carries_condition(tree, k)


def _is_condition(tree: Tree, k: int) -> bool:
    return any(tree.lemma(c) in CONDITIONAL_MARKS for c in tree.kids(k, "mark"))


def _carries_condition(tree: Tree, k: int) -> bool:
    return any(tree.lemma(m) in CONDITIONAL_MARKS and tree.lemma(m) != "whether"
               for c in tree.kids(k, "advcl") for m in tree.kids(c, "mark"))


def _clause_dep(tree: Tree, k: int) -> str:
    """How ``k``'s clause hangs under its governor: a verb joined by "and" to another takes
    that one's relation ("need to meet and sign": "sign" is needed too, as "meet" is)."""
    n = k
    for _ in range(6):
        if tree.tokens[n].dep != "conj" or tree.head(n) == n:
            break
        n = tree.head(n)
    return tree.tokens[n].dep


def factuality(tree: Tree, k: int) -> Factuality:
    """Negated, hypothetical and reported flags for the event triggered at token ``k``.

    - negated: a negation on the trigger ("did not attack", "never met"), a negative determiner
      on its subject or object ("no soldiers were killed"), or a negating governor ("denied
      attacking", "failed to reach", "refused to withdraw"), or a negated governor ("did not
      agree to sign").
    - hypothetical: a modal on the trigger or a governor ("will deploy", "could strike"), an
      intention/plan/expectation governor ("plans to", "expected to", "is set to", "agreed to"),
      a conditional clause ("if", "unless"), or a planning modifier on a nominal trigger
      ("the planned withdrawal").
    - reported: the trigger sits in the complement of a speech verb ("X said Y attacked"), its
      clause carries "according to", or an adverb makes it a claim ("allegedly attacked",
      "reportedly killed").
    """
    negated = _has_neg(tree, k) or _np_negated(tree, k)
    modal = _modal(tree, k)
    conditional = _conditional(tree, k)
    is_condition = _is_condition(tree, k)
    carried_only = conditional and not is_condition and modal is None
    hypothetical = modal is not None or conditional
    possible = modal == "modal" or conditional
    reported = False
    decided = announced = False
    if tree.tokens[k].pos in ("NOUN", "PROPN"):
        for c in tree.kids(k, "amod", "compound", "nmod"):
            if tree.tokens[c].text.lower() in HYPOTHETICAL_MODIFIERS:
                hypothetical = True
        if any(tree.lemma(c) in NEG_DETERMINERS for c in tree.kids(k, "det")):
            negated = True
    if any(tree.tokens[c].text.lower() in CLAIM_ADVERBS for c in tree.kids(k, "advmod")):
        reported = True
    n = k
    for _ in range(5):
        for c in tree.kids(n, "prep"):
            if tree.lemma(c) == "accord":
                reported = True
            if tree.tokens[c].text.lower() == "according":
                reported = True
        gov = tree.governor(n)
        if gov is None:
            break
        glem = tree.lemma(gov)
        dep = _clause_dep(tree, n)
        if glem in SPEECH_VERBS and dep in ("ccomp", "parataxis", "advcl", "dep"):
            reported = True
        if dep in ("xcomp", "pcomp", "ccomp", "prep", "acl") and glem in NEGATING_GOVERNORS:
            negated = True
        if dep in ("xcomp", "acl") and glem in DECISION_WORDS and not _modal(tree, gov):
            decided = True
        if dep == "ccomp" and glem in ANNOUNCING_WORDS and future_clause(tree, n) and \
                not conditional and not _modal(tree, gov):
            announced = True  # "announced that it would suspend": the decision, made public
        if (dep in ("xcomp", "ccomp", "acl") and glem in INTENT_WORDS) or (
                dep in ("pcomp", "prep") and glem in ABILITY_WORDS):
            hypothetical = True
            carried_only = False
            if glem not in INTENT_STRONG:
                possible = True
        if dep in ("xcomp", "ccomp", "acl") and _has_neg(tree, gov):
            negated = True
        gmodal = _modal(tree, gov)
        if gmodal and dep in ("xcomp", "ccomp", "conj"):
            hypothetical = True
            carried_only = False
            possible = possible or gmodal == "modal"
        if _conditional(tree, gov):
            hypothetical = possible = conditional = True
            carried_only = False
            is_condition = is_condition or _is_condition(tree, gov)
        if glem in SPEECH_VERBS:
            break  # the speaker's own modality does not colour the reported event
        n = gov
    return Factuality(negated=negated, hypothetical=hypothetical, reported=reported,
                      intent=hypothetical and not possible, conditional=conditional,
                      decided=decided, announced=announced, is_condition=is_condition,
                      only_carried_condition=carried_only and hypothetical)
