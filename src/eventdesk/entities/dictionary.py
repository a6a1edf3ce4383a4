"""The actor dictionary: who a name, a demonym, a capital or a role phrase stands for.

Why a dictionary and not a model: actor coding (CAMEO, PLOVER, ACLED) is a lookup against
curated lists of countries, organisations and groups plus sector keyword rules, and analysts need
to read and extend those lists. The lists are plain TSV files in ``eventdesk/data/actors``; a user
adds their own with the ``EVENTDESK_ACTORS`` environment variable or :func:`actor_dictionary`'s
``extra`` argument (files or folders of ``.tsv``/``.csv``/``.json`` in the named-actor schema:
``canonical, code, country, sector, kind, aliases, tags``).

Matching works on normalised word tokens (accents folded, ``U.S.`` -> ``US``, hyphens and
apostrophes split), so "al-Qaeda", "al Qaeda" and "Al-Qaida" meet. Acronym aliases ("IS", "US",
"WHO", "LeT") match only in their own capitals, so "us" and "who" never become countries or
agencies. Codes follow CAMEO/PLOVER habits: a country's ISO-3 (``IRQ``), plus a sector
(``IRQMIL``); ``IGO``/``NGO`` + the body's tag (``IGONATO``); ``IMG`` + tag for transnational armed
groups (``IMGISIL``), which have no country.
"""

from __future__ import annotations

import csv
import itertools
import json
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from ..errors import InputError

ENV_VAR = "EVENTDESK_ACTORS"
KINDS = ("country", "igo", "ngo", "armed_group", "person", "org", "generic")
SECTORS = frozenset(
    [
        "GOV",
        "MIL",
        "REB",
        "OPP",
        "PTY",
        "COP",
        "JUD",
        "SPY",
        "MED",
        "EDU",
        "BUS",
        "CRM",
        "CVL",
        "LAB",
        "IGO",
        "NGO",
    ]
)


_POSSESSIVE = re.compile(r"'s?$")
# A company's legal form and a leading article or trailing possessive: not part of who it is.
_LEGAL_FORM = re.compile(
    r"(?:,?\s+(?:plc|inc|incorporated|ltd|limited|corp|corporation|co|llc|ag|sa|nv|se)\.?)+$",
    re.I)


def name_key(text: str) -> str:
    """A party's name compared without "the", a possessive or a company's legal form:
    "BP Plc", "BP" and "BP's" are one company (linking compares parties by it; the actors
    stage counts an article's companies by it)."""
    t = _POSSESSIVE.sub("", text.replace("’", "'").strip())
    t = _LEGAL_FORM.sub("", re.sub(r"^the\s+", "", t, flags=re.I))
    return " ".join(t.split()).casefold()


def code_names_body(code: str | None, country: str | None = None) -> bool:
    """Whether an actor code names one body (NATO: IGONATO, an armed group: IRQREBKH) rather
    than a country and sectors that stand for many (USAGOV is any US official, COP any police
    force: "Lansing police" is not a body of no state, and Lansing stays a town)."""
    if not code:
        return False
    rest = code[3:] if country and code.startswith(country) else code
    parts = [rest[k:k + 3] for k in range(0, len(rest), 3)]
    return not (len(rest) % 3 == 0 and all(p in SECTORS for p in parts))


NAMED_FIELDS = ("canonical", "code", "country", "sector", "kind", "aliases", "tags")
MAX_PHRASE = 12  # longest alias in tokens; longer n-grams are never tried

