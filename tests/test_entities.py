"""Actors: the dictionary, the linker (``eventdesk.actors.v1``) and ``resolve_actor``.

Most tests call the dictionary directly or build a Document by hand (sentences and NER entities
written here), so they need no model; the tests marked ``slow`` run the real spaCy stage.
"""

from __future__ import annotations

import re

import pycountry
import pytest

from eventdesk.entities import ActorDictionary, ActorLinker, actor_dictionary, resolve_actor
from eventdesk.errors import InputError
from eventdesk.types import Article, Document, Entity, Sentence


@pytest.fixture(scope="module")
def d() -> ActorDictionary:
    return actor_dictionary()


def make_doc(text: str, **kinds: tuple[str, ...]) -> Document:
    """A Document with naive sentences and the NER entities named (every occurrence)."""
    doc = Document(article=Article(id="t", text=text))
    for m in re.finditer(r"[^.!?]+[.!?]?", text):
        s = m.group().strip()
        if s:
            start = m.start() + m.group().index(s)
            doc.sentences.append(Sentence(len(doc.sentences), start, start + len(s), s))
    for kind, names in kinds.items():
        for name in names:
            for m in re.finditer(re.escape(name), text):
                doc.entities.append(Entity(span=doc.span(m.start(), m.end()), kind=kind))
    doc.entities.sort(key=lambda e: e.span.start)
    return doc


def linked(text: str, **kinds: tuple[str, ...]) -> Document:
    doc = make_doc(text, **kinds)
    return ActorLinker()(doc)


def entity(doc: Document, text: str, nth: int = 0) -> Entity:
    found = [e for e in doc.entities if e.span.text == text]
    assert len(found) > nth, f"no entity {text!r} in {[e.span.text for e in doc.entities]}"
    return found[nth]


def actor_of(doc: Document, phrase: str, nth: int = 0):
    starts = [m.start() for m in re.finditer(re.escape(phrase), doc.article.text)]
    return resolve_actor(doc, starts[nth], starts[nth] + len(phrase))


# -- the dictionary --------------------------------------------------------------------------


def test_every_iso_country_resolves_by_its_names(d: ActorDictionary) -> None:
    for c in pycountry.countries:
        names = {getattr(c, "common_name", c.name), getattr(c, "official_name", c.name), c.name}
        for name in names:
            if "," in name:  # ISO's inverted forms ("Korea, Republic of") are not news usage
                continue
            info = d.lookup(name)
            assert info is not None and info.country == c.alpha_3, name


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Britain", "GBR"),
        ("the UK", "GBR"),
        ("the U.K.", "GBR"),
        ("the US", "USA"),
        ("the U.S.", "USA"),
        ("America", "USA"),
        ("South Korea", "KOR"),
        ("North Korea", "PRK"),
        ("Ivory Coast", "CIV"),
        ("Côte d'Ivoire", "CIV"),
        ("Russia", "RUS"),
        ("Iran", "IRN"),
        ("Syria", "SYR"),
        ("Türkiye", "TUR"),
        ("the Netherlands", "NLD"),
        ("DR Congo", "COD"),
        ("Kosovo", "XKX"),
    ],
)
def test_common_country_names(d: ActorDictionary, text: str, iso: str) -> None:
    info = d.lookup(text)
    assert info is not None and info.country == iso and info.kind == "country"
    assert info.sector is None  # a bare country is the state as a whole


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Iraqi", "IRQ"),
        ("British", "GBR"),
        ("American", "USA"),
        ("Afghan", "AFG"),
        ("Emirati", "ARE"),
        ("Filipino", "PHL"),
        ("Dutch", "NLD"),
        ("Ivorian", "CIV"),
        ("Burkinabe", "BFA"),
        ("South Sudanese", "SSD"),
        ("Sudanese", "SDN"),
    ],
)
def test_demonyms(d: ActorDictionary, text: str, iso: str) -> None:
    info = d.lookup(text)
    assert info is not None and info.country == iso


