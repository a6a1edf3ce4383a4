"""Summaries: word limit, sources on every sentence, no boilerplate, merged repeats, figure clashes.

The articles are made up for these tests (a port strike in a fictional city) and run through the
real spaCy stage; cleaning is tested on hand-written lines.
"""

from __future__ import annotations

import pytest

from eventdesk.errors import InputError, UsageError
from eventdesk.nlp import SpacyComponent
from eventdesk.summarize import (
    clean_sentence,
    is_boilerplate,
    split_documents,
    summarize,
    summarize_texts,
)
from eventdesk.types import Article, Document

SHARED = "Dock workers at the port of Halvik walked out on Monday, halting all container traffic."

ARTICLES = [
    Article(
        id="port-1",
        source="Harbour Wire",
        published="2032-05-03",
        text=(
            f"HALVIK (Harbour Wire) - {SHARED} "
            "The union said 3,400 workers joined the strike over pay and night shifts. "
            "Ships queued outside the harbour as cranes stood idle. "
            "Comments are moderated and will appear after approval. Source link"
        ),
    ),
    Article(
        id="port-2",
        source="Coastal Times",
        published="2032-05-04",
        text=(
            f"{SHARED} "
            "Port managers said approximately 2,000 workers took part in the strike. "
            "The transport minister urged both sides to return to talks. "
            "Click here to read more stories like this one."
        ),
    ),
    Article(
        id="port-3",
        source="Halvik Post",
        published="2032-05-05",
        text=(
            "Talks between the union and port managers resumed on Wednesday in Halvik. "
            "Exporters warned that fruit cargo was spoiling on the quays. "
            "By Mara Olsen, Halvik Post"
        ),
    ),
]

BOILERPLATE = ("Source link", "Comments are moderated", "Click here", "HALVIK (", "By Mara Olsen")


@pytest.fixture(scope="module")
def docs() -> list[Document]:
    return list(SpacyComponent().pipe([Document(article=a) for a in ARTICLES]))


def n_words(summary) -> int:
    return sum(len(s.text.split()) for s in summary)


@pytest.mark.parametrize("limit", [12, 30, 60, 200])
def test_at_most_n_words_and_close_to_n(docs, limit):
    summary = summarize(docs, words=limit)
    assert n_words(summary) <= limit
    if limit >= 30:
        assert n_words(summary) >= limit * 0.6 or limit == 200


def test_every_sentence_has_a_source(docs):
    ids = {a.id for a in ARTICLES}
    for s in summarize(docs, words=200):
        assert s.sources and set(s.sources) <= ids


def test_no_boilerplate(docs):
    text = " ".join(s.text for s in summarize(docs, words=500))
    for junk in BOILERPLATE:
        assert junk not in text


def test_repeated_sentence_once_with_both_sources(docs):
    summary = summarize(docs, words=500)
    hits = [s for s in summary if "walked out on Monday" in s.text]
    assert len(hits) == 1
    assert set(hits[0].sources) == {"port-1", "port-2"}


def test_figure_disagreement_is_stated(docs):
    summary = summarize(docs, words=500)
    notes = [s for s in summary if s.text.startswith("Sources differ on")]
    assert len(notes) == 1, [s.text for s in summary]
    note = notes[0]
    assert "3,400" in note.text and "2,000" in note.text
    assert "Harbour Wire" in note.text and "Coastal Times" in note.text
    assert set(note.sources) == {"port-1", "port-2"}
    assert n_words(summary) <= 500


def test_figure_note_fits_the_budget(docs):
    for limit in (25, 40, 60):
        assert n_words(summarize(docs, words=limit)) <= limit


def test_sentences_in_publication_order(docs):
    summary = [s for s in summarize(docs, words=500) if not s.text.startswith("Sources differ")]
    first = [min(ARTICLES.index(next(a for a in ARTICLES if a.id == i)) for i in s.sources)
             for s in summary]  # fmt: skip
    assert first == sorted(first)


