"""Rule-based event triggers on the dependency parse: cue lemmas, verb+object rules, arguments.

Why rules first: an event type in news hinges on a predicate and its object ("suspended training"
is a cut in cooperation, "suspended strikes" a de-escalation), which a parse exposes directly and
a sentence embedding blurs. The rules are ontology data (:mod:`.ontology`); this module only knows
English grammar: which dependents are subjects, objects, particles, and which clause governs
which. Where the rules cannot decide between types (a cue listed for several), the candidate
keeps all its options and the classifier chooses (see :mod:`eventdesk.events`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .ontology import ObjectRule, Ontology
from .tree import SPEECH_VERBS, Tree

OBJECT_DEPS = ("dobj", "nsubjpass", "attr", "oprd", "dative")
COMPLEMENT_DEPS = frozenset({"dobj", "nsubjpass", "xcomp", "ccomp", "prep", "attr", "agent",
                             "dative", "oprd", "pcomp", "prt"})
RECIPIENT_PREPS = ("against", "on", "with", "to", "at", "toward", "towards", "into", "upon",
                   "for", "from", "near")
# Nouns naming a participant (a group, body or place acting as one) rather than a thing.
GROUP_NOUNS = frozenset({
    "government", "army", "force", "troop", "soldier", "police", "ministry", "parliament",
    "coalition", "alliance", "militia", "rebel", "militant", "fighter", "insurgent", "group",
    "official", "minister", "president", "leader", "base", "embassy", "opposition", "people",
    "civilian", "protester", "demonstrator", "worker", "student", "authority", "country",
    "state", "regime", "administration", "military", "navy", "commander", "general", "court",
    "party", "union", "council", "counterpart", "delegation", "envoy", "ambassador", "journalist",
    "activist", "villager", "resident", "refugee", "prisoner", "hostage", "contractor", "unit",
    "personnel", "lawmaker", "mp", "legislator", "cabinet", "junta", "tribe", "community",
    "company", "firm", "bank", "agency", "organization", "organisation", "office", "camp",
    "convoy", "checkpoint", "village", "town", "city", "compound", "facility", "headquarters",
    "post", "position", "station", "neighbour", "neighbor", "ally", "partner", "suspect",
    "mayor", "governor", "king", "queen", "chancellor", "premier", "judge", "prosecutor",
    "chief", "director", "spokesman", "spokeswoman", "spokesperson", "diplomat", "inspector",
    "observer", "peacekeeper", "monarch", "emir", "sheikh", "cleric", "candidate",
})
# Verbs that carry a nominal event ("launched an attack", "held talks", "signed an agreement"):
# the verb's subject is the actor of the noun's event.
LIGHT_VERBS = frozenset({"carry", "launch", "conduct", "stage", "hold", "mount", "make", "take",
                         "sign", "reach", "issue", "impose", "begin", "start", "lead", "wage",
                         "organize", "organise", "pay", "have", "announce", "file", "lodge",
                         "express", "voice", "offer", "extend", "give", "deliver", "claim",
                         "unleash", "order", "call", "join", "perpetrate", "commit", "open",
                         "continue", "resume", "step", "intensify", "escalate", "level"})
NOUN_POS = ("NOUN",)
VERB_POS = ("VERB",)


@dataclass(slots=True)
class Candidate:
    """A possible event at token ``k`` (index into ``tree.tokens``)."""

    k: int
    options: list[tuple[str, str]]  # (type, mode), best guess first
    confidence: float
    source: str  # "object_rule", "phrasal", "verb", "noun", "classifier"
    absorbed: list[Candidate] = field(default_factory=list)

    @property
    def type(self) -> str:
        return self.options[0][0]

    @property
    def mode(self) -> str:
        return self.options[0][1]


def _dated(tree: Tree, p: int) -> bool:
    """Whether preposition ``p`` introduces a date or time ("on Tuesday"), not a target."""
    return any(tree.tokens[o].ent_type in ("DATE", "TIME") for o in tree.kids(p, "pobj"))


def _conjuncts(tree: Tree, ks: list[int], most: int = 12) -> list[int]:
    """``ks`` and their conjuncts, however chained ("aircraft, vehicles, weapons and
    equipment": the parser hangs each on the one before)."""
    out = list(ks)
    for a in out:
        out += [c for c in tree.kids(a, "conj") if c not in out][: max(0, most - len(out))]
    return out


def _lemmas_of(tree: Tree, ks: list[int]) -> set[str]:
    out: set[str] = set()
    for a in _conjuncts(tree, ks):
        out.add(tree.lemma(a))
        out.add(tree.tokens[a].text.lower())
        for c in tree.kids(a, "compound", "conj", "amod"):
            out.add(tree.lemma(c))
        for c in tree.kids(a, "compound"):
            # one word written in two or with a hyphen: "cease-fire", "war games", "air strike"
            out.add(tree.lemma(c) + tree.lemma(a))
        # "part of a stronghold", "training of forces": the head of an "of" phrase counts too
        for p in tree.kids(a, "prep"):
            if tree.lemma(p) == "of":
                for o in tree.kids(p, "pobj"):
                    out.add(tree.lemma(o))
    return out


def _objects(tree: Tree, k: int) -> list[int]:
    objs = tree.kids(k, *OBJECT_DEPS)
    # "pull out of", "fire at": prepositional objects count for particle verbs
    for p in tree.kids(k, "prep", "prt"):
        objs += tree.kids(p, "pobj")
    return objs


def _with_things(tree: Tree, k: int, objs: list[int]) -> list[int]:
    """What a "with" phrase hands over when the object is who gets it: "provided the army
    with aircraft and weapons", "supplied the rebels with arms" (the phrase hangs off the verb
    or, as the parser often has it, off the object)."""
    out: list[int] = []
    for host in (k, *objs):
        for p in tree.kids(host, "prep"):
            if tree.lemma(p) == "with":
                out += tree.kids(p, "pobj")
    return out


def _governed_by(tree: Tree, k: int) -> set[str]:
    out = set()
    n = k
    for _ in range(3):
        g = tree.governor(n)
        if g is None:
            h = tree.head(n)
            if h == n or tree.tokens[n].dep not in ("acl", "relcl"):
                break
            g = h
        out.add(tree.lemma(g))
        n = g
    return out


def _rule_matches(tree: Tree, rule: ObjectRule, k: int, sent_lemmas: set[str]) -> bool:
    if rule.subject:
        args = tree.kids(k, "nsubj")
    else:
        args = tree.kids(k, *OBJECT_DEPS)
        if not args:
            args = _objects(tree, k) + tree.kids(k, "xcomp")
        else:
            args = args + _with_things(tree, k, args)
    if not args or not (_lemmas_of(tree, args) & rule.objects):
        return False
    if rule.only_if_no:
        # on the verb, or on its object: "launched rocket fire against the camps"
        preps = tree.kids(k, "prep", "prt") + [q for a in _conjuncts(tree, args)
                                               for q in tree.kids(a, "prep")]
        if any(tree.lemma(p) in rule.only_if_no and not _dated(tree, p) for p in preps):
            return False
    if rule.only_if_governed and not (_governed_by(tree, k) & rule.only_if_governed):
        return False
    if rule.requires_word and not (sent_lemmas & rule.requires_word):
        return False
    if rule.subject_words:
        subj = _lemmas_of(tree, tree.kids(k, "nsubj"))
        if not subj & rule.subject_words:
            return False
    return True


def _phrasal(onto: Ontology, tree: Tree, k: int) -> tuple[str, str] | None:
    lem = tree.lemma(k)
    # "stepped down": the small model often parses the particle as an adverb
    for p in tree.kids(k, "prt", "prep", "dobj", "advmod"):
        if any(tree.tokens[o].ent_type in ("DATE", "TIME") for o in tree.kids(p, "pobj")):
            continue  # "called on Friday for ...": "on" belongs to the date
        if tree.lemma(p) == "in" and tree.kids(p, "pobj"):
            continue  # "gave $20m in aid": "in" with an object is no particle ("gave in")
        plem = tree.lemma(p)
        keys = [f"{lem} {plem}"]
        keys += [f"{lem} {plem} {tree.lemma(o)}" for o in tree.kids(p, "pobj")]
        for key in reversed(keys):
            if key in onto.phrasal:
                return onto.phrasal[key]
    return None


def _noun_context(tree: Tree, k: int) -> tuple[set[str], set[str]]:
    """Lemmas around a nominal trigger: (its dependents and head, a small window of words).

    The parse neighbours are asked first: in "the January 3 strike that killed General X" the
    strike's own clause ("killed") says what it was, while the window also holds "General",
    a title inside a name. Names (proper nouns) are left out of the window for that reason.
    """
    near = set()
    h = tree.head(k)
    near.add(tree.lemma(h))
    for c in tree.children[k]:
        near.add(tree.lemma(c))
        near.add(tree.tokens[c].text.lower())
        near.update(tree.lemma(g) for g in tree.children[c])
    for c in tree.children[h]:
        near.add(tree.lemma(c))
    window = set()
    sent = tree.sent_of[k]
    for j in range(max(0, k - 4), min(len(tree.tokens), k + 5)):
        if tree.sent_of[j] == sent and tree.tokens[j].pos != "PROPN":
            window.add(tree.lemma(j))
            window.add(tree.tokens[j].text.lower())
    near.discard(tree.lemma(k))
    window.discard(tree.lemma(k))
    return near, window


def verb_candidate(onto: Ontology, tree: Tree, k: int, sent_lemmas: set[str]
                   ) -> Candidate | None:
    """The candidate for a verb token, from phrasal cues, object rules and verb cues."""
    lem = tree.lemma(k)
    vowed = [tree.lemma(x) for x in tree.kids(k, "xcomp", "advcl")
             if any(tree.lemma(a) == "to" for a in tree.kids(x, "aux"))
             and tree.lemma(x) in VIOLENT_VERBS | FORCING_VERBS.keys()
             and all(_participant_like(tree, o) for o in tree.kids(x, "dobj"))]
    if onto.name == "plover" and lem in TEST_VERBS and any(
            tree.lemma(c) == "test" for c in tree.kids(k, "npadvmod", "compound", "advmod")):
        # "test-fired a missile": a weapons test (MOBILIZE), not an attack
        return Candidate(k=k, options=[("MOBILIZE", "weapons")], confidence=0.8, source="verb")
    if onto.name == "plover" and lem == "give" and _ultimatum(tree, k):
        # "gave the aid agencies 48 hours to leave": an ultimatum, a threat made
        return Candidate(k=k, options=[("THREATEN", "")], confidence=0.75, source="verb")
    if onto.name == "plover" and lem in WARNING_VERBS and _warns_of_anothers_act(tree, k):
        # "analysts warned the rebels could attack": a forecast of another's act, no threat
        # by the one who warns (that act is coded on its own, as what was said)
        return None
    if lem in VOW_VERBS and onto.name == "plover" and (vowed or any(
            tree.lemma(o) in REVENGE_NOUNS for o in tree.kids(k, "dobj"))):
        # "vowed to fight on", "swore to crush the rebels", "promised to expel the Americans",
        # "Tehran vowed revenge": a threat made (PLOVER THREATEN); "vowed to fight corruption"
        # is no threat: the object must be a party
        mode = FORCING_VERBS.get(vowed[0], "violence") if vowed else "violence"
        return Candidate(k=k, options=[("THREATEN", mode)], confidence=0.8, source="verb")
    for rule in onto.object_rules:
        if lem in rule.lemmas and _rule_matches(tree, rule, k, sent_lemmas):
            if not rule.type:
                # a listed non-event ("released a statement", "claimed responsibility for the
                # attack"): the verb and the nouns under it report no event of their own
                return Candidate(k=k, options=[("", "")], confidence=0.0, source="none")
            # an event noun as object decides for itself when its context is clear:
            # "began a hunger strike" is a protest although "begin + strike" reads as an attack
            for o in tree.kids(k, *OBJECT_DEPS):
                senses = {t for t, _, _ in onto.noun_types.get(tree.lemma(o), [])}
                if rule.type in senses:
                    nc = noun_candidate(onto, tree, o)
                    if nc is not None and nc.type != rule.type:
                        return Candidate(k=k, options=nc.options, confidence=0.75,
                                         source="object_rule")
            return Candidate(k=k, options=[(rule.type, rule.mode)], confidence=0.8,
                             source="object_rule")
    ph = _phrasal(onto, tree, k)
    if ph and not ph[0]:
        # a listed non-event reading ("agree with the assessment"): an opinion, unless the
        # verb also takes a clause or a topic ("agreed with Iraq to expand", "agreed on")
        if not (tree.kids(k, "xcomp", "ccomp") or any(
                tree.lemma(p) in ("on", "to") for p in tree.kids(k, "prep"))):
            return Candidate(k=k, options=[("", "")], confidence=0.0, source="none")
        ph = None
    if ph:
        return Candidate(k=k, options=[ph], confidence=0.8, source="phrasal")
    if lem in onto.needs_rule:
        return None
    opts = onto.verb_types(lem)
    if not opts:
        return None
    if onto.name == "plover" and lem in TALK_WORDS and not talks_with(tree, k):
        # "talked about faith", "talking tough", "stop talking": talk with nobody is no
        # meeting; "talked with BP", "Obama and Cameron talked" are
        return None
    if lem in onto.needs_complement and not any(
            tree.tokens[c].dep in COMPLEMENT_DEPS for c in tree.children[k]):
        return None
    return Candidate(k=k, options=list(opts), confidence=0.75 if len(opts) == 1 else 0.55,
                     source="verb")


def _warns_of_anothers_act(tree: Tree, k: int) -> bool:
    """Whether the warning at ``k`` forecasts what a party other than the warner may do: its
    clause says what "could", "may" or "might" happen ("police will no longer tolerate
    rallies", said by the police chief, is his threat), its subject names a party, not the
    warner ("it"), and not a party told what it will suffer ("Iran could face sanctions")."""
    warner = [tree.lemma(s) for s in tree.kids(k, "nsubj")]
    for c in tree.kids(k, "ccomp"):
        if tree.lemma(c) in SUFFER_VERBS or not any(
                tree.lemma(a) in POSSIBILITY_MODALS for a in tree.kids(c, "aux")):
            continue
        for s in tree.kids(c, "nsubj"):
            if is_pronoun(tree, s) or not _participant_like(tree, s):
                continue
            if tree.lemma(s) not in warner:
                return True
    return False


def _ultimatum(tree: Tree, k: int) -> bool:
    """Whether "give" at ``k`` sets a deadline to a party: a span of time as its object and a
    "to" clause saying what must be done by then ("gave them 48 hours to leave")."""
    spans = [o for o in tree.kids(k, "dobj") if tree.lemma(o) in DEADLINE_NOUNS]
    if not spans or not tree.kids(k, "dative"):
        return False
    clauses = tree.kids(k, "advcl", "xcomp") + [c for o in spans for c in tree.kids(o, "acl",
                                                                                   "relcl")]
    return any(tree.lemma(a) == "to" for c in clauses for a in tree.kids(c, "aux"))


def talks_with(tree: Tree, k: int) -> bool:
    """Whether the talk at ``k`` has another side: "with" or "to" a party, "between" two, or
    a subject of two joined parties ("Obama and Cameron talked")."""
    for p in tree.kids(k, "prep"):
        if tree.lemma(p) in ("with", "to", "between") and tree.kids(p, "pobj"):
            return True
    # the conjunct may hang from a name's first part: "Obama and Prime Minister David Cameron"
    # parses as "Obama" (joined to "Minister") compounding "Cameron"
    return any(tree.kids(x, "conj") for s in tree.kids(k, "nsubj")
               for x in (s, *tree.kids(s, "compound")))


def noun_candidate(onto: Ontology, tree: Tree, k: int) -> Candidate | None:
    """The candidate for an event noun ("the attack", "talks", "an air strike")."""
    tok = tree.tokens[k]
    if tok.dep in ("compound", "amod") and tree.lemma(tree.head(k)) not in ("attack", "strike"):
        return None  # "attack helicopter", "protest movement": a modifier, not an event
    if tok.tag in ("VBN", "VBD", "JJ") and any(tree.lemma(d) == "the" for d in tree.kids(k, "det")):
        return None  # "evacuated the wounded", "buried the dead": people, not an event
    lem = tree.lemma(k)
    if (onto.name == "plover" and lem in TALK_WORDS and tok.tag == "NN"
            and not talks_with(tree, k)):
        return None  # "all talk", "war talk", "tough talk": one talk with nobody is no meeting
    if lem in onto.noun_types:
        for ctx in _noun_context(tree, k):
            for etype, mode, cues in onto.noun_types[lem]:
                if ctx & cues:
                    return Candidate(k=k, options=[(etype, mode)], confidence=0.6,
                                     source="noun")
        return None
    opts = onto.noun_types_for(lem)
    if not opts:
        return None
    return Candidate(k=k, options=list(opts), confidence=0.5, source="noun")


def candidates(onto: Ontology, tree: Tree, sent_tokens: list[int]) -> list[Candidate]:
    """All rule candidates of one sentence, in token order, before merging."""
    sent_lemmas = {tree.lemma(j) for j in sent_tokens}
    out: list[Candidate] = []
    covered: set[int] = set()  # nouns already accounted for by a verb's object rule
    for k in sent_tokens:
        tok = tree.tokens[k]
        if k in covered:
            continue  # under a listed non-event ("expressed condolences to those who were killed")
        if tok.dep in ("amod", "compound") or (
                (tok.pos not in VERB_POS or tree.kids(k, "det"))
                and tok.dep in ("dobj", "nsubj", "nsubjpass", "pobj")):
            pass  # adjectival or nominal use of a verb form: "the besieged town", "the wounded"
        elif tok.pos in VERB_POS or (tok.tag.startswith("VB") and tok.pos != "AUX"):
            c = verb_candidate(onto, tree, k, sent_lemmas)
            if c is not None and c.source == "none":
                covered.update(tree.subtree(k))
                out.append(c)  # kept as a marker: this sentence states, it reports no event
                continue
            if c is not None:
                out.append(c)
                if c.source in ("object_rule", "phrasal"):
                    covered.update(_objects(tree, k))
                    covered.update(tree.kids(k, "nsubj"))
    for k in sent_tokens:
        if k in covered:
            continue
        if tree.tokens[k].pos in NOUN_POS:
            c = noun_candidate(onto, tree, k)
            if c is not None:
                out.append(c)
    out.sort(key=lambda c: c.k)
    return out


# -- arguments --------------------------------------------------------------------------------
def _participant_like(tree: Tree, k: int) -> bool:
    tok = tree.tokens[k]
    if tok.ent_type in ("PERSON", "ORG", "GPE", "NORP", "FAC", "LOC"):
        return True
    if tok.pos in ("PROPN", "PRON"):
        return tok.lemma.lower() not in ("it", "this", "that", "which", "what")
    if tree.lemma(k) in GROUP_NOUNS:
        return True
    return any(tree.tokens[c].ent_type in ("NORP", "GPE", "ORG", "PERSON")
               for c in tree.kids(k, "amod", "compound", "poss", "nmod"))


# Person and group nouns that no sector names (the actors stage knows "troops", "officials",
# "protesters"): who can act, though no dictionary says for whom.
AGENT_NOUNS = frozenset({
    "side", "member", "body", "team", "crowd", "mob", "family", "delegate", "representative",
    "man", "woman", "child", "youth", "individual", "agent", "nation", "power", "world",
    "public", "majority", "population", "staff", "crew", "clan", "faction", "bloc", "movement",
    "network", "cell", "squad", "brigade", "battalion", "unit", "guard", "gang", "owner",
    "head", "boss", "chairman", "chairwoman", "people", "person", "citizen", "local",
})
# Endings of nouns for people by what they do: "attackers", "negotiators", "separatists",
# "assailants", "politicians", "gunmen", "detainees".
AGENT_ENDINGS = ("er", "or", "ist", "ant", "ian", "man", "men", "ee", "ary", "ive", "ite")


def can_act(tree: Tree, k: int) -> bool:
    """Whether the noun phrase headed by ``k`` can name who did something.

    Why: a clause's subject is not always a party. "This has limited our ability to conduct
    training", "the statement said", "escalating tensions led to attacks": an abstract noun, a
    document or a process heads them, and an event coded with "our ability" as its actor tells
    the analyst nothing and keeps apart reports of one event that name no actor. Names,
    pronouns, group and office nouns, people by what they do, and phrases a party owns ("US
    drones", "Iranian missiles") can act; other common nouns cannot (the caller still keeps
    any phrase the actor dictionary resolves).
    """
    tok = tree.tokens[k]
    # a common noun capitalised to open a sentence, which the parser took for a name ("Rockets
    # fired at ..."), is judged as the noun it is (so GROUP_NOUNS is asked by its lemma below)
    # (but a word with a capital inside, "BP", "ExxonMobil", is a name wherever it stands)
    opening_noun = tok.pos == "PROPN" and not tok.ent_type and _opens_sentence(tree, k) and \
        not any(ch.isupper() for ch in tok.text[1:])
    if not opening_noun and (tok.pos != "NOUN" or _participant_like(tree, k)):
        return True
    lem = common_lemma(tree, k)
    return lem in AGENT_NOUNS or lem in GROUP_NOUNS or lem.endswith(AGENT_ENDINGS)


def _opens_sentence(tree: Tree, k: int) -> bool:
    """Whether token ``k`` is its sentence's first word (line breaks before it aside)."""
    j = k - 1
    while j >= 0 and tree.tokens[j].pos == "SPACE":
        j -= 1
    return j < 0 or tree.sent_of[j] != tree.sent_of[k]


def common_lemma(tree: Tree, k: int) -> str:
    """The lower-case lemma of ``k`` as a common noun: a sentence's capitalised first word that
    the parser took for a name keeps its plural ("Rockets"), so a final "s" is taken off."""
    lem = tree.lemma(k)
    if tree.tokens[k].pos == "PROPN" and len(lem) > 3 and lem.endswith("s") and \
            not lem.endswith("ss"):
        return lem[:-1]
    return lem


# Nouns of what is done to someone: their possessor is who it was done to ("Soleimani's
# killing", "his arrest"), unless an "of" phrase names that ("Israel's killing of X").
DONE_TO_NOUNS = frozenset({"killing", "assassination", "murder", "death", "arrest", "detention",
                           "abduction", "kidnapping", "capture", "execution", "torture",
                           "imprisonment", "deportation", "expulsion", "extradition", "beating",
                           "jailing", "internment", "lynching", "slaying"})


def subject_of(tree: Tree, k: int, depth: int = 0) -> tuple[int | None, int | None]:
    """(actor token, patient token from a passive subject) of verb ``k``."""
    for a in tree.kids(k, "agent"):
        for p in tree.kids(a, "pobj"):
            pas = tree.kids(k, "nsubjpass")
            return p, (pas[0] if pas else None)
    pas = tree.kids(k, "nsubjpass")
    if pas:
        return None, pas[0]
    subj = tree.kids(k, "nsubj", "csubj", "expl")
    if subj:
        s = subj[0]
        if tree.tokens[s].lemma.lower() in ("who", "which", "that") and \
                tree.tokens[k].dep == "relcl":
            return tree.head(k), None
        return s, None
    if depth >= 3:
        return None, None
    dep = tree.tokens[k].dep
    h = tree.head(k)
    if h == k:
        return None, None
    if dep in ("conj", "xcomp", "advcl"):
        actor, patient = subject_of(tree, h, depth + 1)
        if actor is None and patient is not None and dep != "conj" and \
                tree.tokens[h].tag == "VBN" and not tree.kids(k, "auxpass") and (
                    dep == "xcomp" or any(tree.lemma(a) == "to" for a in tree.kids(k, "aux"))):
            # "troops housed in Iraqi bases to train Iraqi forces", "he was asked to resign":
            # who was sent or asked does what the purpose clause says (but "forces are
            # expected to be deployed" are deployed, by someone unsaid)
            return patient, None
        return actor, None
    if dep == "acl" and tree.tokens[k].tag == "VBG" and _time_noun(tree, h) and \
            tree.tokens[h].dep == "pobj":
        h, dep = tree.head(h), "pcomp"  # "after a day visiting the coast": as "after visiting"
    if dep in ("acl", "relcl") and tree.tokens[h].pos in ("NOUN", "PROPN"):
        return (h, None) if tree.tokens[k].tag != "VBN" else (None, h)
    if dep == "pcomp" and tree.tokens[k].tag == "VBG" and tree.lemma(h) in CONTROL_PREPS and \
            tree.tokens[h].dep == "prep":
        # "After meeting the prime minister, Stoltenberg flew to Brussels": a participle under
        # a preposition of time or manner has the clause's subject as its own (English control)
        v = tree.head(h)
        if v != h and tree.tokens[v].pos in ("VERB", "AUX"):
            actor, _ = subject_of(tree, v, depth + 1)
            return actor, None
    return None, None


def relative_head(tree: Tree, k: int, subj: int) -> int:
    """The noun a relative pronoun of the relative clause ``k`` stands for ("the mission, which
    was suspended": the mission), or ``subj`` itself where it is no such pronoun."""
    if tree.tokens[subj].lemma.lower() in ("who", "which", "that") and \
            tree.tokens[k].dep == "relcl" and tree.head(k) != k:
        return tree.head(k)
    return subj


def reported_without_agent(tree: Tree, k: int) -> bool:
    """Whether the verb at ``k`` tells its act in the passive without the doer, inside what
    someone said: "the ministry said 22 missiles were launched", "three people were killed,
    police said". The speaker reports the act; who did it is not said, and the speaker is no
    better guess than anyone (a party telling its own act says so: "the coalition said it
    struck")."""
    if tree.tokens[k].pos in NOUN_POS or not tree.kids(k, "nsubjpass") or tree.kids(k, "agent"):
        return False
    if any(tree.lemma(c) in SAYING for c in tree.kids(k, "parataxis")):
        return True
    n = k
    for _ in range(4):
        h = tree.head(n)
        if h == n:
            return False
        if tree.tokens[n].dep != "conj":
            return tree.tokens[n].dep in ("ccomp", "parataxis") and tree.lemma(h) in SAYING
        n = h
    return False


def _time_noun(tree: Tree, k: int) -> bool:
    return tree.lemma(k) in TIME_NOUNS or tree.tokens[k].ent_type in ("DATE", "TIME")


# Weapons as grammatical subjects ("a rocket hit", "mortars landed") name no actor.
WEAPON_NOUNS = frozenset({"rocket", "missile", "mortar", "shell", "bomb", "drone", "projectile",
                          "katyusha", "grenade", "round", "bullet", "artillery", "explosion",
                          "blast", "device", "ied", "mine", "landmine", "airstrike", "strike"})
# Vowing to use force is a threat made: "vowed to fight until ...", "swore to avenge".
VOW_VERBS = frozenset({"vow", "swear", "pledge", "promise"})
WARNING_VERBS = frozenset({"warn", "caution"})
SUFFER_VERBS = frozenset({"face", "pay", "suffer", "regret", "bear"})  # "X would face ..."
POSSIBILITY_MODALS = frozenset({"could", "may", "might", "can"})
REVENGE_NOUNS = frozenset({"revenge", "vengeance", "retaliation", "retribution", "reprisal"})
TEST_VERBS = frozenset({"fire", "launch"})  # "test-fired", "test-launched"
TALK_WORDS = frozenset({"talk"})  # a meeting only with someone to talk with (:func:`talks_with`)

DEADLINE_NOUNS = frozenset({"hour", "day", "week", "month", "minute"})
# Spans of time a participle can hang from ("after a day visiting the coast").
TIME_NOUNS = frozenset({"day", "week", "month", "year", "hour", "night", "morning", "weekend"})
# Prepositions whose participle ("after meeting", "by attacking") takes the subject of the
# clause it modifies.
CONTROL_PREPS = frozenset({"after", "before", "while", "since", "upon", "on", "by", "when"})
VIOLENT_VERBS = frozenset({"fight", "attack", "strike", "retaliate", "avenge", "kill", "destroy",
                           "crush", "bomb", "punish", "annihilate", "wipe", "eliminate"})
# Coercion vowed is a threat too: "promised to expel Americans", "vowed to arrest the leaders".
# (verb -> PLOVER THREATEN mode)
FORCING_VERBS = {"expel": "expel", "deport": "expel", "evict": "expel", "oust": "expel",
                 "arrest": "arrest", "detain": "arrest", "ban": "ban", "sanction": "restrict",
                 "blockade": "restrict"}
# Attacks named as the subject of what they did ("the bombing killed 12 people").
ATTACK_NOUNS = frozenset({"attack", "bombing", "raid", "assault", "shelling", "ambush", "fire",
                          "gunfire", "offensive", "clash", "fighting", "violence", "airstrike"})
NON_PARTICIPANT_ENTS = frozenset({"DATE", "TIME", "CARDINAL", "MONEY", "PERCENT", "QUANTITY",
                                  "ORDINAL"})


def _prep_object(tree: Tree, k: int, preps: tuple[str, ...] = RECIPIENT_PREPS) -> int | None:
    """The object of ``k``'s first prepositional phrase in ``preps`` that names a participant,
    else of the first such phrase at all (None when there is none).

    Why participants first: "signed a deal with Britain in London", "rockets landed near the
    base, 80 km to the north": the phrase that names a party is the recipient, whichever comes
    first in the sentence.
    """
    first = None
    for p in tree.kids(k, "prep"):
        if tree.lemma(p) in preps:
            for o in tree.kids(p, "pobj"):
                if tree.tokens[o].ent_type in NON_PARTICIPANT_ENTS:
                    continue  # "on Wednesday", "for three weeks": when, not whom
                if _participant_like(tree, o):
                    return o
                if first is None:
                    first = o
    return first


# Acts done with another party rather than to it: each side may be the subject ("Iraq and
# Britain signed a pact"); who acts after one took part in it ("Emerging from a meeting with
# Obama, Svanberg ..."); and their "at" phrase says where, not with whom ("a meeting at the
# White House", "agreed at the summit"; but "fired at protesters", "lashed out at Iran", and
# a protest "at the US embassy" is aimed at the United States).
WITH_ANOTHER_TYPES = frozenset({"AGREE", "CONSULT", "COOPERATE"})
_RECIPIENT_PREPS_NOT_AT = tuple(p for p in RECIPIENT_PREPS if p != "at")


def _recipient_preps(etype: str) -> tuple[str, ...]:
    return _RECIPIENT_PREPS_NOT_AT if etype in WITH_ANOTHER_TYPES else RECIPIENT_PREPS


# Nominal events whose "of" phrase is the one it was done to: "the killing of X", "the arrest
# of X", "the expulsion of X" (for other nouns "of" is the content: "a wave of attacks").
PATIENT_OF_TYPES = frozenset({"ASSAULT", "COERCE", "SANCTION"})


# Prepositions that introduce the means or occasion of a passive act: "killed in a strike",
# "wounded by a drone", "hit with rockets".
MEANS_PREPS = ("in", "by", "with", "during")


def _means_owner(tree: Tree, k: int) -> int | None:
    """The owner of the weapon or strike a passive act names as its means, else None.

    Why: "commander X was killed in a US airstrike" has no agent phrase; the strike's owner is
    who killed him, and not the group the relative clause hangs on ("a militia group whose
    commander was killed ...").
    """
    for prep in tree.kids(k, "prep", "agent"):
        if tree.lemma(prep) not in MEANS_PREPS:
            continue
        for obj in tree.kids(prep, "pobj"):
            if tree.lemma(obj) in WEAPON_NOUNS:
                owner = _owner(tree, obj)
                if owner is not None:
                    return owner
    return None


def _owner(tree: Tree, k: int) -> int | None:
    """The participant a noun belongs to: "Iran's missiles", "a US drone strike" (None if none).

    Dates and numbers are not owners ("the January 3 strike", "the 13th attack").
    """
    for c in tree.kids(k, "poss"):
        if tree.tokens[c].ent_type not in NON_PARTICIPANT_ENTS:
            return c
    found = None
    for c in tree.kids(k, "compound", "amod", "nmod"):
        if tree.tokens[c].ent_type in NON_PARTICIPANT_ENTS:
            continue
        if _participant_like(tree, c) or tree.tokens[c].ent_type:
            found = c
    return found


# Types whose event noun names its doer with "from": "attacks from ISIS remnants", "threats
# from the militia" (a thing from a place, "aid from Germany", is the giver too, but AID's
# "from" may as well be the source of goods, so only these).
FROM_ACTOR_TYPES = frozenset({"ASSAULT", "THREATEN", "COERCE"})


# Prepositions after which a meeting is the occasion of the clause's act ("following talks").
OCCASION_PREPS = CONTROL_PREPS | {"following", "from"}


def _occasion_of(tree: Tree, p: int, v: int) -> bool:
    """Whether preposition ``p`` (its object a meeting, talks, a visit) makes that the occasion
    of the clause of ``v``, whose subject then took part in it: "Emerging from a meeting with
    Obama, Svanberg promised ...", "After talks with Baghdad, the minister said ...". The
    participle's subject is the clause's (English control), as for "after meeting"."""
    if p == v or tree.tokens[p].dep != "prep" or tree.lemma(p) not in OCCASION_PREPS:
        return False
    t = tree.tokens[v]
    if t.tag == "VBG" and t.dep == "advcl":
        return True  # "Emerging from a meeting ..., Svanberg": subject_of reaches the clause
    return t.pos == "VERB" and tree.lemma(p) != "from"


def unowned_means(tree: Tree, cand: Candidate) -> bool:
    """Whether the text names only the means of the act, with nobody behind it: "the strike
    that killed Muhandis", "rockets landed", "threats from ballistic missiles". Who did it is
    then not said, and no other party of the sentence is to be guessed in its place."""
    k = cand.k
    if tree.tokens[k].pos in NOUN_POS:
        for prep in ("by", "from"):
            o = _prep_object(tree, k, (prep,))
            if o is not None and common_lemma(tree, o) in WEAPON_NOUNS and _owner(tree, o) is None:
                return True
        return False
    actor, _ = subject_of(tree, k)
    return (actor is not None and common_lemma(tree, actor) in WEAPON_NOUNS | ATTACK_NOUNS
            and _owner(tree, actor) is None)


def arguments(tree: Tree, cand: Candidate) -> tuple[int | None, int | None]:
    """(actor token, recipient token) of a candidate, from the parse; None where absent."""
    k = cand.k
    tok = tree.tokens[k]
    if tok.pos in NOUN_POS:
        actor = _owner(tree, k)
        done_to = None
        if actor is not None and tree.tokens[actor].dep == "poss" and \
                tree.lemma(k) in DONE_TO_NOUNS and _prep_object(tree, k, ("of",)) is None:
            done_to, actor = actor, None  # "Soleimani's killing": he was killed
        if actor is None:
            by = _prep_object(tree, k, ("by",))
            if by is None and cand.type in FROM_ACTOR_TYPES:
                by = _prep_object(tree, k, ("from",))  # "attacks from ISIS remnants"
                if by is not None and (common_lemma(tree, by) in WEAPON_NOUNS
                                       or not _participant_like(tree, by)):
                    by = None  # "threats from ballistic missiles": the means
            actor = by
        h = tree.head(k)
        if actor is None and tok.dep in ("dobj", "attr") and tree.lemma(h) in LIGHT_VERBS:
            actor, _ = subject_of(tree, h)
        if actor is None and tok.dep == "pobj":
            # "staged a wave of attacks": noun inside an "of" phrase of a light verb's object
            p = tree.head(k)
            o = tree.head(p)
            if tree.tokens[o].dep == "dobj" and tree.lemma(tree.head(o)) in LIGHT_VERBS:
                actor, _ = subject_of(tree, tree.head(o))
            elif cand.type in WITH_ANOTHER_TYPES and _occasion_of(tree, p, o):
                actor, _ = subject_of(tree, o)
        recipient = _prep_object(tree, k, _recipient_preps(cand.type))
        if cand.type in PATIENT_OF_TYPES and (recipient is None
                                              or not _participant_like(tree, recipient)):
            of = _prep_object(tree, k, ("of",))
            if of is not None and _participant_like(tree, of):
                recipient = of  # "the targeted killing of commander X"
        if recipient is None and tok.dep in ("dobj",) and tree.lemma(h) in LIGHT_VERBS:
            recipient = _prep_object(tree, h, _recipient_preps(cand.type))
        if done_to is not None and (recipient is None or not _participant_like(tree, recipient)):
            recipient = done_to
        if actor is not None and tree.tokens[actor].pos not in ("PROPN", "PRON", "NOUN", "ADJ"):
            actor = None
        if recipient is not None and recipient == actor:
            recipient = None  # "attacks from ISIS remnants": the doer, not the target
        return actor, recipient
    actor, patient = subject_of(tree, k)
    if actor is None and patient is not None:
        actor = _means_owner(tree, k)  # "X was killed in a US airstrike": the US
    if actor is not None and tree.lemma(k) == "come" and any(
            tree.lemma(p) == "under" for p in tree.kids(k, "prep", "prt")):
        actor, patient = None, actor  # "the base came under fire": the subject is the target
    if actor is not None and common_lemma(tree, actor) in WEAPON_NOUNS | ATTACK_NOUNS:
        # "rockets landed near the base", "the bombing killed 12": the weapon or the attack, not
        # who fired or made it; but "a US drone strike killed X", "Iranian missiles hit Y": the
        # owner is the actor
        actor = _owner(tree, actor)
    recipient = patient
    if recipient is None and cand.type == "AID":
        given_to = tree.kids(k, "dobj", "dative")
        if given_to and _with_things(tree, k, given_to) and _participant_like(tree, given_to[0]):
            recipient = given_to[0]  # "provided the army with weapons": the army gets them
    if recipient is None and cand.type not in ("MOBILIZE", "AID"):  # their object is the means
        for o in tree.kids(k, "dobj", "dative"):
            if _participant_like(tree, o):
                recipient = o
                break
    if recipient is None:
        recipient = _prep_object(tree, k, _recipient_preps(cand.type))
    if (recipient is None or not _participant_like(tree, recipient)) and \
            cand.type in CLAUSE_ADDRESSEE_TYPES:
        # "demanded that the US cancel the sale": the subject of the demanded clause is the
        # one the demand is addressed to
        for c in tree.kids(k, "ccomp"):
            subj = tree.kids(c, "nsubj", "nsubjpass")
            if subj and _participant_like(tree, subj[0]) and not is_pronoun(tree, subj[0]):
                recipient = subj[0]
                break
    if recipient is None:
        for o in tree.kids(k, "dobj"):
            inner = None
            for c in _conjuncts(tree, [o]):  # on the object or one chained to it
                inner = _prep_object(tree, c, ("of", "to", "with", "for", "against", "on"))
                if inner is not None:
                    break
            if inner is not None and _participant_like(tree, inner):
                recipient = inner  # ("launched artillery and rocket fire against the camps")
                break
            if tree.tokens[o].pos in ("NOUN", "PROPN") and cand.type in (
                    "ASSAULT", "COERCE", "ACCUSE", "REQUEST", "SUPPORT", "CONSULT", "THREATEN"
            ) and not (cand.type == "ASSAULT" and common_lemma(tree, o) in WEAPON_NOUNS) \
                    and common_lemma(tree, o) not in REVENGE_NOUNS:  # what is vowed, not to whom
                recipient = o  # "attacked the base", "condemned the decision"
                break
    if recipient is not None and actor is not None and recipient == actor:
        recipient = None
    return actor, recipient


# Prepositions that set an event as the time, cause or background of another clause: the
# clause's subject is not the event's actor ("talks stalled after the strike").
SETTING_PREPS = frozenset({"after", "before", "following", "since", "amid", "despite", "during",
                           "until", "because", "due", "over", "in", "from", "like", "than"})
# Nouns that make "of"/"to"/"for" a setting too: "as a result of the attacks", "in response to
# the strike", "in retaliation for the raid" name another party's earlier act.
SETTING_NOUNS = frozenset({"result", "response", "retaliation", "reaction", "wake", "aftermath",
                           "consequence", "revenge", "reprisal"})


def is_setting_prep(tree: Tree, n: int) -> bool:
    """Whether token ``n`` is a preposition that sets its object as background of the clause
    above ("after the strike", "as a result of the attacks"), not as its content."""
    if tree.tokens[n].dep != "prep":
        return False
    lem = tree.lemma(n)
    if lem in SETTING_PREPS:
        return True
    return lem in ("of", "to", "for") and tree.lemma(tree.head(n)) in SETTING_NOUNS


def in_response_phrase(tree: Tree, k: int, limit: int = 4) -> bool:
    """Whether the event noun ``k`` is what the clause answers ("as a result of the attacks",
    "in response to the strike"): another party's act, so the clause's participants are no
    clue to who did it; nor is a state of affairs around it ("amid renewed fighting", "despite
    the protests"). (A time phrase, "after the strike", is no such sign: who acts after a
    strike is often who struck.)"""
    n = k
    for _ in range(limit):
        if tree.tokens[n].dep not in ("pobj", "prep", "pcomp"):
            return False
        h = tree.head(n)
        if h == n:
            return False
        if tree.tokens[n].dep == "prep" and tree.lemma(n) in ("of", "to", "for") and \
                tree.lemma(h) in SETTING_NOUNS | RESPONSE_VERBS:
            return True  # (also "..., responding to Trump's demand")
        if tree.tokens[n].dep == "prep" and tree.lemma(n) in BACKGROUND_PREPS:
            return True  # "allocated aid amid renewed fighting": not the aid-giver's fighting
        n = h
    return False


# Verbs that answer what their "to" phrase names, as the nouns of SETTING_NOUNS do.
RESPONSE_VERBS = frozenset({"respond", "reply", "react", "retaliate"})
# Prepositions that set their object as a state of affairs around the clause, which its
# subject is no clue to the author of ("amid fighting", "despite the protests").
BACKGROUND_PREPS = frozenset({"amid", "amidst", "despite", "because", "due"})


# Speech acts whose clausal complement names their addressee as its subject.
CLAUSE_ADDRESSEE_TYPES = frozenset({"REQUEST", "THREATEN", "ACCUSE"})
# Pronouns and placeholders that name no one by themselves: the actor is found elsewhere.
PRONOUNS = frozenset({"they", "it", "we", "he", "she", "i", "them", "you", "who", "which",
                      "that", "this", "these", "those", "one", "someone", "somebody"})
# Dependencies through which a clause or an event noun inherits the subject above it:
# "X agreed to send", "X announced it would return", "X would prohibit all aid".
INHERIT_DEPS = frozenset({"xcomp", "ccomp", "conj", "advcl", "pcomp", "pobj", "prep", "dobj",
                          "attr", "oprd", "parataxis", "csubj", "acomp"})


def is_pronoun(tree: Tree, k: int) -> bool:
    """Whether token ``k`` is a pronoun or placeholder that names no actor by itself."""
    tok = tree.tokens[k]
    return tok.pos == "PRON" or tok.text.lower() in PRONOUNS


def governing_subject(tree: Tree, k: int, limit: int = 5) -> int | None:
    """The named subject of the nearest clause above ``k`` (None when none is in reach).

    Why: an event in a complement clause often has no subject of its own ("X agreed to send",
    "X's plan to withdraw") or only a pronoun ("X said they attacked", "X announced it will
    return"), and in news the governing clause's subject is then the one who acts. Relative and
    adjectival clauses are not climbed: their head noun is their participant (see
    :func:`_subject`). A "we" or "I" below is taken as the subject above only across a verb of
    saying: a speaker's "we" is the speaker.
    """
    own, _ = subject_of(tree, k)
    speaker_only = own is not None and _first_person(tree, own)
    n = k
    for _ in range(limit):
        h = tree.head(n)
        if h == n or tree.tokens[n].dep not in INHERIT_DEPS:
            return None
        if is_setting_prep(tree, n):
            return None  # "X is in doubt after the strike that ...": X did not strike
        below, n = n, h
        if tree.tokens[h].pos in ("VERB", "AUX") or tree.tokens[h].tag.startswith("VB"):
            a, _ = subject_of(tree, h)
            if a is not None and a != below and _first_person(tree, a):
                speaker_only = True
            if a is not None and a != below and not is_pronoun(tree, a) and \
                    tree.tokens[a].ent_type not in NON_PARTICIPANT_ENTS:
                if speaker_only and tree.lemma(h) not in SAYING:
                    # only the one who speaks says "we": "help your viewers understand that
                    # we remain partnered" is not the viewers' act ("X said we will stay" is X's)
                    return None
                return a
    return None


# Verbs that report what someone said ("the minister said the government must withdraw").
SAYING_VERBS = frozenset({"say", "tell", "state", "declare", "insist", "stress", "add",
                          "reiterate", "write", "argue", "maintain", "emphasize", "emphasise"})
# Verbs of saying or attributing: their subject is who a quoted "we" or "I" is.
SAYING = SPEECH_VERBS | SAYING_VERBS
# Words by which a speaker names their own side.
FIRST_PERSON = frozenset({"we", "i", "us", "me", "our"})


def _first_person(tree: Tree, k: int) -> bool:
    return tree.tokens[k].text.lower() in FIRST_PERSON