def test_every_inhabited_country_has_a_demonym_and_a_capital(d: ActorDictionary) -> None:
    readings = {(e.source, e.info.country) for es in d.table.values() for e in es if e.info}
    demonym = {c for s, c in readings if s == "demonym"}
    capital = {c for s, c in readings if s == "capital"}
    # uninhabited territories and Dominica (whose "Dominican" is the Dominican Republic's)
    exempt = {"ATA", "ATF", "BVT", "HMD", "IOT", "SGS", "UMI", "DMA", "TKL", "BES"}
    missing_dem = set(d.countries) - demonym - exempt
    missing_cap = set(d.countries) - capital - exempt
    assert not missing_dem and not missing_cap, (missing_dem, missing_cap)


def test_plural_people_are_civilians(d: ActorDictionary) -> None:
    info = d.lookup("Iraqis")
    assert info is not None and (info.country, info.sector) == ("IRQ", "CVL")


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Baghdad", "IRQ"),
        ("Washington", "USA"),
        ("Moscow", "RUS"),
        ("Beijing", "CHN"),
        ("Tehran", "IRN"),
        ("London", "GBR"),
        ("Kyiv", "UKR"),
        ("Kiev", "UKR"),
        ("Ankara", "TUR"),
        ("Damascus", "SYR"),
    ],
)
def test_capitals_are_their_governments(d: ActorDictionary, text: str, iso: str) -> None:
    info = d.lookup(text)
    assert info is not None and (info.country, info.sector, info.code) == (iso, "GOV", iso + "GOV")


@pytest.mark.parametrize(
    ("text", "code", "sector"),
    [
        ("NATO", "IGONATO", "IGO"),
        ("the North Atlantic Treaty Organization", "IGONATO", "IGO"),
        ("the United Nations", "IGOUN", "IGO"),
        ("U.N.", "IGOUN", "IGO"),
        ("the European Union", "IGOEU", "IGO"),
        ("African Union", "IGOAU", "IGO"),
        ("Arab League", "IGOARL", "IGO"),
        ("OPEC", "IGOOPEC", "IGO"),
        ("IMF", "IGOIMF", "IGO"),
        ("World Bank", "IGOWB", "IGO"),
        ("ASEAN", "IGOASEAN", "IGO"),
        ("ECOWAS", "IGOECOWAS", "IGO"),
        ("GCC", "IGOGCC", "IGO"),
        ("OSCE", "IGOOSCE", "IGO"),
        ("WHO", "IGOWHO", "IGO"),
        ("IAEA", "IGOIAEA", "IGO"),
        ("International Criminal Court", "IGOICC", "JUD"),
        ("US-led coalition", "IGOCOA", "MIL"),
        ("Global Coalition against Daesh", "IGOCOA", "MIL"),
        ("Operation Inherent Resolve", "IGOCOA", "MIL"),
        ("CJTF-OIR", "IGOCOA", "MIL"),
        ("NATO Mission Iraq", "IGONATO", "MIL"),
        ("ICRC", "NGOICRC", "NGO"),
        ("Doctors Without Borders", "NGOMSF", "NGO"),
        ("MSF", "NGOMSF", "NGO"),
        ("Amnesty International", "NGOAI", "NGO"),
        ("Human Rights Watch", "NGOHRW", "NGO"),
    ],
)
def test_international_organisations(d: ActorDictionary, text: str, code: str, sector: str) -> None:
    info = d.lookup(text)
    assert info is not None and (info.code, info.sector, info.country) == (code, sector, None)


@pytest.mark.parametrize(
    "alias",
    [
        "Islamic State",
        "the Islamic State",
        "ISIS",
        "IS",
        "ISIL",
        "Daesh",
        "Islamic State of Iraq and the Levant",
        "Islamic State of Iraq and Syria",
        "Islamic State group",
        "the IS group",
    ],
)
def test_islamic_state_aliases(d: ActorDictionary, alias: str) -> None:
    info = d.lookup(alias)
    assert info is not None
    assert (info.canonical, info.code, info.sector, info.country) == (
        "Islamic State",
        "IMGISIL",
        "REB",
        None,
    )