def test_summarize_texts_ids_and_separator():
    joined = (
        "The city council approved the new tram line on Tuesday after a long debate. |||||"
        "Construction of the tram line will start next spring, the mayor said on Tuesday."
    )
    assert len(split_documents(joined)) == 2
    summary = summarize_texts([joined], words=40, cluster_id="c7")
    assert summary
    assert all(src.startswith("c7/") for s in summary for src in s.sources)
    assert n_words(summary) <= 40


def test_bad_input_is_a_clear_error(docs):
    with pytest.raises(UsageError):
        summarize(docs, words=0)
    with pytest.raises(InputError):
        summarize_texts(["   ", "|||||"], words=20)
    undone = Document(article=Article(id="raw", text="A sentence that was never parsed at all."))
    with pytest.raises(InputError, match="raw"):
        summarize([undone], words=20)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("BAGHDAD (Reuters) - Rockets hit the airport on Sunday, police said.",
         "Rockets hit the airport on Sunday, police said."),
        ("LONDON, Jan 5 - The central bank held its main rate at 2 percent.",
         "The central bank held its main rate at 2 percent."),
        ("(CNN) -- A strong earthquake shook the capital early on Tuesday.",
         "A strong earthquake shook the capital early on Tuesday."),
        ("Kabul, Afghanistan (AP) — Gunmen attacked a checkpoint overnight, officials said.",
         "Gunmen attacked a checkpoint overnight, officials said."),
        ("The bridge reopened (Photo: City Hall) after two weeks of repairs.",
         "The bridge reopened after two weeks of repairs."),
        ("WASHINGTON | Wed Jun 16, 2010 9:13pm EDT WASHINGTON (Reuters) - BP's chairman "
         "apologized on Wednesday.", "BP's chairman apologized on Wednesday."),
        ("Officials - including the mayor - said the bridge will reopen.",
         "Officials - including the mayor - said the bridge will reopen."),
    ],
)  # fmt: skip
def test_clean_sentence_strips_heads_and_credits(line, expected):
    assert clean_sentence(line) == expected


@pytest.mark.parametrize(
    "line",
    [
        "Source link",
        "Comments are moderated and will appear after approval.",
        "Click here to subscribe to our newsletter.",
        "Read more: the full story of the floods",
        "By Jane Doe, Reuters",
        "Share this article on Facebook and Twitter",
        "Photo: Rescue workers search the rubble in the old town",
        "BREAKING NEWS FROM THE CAPITAL TONIGHT",
        "Long Story Short",
        "This material may not be published, broadcast, rewritten or redistributed.",
        # a web archive's notice on an archived page, and a sign-up form
        "These crawls are part of an effort to archive pages as they are created.",
        "Flowing in every day, these data are added to the Wayback Machine after a delay.",
        "Fill in your details in the form below to join our mailing list.",
        # the archive's description of its crawl, on pages it kept
        "The seed list for this wide crawl was drawn from the top million web sites.",
        "At most 100 of the most highly ranked URLs per domain were kept in this collection.",
        "The crawler software we used, Heritrix, respects robots.txt directives.",
        "As the pages that are referenced change, the archived copy stays as it was.",
        "These web captures of the agency's site are open to researchers.",
        "You can add location information to your Tweets from the web.",
        "Join us on Facebook and get the day's top stories in your feed.",
        # captions, a player's notice, a cut-short teaser, a related link in brackets
        "Image caption The envoy was smuggled across the border and is said to be well.",
        "Media playback is unsupported on your device Media caption The editor explains",
        "In this May 24, 2016, file photo, the senator speaks on Capitol Hill in Washington.",
        "In this image released by the studio, the actor appears in character.",
        "Police arrested several people and are widening their search... (Associated Press)",
        "[Dinosaur Photos: Meet the Largest Dinosaur on Record]",
        "Send us your images or video of the storm.",
        "The senator speaks to reporters in Washington, in this March 24, 2015 file photo.",
        "This photo released by the official news agency shows rescue teams at the scene.",
        "Enlarge this image toggle caption U.S. Forces Korea via AP",
        "Reuters article on the drama: http://news.example.org/item/2016",
        "SAN FRANCISCO--(BUSINESS WIRE)--The following statement is being issued by the firm:",
        "You can unsubscribe from these alerts at any time.",
        "City clerk Kimberly Lehmkuhl (Courtesy photo)",
        "",
    ],
)
def test_clean_sentence_drops_furniture(line):
    assert clean_sentence(line) is None


