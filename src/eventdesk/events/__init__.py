"""Event coding stage: find the events each sentence reports and code them (PLOVER or ACLED).

How an event is found and typed:

1. **Rules on the dependency parse** (:mod:`.detect`): cue lemmas per type from the ontology file,
   verb+object rules ("suspend training" -> SANCTION, "suspend strikes" -> RETREAT), particle verbs
   ("pull out"), and event nouns with context ("air strike" vs "general strike").
2. **A small classifier** (MiniLM sentence embedding + n-grams, :mod:`.classifier`, trained at
   first use on our labelled examples in ``data/training/plover*.jsonl`` and cached in the user
   cache directory under the data's hash) decides where the rules cannot: between the types a cue
   is listed under, for sentences with no cue at all (only above :data:`CLASSIFIER_MIN`), and
   against a cue word used in another sense ("beat forecasts", "stormed to victory": the
   sentence is no event when it is sure of that, :data:`CLASSIFIER_VETO`; it learns ordinary
   news from ``data/training/background.jsonl``). A classifier trained with ``eventdesk train``
   and passed as ``Options.model`` replaces it.
3. **Factuality** (:func:`.tree.factuality`): negated, hypothetical (future, plan, condition) and
   reported events are kept with their flags set; they are never presented as having happened.
   Following PLOVER, a stated commitment or plan to cooperate ("will visit", "agreed to expand")
   is coded as AGREE (the commitment is the event, so it is not flagged hypothetical) and a
   promised step back ("pledged to withdraw") as CONCEDE; a sanction decided or announced
   ("announced it would suspend the training") is the sanction, not flagged.
4. **Arguments**: the trigger's subject is the actor, its object or prepositional object
   (against/with/to/on) the recipient; passives are undone ("was attacked by"). Spans are resolved
   with the actors stage's ``resolve_actor`` when it is installed (see :func:`_actor_resolver`).
5. **Dates**: the date mention in the event's sentence (the one attached to the trigger in the
   parse, else the nearest), not one of another noun ("under a 2014 agreement") or of another
   clause told in another time ("but he will testify Thursday"), always a chronology entry's
   stamp ("May 2 - Obama visits ..."); if the sentence has none, the nearest earlier date in
   the same paragraph; else null. The publication date is never assumed: a null date is
   honest.
6. **Sizes** (:mod:`.sizes`): dead/injured/arrested counts stated in the sentence.
7. **Salience**: events are listed most salient first (position in the article and title,
   how many sentences report the same type and actor, confidence, factual before flagged).

With ``Options.ontology == "acled"`` typing is delegated to :mod:`.acled` (ACLED event and
sub-event types); detection, actors, dates and sizes stay the same.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from ..errors import ModelError, UsageError
from ..nlp.furniture import furniture_start
from ..types import Actor, DateMention, Document, Entity, Event, Size
from .detect import (
    FIRST_PERSON,
    LIGHT_VERBS,
    SAYING,
    SAYING_VERBS,
    WITH_ANOTHER_TYPES,
    Candidate,
    arguments,
    can_act,
    candidates,
    governing_subject,
    in_response_phrase,
    is_pronoun,
    relative_head,
    reported_without_agent,
    subject_of,
    talks_with,
    unowned_means,
)
from .ontology import Ontology, load_ontology
from .sizes import sentence_size
from .tree import Tree, factuality, future_clause

if TYPE_CHECKING:
    from ..pipeline import Options

__all__ = ["EventComponent", "Ontology", "load_ontology"]

log = logging.getLogger(__name__)

NAME = "eventdesk.events.v1"
# A sentence without any rule cue gets an event only when the classifier is at least this sure;
# below it, "no event" is the honest answer (most sentences of an article are not events).
CLASSIFIER_MIN = 0.55
# A sentence whose cue words the rules read as an event is still no event when the classifier
# is at least this sure it is none: a cue in another sense ("beat forecasts", "the market
# rallied", "drought killed crops"). It learnt "none" from sentences of ordinary news we wrote
# (data/training/background.jsonl). With 0.6, and 0.85 where a state or armed actor is named,
# the factual PLOVER events in 200 BBC business, sport, tech and culture articles fall from 894
# to 369 (eval/events_plover_gsr.py --background 200) with none of its 120 gold sentences lost;
# 0.6 everywhere gave 289 but lost one (a minister "committed to opening up the economy").
CLASSIFIER_VETO = 0.6
# Verbs of speaking: a sentence the classifier calls a meeting, whose main verb is one of these,
# is a meeting only with someone spoken with (:func:`.detect.talks_with`).
SPOKEN = SAYING | frozenset({"speak", "talk", "address"})
# Surer still where the sentence names a state or armed actor (a ministry, an army, a party, a
# court, an IGO, rebels): there a cue word is most likely meant, and vetoing it costs real events.
CLASSIFIER_VETO_POLITICAL = 0.85
POLITICAL_SECTORS = frozenset({"GOV", "MIL", "REB", "OPP", "PTY", "COP", "JUD", "SPY", "IGO"})
# With --ontology acled, an article where no rule fired is typed as a whole; its event is kept
# only at this confidence and with a matching ACLED cue pattern.
ACLED_ARTICLE_MIN = 0.4
# Without a cue: this sure; a "strategic development" (an agreement, a change of group), what
# ordinary business and political news reads like, surer still. Since the classifier learned a
# no-event class from ordinary news, these can be low: at 0.4 / 0.4 / 0.6, 5 of the first 500
# Reuters-21578 articles get an article-level event (Iraq repelling an Iranian attack, a blockade
# by farmers, a Lebanese agreement, a miners' rally; one false: a gas pipeline read as chemical
# weapons) against 1 at the earlier 0.5 / 0.6 / 0.8, and BBC non-news stays at 5 of 400
# (eval/events_case2021.py --background 400); CASE 2021 component 0.710 -> 0.725.
ACLED_ARTICLE_UNCUED_MIN = 0.4
ACLED_ARTICLE_STRATEGIC_MIN = 0.6
ACLED_STRATEGIC = "STRATEGIC_DEVELOPMENTS"
# The PLOVER types whose events ACLED can record: physical acts (protests, force, coercion, troop
# movements and withdrawals) and the agreements and concessions between conflict actors. Talks,
# requests, accusations, rejections, threats, statements of support, cooperation and aid are
# said, not done, and ACLED codes none of them; in a conflict article the ACLED classifier, read
# in the article's context, would otherwise turn every "discussed" and "called for" into a
# "change to group activity".
ACLED_PLOVER_TYPES = frozenset({"PROTEST", "ASSAULT", "FIGHT", "COERCE", "MOBILIZE", "RETREAT",
                                "AGREE", "CONCEDE", "SANCTION"})
NO_EVENT = "NONE"  # the training label for sentences that report no event
# Verbs of blocking a way, and the sectors whose blockades are protests (see _event).
OBSTRUCT_VERBS = frozenset({"block", "blockade", "barricade", "obstruct"})
CIVIC_SECTORS = frozenset({"CVL", "LAB", "OPP", "PTY", "EDU", "BUS", "NGO", "MED"})
# Cooperative acts stated as a plan or commitment are PLOVER AGREE; a promised step back CONCEDE.
COOPERATIVE = frozenset({"CONSULT", "COOPERATE", "AID", "SUPPORT"})
# Coercive acts stated as readiness or a condition are PLOVER THREATEN.
COERCIVE = frozenset({"ASSAULT", "COERCE", "SANCTION"})
# Speech-act events whose clausal or nominal complement is their content, not a second event:
# "urged X to withdraw" is one REQUEST, "threatened to strike" one THREATEN.
ABSORBING = frozenset({"REQUEST", "THREATEN", "AGREE", "REJECT", "ACCUSE", "SUPPORT", "CONCEDE",
                       "PROTEST"})
DENIALS = frozenset({"deny", "refute"})
# Entity kinds that can act (a place name acting is its government: "Baghdad said").
ACTOR_KINDS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"})
# An actor guessed from the sentence rather than read off the parse keeps this share of its
# confidence, so users can tell the two apart.
FALLBACK_ACTOR_CONFIDENCE = 0.5
# Acts whose patient is the actor's own activity ("their activities were suspended"), and how
# many sentences back the group "their" names may be.
OWN_ACTIVITY_TYPES = frozenset({"SANCTION", "RETREAT"})
OWNER_SENTENCES = 1
THREAT_MODES = {"ASSAULT": "violence", "SANCTION": "relations", "COERCE": "arrest",
                "MOBILIZE": "violence", "PROTEST": "restrict"}
REQUEST_MODES = {"RETREAT": "yield", "CONCEDE": "yield", "CONSULT": "meet", "AID": "assist",
                 "COOPERATE": "assist", "SANCTION": "yield"}


def _actor_resolver() -> Callable[[Document, int, int], Actor | None] | None:
    """The actors stage's ``resolve_actor`` if that module is installed, else None.

    The actors stage (``eventdesk.entities``) is developed separately; until it is present the
    events stage still runs, and an actor is then the span's text with the code, country and
    sector of an entity the pipeline already resolved there (None when nothing resolved it).
    """
    if importlib.util.find_spec("eventdesk.entities") is None:
        return None
    try:
        mod = importlib.import_module("eventdesk.entities")
    except ImportError as exc:  # present but incomplete (being written): run without it
        log.warning("eventdesk.entities cannot be imported (%s); actors stay unresolved", exc)
        return None
    fn = getattr(mod, "resolve_actor", None)
    return fn if callable(fn) else None


@dataclass(slots=True)
class _Work:
    """One document between the rules and the classifier (see :meth:`EventComponent.pipe`)."""

    doc: Document
    tree: Tree
    by_sent: dict[int, list[int]]
    per_sent: dict[int, list[Candidate]]
    stating: set[int]


def _sentence_entities(doc: Document, s: int) -> Iterator[Entity]:
    """The entities that start in sentence ``s``."""
    sent = doc.sentences[s]
    return (e for e in doc.entities if sent.start <= e.span.start < sent.end)


def _named_by_parse(tree: Tree, k: int | None) -> bool:
    """Whether the phrase headed by ``k`` is a person's or an organisation's name ("After a
    meeting with Obama, Svanberg apologised"): the parse's own participant, kept though the
    dictionary does not know it, rather than a resolved party guessed from elsewhere in the
    sentence (Obama). Words for people ("members of the association", "U.N. helicopters")
    head no name and are still guessed past."""
    # (the token's own NER label: asking every entity of the article for each event was
    # quadratic in a long article)
    return k is not None and tree.tokens[k].ent_type in ("PERSON", "ORG")


def _speech_to_nobody(tree: Tree, root: int) -> bool:
    """Whether the clause at ``root`` is speaking with no other side, itself or in what it
    governs: "Obama speaks from the Oval Office", "Obama is expected to talk about that
    person" (the talk hangs under "expected")."""
    v = root
    for _ in range(3):
        if tree.lemma(v) in SPOKEN:
            return not talks_with(tree, v)
        xs = tree.kids(v, "xcomp")
        if not xs:
            return False
        v = xs[0]
    return False


def _names_actor(doc: Document, s: int) -> bool:
    """Whether sentence ``s`` holds an entity the actors stage resolved (a code or country)."""
    return any(e.code or e.country for e in _sentence_entities(doc, s))


# Words that make a demand: "voted to oust", "called for ... to leave", "urged X to withdraw".
REQUEST_GOVERNORS = frozenset({"vote", "call", "demand", "urge", "ask", "request", "press",
                               "motion", "resolution"})


def _made_request(tree: Tree, k: int) -> bool:
    """Whether REQUEST trigger ``k`` is the content of a demand that was itself made.

    A REQUEST cue ("oust", "expel") in the complement of "vote", "call" or "urge" is what is
    demanded, and so irrealis; but PLOVER's REQUEST is the demanding, which happened unless the
    governing word is itself planned, conditional or negated ("will vote to oust").
    """
    gov = tree.governor(k)
    if gov is None or tree.tokens[k].dep not in ("xcomp", "acl", "ccomp", "advcl"):
        return False
    if tree.lemma(gov) not in REQUEST_GOVERNORS:
        return False
    gf = factuality(tree, gov)
    return not (gf.hypothetical or gf.negated)


def _names_political(doc: Document, s: int) -> bool:
    """Whether sentence ``s`` names an entity of a :data:`POLITICAL_SECTORS` sector."""
    return any(e.sector in POLITICAL_SECTORS for e in _sentence_entities(doc, s))


# Dependencies that join a clause of its own to a word ("boycotted the vote, and the government
# will ..."; "the centre, which Italy leads"): a party named there is not the word's recipient.
# Complements and purposes stay ("urged Iraq to cooperate", "sent troops to help Kabul"): on
# the PLOVER gold sentences, leaving those out too cost a tenth of the recipients found.
_CLAUSE_DEPS = frozenset({"conj", "parataxis", "relcl"})
# Prepositions of place: a party named under one is where, not to whom.
# ("on" and "at" are left out: "sanctions on Iran", "fired at the police" name the recipient.)
_PLACE_PREPS = frozenset({"in", "near", "outside", "inside", "across", "throughout", "within",
                          "around", "along"})


def _own_phrase(tree: Tree, k: int) -> Iterator[int]:
    """Token ``k`` and its dependents, not descending into clauses joined to them
    (:data:`_CLAUSE_DEPS`)."""
    stack = [k]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(c for c in tree.children[n] if tree.tokens[c].dep not in _CLAUSE_DEPS)


_TIME_PREPS = frozenset({"after", "before", "following", "since", "amid", "during", "until"})


def _under_place_prep(tree: Tree, n: int, k: int) -> bool:
    """Whether token ``n`` hangs under a preposition of place or time between it and ``k``:
    then it says where or when, not to whom."""
    for _ in range(8):
        if n == k:
            return False
        h = tree.head(n)
        if h == n:
            return False
        if tree.tokens[n].dep in ("pobj", "prep") and tree.lemma(h) in _PLACE_PREPS:
            return True  # "in Iraq", "outside of the Iraqi bases"
        if tree.tokens[n].dep == "pobj" and tree.lemma(h) in _TIME_PREPS:
            return True  # "after 12 days of battles with the Syrian-backed militia"
        n = h
    return False


# Speech acts: their own content is never re-read as a demand (see _obligation).
SPEECH_TYPES = frozenset({"REQUEST", "ACCUSE", "THREATEN", "REJECT"})
# Modals that put an obligation on a clause's subject (SAYING_VERBS: who reports it).
OBLIGATION_MODALS = frozenset({"must", "should", "ought"})


def _obligation(tree: Tree, k: int) -> tuple[int, int] | None:
    """(speaker, obliged) when ``k`` is what a speaker said another party must or should do.

    "The minister said on Friday that the government must withdraw its troops": CAMEO and
    PLOVER code that as the minister's demand (REQUEST) to the government, not as a withdrawal
    that may happen. Only a named speaker and a named obliged party, and two different ones ("the
    army said it must withdraw" is the army's own plan).
    """
    if not any(tree.lemma(a) in OBLIGATION_MODALS for a in tree.kids(k, "aux")):
        return None
    subj = tree.kids(k, "nsubj")
    n = k
    while tree.tokens[n].dep == "conj" and tree.head(n) != n:
        n = tree.head(n)  # "must release prisoners and withdraw": the first verb's clause
    if not subj:
        subj = tree.kids(n, "nsubj")
    if not subj or is_pronoun(tree, subj[0]) or tree.tokens[n].dep != "ccomp":
        return None
    verb = tree.head(n)
    if tree.lemma(verb) not in SAYING_VERBS:
        return None
    speaker = tree.kids(verb, "nsubj")
    if not speaker or is_pronoun(tree, speaker[0]) or \
            tree.lemma(speaker[0]) == tree.lemma(subj[0]):
        return None
    return speaker[0], subj[0]


PERMIT_VERBS = frozenset({"allow", "permit", "let", "authorize", "authorise"})


def _permission(tree: Tree, k: int) -> tuple[int, int] | None:
    """(permitter, permitted) when ``k`` is what a named party allowed another to do ("the
    minister allowed the opposition leader to hold a rally", "the government permitted
    journalists to visit the camp"): PLOVER codes the permission, a CONCEDE, not the act.
    An event noun counts through the verb it is the object of ("allowed X to hold a rally")."""
    if tree.tokens[k].pos == "NOUN" and tree.tokens[k].dep == "dobj":
        k = tree.head(k)
    if tree.tokens[k].dep not in ("ccomp", "xcomp"):
        return None
    verb = tree.head(k)
    if verb == k or tree.lemma(verb) not in PERMIT_VERBS or tree.kids(verb, "neg"):
        return None
    who = tree.kids(verb, "nsubj")
    whom = tree.kids(k, "nsubj") or tree.kids(verb, "dobj")
    if not who or not whom or is_pronoun(tree, who[0]) or is_pronoun(tree, whom[0]):
        return None
    return who[0], whom[0]


def _town_modifier(doc: Document, tree: Tree, k: int, j: int) -> bool:
    """Whether token ``j`` is a town (a city- or point-level place of the places stage) that
    modifies the noun ``k`` ("the Baghdad attack", "the Kabul bombing killed"): it says where.

    A country there ("a US drone strike") still names who: only towns are left out."""
    if tree.tokens[k].pos != "NOUN" or tree.head(j) != k or tree.tokens[j].dep not in (
            "compound", "nmod", "amod"):
        return False
    at = tree.tokens[j].start
    return any(p.span.start <= at < p.span.end and p.level in ("city", "point")
               for p in doc.places)


def _entities_in(doc: Document, actor: Actor) -> list[Entity]:
    """The entities inside an actor's span."""
    if actor.span is None:
        return []
    return [e for e in doc.entities
            if actor.span.start <= e.span.start and e.span.end <= actor.span.end]


class EventComponent:
    """``eventdesk.events.v1``: fills ``doc.events``, most salient first."""

    name = NAME
    requires: tuple[str, ...] = ("sentences", "tokens", "entities", "dates")
    assigns: tuple[str, ...] = ("events",)

    def __init__(self, options: Options | None = None):
        self.options = options
        self.ontology_name = options.ontology if options else "plover"
        if self.ontology_name not in ("plover", "acled") and not self.ontology_name.endswith(
                ".json"):
            raise UsageError(f"unknown ontology {self.ontology_name!r}",
                             hint="use --ontology plover or --ontology acled")
        # Detection always runs on the PLOVER cues; ACLED typing is applied on top.
        base = "plover" if self.ontology_name == "acled" else self.ontology_name
        self.ontology: Ontology = load_ontology(base)
        self.resolve_actor = _actor_resolver()
        self._model_path = options.model if options else None
        self._classifier: Any = None
        self._acled: Any = None
        if self.ontology_name == "acled":
            self._acled = importlib.import_module("eventdesk.events.acled")

    # -- classifier --------------------------------------------------------------------------
    def classifier(self) -> Any:
        """The typing classifier, loaded at first need (a user model, else the bundled one)."""
        if self._classifier is None:
            from .classifier import TextClassifier, bundled

            if self._model_path and self.ontology_name != "acled":
                clf = TextClassifier.load(self._model_path)
                known = set(self.ontology.labels) | {NO_EVENT}
                if not set(clf.labels) & known:
                    raise ModelError(
                        f"the model's labels {clf.labels[:5]} are not {self.ontology.name} types",
                        source=str(self._model_path),
                        hint="train it on labels of this ontology, or pass --ontology acled")
                self._classifier = clf
            else:
                self._classifier = bundled(self.ontology.name)
        return self._classifier

    def _probs(self, texts: list[str]) -> list[dict[str, float]]:
        if not texts:
            return []
        return self.classifier().predict_proba(texts)

    # -- the stage ---------------------------------------------------------------------------
    def __call__(self, doc: Document) -> Document:
        return self.pipe([doc])[0]

    def pipe(self, docs: Iterable[Document]) -> list[Document]:
        """Code a batch: rules per document, then one classifier call for the whole batch.

        Why batched: the classifier's sentence embedding is the expensive step, and one call
        over every sentence of the batch (sorted by length inside the embedder) costs far less
        than a call per article.
        """
        docs = list(docs)
        return self.end(docs, self.begin(docs))

    def begin(self, docs: list[Document]) -> Any:
        """The rules' part of :meth:`pipe`, up to the sentences the classifier must see, which
        are handed to the embedding helper where one runs (:func:`eventdesk.embed.prefetch`):
        the pipeline parses the next batch meanwhile, then calls :meth:`end`."""
        from ..embed import prefetch

        works = [self._prepare(d) for d in docs]
        asks = [(w, s) for w in works if w is not None for s in self._needs(w)]
        if asks:
            prefetch([w.doc.sentences[s].text for w, s in asks])
        return works, asks

    def end(self, docs: list[Document], state: Any) -> list[Document]:
        """The classifier's part of :meth:`pipe` and the events themselves."""
        works, asks = state
        probs: list[dict[str, float]] = []
        if asks:
            try:
                probs = self._probs([w.doc.sentences[s].text for w, s in asks])
            except ModelError as exc:
                # No classifier (model package missing): rules alone still code the clear
                # cases; ambiguous cues keep their first-listed reading, cue-less sentences
                # get no event.
                log.warning("event classifier unavailable, rules only: %s", exc)
        for (w, s), p in zip(asks, probs, strict=False):
            self._apply(w, s, p)
        for d, w in zip(docs, works, strict=True):
            if w is None:
                d.events = []
            else:
                self._finish(w)
        return docs

    def _prepare(self, doc: Document) -> _Work | None:
        """The rules' candidates per sentence (before any classifier call)."""
        if not doc.tokens or not doc.sentences:
            return None
        tree = Tree.build(doc)
        by_sent: dict[int, list[int]] = {}
        for k, s in enumerate(tree.sent_of):
            if s >= 0:
                by_sent.setdefault(s, []).append(k)
        per_sent: dict[int, list[Candidate]] = {}
        stating: set[int] = set()  # sentences that only state (a listed non-event, a claim)
        seen_text: set[str] = set()
        cut = furniture_start(doc.article.text)
        for s, toks in by_sent.items():
            if cut is not None and doc.sentences[s].start >= cut:
                continue  # the page's comment section: its policy's "threats" are no events
            text = " ".join(doc.sentences[s].text.split())
            if len(text) > 20 and text in seen_text:
                continue  # a repeated sentence (headline printed twice) reports nothing new
            seen_text.add(text)
            found = candidates(self.ontology, tree, toks)
            if any(c.source == "none" for c in found):
                stating.add(s)
            cands = self._merge(tree, [c for c in found if c.source != "none"])
            if len(cands) < len([c for c in found if c.source != "none"]) and not cands:
                stating.add(s)
            per_sent[s] = cands
        return _Work(doc, tree, by_sent, per_sent, stating)

    def _finish(self, w: _Work) -> None:
        doc, tree = w.doc, w.tree
        events: list[Event] = []
        depth: dict[int, float] = {}
        for s, cands in sorted(w.per_sent.items()):
            size = sentence_size(tree, w.by_sent[s]) if cands else Size()
            sent_events = [self._event(doc, tree, c) for c in cands]
            for c, e in zip(cands, sent_events, strict=True):
                depth[id(e)] = _mainness(tree, c.k)
            _assign_size(sent_events, size)
            events.extend(sent_events)
        if self.ontology_name == "acled":
            events = self._to_acled(doc, events, depth)
        _rank(doc, events, depth)
        doc.events = events

    # -- candidates -> events ----------------------------------------------------------------
    def _merge(self, tree: Tree, cands: list[Candidate]) -> list[Candidate]:
        """Absorb complements of speech acts, drop denials, merge duplicates of one event."""
        by_k = {c.k: c for c in cands}
        drop: set[int] = set()
        for c in cands:
            if _own_claim(tree, c.k):
                drop.add(c.k)  # "X claimed that they had attacked": a claim of responsibility
                continue
            g = _governing_candidate(tree, c.k, by_k)
            if g is None or g.k in drop:
                continue
            if tree.lemma(g.k) in DENIALS and tree.tokens[c.k].pos == "VERB":
                drop.add(g.k)  # "denied attacking": the attack, negated, is the event
                continue
            if g.type in ABSORBING:
                _absorb(g, c)
                drop.add(c.k)
        # same type, linked in the tree: one event ("attacked ..., killing 12", "killed in the
        # attack"); a nominal trigger that is another event's participant ("arrested 30
        # protesters") is that event's argument, not an event of its own.
        for c in cands:
            if c.k in drop:
                continue
            for h in list(tree.ancestors(c.k, limit=2)):
                if h not in by_k or h in drop:
                    continue
                if by_k[h].type == c.type:
                    _fill_from(by_k[h], c)
                    drop.add(c.k)
                    break
                if c.source == "noun" and tree.tokens[c.k].dep in ("dobj", "nsubjpass", "pobj"):
                    drop.add(c.k)
                    break
        return [c for c in cands if c.k not in drop]

    def _needs(self, w: _Work) -> list[int]:
        """Sentences the classifier must see: every sentence where the rules found an event (to
        choose between an ambiguous cue's types, and to veto a cue word used in another sense,
        :data:`CLASSIFIER_VETO`), and cue-less sentences that name an actor the actors stage
        resolved.

        A sentence the rules found to only state something (``stating``: "declined to comment",
        "rejected the accusations", "claimed they had attacked") is not handed to the
        classifier for an event of its own: the rules' "no event" is the better-informed call.
        Neither is a cue-less sentence without a resolved actor (a country, government, armed
        group, organisation...): a PLOVER event is something a political actor does, and in
        ordinary news most such sentences are market figures, quotes and background, whose
        embedding would cost the most time in the pipeline to conclude "no event".
        """
        if self.ontology_name == "acled":
            return []  # ACLED typing happens per event in _to_acled
        doc = w.doc
        return [s for s, cands in w.per_sent.items()
                if cands or (s not in w.stating and _names_actor(doc, s))]

    def _apply(self, w: _Work, s: int, p: dict[str, float]) -> None:
        """Use the classifier's probabilities ``p`` for sentence ``s``."""
        cands = w.per_sent[s]
        veto = CLASSIFIER_VETO_POLITICAL if _names_political(w.doc, s) else CLASSIFIER_VETO
        if cands and p.get(NO_EVENT, 0.0) >= veto:
            w.per_sent[s] = []  # a cue word in another sense: "stormed to victory"
            return
        for c in cands:
            if len(c.options) > 1:
                c.options.sort(key=lambda o: -p.get(o[0], 0.0))
                c.confidence = max(c.confidence, min(0.85, 0.5 + p.get(c.type, 0.0) / 2))
        if cands:
            return
        best = max(p, key=p.__getitem__)
        if best == NO_EVENT or best not in self.ontology.types or p[best] < CLASSIFIER_MIN:
            return
        root = _root(w.tree, w.by_sent[s])
        if root is None:
            return
        if best == "CONSULT" and _speech_to_nobody(w.tree, root):
            return  # "Obama speaks from the Oval Office": a speech to nobody met is no meeting
        w.per_sent[s] = [Candidate(k=root, options=[(best, "")], confidence=0.6 * p[best],
                                   source="classifier")]

    def _event(self, doc: Document, tree: Tree, c: Candidate) -> Event:
        tok = tree.tokens[c.k]
        sent = doc.sentences[tree.sent_of[c.k]]
        fact = factuality(tree, c.k)
        etype, mode = c.type, c.mode
        hypothetical = fact.hypothetical
        negated = fact.negated
        if fact.only_carried_condition and etype in SPEECH_TYPES:
            # "vowed to kill the hostages unless France withdrew": the threat was made; its
            # condition is part of what was said
            hypothetical = False
        if hypothetical and not negated and etype == "REQUEST" and _made_request(tree, c.k):
            hypothetical = False  # "a vote to oust the troops": the demand is made, not planned
        obliged = _obligation(tree, c.k) if hypothetical and not negated and \
            etype not in SPEECH_TYPES else None
        if obliged is not None:
            # "the minister said the government must withdraw": the minister's demand, made
            etype, mode, hypothetical = "REQUEST", "", False
        permitted = _permission(tree, c.k) if obliged is None and not negated else None
        if permitted is not None:
            # "the minister allowed the opposition leader to hold a rally": the minister's
            # concession; the rally is only allowed
            etype, mode, hypothetical = "CONCEDE", "", False
        # who asks or allows, and of whom: they, not the asked or allowed act's own parties
        said = obliged or permitted
        if (fact.decided or fact.announced) and not negated and etype == "SANCTION":
            # "decided to suspend the training", "announced it would expel the envoy": a
            # sanction is in force once decided and made known; the decision is the sanction
            hypothetical = False
        elif fact.decided and not negated and etype in COERCIVE | {"RETREAT", "CONCEDE"}:
            # "decided to ease the sanctions", "decided to withdraw": the act itself, decided,
            # still to be carried out (flagged); a decision is no threat
            pass
        elif fact.is_condition:
            pass  # "unless France withdrew its troops": the condition, offered by no one
        elif (fact.intent or fact.conditional) and not negated and \
                etype in COOPERATIVE | {"RETREAT"}:
            # a stated commitment to cooperate or step back ("will visit", "is willing to
            # withdraw"), or a conditional offer ("would meet him if ..."), is itself the
            # event: an AGREE that happened (as a conditional use of force is a THREATEN)
            etype, mode, hypothetical = "AGREE", "", False
        elif hypothetical and not negated and (fact.intent or fact.conditional) and \
                etype in COERCIVE:
            # an actor's stated readiness to use force or pressure ("prepared to impose martial
            # law", "may halt mediation if ...") is a THREATEN that happened
            etype, mode, hypothetical = "THREATEN", THREAT_MODES.get(etype, ""), False
        elif negated and (hypothetical or etype in ("AGREE", "SUPPORT")) and \
                etype in COOPERATIVE | {"AGREE", "RETREAT", "CONCEDE"}:
            # "will not accept", "did not agree": a refusal that happened
            etype, mode, negated, hypothetical = "REJECT", "", False, False
        if not mode:
            mode = self._mode_from_cues(tree, c, etype)
        a_tok, r_tok = arguments(tree, c) if said is None else said
        if a_tok is not None and _town_modifier(doc, tree, tree.head(a_tok), a_tok):
            a_tok = None  # "the Baghdad attack": where it happened, not who did it
        if a_tok is not None and not self._names_party(doc, tree, a_tok):
            # "our ability", "the statement": no party. A thing made by someone ("passed a
            # bill lifting the law", "issued a statement condemning") is its maker's act.
            thing, a_tok = a_tok, None
            if tree.tokens[thing].dep == "dobj":
                maker, _ = subject_of(tree, tree.head(thing))
                if maker is not None and not is_pronoun(tree, maker) and \
                        self._names_party(doc, tree, maker):
                    a_tok = maker
        for sub in c.absorbed:  # a speech act's content can supply a missing recipient
            if r_tok is None:
                _, r_tok = arguments(tree, sub)
        # "police said three people were killed": the speaker reports an attack, not its doer
        untold = etype == "ASSAULT" and reported_without_agent(tree, c.k)
        if (a_tok is None or is_pronoun(tree, a_tok)) and not untold:
            # "X agreed to send", "X said they attacked": the governing clause's subject
            g = governing_subject(tree, c.k)
            if g is not None and g != r_tok and self._names_party(doc, tree, g):
                a_tok = g
        recipient = self._actor(doc, tree, r_tok)
        actor = self._actor(doc, tree, a_tok)
        if actor is None and etype in OWN_ACTIVITY_TYPES and r_tok is not None:
            # "Their activities were suspended": who stops their own activities is "they"
            owner = self._own_activity_owner(doc, tree, c.k, r_tok)
            if owner is not None:
                actor, recipient = owner, None
        if (actor is None or not (actor.country or actor.code)) and not (a_tok is None and (
                untold or in_response_phrase(tree, c.k) or unowned_means(tree, c))) and \
                not _named_by_parse(tree, a_tok):
            # (an act answered, "as a result of the attacks", is another party's; "the strike
            # that killed X" says nothing of who struck)
            actor = self._sentence_actor(doc, tree, c.k, recipient) or actor
        if recipient is None or not (recipient.country or recipient.code):
            recipient = self._inner_actor(doc, tree, r_tok, actor) or recipient
        if recipient is None or (not (recipient.country or recipient.code) and not any(
                e.kind in ACTOR_KINDS for e in _entities_in(doc, recipient))):
            # (a named recipient the dictionary does not know, "Allawi", stays)
            recipient = self._later_actor(doc, tree, c.k, actor) or recipient
        if r_tok is not None and recipient is not None and _spans(recipient, tree, r_tok):
            # "the mission, which was suspended": the pronoun is the noun it stands for, here
            # the actor's own words (a body stopping its own activity), no one else
            noun = relative_head(tree, tree.head(r_tok), r_tok)
            if noun != r_tok:
                recipient = None if actor is not None and _spans(actor, tree, noun) else \
                    self._actor(doc, tree, noun)
        if etype in WITH_ANOTHER_TYPES and recipient is not None and _only_opposed(doc, recipient):
            recipient = None  # "signed an anti-ISIS pact" is not done to ISIS
        if etype in WITH_ANOTHER_TYPES and recipient is None and a_tok is not None:
            # "Iraq and Britain signed a pact": each does it with the other
            recipient = self._co_subject(doc, tree, a_tok, actor)
        # the other parties joined to the actor's and the recipient's words ("the strike that
        # killed Muhandis and Soleimani"), where those words are what the parse named
        if actor is not None and _spans(actor, tree, a_tok):
            actor.also = self._joined(doc, tree, a_tok, actor, recipient)
        if recipient is not None and _spans(recipient, tree, r_tok):
            recipient.also = self._joined(doc, tree, r_tok, recipient, actor)
        if etype == "COERCE" and tree.lemma(c.k) in OBSTRUCT_VERBS and actor is not None and \
                actor.sector in CIVIC_SECTORS:
            # PLOVER: civilians obstructing passage protest (PROTEST/obstruct); security forces
            # cordoning off an area coerce (COERCE/restrict)
            etype, mode = "PROTEST", "obstruct"
        date, precision = _event_date(doc, tree, c.k, sent.index)
        conf = c.confidence * (0.85 if (negated or hypothetical) else 1.0)
        return Event(
            event=etype,
            span=doc.span(sent.start, sent.end, component=NAME, confidence=conf),
            mode=mode or None,
            ontology="plover",
            trigger=doc.span(tok.start, tok.end, component=NAME, confidence=conf),
            actor=actor,
            recipient=recipient,
            date=date,
            date_precision=precision,
            confidence=round(conf, 4),
            negated=negated,
            hypothetical=hypothetical,
            reported=fact.reported,
        )

    def _mode_from_cues(self, tree: Tree, c: Candidate, etype: str) -> str:
        cues = self.ontology.mode_cues.get(etype)
        if not cues:
            return ""
        sent = tree.sent_of[c.k]
        near = {tree.lemma(j) for j in range(max(0, c.k - 8), min(len(tree.tokens), c.k + 9))
                if tree.sent_of[j] == sent}
        near |= {tree.tokens[j].text.lower() for j in tree.subtree(c.k)}
        for mode, words in cues:
            if near & words:
                return mode
        return ""

    def _names_party(self, doc: Document, tree: Tree, k: int | None) -> bool:
        """Whether the phrase headed by ``k`` can be an event's actor: it can act
        (:func:`.detect.can_act`) or the actor dictionary knows it (a sector noun, a body)."""
        if k is None:
            return False
        if can_act(tree, k):
            return True
        found = self._actor(doc, tree, k)
        return found is not None and bool(found.code or found.country or found.sector)

    def _actor(self, doc: Document, tree: Tree, k: int | None) -> Actor | None:
        if k is None:
            return None
        start, end = tree.np_span(k)
        if end <= start:
            return None
        if self.resolve_actor is not None:
            found = self.resolve_actor(doc, start, end)
            if found is not None:
                return found
        span = doc.span(start, end, component=NAME)
        # Without the actors stage: the text, plus what an earlier stage resolved for an entity
        # inside this span (nothing is looked up here; no dictionary of our own).
        for ent in doc.entities:
            if ent.span.start >= start and ent.span.end <= end and (ent.country or ent.code):
                return Actor(entity_text=span.text, code=ent.code, country=ent.country,
                             sector=ent.sector, span=span)
        return Actor(entity_text=span.text, span=span)

    def _own_activity_owner(self, doc: Document, tree: Tree, k: int, patient: int
                            ) -> Actor | None:
        """The group a passive act's "their" patient belongs to: "Their activities were
        suspended" after "the NATO trainers ..." is NATO stopping its own training.

        Only a passive with no agent, a patient owned by "their", and a group named before it
        within :data:`OWNER_SENTENCES` (an organisation or a people, not a person or a place:
        "their" is not a country's, nor one man's). The span is the pronoun, at the fallback
        actor's lowered confidence.
        """
        agent, patient_of = subject_of(tree, k)
        if agent is not None or patient_of != patient:
            return None
        owners = [c for c in tree.kids(patient, "poss") if tree.lemma(c) == "their"]
        if not owners:
            return None
        pron = tree.tokens[owners[0]]
        here = tree.sent_of[owners[0]]
        groups = [e for e in doc.entities if e.span.end <= pron.start
                  and e.kind in ("ORG", "NORP") and (e.code or e.country)]
        if not groups or here < 0:
            return None
        group = groups[-1]
        there = doc.sentence_at(group.span.start)
        if there < 0 or here - there > OWNER_SENTENCES:
            return None
        return replace(self._entity_actor(doc, group), entity_text=group.span.text,
                       span=doc.span(pron.start, pron.end, component=NAME,
                                     confidence=FALLBACK_ACTOR_CONFIDENCE))

    def _sentence_actor(self, doc: Document, tree: Tree, k: int,
                        recipient: Actor | None) -> Actor | None:
        """The nearest resolved actor entity before the trigger in its sentence, if any.

        Why: when the parse gives no usable subject (a participle, a fragment, a subject the
        dictionary does not know: "Members of the Association ...", "U.N. helicopters"), the
        actor is most often the named participant that opens the sentence. It is a guess, so
        its span's confidence is halved; the recipient is never taken as the actor.
        """
        trig = tree.tokens[k]
        s = tree.sent_of[k]
        if s < 0:
            return None
        sent = doc.sentences[s]
        taken = (recipient.span.start, recipient.span.end) if recipient and recipient.span \
            else (-1, -1)
        best: Actor | None = None
        before = [e for e in doc.entities
                  if sent.start <= e.span.start and e.span.end <= trig.start]
        # Nearest first, stopping at the first that resolves: scanning them all resolved every
        # entity before every trigger, cubic in a run-on "sentence" (a 100 KB one took minutes).
        # (reversed, not reverse=True: of two starting together, the later listed goes first,
        # as it won when the loop ran forwards and kept the last)
        for ent in reversed(sorted(before, key=lambda e: e.span.start)):
            if not (ent.country or ent.code) or ent.kind not in ACTOR_KINDS:
                continue
            if taken[0] <= ent.span.start < taken[1] or ent.span.start <= taken[0] < ent.span.end:
                continue
            if _is_setting(tree, ent.span.start, ent.span.end, modifier=True):
                continue  # "operations in Iraq", "housed in Iraqi bases": where, not who
            last = tree.tokens_in(ent.span.start, ent.span.end)
            if last and _town_modifier(doc, tree, tree.head(last[-1]), last[-1]):
                continue  # "the Baghdad attack", "the Kabul bombing killed"
            if _opposed(doc.article.text, ent.span.start) or _AGAINST.search(
                    doc.article.text[max(0, ent.span.start - 14): ent.span.start]):
                continue  # "counter-ISIS operations", "operations against Daesh": who is fought
            if self.resolve_actor is not None:
                found = self.resolve_actor(doc, ent.span.start, ent.span.end)
            else:
                found = Actor(entity_text=ent.span.text, code=ent.code, country=ent.country,
                              sector=ent.sector,
                              span=doc.span(ent.span.start, ent.span.end, component=NAME))
            if found is not None and (found.country or found.code):
                best = found
                break
        if best is not None and best.span is not None:
            best.span.confidence = round(best.span.confidence * FALLBACK_ACTOR_CONFIDENCE, 4)
        return best

    def _inner_actor(self, doc: Document, tree: Tree, k: int | None,
                     actor: Actor | None) -> Actor | None:
        """A resolved participant named inside the recipient phrase, if any.

        Why: the recipient phrase is often a thing that belongs to a party ("Danish web sites",
        "violations by the Israeli army", "demands from UNITA"): the party is the recipient.
        Only the phrase's own words are searched (nothing is guessed from elsewhere in the
        sentence), and the actor is never taken as its own recipient.
        """
        if k is None:
            return None
        words = sorted(tree.subtree(k))
        start, end = tree.tokens[words[0]].start, tree.tokens[words[-1]].end
        a_span = (actor.span.start, actor.span.end) if actor and actor.span else (-1, -1)
        for ent in sorted(doc.entities, key=lambda e: e.span.start):
            if not (start <= ent.span.start and ent.span.end <= end):
                continue
            if ent.kind not in ACTOR_KINDS or not (ent.country or ent.code):
                continue
            if a_span[0] <= ent.span.start < a_span[1]:
                continue
            found = self._entity_actor(doc, ent)
            if found.country or found.code:
                return found
        return None

    def _entity_actor(self, doc: Document, ent: Entity) -> Actor:
        """The actor an entity names: as the actors stage resolves its span where that stage
        ran, else the entity's own fields."""
        found = (self.resolve_actor(doc, ent.span.start, ent.span.end)
                 if self.resolve_actor is not None else None)
        if found is None:
            found = Actor(entity_text=ent.span.text, code=ent.code, country=ent.country,
                          sector=ent.sector,
                          span=doc.span(ent.span.start, ent.span.end, component=NAME))
        return found

    def _co_subject(self, doc: Document, tree: Tree, a_tok: int,
                    actor: Actor | None) -> Actor | None:
        """The party joined to the subject ("Iraq and Britain signed"; in a headline "Iraq, UK
        sign", where the parser hangs the first name on the verb), resolved, when it is another
        party than the actor: in an act two parties do together, the other one."""
        verb = tree.head(a_tok)
        joined = [c for c in tree.children[a_tok] if tree.tokens[c].dep == "conj"]
        joined += [c for c in tree.children[verb] if verb != a_tok and c < a_tok
                   and tree.tokens[c].dep == "dep" and tree.tokens[c].pos == "PROPN"]
        # or hangs it elsewhere (a fragment of its own, an adverbial): a headline's opening
        # name and a comma before the subject ("Jordan, France sign ...")
        before = a_tok - 2
        if before >= 0 and tree.sent_of[before] == tree.sent_of[a_tok] and \
                (before == 0 or tree.sent_of[before - 1] != tree.sent_of[before]) and \
                tree.tokens[a_tok - 1].text == "," and tree.tokens[before].pos == "PROPN" and \
                before not in joined:
            joined.append(before)
        for c in joined:
            other = self._actor(doc, tree, c)
            if other is None or not (other.country or other.code):
                continue
            if actor is not None and (other.code, other.country) == (actor.code, actor.country):
                continue
            return other
        return None

    def _joined(self, doc: Document, tree: Tree, k: int, main: Actor,
                other: Actor | None) -> tuple[Actor, ...]:
        """The resolved parties coordinated with the word ``k`` ("Muhandis and Qassem
        Soleimani", "Britain, France and Germany"), other than ``main`` itself and the other
        role's party ``other``: they share ``main``'s role in the act."""
        seen = {(main.code, main.country, main.entity_text.casefold())}
        if other is not None:
            seen.add((other.code, other.country, other.entity_text.casefold()))
        out: list[Actor] = []
        stack = list(tree.kids(k, "conj"))
        while stack:
            c = stack.pop(0)
            stack.extend(tree.kids(c, "conj"))
            if tree.tokens[c].pos not in ("PROPN", "NOUN"):
                continue  # "killed five and wounded ten": a second act, not a second party
            party = self._actor(doc, tree, c)
            if party is None or not (party.country or party.code):
                continue
            if not (party.sector or tree.tokens[c].pos == "PROPN" or any(
                    e.kind in ACTOR_KINDS for e in _entities_in(doc, party))):
                continue  # "250 anti-aircraft guns", "the seizure of 220 tanks": things, which
                # the context gave a country, not parties
            key = (party.code, party.country, party.entity_text.casefold())
            if key in seen or (other is not None and other.span is not None
                               and party.span is not None
                               and other.span.start <= party.span.start < other.span.end):
                continue
            seen.add(key)
            out.append(party)
        return tuple(out)

    def _later_actor(self, doc: Document, tree: Tree, k: int,
                     actor: Actor | None) -> Actor | None:
        """The nearest resolved participant after the trigger, inside the trigger's own phrase.

        Why: where the parse gives no participant as the object ("must cooperate fully with UN
        inspectors", "provided developmental assistance to the Sudanese government"), the
        party named after the act, within what the act governs, is most often the one it is
        done to. Only the trigger's own phrase is searched (its dependents, not the clauses
        joined to it: :func:`_own_phrase`): a speaker ("..., added Caggins") or a party in
        another clause is not the recipient; nor is the actor, a place or a party named as where
        ("outside the Iraqi bases"), a name written as opposed, a party named in what the act
        answers ("in response to threats of Iranian retaliation"), or one named as who leads or
        backs what follows ("the Canadian-led training mission"). A named recipient the
        dictionary does not know ("Allawi") is kept, not replaced. It is a guess, so its span's
        confidence is lowered as the fallback actor's is.
        """
        starts = {tree.tokens[j].start: j for j in _own_phrase(tree, k)}
        trig = tree.tokens[k]
        a_span = (actor.span.start, actor.span.end) if actor and actor.span else (-1, -1)
        for ent in sorted(doc.entities, key=lambda e: e.span.start):
            j = starts.get(ent.span.start)
            if j is None or ent.span.start < trig.end:
                continue
            if ent.kind not in ACTOR_KINDS or not (ent.country or ent.code):
                continue
            if a_span[0] <= ent.span.start < a_span[1]:
                continue
            head = j
            while tree.tokens[head].dep in ("amod", "compound", "poss", "nmod", "det") and \
                    tree.head(head) != head:
                head = tree.head(head)  # "Iranian" in "threats of Iranian retaliation"
            if _is_setting(tree, ent.span.start, ent.span.end) or _opposed(
                    doc.article.text, ent.span.start) or in_response_phrase(tree, head, limit=6) \
                    or _under_place_prep(tree, head, k) \
                    or _leads_something(doc.article.text, ent.span.end):
                continue
            found = self._entity_actor(doc, ent)
            if not (found.country or found.code):
                continue
            if actor is not None and (found.code, found.country) == (actor.code, actor.country):
                continue  # the actor again, by another name
            if found.span is not None:
                found.span.confidence = round(found.span.confidence * FALLBACK_ACTOR_CONFIDENCE,
                                              4)
            return found
        return None

    # -- ACLED ---------------------------------------------------------------------------------
    def _to_acled(self, doc: Document, events: list[Event],
                  depth: dict[int, float] | None = None) -> list[Event]:
        """Re-type the detected events' passages with the ACLED classifier (:mod:`.acled`).

        One ACLED event per sentence that holds a detected event, each sentence typed in the
        context of the whole article (:func:`.acled.classify_acled_in_context`: who fought whom
        and why is often said in another sentence); passages the ACLED model places outside
        ACLED's categories (NON_ACLED) are left out. When the rules found no event at all, the
        article as a whole is typed, and an event is reported on its first sentence only when
        the classifier is sure enough (:data:`ACLED_ARTICLE_MIN`) and either an ACLED cue
        pattern confirms the type or the classifier is surer still
        (:data:`ACLED_ARTICLE_UNCUED_MIN`, :data:`ACLED_ARTICLE_STRATEGIC_MIN`): a report of a
        clash worded in ways our cues miss is not lost, and ordinary news does not become
        violence. A sentence's event is its main one (``depth``, :func:`_mainness`), not its
        first: in "forces in a crackdown on militants recaptured the district", the recapture
        and its actor decide the sub-event type (government forces regain ground), not the
        crackdown in the subject's phrase.
        """
        model = None
        if self._model_path:
            from .classifier import TextClassifier

            model = TextClassifier.load(self._model_path)
        depth = depth or {}
        main: dict[int, Event] = {}  # sentence -> its main ACLED-codable event
        for ev in events:
            if ev.event not in ACLED_PLOVER_TYPES:
                continue
            held = main.get(ev.span.sentence)
            if held is None or depth.get(id(ev), 1.0) > depth.get(id(held), 1.0):
                main[ev.span.sentence] = ev
        chosen = list(main.values())
        if not chosen:
            return self._acled_article_event(doc, model)
        coded = self._acled.classify_acled_in_context(
            [e.span.text for e in chosen], [_neighbourhood(doc, e.span.sentence) for e in chosen],
            model)
        out = []
        for ev, (etype, sub, conf) in zip(chosen, coded, strict=True):
            if etype == self._acled.NON_ACLED:
                continue
            sub = _territory_by_actor(sub, ev.actor)
            ev.event, ev.mode, ev.ontology = etype, sub, "acled"
            ev.confidence = round(float(conf), 4)
            out.append(ev)
        return out

    def _acled_article_event(self, doc: Document, model: Any) -> list[Event]:
        """The article's one ACLED event when no rule fired (see :meth:`_to_acled`), or none."""
        text = doc.article.text
        if not doc.sentences or not text.strip():
            return []
        ((etype, sub, conf),) = self._acled.classify_acled([text], model)
        if etype == self._acled.NON_ACLED or conf < ACLED_ARTICLE_MIN:
            return []
        cued = sub in self._acled.cue_matches(text)
        floor = ACLED_ARTICLE_STRATEGIC_MIN if etype == ACLED_STRATEGIC else (
            ACLED_ARTICLE_UNCUED_MIN)
        if not cued and conf < floor:
            return []
        sent = doc.sentences[0]
        return [Event(event=etype, mode=sub, ontology="acled",
                      span=doc.span(sent.start, sent.end, component=NAME, confidence=conf),
                      confidence=round(0.6 * float(conf), 4))]


# -- helpers ----------------------------------------------------------------------------------
# ACLED's two violent territory changes differ only in who takes the ground: "government forces
# or their affiliates" regain it, a "non-state actor" overtakes it. The text model reads the
# verb ("retook", "captured") well and the taker poorly; the actors stage knows the taker.
STATE_SECTORS = frozenset({"GOV", "MIL", "COP", "SPY"})
NON_STATE_SECTORS = frozenset({"REB", "OPP", "PTY", "CRM"})
TERRITORY_BY_TAKER = {True: "GOV_REGAINS_TERIT", False: "NON_STATE_ACTOR_OVERTAKES_TER"}


def _territory_by_actor(sub: str, actor: Actor | None) -> str:
    """The ACLED territory sub-event that fits who took the ground, where the actor's sector
    says (state forces: regained; rebels, opposition, parties, gangs: overtaken); else ``sub``."""
    if sub not in TERRITORY_BY_TAKER.values() or actor is None or not actor.sector:
        return sub
    if actor.sector in STATE_SECTORS:
        return TERRITORY_BY_TAKER[True]
    if actor.sector in NON_STATE_SECTORS:
        return TERRITORY_BY_TAKER[False]
    return sub


# The sentences either side of an event's sentence that are read with it as its ACLED context.
ACLED_CONTEXT_SENTENCES = 2


def _neighbourhood(doc: Document, i: int) -> str:
    """The text of sentence ``i`` with up to :data:`ACLED_CONTEXT_SENTENCES` either side.

    Why not the whole article: a long report of a policy change that also recalls a drone strike
    would type the strike as the policy change; the sentences around an event say who fought
    whom and why, and a short news item is its own neighbourhood.
    """
    if not doc.sentences:
        return doc.article.text
    i = min(max(i, 0), len(doc.sentences) - 1)  # a title event (-1) reads the lead
    lo = max(0, i - ACLED_CONTEXT_SENTENCES)
    hi = min(len(doc.sentences) - 1, i + ACLED_CONTEXT_SENTENCES)
    return doc.article.text[doc.sentences[lo].start: doc.sentences[hi].end]
# Prepositions whose object is a place or time setting, not a participant.
SETTING_PLACE_PREPS = frozenset({"in", "at", "near", "across", "inside", "throughout", "around",
                                 "within", "outside", "into", "from"})


# Prefixes by which a name is the target of what follows: "anti-ISIS coalition", "counter-ISIS".
OPPOSING_PREFIXES = ("anti-", "counter-", "anti ", "counter ")


_AGAINST = re.compile(r"\b(?:against|versus|vs\.?)\s+(?:the\s+)?$", re.IGNORECASE)


# "Canadian-led mission", "Iranian-backed militia", "Paris-based group": the name says who
# leads, backs or hosts the thing, not that the thing is that party.
_LEADER_SUFFIX = re.compile(
    r"\s*[-–]\s*(?:led|backed|based|funded|sponsored|owned|run|brokered|aligned|allied)\b",
    re.IGNORECASE)


def _spans(party: Actor, tree: Tree, k: int | None) -> bool:
    """Whether ``party``'s span holds the word ``k`` (the party is what the parse named there,
    not one found elsewhere in the sentence)."""
    if k is None or party.span is None:
        return False
    return party.span.start <= tree.tokens[k].start and tree.tokens[k].end <= party.span.end


def _leads_something(text: str, end: int) -> bool:
    """Whether the name ending at ``end`` is the first half of "X-led", "X-backed", ...: it
    names who leads or backs what follows, so it is not the party an act is done to ("agreed
    to expand the Canadian-led training mission in Iraq" is not done to Canada)."""
    return _LEADER_SUFFIX.match(text, end) is not None


def _only_opposed(doc: Document, actor: Actor) -> bool:
    """Whether every party named in ``actor``'s span is written as opposed ("anti-ISIS
    military cooperation MoU"): the phrase names what the act is against, not who with."""
    parties = [e for e in _entities_in(doc, actor) if e.code or e.country]
    return bool(parties) and all(_opposed(doc.article.text, e.span.start) for e in parties)


def _opposed(text: str, start: int) -> bool:
    """Whether the name at ``start`` is written as what is opposed ("anti-ISIS", "counter-IS")."""
    before = text[max(0, start - 8): start].lower()
    return before.endswith(OPPOSING_PREFIXES)


def _is_setting(tree: Tree, start: int, end: int, modifier: bool = False) -> bool:
    """Whether the entity at [start, end) is the object of a locative preposition (with
    ``modifier``, also a word modifying that object: "in Iraqi bases"). The actor's guess takes
    ``modifier``: who stays in Iraqi bases is not Iraq; the recipient's does not, as the
    country of a place an act hits is often its target ("crashing into the Lebanese port")."""
    inside = tree.tokens_in(start, end)
    if not inside:
        return False
    n = inside[0]
    while start <= tree.tokens[tree.head(n)].start < end and tree.head(n) != n:
        n = tree.head(n)  # the entity's own root token
    if modifier and tree.tokens[n].dep in ("amod", "compound", "nmod", "poss") and \
            tree.tokens[tree.head(n)].dep == "pobj":
        n = tree.head(n)  # "housed in Iraqi bases": the place it names, not who acts
    return tree.tokens[n].dep == "pobj" and tree.lemma(tree.head(n)) in SETTING_PLACE_PREPS


def _governing_candidate(tree: Tree, k: int, by_k: dict[int, Candidate]) -> Candidate | None:
    """The candidate whose complement ``k`` is (clause or object), within two steps."""
    n = k
    for _ in range(3):
        dep = tree.tokens[n].dep
        h = tree.head(n)
        if h == n:
            return None
        if dep == "advcl" and not any(tree.lemma(a) == "to" for a in tree.kids(n, "aux")):
            return None  # only purpose clauses ("marched to demand") are a complement
        if dep in ("xcomp", "ccomp", "pcomp", "dobj", "pobj", "prep", "acl", "nsubjpass",
                   "advcl"):
            purpose = any(tree.lemma(a) == "to" for a in tree.kids(n, "aux"))
            if h in by_k and h != k:
                if dep == "nsubjpass" or (dep == "acl" and tree.tokens[h].pos == "NOUN"
                                          and tree.tokens[n].tag != "VBG" and not purpose):
                    return None
                return by_k[h]
            if purpose and dep in ("advcl", "xcomp") and tree.lemma(h) in LIGHT_VERBS:
                # "staged demonstrations to demand reforms": the purpose belongs to the event
                # the light verb carries, and the protest is the event
                for o in tree.kids(h, "dobj"):
                    if o in by_k and o != k:
                        return by_k[o]
            n = h
            continue
        return None
    return None


# Verbs that put forward an actor's own, contested account of its deeds.
CLAIM_VERBS = frozenset({"claim"})


def _own_claim(tree: Tree, k: int) -> bool:
    """Whether ``k`` is an act its own actor claims ("X claimed that they had attacked Y").

    Such a sentence is a claim of responsibility, coded like "X claimed responsibility for the
    attack": a statement, not an event report (the attack itself is reported elsewhere, by
    whoever saw it). Only a pronoun subject pointing back to the claimant counts: "X claimed
    that Y attacked" is an accusation and stays an event.
    """
    if tree.tokens[k].dep != "ccomp" or tree.lemma(tree.head(k)) not in CLAIM_VERBS:
        return False
    subj = tree.kids(k, "nsubj")
    return bool(subj) and tree.tokens[subj[0]].pos == "PRON" and \
        tree.lemma(subj[0]) not in ("it", "this", "that")


def _absorb(g: Candidate, c: Candidate) -> None:
    g.absorbed.append(c)
    if g.type == "THREATEN" and not g.mode and c.type in THREAT_MODES:
        g.options = [("THREATEN", THREAT_MODES[c.type])]
    elif g.type == "REQUEST" and not g.mode and c.type in REQUEST_MODES:
        g.options = [("REQUEST", REQUEST_MODES[c.type])]


def _fill_from(keep: Candidate, other: Candidate) -> None:
    keep.absorbed.append(other)
    keep.confidence = max(keep.confidence, other.confidence)
    if not keep.mode and other.mode:
        keep.options = [(keep.type, other.mode)]


def _root(tree: Tree, toks: list[int]) -> int | None:
    for k in toks:
        if tree.tokens[k].dep == "ROOT" and tree.tokens[k].pos in ("VERB", "AUX", "NOUN"):
            return k
    return None


def _event_date(doc: Document, tree: Tree, k: int, sent: int) -> tuple[str | None, Any]:
    """The date of the event at token ``k``: see the module docstring (step 5)."""
    s = doc.sentences[sent]
    in_sent = [d for d in doc.dates if d.value and s.start <= d.span.start < s.end
               and (_entry_stamp(doc.article.text, d) or (
                   not _dates_other_noun(tree, d, k) and not _dates_other_time(tree, d, k)))]
    if in_sent:
        attached = [d for d in in_sent if _attached(tree, d, k)]
        pick = attached or sorted(in_sent, key=lambda d: abs(d.span.start - tree.tokens[k].start))
        return pick[0].value, pick[0].precision
    text = doc.article.text
    para_start = max(text.rfind("\n\n", 0, s.start), text.rfind("\n", 0, s.start)) + 1
    earlier = [d for d in doc.dates
               if d.value and para_start <= d.span.start and d.span.end <= s.start]
    if earlier:
        d = max(earlier, key=lambda d: d.span.start)
        return d.value, d.precision
    return None, None


_STAMP_END = re.compile(r"\s*[-–—:]\s")


def _entry_stamp(text: str, d: DateMention) -> bool:
    """Whether the date opens a line as a chronology entry's stamp ("May 2 - Obama visits the
    Gulf Coast."): the date of everything the line tells, whatever the parse hangs it on (it
    reads "May 2" as part of Obama's name)."""
    line_start = text.rfind("\n", 0, d.span.start) + 1
    return not text[line_start:d.span.start].strip() and \
        _STAMP_END.match(text, d.span.end) is not None


def _dates_other_noun(tree: Tree, d: DateMention, k: int) -> bool:
    """Whether the date modifies a noun other than the trigger ("under a 2014 agreement").

    Such a date is the date of that thing, not of the event: using it would date a 2020
    operation to the year its legal basis was signed.
    """
    for j, t in enumerate(tree.tokens):
        if d.span.start <= t.start < d.span.end:
            n = j
            while d.span.start <= tree.tokens[tree.head(n)].start < d.span.end and \
                    tree.head(n) != n:
                n = tree.head(n)  # the date's own root token
            h = tree.head(n)
            return (h != k and h != n and tree.tokens[h].pos in ("NOUN", "PROPN")
                    and tree.tokens[n].dep in ("compound", "nummod", "amod", "poss", "nmod"))
    return False


def _clause_verb(tree: Tree, n: int) -> int | None:
    """The verb whose clause holds token ``n`` (``n`` itself if a verb), within five heads."""
    for _ in range(6):
        if tree.tokens[n].pos in ("VERB", "AUX"):
            return n
        if tree.head(n) == n:
            return None
        n = tree.head(n)
    return None


def _dates_other_time(tree: Tree, d: DateMention, k: int) -> bool:
    """Whether the date belongs to another clause told in another time than the trigger's:
    "made no statement after meeting with Obama, but he will testify Thursday" dates the
    testimony, not the meeting. Clauses in one time ("attacked the town and killed 12 on
    Monday") share their date."""
    own = _clause_verb(tree, k)
    toks = tree.tokens_in(d.span.start, d.span.end)
    if own is None or not toks:
        return False
    n = toks[0]
    while d.span.start <= tree.tokens[tree.head(n)].start < d.span.end and tree.head(n) != n:
        n = tree.head(n)  # the date's own root token
    other = _clause_verb(tree, tree.head(n))
    if other is None or other == own or n in tree.ancestors(own, limit=4):
        return False  # (the trigger's clause may hang under the date: "Wednesday, when ...")
    return future_clause(tree, other) != future_clause(tree, own)


def _attached(tree: Tree, d: DateMention, k: int) -> bool:
    """Whether the date's tokens hang under the trigger (within three heads)."""
    for j, t in enumerate(tree.tokens):
        if d.span.start <= t.start < d.span.end:
            n = j
            for _ in range(4):
                n = tree.head(n)
                if n == k:
                    return True
            return False
    return False


def _assign_size(events: list[Event], size: Size) -> None:
    """Casualties go to the sentence's first violent event, arrests to its first coercion."""
    if size.dead is None and size.injured is None and size.arrested is None:
        return
    violent = [e for e in events if e.event in ("ASSAULT", "PROTEST")]
    coercive = [e for e in events if e.event == "COERCE"]
    if violent:
        violent[0].size.dead, violent[0].size.injured = size.dead, size.injured
    if size.arrested is not None:
        target = coercive[0] if coercive else (violent[0] if violent else None)
        if target is not None:
            target.size.arrested = size.arrested


# Clauses that describe a participant ("UN inspectors probing sites", "equipment seized last
# year", "the people who were killed"): what they report is background, not the news.
DESCRIPTIVE_DEPS = frozenset({"relcl", "acl", "appos"})


def _mainness(tree: Tree, k: int) -> float:
    """How much the trigger at ``k`` is what its sentence is about, in (0, 1].

    The sentence's main predicate scores 1; each step down the tree lowers it; a trigger inside
    a clause that describes a participant (relative or participial clause, apposition) or a
    noun inside a prepositional phrase is background and scores much lower.
    """
    path = [k, *tree.ancestors(k)]
    depth = len(path) - 1
    score = 1.0 / (1.0 + 0.5 * depth)
    if any(tree.tokens[n].dep in DESCRIPTIVE_DEPS for n in path):
        score *= 0.35
    if tree.tokens[k].pos == "NOUN":
        score *= 0.6 if tree.tokens[k].dep == "pobj" else 0.85
    return score


def _own_voice(e: Event) -> bool:
    """An unresolved first-person actor outside quotation marks: the publisher speaking of
    itself ("We welcome comments"), boilerplate rather than news."""
    if e.actor is None or e.actor.country or e.actor.code:
        return False
    if e.actor.entity_text.strip().lower() not in FIRST_PERSON:
        return False
    return not any(q in e.span.text for q in ('"', "\u201c", "\u201d"))


def _rank(doc: Document, events: list[Event], depth: dict[int, float] | None = None) -> None:
    """Set ``salience`` and sort most salient first (stable for ties).

    ``depth`` (by ``id(event)``) is the trigger's :func:`_mainness`: the main predicate of a
    sentence is what the sentence is about.
    """
    depth = depth or {}
    if not events:
        return
    title = (doc.article.title or "").lower()
    n_sent = max(1, len(doc.sentences))
    support: dict[tuple[str, str], set[int]] = {}
    for e in events:
        key = (e.event, (e.actor.country or e.actor.entity_text.lower()) if e.actor else "")
        support.setdefault(key, set()).add(e.span.sentence)
    for e in events:
        key = (e.event, (e.actor.country or e.actor.entity_text.lower()) if e.actor else "")
        idx = max(0, e.span.sentence)
        position = 1.0 / (1.0 + idx / 3.0) if n_sent > 1 else 1.0
        trig = e.trigger.text.lower() if e.trigger else ""
        in_title = 1.0 if trig and title and trig[:5] in title else 0.0
        repeated = min(1.0, (len(support[key]) - 1) / 3.0)
        factual = 0.0 if (e.negated or e.hypothetical) else 1.0
        main = depth.get(id(e), 1.0)
        named = 0.0 if e.actor is None else (1.0 if (e.actor.country or e.actor.code) else 0.5)
        voice = 1.0 if _own_voice(e) else 0.0
        e.salience = round(0.25 * e.confidence + 0.25 * position + 0.1 * in_title
                           + 0.1 * repeated + 0.15 * factual + 0.25 * main + 0.1 * named
                           - 0.3 * voice, 4)
    events.sort(key=lambda e: -e.salience)