@pytest.mark.parametrize(
    ("alias", "canonical", "country", "sector"),
    [
        ("al-Qaeda", "al-Qaeda", None, "REB"),
        ("Al Qaida", "al-Qaeda", None, "REB"),
        ("AQAP", "al-Qaeda in the Arabian Peninsula", "YEM", "REB"),
        ("AQIM", "al-Qaeda in the Islamic Maghreb", None, "REB"),
        ("the Taliban", "Taliban", "AFG", "REB"),
        ("Hezbollah", "Hezbollah", "LBN", "REB"),
        ("Hamas", "Hamas", "PSE", "REB"),
        ("Kataib Hezbollah", "Kataib Hezbollah", "IRQ", "REB"),
        ("Kata'ib Hezbollah", "Kataib Hezbollah", "IRQ", "REB"),
        ("Hashd al-Shaabi", "Popular Mobilization Forces", "IRQ", "MIL"),
        ("PMF", "Popular Mobilization Forces", "IRQ", "MIL"),
        ("al-Shabaab", "al-Shabaab", "SOM", "REB"),
        ("Boko Haram", "Boko Haram", "NGA", "REB"),
        ("Ansar Allah", "Houthis", "YEM", "REB"),
        ("Houthi rebels", "Houthis", "YEM", "REB"),
        ("PKK", "Kurdistan Workers' Party", "TUR", "REB"),
        ("YPG", "People's Protection Units", "SYR", "REB"),
        ("SDF", "Syrian Democratic Forces", "SYR", "REB"),
        ("HTS", "Hay'at Tahrir al-Sham", "SYR", "REB"),
        ("Wagner Group", "Wagner Group", "RUS", "REB"),
        ("JNIM", "Jama'at Nusrat al-Islam wal-Muslimin", None, "REB"),
        ("ADF", "Allied Democratic Forces", "UGA", "REB"),
        ("M23", "March 23 Movement", "COD", "REB"),
    ],
)
def test_armed_groups(
    d: ActorDictionary, alias: str, canonical: str, country: str | None, sector: str
) -> None:
    info = d.lookup(alias)
    assert info is not None and info.kind == "armed_group"
    assert (info.canonical, info.country, info.sector) == (canonical, country, sector)


@pytest.mark.parametrize(
    ("text", "country", "sector"),
    [
        ("Iraqi security forces", "IRQ", "MIL"),
        ("US troops", "USA", "MIL"),
        ("American soldiers", "USA", "MIL"),
        ("the Iraqi parliament", "IRQ", "GOV"),
        ("Iraq's parliament", "IRQ", "GOV"),
        ("the parliament of Iraq", "IRQ", "GOV"),
        ("Senior Hungarian officials", "HUN", "GOV"),
        ("the Pentagon", "USA", "MIL"),
        ("Pentagon officials", "USA", "MIL"),
        ("the Kremlin", "RUS", "GOV"),
        ("the State Duma", "RUS", "GOV"),
        ("the Lok Sabha", "IND", "GOV"),
        ("Turkish police", "TUR", "COP"),
        ("an Egyptian court", "EGY", "JUD"),
        ("Syrian rebels", "SYR", "REB"),
        ("Kenyan opposition", "KEN", "OPP"),
        ("the ruling party", None, "PTY"),
        ("Pakistani intelligence", "PAK", "SPY"),
        ("Russian journalists", "RUS", "MED"),
        ("Iranian students", "IRN", "EDU"),
        ("a Chinese company", "CHN", "BUS"),
        ("Mexican smugglers", "MEX", "CRM"),
        ("Afghan villagers", "AFG", "CVL"),
        ("Nigerian protesters", "NGA", "CVL"),
        ("Bosnian Serbs", "BIH", "CVL"),
        ("French dock workers", "FRA", "LAB"),
        ("Serbian trade unions", "SRB", "LAB"),
        ("Kenyan aid workers", "KEN", "NGO"),
        ("Iraqi defence ministry", "IRQ", "MIL"),
        ("Iraqi defence minister", "IRQ", "GOV"),
        ("military officials", None, "MIL"),
        ("rebel soldiers", None, "REB"),
        ("Hezbollah fighters", "LBN", "REB"),
        ("commander of US forces in Iraq", "USA", "MIL"),
    ],
)
def test_sector_rules_combine_with_countries(
    d: ActorDictionary, text: str, country: str | None, sector: str
) -> None:
    info = d.lookup(text)
    assert info is not None and (info.country, info.sector) == (country, sector)