def test_clean_sentence_remembers_sentences_but_not_run_on_text():
    from eventdesk.summarize.clean import _clean

    _clean.cache_clear()
    line = "BAGHDAD (Reuters) - Iraqi forces resumed training with the coalition on Monday."
    assert clean_sentence(line) == clean_sentence(line) == (
        "Iraqi forces resumed training with the coalition on Monday.")
    assert _clean.cache_info().hits == 1
    run_on = "BAGHDAD (Reuters) - " + "Troops trained near the base and " * 100 + "left."
    assert clean_sentence(run_on) == run_on.removeprefix("BAGHDAD (Reuters) - ")
    assert clean_sentence("Click here " + "to read more " * 300) is None
    assert _clean.cache_info().currsize == 1  # the long texts were cleaned, not kept


def test_is_boilerplate_leaves_news_alone():
    assert is_boilerplate("Comments are closed.")
    assert not is_boilerplate("The minister commented on the strike on Monday.")
    assert not is_boilerplate("Traffic on the bridge slowed to a crawl after the accident.")
    assert not is_boilerplate("The crawl through the flooded tunnel took rescuers four hours.")
    assert not is_boilerplate("Police said the seed for the plot was planted years ago.")
    assert not is_boilerplate("The Internet Archive lost its appeal in a New York court on Monday.")
    assert not is_boilerplate("In this case the police said the image was fake and held him.")
    assert not is_boilerplate("A former staffer distributed photos of the couple in July 2016.")
    assert not is_boilerplate("Photos taken by a drone show the damage to the dam.")
    assert not is_boilerplate("The book was edited by his widow after his death in 2001.")


def test_an_article_unlike_the_others_gets_no_lead_bonus():
    """Relevance scales the position bonus: three articles about one thing and a fourth about
    another (an unrelated page clustered in): the fourth's lead loses its bonus, the others'
    leads keep theirs."""
    import numpy as np

    from eventdesk.summarize.summary import SummaryOptions, _relevance, _scores
    from eventdesk.summarize.units import Unit

    rng = np.random.default_rng(7)
    topic, other = rng.normal(size=384), rng.normal(size=384)

    def vec(base, noise=0.3):
        v = base + noise * rng.normal(size=384)
        return v / np.linalg.norm(v)

    units, vecs = [], []
    for d in range(4):
        for pos in range(2):
            units.append(Unit(d, f"a{d}", pos, pos, f"sentence {d}.{pos}", None, 12))
            vecs.append(vec(other if d == 3 else topic))
    vecs = np.array(vecs, dtype=np.float32)
    support = [0] * len(units)
    doc_means = [vecs[2 * d: 2 * d + 2].mean(axis=0) for d in range(4)]
    rel = _relevance([m / np.linalg.norm(m) for m in doc_means], 2.0)
    assert rel[3] < 0.1 and min(rel[:3]) > 0.9
    with_rel = _scores(units, vecs, support, 4, SummaryOptions())
    without = _scores(units, vecs, support, 4, SummaryOptions(relevance_power=0.0))
    off_lead, on_leads = 6, [0, 2, 4]
    bonus = SummaryOptions().position_weight  # a lead's position bonus
    assert with_rel[off_lead] < without[off_lead] - 0.9 * bonus
    assert all(with_rel[i] > without[i] - 0.1 * bonus for i in on_leads)
    # two articles are as like each other as they can be: no scaling
    assert _relevance(doc_means[2:], 2.0) == [1.0, 1.0]


