"""Timelines: dates come from what the articles mention, entries are ordered, limited and sourced.

The story is made up (a dam failure in a fictional valley) and written for these tests; articles
run through the real spaCy and dates stages so dates are resolved the way users get them.
"""

from __future__ import annotations

import pytest

from eventdesk.errors import UsageError
from eventdesk.pipeline import Options, Pipeline, create
from eventdesk.summarize import TimelineItem, build_timeline, choose_count, timeline_json
from eventdesk.types import Actor, Article, Document, Event, Span

STORY = [
    Article(
        id="dam-1",
        published="2031-03-04",
        source="Valley Wire",
        text=(
            "ORNSBY (Valley Wire) - The Tessel dam in the Marren valley burst on Monday, "
            "flooding three villages downstream. Rescue teams pulled 40 people from the water "
            "on Monday night, the regional governor said. Engineers had warned in January that "
            "the dam was cracking. Source link"
        ),
    ),
    Article(
        id="dam-2",
        published="2031-03-05",
        source="Marren Daily",
        text=(
            "The Tessel dam burst on Monday after a week of heavy rain, officials said. "
            "On Tuesday the army opened two shelters for families who lost their homes. "
            "Comments are moderated and will appear after approval."
        ),
    ),
    Article(
        id="dam-3",
        published="2031-03-09",
        source="Valley Wire",
        text=(
            "The governor ordered an inquiry into the dam failure on Friday. "
            "The Tessel dam burst on March 3, flooding three villages. "
            "Families began returning to the villages on Saturday as the water receded."
        ),
    ),
    Article(
        id="dam-4",
        published="2031-03-10",
        source="Northern Post",
        text=(
            "Investigators said on Monday that the inquiry would report by June. "
            "The inquiry into the dam failure was ordered on March 7 by the governor. "
            "Residents of the Marren valley held a vigil for the victims of the flood."
        ),
    ),
]


@pytest.fixture(scope="module")
def docs() -> list[Document]:
    opts = Options()
    pipe = Pipeline([create("eventdesk.nlp.v1", opts), create("eventdesk.dates.v1", opts)])
    return list(pipe.pipe(STORY))


def test_dates_come_from_mentions_not_only_publication(docs):
    tl = build_timeline(docs, dates=3, sentences=1)
    days = [e.date for e in tl]
    published = {a.published for a in STORY}
    # The burst (Monday, March 3) is the most mentioned day and was no article's publication day.
    assert "2031-03-03" in days
    assert any(d not in published for d in days)
    burst = next(e for e in tl if e.date == "2031-03-03")
    assert "burst" in burst.text


def test_entries_in_date_order_within_limits(docs):
    tl = build_timeline(docs, dates=2, sentences=2)
    assert 1 <= len(tl) <= 2
    assert [e.date for e in tl] == sorted(e.date for e in tl)
    for e in tl:
        assert isinstance(e, TimelineItem)
        assert 1 <= len(e.sentences) <= 2
        assert e.text == " ".join(e.sentences)


def test_every_entry_lists_its_sources(docs):
    tl = build_timeline(docs, dates=4, sentences=1)
    ids = {a.id for a in STORY}
    for e in tl:
        assert e.sources and set(e.sources) <= ids
    burst = next(e for e in tl if e.date == "2031-03-03")
    # Three articles report the burst; the entry cites more than the one it quotes.
    assert len(burst.sources) >= 2


def test_no_boilerplate_or_dateline_in_timeline(docs):
    tl = build_timeline(docs, dates=5, sentences=2)
    text = " ".join(e.text for e in tl)
    assert "Source link" not in text
    assert "Comments are moderated" not in text
    assert "(Valley Wire)" not in text


def test_no_sentence_repeated_across_dates(docs):
    tl = build_timeline(docs, dates=6, sentences=2)
    sents = [s for e in tl for s in e.sentences]
    assert len(sents) == len(set(sents))


def test_query_steers_dates_and_sentences(docs):
    tl = build_timeline(docs, dates=1, sentences=1, query="inquiry")
    assert tl[0].date == "2031-03-07"
    assert "inquiry" in tl[0].text


def test_contract_json_shape(docs):
    out = timeline_json(build_timeline(docs, dates=3, sentences=2))
    assert out and all(isinstance(d, str) and len(d) == 10 for d, _ in out)
    assert all(isinstance(s, list) and all(isinstance(x, str) for x in s) for _, s in out)
    assert [d for d, _ in out] == sorted(d for d, _ in out)


def test_event_ids_from_events_in_chosen_sentences(docs):
    burst_doc = docs[0]
    sent = burst_doc.sentences[0]
    ev = Event(
        event="ACCIDENT",
        span=Span("dam-1", sent.index, sent.start, sent.end, sent.text),
        actor=Actor("Tessel dam"),
        date="2031-03-03",
        date_precision="day",
    )
    tl = build_timeline(docs, dates=3, sentences=1, events_by_article={"dam-1": [("ev-1", ev)]})
    burst = next(e for e in tl if e.date == "2031-03-03")
    assert burst.event_ids == ["ev-1"]
    assert all(e.event_ids == [] for e in tl if e.date != "2031-03-03")


def test_automatic_number_of_dates_is_bounded(docs):
    tl = build_timeline(docs)
    assert 1 <= len(tl) <= 30


def test_choose_count_finds_the_knee():
    assert choose_count([10, 9, 9, 8, 1, 1, 1, 1, 1, 1], lo=1, hi=8) == 4
    assert choose_count([5, 4], lo=3, hi=10) == 2


def test_bad_arguments_are_usage_errors(docs):
    with pytest.raises(UsageError):
        build_timeline(docs, dates=0)
    with pytest.raises(UsageError):
        build_timeline(docs, sentences=0)
    with pytest.raises(UsageError):
        build_timeline(["not a document"])  # type: ignore[list-item]


def test_no_dates_no_timeline():
    doc = Document(article=Article(id="x", text="Nothing dated here at all, really."))
    assert build_timeline([doc]) == []