def test_organisation_with_a_role_keeps_its_code(d: ActorDictionary) -> None:
    info = d.lookup("UN peacekeepers")
    assert info is not None and (info.code, info.sector, info.country) == ("IGOUNMIL", "MIL", None)
    nato = d.lookup("NATO troops")
    assert nato is not None and nato.code == "IGONATOMIL" and nato.kind == "igo"


def test_a_patron_country_is_not_the_actor(d: ActorDictionary) -> None:
    info = d.lookup("Iranian-backed militias")
    assert info is not None and info.sector == "REB" and info.country is None
    ethnic = d.lookup("ethnic Albanians")
    assert ethnic is not None and ethnic.country is None and ethnic.sector == "CVL"


def test_context_country_for_generic_agents(d: ActorDictionary) -> None:
    bare = d.lookup("protesters")
    assert bare is not None and (bare.country, bare.sector, bare.kind) == (None, "CVL", "generic")
    ctx = d.lookup("protesters", context_country="IRQ")
    assert ctx is not None and (ctx.country, ctx.code) == ("IRQ", "IRQCVL")
    gov = d.lookup("the government", context_country="LBN")
    assert gov is not None and (gov.country, gov.sector) == ("LBN", "GOV")
    # a named country beats the context
    named = d.lookup("Syrian troops", context_country="IRQ")
    assert named is not None and named.country == "SYR"


@pytest.mark.parametrize(
    "text", ["John Smith", "Acme Widgets Ltd", "us", "who", "is", "the weather", ""]
)
def test_unknown_words_are_not_invented(d: ActorDictionary, text: str) -> None:
    assert d.lookup(text) is None


def test_persons_from_the_list(d: ActorDictionary) -> None:
    info = d.lookup("Stoltenberg")
    assert info is not None and info.canonical == "Jens Stoltenberg" and info.code == "IGONATO"
    putin = d.lookup("Vladimir Putin")
    assert putin is not None and (putin.country, putin.sector) == ("RUS", "GOV")


def test_extra_actor_file(tmp_path, monkeypatch) -> None:
    extra = tmp_path / "mine.tsv"
    extra.write_text(
        "canonical\tcode\tcountry\tsector\tkind\taliases\ttags\n"
        "Northern Valley Militia\tZZZREB\tKEN\tREB\tarmed_group\tNVM|Valley Militia\tgroup\n",
        encoding="utf-8",
    )
    mine = ActorDictionary(extra=(str(extra),))
    info = mine.lookup("the Valley Militia")
    assert info is not None and (info.canonical, info.country, info.code) == (
        "Northern Valley Militia",
        "KEN",
        "ZZZREB",
    )
    monkeypatch.setenv("EVENTDESK_ACTORS", str(tmp_path))
    assert actor_dictionary().lookup("NVM") is not None
    monkeypatch.delenv("EVENTDESK_ACTORS")
    assert actor_dictionary().lookup("NVM") is None