def test_what_other_articles_say_in_their_own_words_counts():
    """Corroboration: a fact three outlets report in their own words outranks one only its own
    article states, though neither is copied word for word (support counts only copies)."""
    import numpy as np

    from eventdesk.embed import embed
    from eventdesk.summarize.summary import SummaryOptions, _corroboration, _scores
    from eventdesk.summarize.units import Unit

    texts = [
        ["The river burst its banks and flooded the old town on Sunday.",
         "The mayor's cousin opened a bakery near the market last year."],
        ["The old town was flooded when the river overflowed on Sunday night.",
         "A school choir performed at the spring festival."],
        ["On Sunday the river burst its banks, flooding the old town.",
         "Tickets for the football final sold out within an hour."],
    ]
    units = [Unit(d, f"a{d}", s, s, t, None, len(t.split()))
             for d, pair in enumerate(texts) for s, t in enumerate(pair)]
    vecs = embed([u.text for u in units])
    by_doc = {d: [2 * d, 2 * d + 1] for d in range(3)}
    got = _corroboration(units, vecs, by_doc, 0.7)
    assert min(got[0], got[2], got[4]) > 0.2 and max(got[1], got[3], got[5]) == 0.0
    scores = _scores(units, vecs, [0] * 6, 3, SummaryOptions())
    plain = _scores(units, vecs, [0] * 6, 3, SummaryOptions(corroboration_weight=0.0))
    assert scores[0] > plain[0] and scores[1] == pytest.approx(plain[1])
    # one article alone corroborates nothing
    assert _corroboration(units[:2], vecs[:2], {0: [0, 1]}, 0.7).tolist() == [0.0, 0.0]
    assert isinstance(got, np.ndarray)


def test_a_pick_is_rewarded_for_the_shared_concepts_it_adds():
    """Coverage: after the best sentence, one adding words that two articles share (who
    evacuated whom) beats a slightly better scored one that only its own article says, and
    without the coverage weight the score alone decides."""
    import numpy as np

    from eventdesk.summarize.summary import SummaryOptions, _select, concepts
    from eventdesk.summarize.units import Unit

    texts = [
        (0, "Floods closed the main bridge in Ravenna on Sunday."),
        (0, "Rescuers evacuated hundreds of residents from Ravenna."),
        (1, "Floods closed the main bridge in Ravenna early Sunday."),
        (1, "Rescuers evacuated residents as the water kept rising."),
        (2, "The mayor warmly praised volunteers at a late press conference."),
    ]
    units = [Unit(d, f"a{d}", k, k, t, None, len(t.split())) for k, (d, t) in enumerate(texts)]
    vecs = np.eye(len(units), dtype=np.float32)  # nothing redundant by likeness
    scores = [1.0, 0.50, 0.30, 0.50, 0.55]
    budget = len(texts[0][1].split()) + len(texts[4][1].split())
    with_coverage = _select(units, vecs, scores, budget, SummaryOptions())
    assert with_coverage[0] == 0 and with_coverage[1] in (1, 3), with_coverage
    plain = _select(units, vecs, scores, budget, SummaryOptions(coverage_weight=0.0))
    assert plain[:2] == [0, 4], plain
    assert concepts("Iraq's parliament voted on the troops") == {"iraq", "parliament", "voted",
                                                                  "troops"}


def test_a_heading_inside_an_article_is_no_summary_sentence():
    """A line after the lead that ends without a sentence's punctuation names a section ("The
    future of the coalition"); the headline, the article's first line, may still be picked."""
    from eventdesk.nlp import SpacyComponent
    from eventdesk.types import Article, Document

    text = ("Coalition suspends training of Iraqi forces\n\n"
            "The US-led coalition suspended the training of Iraqi forces on Sunday.\n\n"
            "The future of the coalition in Iraq\n\n"
            "Iraq's parliament voted to expel foreign troops from the country on Sunday.\n\n"
            "Officials said the coalition would protect the bases hosting its troops.")
    docs = list(SpacyComponent().pipe([Document(article=Article(id="a", text=text))]))
    texts = [s.text for s in summarize(docs, words=200)]
    assert "The future of the coalition in Iraq" not in texts
    assert "Coalition suspends training of Iraqi forces" in texts