_TOKEN = re.compile(r"(?:[^\W\d_]\.){2,}|[^\W_]+")
_DETERMINERS = frozenset(
    ["the", "a", "an", "this", "that", "these", "those", "its", "their", "his", "her"]
)
# A country named as a patron is not the actor: "Iranian-backed militias", "pro-Iranian groups".
_PATRON_AFTER = frozenset(
    [
        "backed",
        "allied",
        "aligned",
        "supported",
        "sponsored",
        "funded",
        "trained",
        "armed",
        "based",
        "affiliated",
    ]
)
# "pro-Iranian", "anti-American"; "ethnic Albanians" are a people, not Albania's state
_PATRON_BEFORE = frozenset({"pro", "anti", "ethnic"})
# Words after which a phrase stops describing the actor and starts describing a place or time.
_STOP_WORDS = frozenset({"in", "at", "from", "near", "on", "during", "after", "since", "across"})
_OF_WORDS = frozenset({"of", "for"})


@dataclass(slots=True)
class ActorInfo:
    """What the dictionary knows of an actor: the name we print, its code, country and sector."""

    canonical: str
    code: str | None
    country: str | None
    sector: str | None
    kind: str  # country | igo | ngo | armed_group | person | org | generic
    tags: tuple[str, ...] = ()  # words anaphors refer back to ("alliance", "minister")


@dataclass(slots=True)
class Tok:
    """A word of the text: offsets into the original string and its folded form."""

    start: int
    end: int
    surface: str  # accents folded, dots removed, case kept
    lower: str


@dataclass(slots=True)
class _Entry:
    """One alias's reading. ``source`` says what kind of list it came from."""

    source: str  # named | country | demonym | people | capital | sector | anaphor
    info: ActorInfo | None = None
    exact: tuple[str, ...] | None = None  # acronyms: the surface tokens that must match
    capitalised: tuple[bool, ...] = ()  # per alias token: must start upper-case in running text
    sector: str | None = None  # sector phrases
    strength: str = ""  # strong | weak | affil | neutral
    agent: bool = False
    role: bool = False
    phrase: str = ""
    target: tuple[str, str] | None = None  # anaphors: (tag|kind|role, value)

    def accepts(self, toks: list[Tok], strict_case: bool) -> bool:
        """Whether the text tokens can be this alias (case rules; see the module doc)."""
        if self.exact is not None:
            return tuple(t.surface for t in toks) == self.exact
        if strict_case:
            for need, tok in zip(self.capitalised, toks, strict=False):
                if need and not tok.surface[:1].isupper():
                    return False
        return True


@dataclass(slots=True)
class Match:
    """A run of tokens the dictionary recognises, with its readings (best first)."""

    start: int  # char offsets
    end: int
    i: int  # token indices [i, j)
    j: int
    entries: list[_Entry]

    @property
    def best(self) -> _Entry:
        return self.entries[0]


@dataclass(slots=True)
class Mention:
    """A recognised actor mention in running text: a named actor, a compound or an anaphor."""

    start: int
    end: int
    kind: str  # named | compound | generic | anaphor | role
    info: ActorInfo | None
    source: str = ""  # the best entry's source for named mentions
    target: tuple[str, str] | None = None
    role_words: tuple[str, ...] = ()
    org: ActorInfo | None = None  # the named body inside a compound ("NATO" in "NATO troops")


MISSPELT_MIN = 6  # letters a word needs before it is read as a misspelt country


def _names_a_place(word: str, entries: list[_Entry]) -> bool:
    """Whether the gazetteer knows ``word`` as a place other than the country it is close to:
    "Columbia" (South Carolina, Missouri) and "Lichtenstein" (Saxony) are spelt right."""
    from ..places.gazetteer import gazetteer

    iso3 = {e.info.country for e in entries if e.info is not None}
    gaz = gazetteer()
    return any(gaz.entry(i).iso3 not in iso3 or gaz.entry(i).kind != "country"
               for i, _ in gaz.lookup_strict(word))


def _deletions(word: str) -> set[str]:
    return {word[:k] + word[k + 1:] for k in range(len(word))}