def test_extra_actor_file_errors_name_the_file(tmp_path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "canonical,code,country,sector,kind,aliases,tags\nX,,IRQ,REB,militia,,\n", encoding="utf-8"
    )
    with pytest.raises(InputError, match=r"bad\.csv.*unknown kind"):
        ActorDictionary(extra=(str(bad),))
    with pytest.raises(InputError, match="not found"):
        ActorDictionary(extra=(str(tmp_path / "missing.tsv"),))
    wrong_country = tmp_path / "c.json"
    wrong_country.write_text('[{"canonical": "Y", "kind": "org", "country": "ZZZ"}]')
    with pytest.raises(InputError, match="unknown country code"):
        ActorDictionary(extra=(str(wrong_country),))


# -- the linker (hand-built documents, no model) ------------------------------------------------


def test_linker_adds_missed_actors_with_exact_offsets() -> None:
    text = (
        "Iraqi security forces fired on protesters in Basra on Friday. "
        "The US-led coalition said the group had fled, and police arrested lawmakers."
    )
    doc = linked(text)
    for e in doc.entities:
        assert text[e.span.start : e.span.end] == e.span.text
    isf = entity(doc, "Iraqi security forces")
    assert (isf.country, isf.sector, isf.code) == ("IRQ", "MIL", "IRQMIL")
    coalition = entity(doc, "US-led coalition")
    assert coalition.code == "IGOCOA"
    assert entity(doc, "protesters").sector == "CVL"
    assert entity(doc, "police").sector == "COP"
    assert entity(doc, "lawmakers").sector == "GOV"
    # nothing armed was named before "the group": it stays unresolved, not guessed
    assert entity(doc, "the group").canonical is None


def test_generic_agents_take_the_sentence_country_with_lower_confidence() -> None:
    doc = linked("Protesters gathered in Iraq on Friday.", GPE=("Iraq",))
    p = entity(doc, "Protesters")
    assert (p.country, p.sector) == ("IRQ", "CVL")
    assert p.span.confidence < 1.0


def test_foreign_forces_take_no_country_from_the_sentence() -> None:
    text = "The parliament in Iraq voted to expel all foreign troops. Troops patrolled Iraq."
    doc = linked(text, GPE=("Iraq",))
    foreign = entity(doc, "troops")
    assert (foreign.country, foreign.sector) == (None, "MIL")
    assert entity(doc, "Troops").country == "IRQ"  # no "foreign": the sentence's country
    assert actor_of(doc, "foreign troops").country is None
    assert actor_of(doc, "Troops").country == "IRQ"


def test_persons_with_roles() -> None:
    text = (
        "Iraqi defence minister Najah al-Shammari met Ben Wallace, British Defence Secretary, "
        "in Baghdad. Gen. Frank Ostrowski, commander of US forces in the region, said the talks "
        "went well."
    )
    doc = linked(
        text, PERSON=("Najah al-Shammari", "Ben Wallace", "Frank Ostrowski"), GPE=("Baghdad",)
    )
    shammari = entity(doc, "Najah al-Shammari")
    assert (shammari.country, shammari.sector, shammari.code) == ("IRQ", "GOV", "IRQGOV")
    wallace = entity(doc, "Ben Wallace")
    assert (wallace.country, wallace.sector) == ("GBR", "GOV")
    general = entity(doc, "Frank Ostrowski")
    assert (general.country, general.sector) == ("USA", "MIL")
    # Baghdad here is a place (no parse says otherwise): its country, not its government
    baghdad = entity(doc, "Baghdad")
    assert (baghdad.country, baghdad.sector) == ("IRQ", None)


def test_unknown_person_without_a_role_stays_unresolved() -> None:
    doc = linked("Ahmad Karimzadeh arrived on Tuesday.", PERSON=("Ahmad Karimzadeh",))
    e = entity(doc, "Ahmad Karimzadeh")
    assert (e.canonical, e.country, e.sector, e.code) == (None, None, None, None)


def test_coreference_within_an_article() -> None:
    text = (
        "NATO Secretary-General Jens Stoltenberg said the alliance would pause its mission. "
        "Kataib Hezbollah fired rockets at the base, and the group later denied it. "
        "Chilean foreign minister Maria Oyarzun visited Lima. "
        "Stoltenberg said the alliance stands ready. Oyarzun said the minister's trip was long. "
        "The minister left on Sunday."
    )
    doc = linked(
        text,
        PERSON=("Jens Stoltenberg", "Maria Oyarzun", "Stoltenberg", "Oyarzun"),
        ORG=("NATO",),
        GPE=("Lima",),
    )
    short = [e for e in doc.entities if e.span.text == "Stoltenberg"]
    assert short and short[0].canonical == "Jens Stoltenberg" and short[0].code == "IGONATO"
    alliances = [e for e in doc.entities if e.span.text == "the alliance"]
    assert len(alliances) == 2
    assert all(a.canonical == "North Atlantic Treaty Organization" for a in alliances)
    group = entity(doc, "the group")
    assert (group.canonical, group.country, group.sector) == ("Kataib Hezbollah", "IRQ", "REB")
    oyarzun = entity(doc, "Oyarzun")
    assert (oyarzun.canonical, oyarzun.country, oyarzun.sector) == ("Maria Oyarzun", "CHL", "GOV")
    minister = entity(doc, "The minister")
    assert (minister.canonical, minister.country) == ("Maria Oyarzun", "CHL")


def test_anaphor_without_antecedent_is_unresolved() -> None:
    doc = linked("Officials said the alliance would meet again.")
    assert entity(doc, "the alliance").canonical is None


def test_acronym_refers_back_to_the_full_name(tmp_path) -> None:
    from eventdesk.pipeline import Options

    extra = tmp_path / "groups.tsv"
    extra.write_text(
        "canonical\tcode\tcountry\tsector\tkind\taliases\ttags\n"
        "Northern Liberation Front\tKENREBNLF\tKEN\tREB\tarmed_group\t\tgroup\n",
        encoding="utf-8",
    )
    text = "The Northern Liberation Front attacked a convoy. The NLF later withdrew."
    doc = make_doc(text, ORG=("NLF",))
    linker = ActorLinker(Options(settings={"actors_extra": [str(extra)]}))
    doc = linker(doc)
    nlf = entity(doc, "NLF")
    assert (nlf.canonical, nlf.country, nlf.code) == (
        "Northern Liberation Front",
        "KEN",
        "KENREBNLF",
    )
    # the packaged dictionary alone does not know the name: nothing is invented
    plain = ActorLinker()(make_doc(text, ORG=("NLF",)))
    assert entity(plain, "NLF").canonical is None


# -- resolve_actor ---------------------------------------------------------------------------


def test_resolve_actor_spans() -> None:
    text = (
        "Jens Stoltenberg spoke in Brussels. He said Iraqi security forces and the Pentagon "
        "would cooperate, and that Daesh remained a threat. Farid Tamimi arrived later."
    )
    doc = linked(text, PERSON=("Jens Stoltenberg", "Farid Tamimi"))
    isf = actor_of(doc, "Iraqi security forces")
    assert isf is not None and (isf.country, isf.sector, isf.code) == ("IRQ", "MIL", "IRQMIL")
    assert isf.span is not None and isf.span.text == "Iraqi security forces"
    pentagon = actor_of(doc, "the Pentagon")
    assert pentagon is not None and (pentagon.country, pentagon.sector) == ("USA", "MIL")
    daesh = actor_of(doc, "Daesh")
    assert daesh is not None and daesh.code == "IMGISIL"
    he = actor_of(doc, "He")
    assert he is not None and he.code == "IGONATO"
    unknown = actor_of(doc, "Farid Tamimi")
    assert unknown is not None and unknown.entity_text == "Farid Tamimi"
    assert (unknown.code, unknown.country, unknown.sector) == (None, None, None)
    assert resolve_actor(doc, 5, 5) is None
    with pytest.raises(ValueError, match="outside the article"):
        resolve_actor(doc, 0, len(text) + 10)