def _one_edit(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` differ by one inserted, dropped or changed letter, or two
    adjacent letters swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [k for k in range(len(a)) if a[k] != b[k]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:k] + long_[k + 1:] == short for k in range(len(long_)))


def fold(text: str) -> str:
    """Strip accents and unify apostrophes so that spellings meet ("Erdoğan" -> "Erdogan")."""
    text = text.replace("’", "'").replace("‘", "'")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def tokenize(text: str, offset: int = 0) -> list[Tok]:
    """Word tokens of ``text`` with offsets (plus ``offset``); ``U.S.`` stays one token ``US``."""
    out = []
    for m in _TOKEN.finditer(text):
        surface = fold(m.group()).replace(".", "")
        if not surface:
            continue
        out.append(Tok(offset + m.start(), offset + m.end(), surface, surface.lower()))
    return out


def key_of(text: str) -> str:
    """The lookup key of a phrase: its folded lower-case tokens joined by spaces."""
    return " ".join(t.lower for t in tokenize(text))


def _alias_tokens(alias: str) -> list[str]:
    return [t.surface for t in tokenize(alias)]


def _is_acronym(tokens: list[str]) -> bool:
    """All capitals (or inner capitals, "LeT"): such aliases match only as written."""
    return all(t.isupper() or any(c.isupper() for c in t[1:]) for t in tokens)


def _strip_determiners(toks: list[Tok]) -> list[Tok]:
    i = 0
    while i < len(toks) - 1 and toks[i].lower in _DETERMINERS:
        i += 1
    return toks[i:]


_JOINING_GAP = re.compile(r"[\s\-'&/]*")
_ABBREVIATION_GAP = re.compile(r"\.\s*")


def _gap_ok(text: str, a: Tok, b: Tok) -> bool:
    """Whether two neighbouring tokens belong to one phrase (no sentence or clause break)."""
    gap = text[a.end : b.start]
    if _JOINING_GAP.fullmatch(gap):
        return True
    # "Gen. Smith", "St. Lucia": a dot after a short capitalised abbreviation
    return bool(_ABBREVIATION_GAP.fullmatch(gap)) and len(a.surface) <= 3 and (
        a.surface[:1].isupper())


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split("|") if v.strip()]


def _data_rows(name: str) -> Iterator[dict[str, str]]:
    """Rows of a packaged TSV (``#`` comment lines skipped)."""
    path = resources.files("eventdesk") / "data" / "actors" / name
    with path.open(encoding="utf-8") as fh:
        yield from _tsv_rows(fh, name)


def _tsv_rows(lines: Iterable[str], source: str, delimiter: str = "\t") -> Iterator[dict[str, str]]:
    body = (line for line in lines if line.strip() and not line.startswith("#"))
    reader = csv.DictReader(body, delimiter=delimiter, quoting=csv.QUOTE_NONE)
    for row in reader:
        if None in row:
            raise InputError(
                f"row {reader.line_num} has more fields than the header",
                source=source,
                hint="separate fields with tabs (TSV) or commas (CSV); join aliases with |",
            )
        yield {k: (v or "").strip() for k, v in row.items()}


@dataclass
class ActorDictionary:
    """Countries, demonyms, capitals, organisations, armed groups, persons and sector rules.

    Build it with :func:`actor_dictionary` (cached); construct directly only to add files.
    """

    extra: tuple[str, ...] = ()
    table: dict[str, list[_Entry]] = field(default_factory=dict)
    countries: dict[str, str] = field(default_factory=dict)  # ISO3 -> name
    anaphora: dict[str, tuple[str, str]] = field(default_factory=dict)
    # one-letter-off forms of one-word country names and first demonyms -> the table key they
    # misspell ("ethopia" -> "ethiopia"); see :meth:`misspelt`
    near: dict[str, set[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._load_countries()
        for name in ("igos.tsv", "ngos.tsv", "armed_groups.tsv", "institutions.tsv", "persons.tsv"):
            self._load_named(_data_rows(name), f"eventdesk/data/actors/{name}")
        self._load_sectors()
        self._load_anaphora()
        for path in self.extra:
            self.load_file(path)

    # -- loading -----------------------------------------------------------------------------

    def _add(self, alias: str, entry: _Entry, first: bool = False) -> None:
        toks = _alias_tokens(alias)
        if not toks:
            return
        if toks[0].lower() == "the" and len(toks) > 1 and entry.source not in ("anaphor",):
            toks = toks[1:]
        key = " ".join(t.lower() for t in toks)
        e = _Entry(**{f: getattr(entry, f) for f in entry.__slots__})  # one copy per alias
        if _is_acronym(toks):
            e.exact = tuple(toks)
        e.capitalised = tuple(t[:1].isupper() for t in toks)
        bucket = self.table.setdefault(key, [])
        if first:
            bucket.insert(0, e)
        else:
            bucket.append(e)

    def _load_countries(self) -> None:
        for row in _data_rows("countries.tsv"):
            iso, name = row["iso3"], row["name"]
            self.countries[iso] = name
            info = ActorInfo(name, iso, iso, None, "country")
            for alias in [name, *_split(row["aliases"])]:
                self._add(alias, _Entry("country", info))
            gov = ActorInfo(name, iso + "GOV", iso, "GOV", "country")
            # a country's people named as a group act as its civilians ("Iraqis protested")
            people_info = ActorInfo(name, iso + "CVL", iso, "CVL", "country")
            for word in [name, *_split(row["demonyms"])[:1]]:
                if " " not in word and len(word) >= MISSPELT_MIN - 1:
                    for variant in _deletions(word.lower()) | {word.lower()}:
                        self.near.setdefault(variant, set()).add(word.lower())
            for cap in _split(row["capitals"]):
                self._add(cap, _Entry("capital", gov))
            for dem in _split(row["demonyms"]):
                self._add(dem, _Entry("demonym", info))
                if dem.isupper():
                    continue  # "US" is no plural
                for people in people_forms(dem):
                    self._add(people, _Entry("people", people_info))

    def _load_named(self, rows: Iterable[dict[str, str]], source: str) -> None:
        for n, row in enumerate(rows, start=1):
            info = self._named_info(row, source, n)
            for alias in dict.fromkeys([info.canonical, *_split(row.get("aliases", ""))]):
                # named actors outrank countries' and capitals' readings of the same words
                # ("Brussels" is the EU before it is Belgium's government)
                self._add(alias, _Entry("named", info), first=True)

    def _named_info(self, row: dict[str, str], source: str, n: int) -> ActorInfo:
        missing = [f for f in ("canonical", "kind") if not row.get(f)]
        if missing:
            raise InputError(
                f"row {n} lacks {', '.join(missing)}",
                source=source,
                hint=f"columns: {', '.join(NAMED_FIELDS)}",
            )
        kind = row["kind"]
        if kind not in KINDS:
            raise InputError(
                f"row {n}: unknown kind {kind!r}",
                source=source,
                hint=f"use one of {', '.join(KINDS)}",
            )
        country = row.get("country") or None
        if country and country not in self.countries:
            raise InputError(
                f"row {n}: unknown country code {country!r}",
                source=source,
                hint="use an ISO 3166-1 alpha-3 code such as IRQ",
            )
        sector = row.get("sector") or None
        if sector and not re.fullmatch(r"[A-Z]{3}", sector):
            raise InputError(
                f"row {n}: bad sector {sector!r}",
                source=source,
                hint="use a three-letter CAMEO/PLOVER sector such as GOV or MIL",
            )
        code = row.get("code") or ((country or "") + (sector or "")) or None
        return ActorInfo(
            row["canonical"], code, country, sector, kind, tuple(_split(row.get("tags", "")))
        )

    def _load_sectors(self) -> None:
        for row in _data_rows("sectors.tsv"):
            entry = _Entry(
                "sector",
                sector=row["sector"] or None,
                strength=row["strength"],
                agent=row["agent"] == "yes",
                role=row["role"] == "yes",
                phrase=row["phrase"].lower(),
            )
            self._add(row["phrase"], entry)

    def _load_anaphora(self) -> None:
        for row in _data_rows("anaphora.tsv"):
            target = (row["target"], row["value"])
            self.anaphora[key_of(row["phrase"])] = target
            self._add(row["phrase"], _Entry("anaphor", target=target, phrase=row["phrase"]))

    def load_file(self, path: str | os.PathLike[str]) -> None:
        """Add named actors from a ``.tsv``, ``.csv`` or ``.json`` file, or a folder of them.

        Later files win over the packaged lists for the same alias, so a user can recode an
        actor (``aliases`` and ``tags`` are ``|``-joined in TSV/CSV, lists in JSON).
        """
        p = Path(path)
        if p.is_dir():
            for child in sorted(p.iterdir()):
                if child.suffix.lower() in (".tsv", ".csv", ".json"):
                    self.load_file(child)
            return
        if not p.is_file():
            raise InputError(
                "actor file not found",
                source=str(p),
                hint=f"check the path given in {ENV_VAR} or extra=",
            )
        suffix = p.suffix.lower()
        try:
            text = p.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read actor file: {exc}", source=str(p)) from exc
        if suffix == ".json":
            try:
                items = json.loads(text)
            except json.JSONDecodeError as exc:
                raise InputError(f"not valid JSON: {exc}", source=str(p)) from exc
            if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
                raise InputError(
                    "expected a JSON list of actor objects",
                    source=str(p),
                    hint=f"each with keys {', '.join(NAMED_FIELDS)}",
                )
            rows = [
                {k: "|".join(v) if isinstance(v, list) else str(v or "") for k, v in i.items()}
                for i in items
            ]
        elif suffix in (".tsv", ".csv"):
            rows = list(_tsv_rows(text.splitlines(), str(p), "\t" if suffix == ".tsv" else ","))
        else:
            raise InputError(
                "unsupported actor file type", source=str(p), hint="use .tsv, .csv or .json"
            )
        self._load_named(rows, str(p))

    # -- matching ----------------------------------------------------------------------------

    def matches(self, toks: list[Tok], text: str, strict_case: bool = True) -> list[Match]:
        """Longest dictionary phrases in ``toks``, left to right, not overlapping."""
        out: list[Match] = []
        i, n = 0, len(toks)
        # reach[k]: the end of the unbroken phrase run starting at token k; each gap is checked
        # once here rather than once per candidate phrase (this loop runs on every sentence).
        reach = [0] * n
        for k in range(n - 1, -1, -1):
            joined = k < n - 1 and _gap_ok(text, toks[k], toks[k + 1])
            reach[k] = reach[k + 1] if joined else k + 1
        lowers = [t.lower for t in toks]
        while i < n:
            found = None
            for j in range(min(reach[i], i + MAX_PHRASE), i, -1):
                entries = self.table.get(" ".join(lowers[i:j]))
                if not entries:
                    continue
                ok = [e for e in entries if e.accepts(toks[i:j], strict_case)]
                if ok:
                    found = Match(toks[i].start, toks[j - 1].end, i, j, ok)
                    break
            if found is None and strict_case:
                key = self.misspelt(toks[i])
                if key is not None:
                    found = Match(toks[i].start, toks[i].end, i, i + 1, self.table[key])
            if found:
                out.append(found)
                i = found.j
            else:
                i += 1
        return out

    def misspelt(self, tok: Tok) -> str | None:
        """The country name or demonym a capitalised unknown word misspells by one letter
        ("Ethopia", "Quatar", "Phillippines"), if exactly one; else None.

        Why: reports typed in a hurry and analysts' own notes misspell countries, and a missed
        country loses an event's actor. Only words of six letters or more, with the same first
        letter, one letter added, dropped, changed or two swapped; never a plural or possessive
        of the name ("Frances" is a first name), a word the dictionary knows, or a place the
        gazetteer knows ("Columbia").
        """
        word = tok.lower
        if len(word) < MISSPELT_MIN or not tok.surface[:1].isupper() or not word.isalpha() \
                or word in self.table:
            return None
        found = set()
        for variant in _deletions(word) | {word}:
            for key in self.near.get(variant, ()):
                if key[0] == word[0] and word not in (key + "s", key + "es") and \
                        _one_edit(word, key):
                    found.add(key)
        if len(found) != 1:
            return None
        key = found.pop()
        return key if not _names_a_place(tok.surface, self.table[key]) else None

    def lookup(self, text: str, context_country: str | None = None) -> ActorInfo | None:
        """The actor ``text`` names, or None when nothing in it is known (nothing is invented).

        ``context_country`` (ISO-3) is the country a generic agent belongs to when the phrase
        names none ("protesters", "the government" in an article about Iraq).
        """
        toks = _strip_determiners(tokenize(text))
        if not toks:
            return None
        entries = self.table.get(" ".join(t.lower for t in toks), [])
        entries = [e for e in entries if e.accepts(toks, strict_case=False)]
        for e in entries:
            if e.source in ("named", "country", "capital", "demonym", "people") and e.info:
                return e.info
        return self.compose(toks, text, context_country, strict_case=False)

    def compose(
        self,
        toks: list[Tok],
        text: str,
        context_country: str | None = None,
        strict_case: bool = True,
    ) -> ActorInfo | None:
        """Combine the known pieces of a noun phrase ("Iraqi security forces" -> IRQ MIL)."""
        ms = self.matches(toks, text, strict_case)
        items = _phrase_items(ms, toks)
        if not items:
            return None
        return self._combine(items, toks, text, context_country)

    def _combine(
        self,
        items: list[tuple[Match, bool]],
        toks: list[Tok],
        text: str,
        context_country: str | None,
        phrase: str | None = None,
    ) -> ActorInfo | None:
        """Combine phrase pieces; ``toks`` are the tokens the matches index into."""
        pre = [m for m, after_of in items if not after_of]
        post = [m for m, after_of in items if after_of]
        sector = _sector_of(pre) or _sector_of(post)
        org = next(
            (
                m.best.info
                for m in pre + post
                if m.best.source == "named" and m.best.info and m.best.info.kind != "country"
            ),
            None,
        )
        country = next(
            (
                m.best.info.country
                for m in pre + post
                if m.best.source in ("country", "demonym", "people", "capital")
                and m.best.info
                and not _is_patron(m, toks, text)
            ),
            None,
        )
        if org is None and country is None and sector is None:
            return None
        if country is None and org is not None:
            country = org.country
        generic = org is None and country is None
        if generic:
            country = context_country
        if phrase is None:
            phrase = text[toks[0].start : toks[-1].end] if toks else text
        if org is not None:
            base = org.code or ""
            if sector and sector != org.sector and not base.endswith(sector):
                base += sector
            same = sector in (None, org.sector) and len(items) == 1
            canonical = org.canonical if same else phrase
            return ActorInfo(
                canonical, base or None, country, sector or org.sector, org.kind, org.tags
            )
        code = (country or "") + (sector or "")
        canonical = self.countries.get(country, phrase) if country and sector is None else phrase
        roles = tuple(
            m.best.phrase for m in pre + post if m.best.source == "sector" and m.best.role
        )
        return ActorInfo(
            canonical, code or None, country, sector, "generic" if generic else "country", roles
        )

    def scan(
        self,
        text: str,
        start: int = 0,
        end: int | None = None,
        pos: dict[int, str] | None = None,
    ) -> list[Mention]:
        """Actor mentions in ``text[start:end]`` (offsets into ``text``).

        Adjacent pieces join into one compound mention ("Iraqi security forces", "commander of
        US forces"); ``pos`` (char start -> part of speech, from the parse) lets unknown
        adjectives sit between them ("Iraqi special forces"). Bare sector words become mentions
        only when they can name an actor alone ("protesters", "police", "the government").
        """
        src = text
        toks = tokenize(text[start:end], start)
        ms = self.matches(toks, src)
        groups = _group(ms, toks, src, pos)
        out: list[Mention] = []
        for group in groups:
            first, last = group[0], group[-1]
            if len(group) == 1:
                e = first.best
                if e.source == "anaphor":
                    out.append(
                        Mention(first.start, first.end, "anaphor", None, "anaphor", e.target)
                    )
                elif e.source == "sector":
                    if e.agent and e.sector:
                        info = ActorInfo(
                            src[first.start : first.end],
                            e.sector,
                            None,
                            e.sector,
                            "generic",
                            (e.phrase,) if e.role else (),
                        )
                        out.append(Mention(first.start, first.end, "generic", info, "sector"))
                    elif e.role:
                        out.append(
                            Mention(
                                first.start,
                                first.end,
                                "role",
                                None,
                                "sector",
                                role_words=(e.phrase,),
                            )
                        )
                elif e.info is not None:
                    out.append(Mention(first.start, first.end, "named", e.info, e.source))
                continue
            items = _phrase_items(group, toks)
            info = self._combine(items, toks, src, None, src[first.start : last.end])
            if info is None:
                continue
            roles = tuple(m.best.phrase for m in group if m.best.source == "sector" and m.best.role)
            has_sector = any(m.best.source == "sector" for m in group)
            org = next(
                (
                    m.best.info
                    for m, _ in items
                    if m.best.source == "named"
                    and m.best.info is not None
                    and m.best.info.kind != "country"
                ),
                None,
            )
            out.append(
                Mention(
                    first.start,
                    last.end,
                    "compound" if has_sector else "named",
                    info,
                    "compound",
                    role_words=roles,
                    org=org,
                )
            )
        return out


def people_forms(dem: str) -> list[str]:
    """Plural forms naming a country's people ("Iraqis", "Afghans"); none for "-ese", "-ish"."""
    if dem.endswith(("ese", "ish", "ch", "sh", "ss", "x", "men", "i Arabian")):
        return []
    if dem.endswith("man"):
        return [dem[:-3] + "men"]
    return [dem + "s"]


@lru_cache(maxsize=1)
def country_demonyms() -> dict[str, str]:
    """Lower-cased demonyms and their people's plurals -> ISO-3 ("iraqi", "iraqis" -> "IRQ").

    From the same countries table the actors come from, so the places stage and the actor
    dictionary agree on what "Emirati" means. Upper-case forms ("US") are names, not demonyms,
    and are left to the gazetteer; a form two countries share (none now) goes to the first.
    """
    out: dict[str, str] = {}
    for row in _data_rows("countries.tsv"):
        for dem in _split(row["demonyms"]):
            if dem.isupper() or not dem[:1].isupper():
                continue
            for form in (dem, *people_forms(dem)):
                out.setdefault(form.lower(), row["iso3"])
    return out


def _is_patron(m: Match, toks: list[Tok], text: str) -> bool:
    """A country that backs or opposes the actor rather than being it ("Iranian-backed")."""
    if (
        m.j < len(toks)
        and toks[m.j].lower in _PATRON_AFTER
        and "-" in text[toks[m.j - 1].end : toks[m.j].start]
    ):
        return True
    return m.i > 0 and toks[m.i - 1].lower in _PATRON_BEFORE


def _phrase_items(ms: list[Match], toks: list[Tok]) -> list[tuple[Match, bool]]:
    """Matches of one phrase with whether each follows an "of"; stops at "in", "at", "from"."""
    out: list[tuple[Match, bool]] = []
    after_of = False
    prev_end = ms[0].i if ms else 0
    for m in ms:
        between = {t.lower for t in toks[prev_end : m.i]}
        if out and between & _STOP_WORDS:
            break
        if between & _OF_WORDS and out:
            after_of = True
        if m.best.source != "anaphor":
            out.append((m, after_of))
        prev_end = m.j
    return out


def _sector_of(ms: list[Match]) -> str | None:
    """The phrase's sector: an affiliation, else the rightmost strong word, else an organisation's
    own sector, else a weak word (see sectors.tsv)."""
    by: dict[str, list[str]] = {"affil": [], "strong": [], "weak": []}
    org_sector = None
    for m in ms:
        e = m.best
        if e.source == "sector" and e.sector and e.strength in by:
            by[e.strength].append(e.sector)
        elif e.source == "people" and e.info and e.info.sector:
            by["weak"].append(e.info.sector)  # "Bosnian Serbs": a people, so civilians
        elif e.source == "named" and e.info and e.info.kind != "country" and org_sector is None:
            org_sector = e.info.sector
    if by["affil"]:
        return by["affil"][-1]
    if by["strong"]:
        return by["strong"][-1]
    if org_sector:
        return org_sector
    if by["weak"]:
        return by["weak"][-1]
    return None


_JOINABLE = frozenset({"named", "country", "demonym", "people", "sector", "capital"})


def _group(
    ms: list[Match], toks: list[Tok], text: str, pos: dict[int, str] | None
) -> list[list[Match]]:
    """Group matches into phrases: neighbours with only spaces, hyphens, "of (the)" or (with a
    parse) up to two adjectives between them. Persons and anaphors stay alone."""
    groups: list[list[Match]] = []
    for m in ms:
        if groups and _joins(groups[-1][-1], m, toks, text, pos):
            groups[-1].append(m)
        else:
            groups.append([m])
    # a group of only names with no sector word is not a compound: split it back
    out: list[list[Match]] = []
    for g in groups:
        if len(g) > 1 and not any(m.best.source == "sector" for m in g):
            out.extend([m] for m in g)
        else:
            out.append(g)
    return out


def _joins(a: Match, b: Match, toks: list[Tok], text: str, pos: dict[int, str] | None) -> bool:
    ea, eb = a.best, b.best
    if ea.source not in _JOINABLE or eb.source not in _JOINABLE:
        return False
    if ea.info is not None and ea.info.kind == "person":
        return False
    if eb.info is not None and eb.info.kind == "person":
        return False
    between = toks[a.j : b.i]
    chain = [toks[a.j - 1], *between, toks[b.i]]
    if any(not _gap_ok(text, x, y) for x, y in itertools.pairwise(chain)):
        return False
    if not between:
        return True
    words = [t.lower for t in between]
    if words in (["of"], ["of", "the"], ["s"]):
        # "commander of US forces", "Iraq's parliament": the right side must be a name or a
        # sector phrase that goes with the left
        return True
    if all(w in _PATRON_AFTER for w in words):
        return True
    if pos is not None and len(between) <= 2:
        return all(pos.get(t.start) in ("ADJ", "PROPN", "NOUN") for t in between)
    return False


@lru_cache(maxsize=8)
def _cached(extra: tuple[str, ...]) -> ActorDictionary:
    return ActorDictionary(extra=extra)


def actor_dictionary(extra: tuple[str, ...] = ()) -> ActorDictionary:
    """The dictionary, loaded once per set of extra files (``EVENTDESK_ACTORS`` is added:
    a list of files or folders separated by the platform's path separator)."""
    env = tuple(p for p in os.environ.get(ENV_VAR, "").split(os.pathsep) if p.strip())
    return _cached(tuple(extra) + env)


def _combine_roles(items: list[tuple[Match, bool]]) -> tuple[str, ...]:
    """The office words of a phrase ("defence minister", "commander"), in order."""
    return tuple(m.best.phrase for m, _ in items if m.best.source == "sector" and m.best.role)