def test_pronoun_is_the_person_named_just_before() -> None:
    text = (
        "Jens Stoltenberg spoke in Brussels. Acme chairman Lars Berg left the palace, where he "
        "met the king. The chairman flew home. Stoltenberg stayed. It rained. It rained again. "
        "It rained all day. Later he spoke."
    )
    doc = linked(text, PERSON=("Jens Stoltenberg", "Lars Berg", "Stoltenberg"))
    hes = [m.start() for m in re.finditer(r"\bhe\b", text)]
    # the nearest person, though the dictionary knows nothing of him or of his company
    he = resolve_actor(doc, hes[0], hes[0] + 2)
    assert he is not None and he.entity_text == "Lars Berg"
    assert he.span is not None and he.span.text == "he"  # where: the pronoun itself
    assert he.code is None and he.span.confidence < 1.0
    # an office of an unknown body still finds the person named with it
    chairman = actor_of(doc, "The chairman")
    assert chairman is not None and chairman.entity_text == "Lars Berg"
    # far from the last name, the last person with a known office (NATO's)
    later = resolve_actor(doc, hes[1], hes[1] + 2)
    assert later is not None and later.code == "IGONATO"


def test_pronoun_without_a_person_before_is_unresolved() -> None:
    doc = linked("He said the talks failed. Jens Stoltenberg agreed.", PERSON=("Jens Stoltenberg",))
    assert actor_of(doc, "He") is None


def test_resolve_actor_capital_as_actor() -> None:
    doc = linked("Moscow demanded an apology.", GPE=("Moscow",))
    a = actor_of(doc, "Moscow")
    assert a is not None and (a.country, a.sector, a.code) == ("RUS", "GOV", "RUSGOV")


# -- with the real spaCy stage ---------------------------------------------------------------


@pytest.fixture(scope="module")
def pipeline():
    from eventdesk.pipeline import Options, Pipeline

    return Pipeline.from_options(Options(components=("eventdesk.nlp.v1", "eventdesk.actors.v1")))


@pytest.mark.slow
def test_spacy_article_end_to_end(pipeline) -> None:
    text = (
        "Baghdad said on Sunday that US troops must leave. "
        "Senior Hungarian and Romanian officials agreed to cooperate. "
        "Kataib Hezbollah denied the attack, but the group is blamed by Washington."
    )
    doc = pipeline(Article(id="a", text=text))
    for e in doc.entities:
        assert text[e.span.start : e.span.end] == e.span.text
    baghdad = actor_of(doc, "Baghdad")
    assert baghdad is not None and (baghdad.country, baghdad.sector) == ("IRQ", "GOV")
    troops = actor_of(doc, "US troops")
    assert troops is not None and (troops.country, troops.sector) == ("USA", "MIL")
    romanian = actor_of(doc, "Romanian")
    assert romanian is not None and (romanian.country, romanian.sector) == ("ROU", "GOV")
    group = actor_of(doc, "the group")
    assert group is not None and group.code == "IRQREBKH"


@pytest.mark.slow
def test_spacy_capital_as_subject_is_the_government(pipeline) -> None:
    doc = pipeline(Article(id="b", text="Tehran rejected the proposal on Monday."))
    tehran = [e for e in doc.entities if e.span.text == "Tehran"]
    assert tehran and (tehran[0].country, tehran[0].sector) == ("IRN", "GOV")


@pytest.mark.parametrize(("text", "iso"), [
    ("Ethopia has agreed to re-open its borders.", "ETH"),
    ("Quatar's emir launched a mediation effort.", "QAT"),
    ("Both the Phillippines military and the rebels were accused.", "PHL"),
    ("Troops entered Afganistan on Monday.", "AFG"),
])
def test_a_country_misspelt_by_one_letter_is_that_country(text: str, iso: str) -> None:
    doc = linked(text)
    assert iso in {e.country for e in doc.entities}, [(e.span.text, e.country)
                                                      for e in doc.entities]


@pytest.mark.parametrize("text", [
    "Columbia Gas said the pipeline was shut.",  # a US city and company, spelt right
    "Frances Smith said the talks had ended.",  # a first name, not France's plural
    "Hollande met the ministers on Monday.",  # one letter from Holland, a name, not a country
    "Lichtenstein said the deal was off.",  # a town in Saxony and a surname
])
def test_names_one_letter_from_a_country_are_not_read_as_it(text: str) -> None:
    doc = linked(text)
    assert {e.country for e in doc.entities} <= {None}, [(e.span.text, e.country)
                                                          for e in doc.entities]


def test_the_european_community_is_the_eus_predecessor(d: ActorDictionary) -> None:
    for name in ("European Community", "the European Economic Community", "EEC"):
        info = d.lookup(name)
        assert info is not None and info.code == "IGOEU", name


@pytest.mark.slow
def test_water_named_after_a_country_is_no_state(pipeline) -> None:
    text = ("Oil kept gushing into the Gulf of Mexico on Wednesday. The executives met the "
            "president. The spill in the Gulf of Mexico has fouled beaches.")
    doc = pipeline(Article(id="w", text=text))
    gulf = [e for e in doc.entities if "Gulf" in e.span.text]
    assert gulf and all(e.country is None for e in gulf)
    execs = actor_of(doc, "The executives")
    assert execs is None or execs.country != "MEX"  # not Mexican for the Gulf's name
    doc = pipeline(Article(id="m", text="Mexico said on Monday it would help."))
    mexico = actor_of(doc, "Mexico")
    assert mexico is not None and mexico.country == "MEX"


def test_staff_of_an_organisation_the_dictionary_does_not_know_take_no_context_country() -> None:
    """A BP story set on the US Gulf coast: "American" and "Louisiana" give the article a
    country, which generic agents take ("workers" are American there); BP's executives and
    officials are BP's, and "officials" of a company are no government's."""
    text = ("American fishermen in Louisiana are angry. BP's executives met the president. "
            "BP officials arrived later. Workers cleaned the beaches.")
    doc = linked(text, ORG=("BP",), NORP=("American",), GPE=("Louisiana",))
    execs = actor_of(doc, "BP's executives")
    assert execs is not None and (execs.country, execs.sector) == (None, "BUS")
    officials = actor_of(doc, "BP officials")
    assert officials is not None and (officials.country, officials.sector) == (None, None)
    workers = actor_of(doc, "Workers")
    assert workers is not None and workers.country == "USA"


def test_the_company_is_the_company_the_article_names_most() -> None:
    """"The company" and "the oil giant" are BP, the organisation the article is about, not
    the wire service credited last; "companies" refers to no one."""
    text = ("BP Plc said it would set up a fund, Reuters reported. BP shares rose. "
            "The company agreed to pay. The oil giant suspended its dividend. "
            "Companies in the region agreed to help.")
    doc = linked(text, ORG=("BP Plc", "Reuters", "BP"))
    for phrase in ("company", "oil giant"):
        ent = entity(doc, phrase)
        assert (ent.canonical, ent.sector, ent.country) == ("BP Plc", "BUS", None)
        actor = actor_of(doc, phrase)
        assert actor is not None and actor.entity_text == "BP Plc"
    assert entity(doc, "Companies").canonical != "BP Plc"


def test_his_is_the_person_named_before_it() -> None:
    """"His visit": whose the visit was, as "he" would be."""
    doc = linked("Lars Berg arrived on Monday. His visit lasted two days.", PERSON=("Lars Berg",))
    his = actor_of(doc, "His")
    assert his is not None and his.entity_text == "Lars Berg"
