"""The pipeline checks component order and the NLP stage keeps offsets exact."""

from __future__ import annotations

import pytest

from eventdesk.errors import UsageError
from eventdesk.nlp import MAX_CHUNK, SpacyComponent, _chunks
from eventdesk.pipeline import Options, Pipeline, create
from eventdesk.types import Article, Document


class _Needs:
    name = "test.needs_events.v1"
    requires = ("events",)
    assigns = ("figures",)

    def __call__(self, doc: Document) -> Document:
        return doc


class _Gives:
    name = "test.gives_events.v1"
    requires = ("article",)
    assigns = ("events",)

    def __call__(self, doc: Document) -> Document:
        return doc


def test_pipeline_refuses_a_component_whose_requirements_come_later() -> None:
    with pytest.raises(UsageError, match="requires events"):
        Pipeline([_Needs(), _Gives()])
    assert Pipeline([_Gives(), _Needs()]).names == [_Gives.name, _Needs.name]


def test_unknown_component_name_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown component"):
        create("eventdesk.nope.v9", Options())


def test_default_pipeline_starts_with_nlp_and_keeps_input_order() -> None:
    pipe = Pipeline.from_options(Options())
    assert pipe.names[0] == "eventdesk.nlp.v1"
    arts = [Article(id=str(i), text=f"Article number {i} was written in Paris.") for i in range(5)]
    docs = list(pipe.pipe(arts, batch_size=2))
    assert [d.article.id for d in docs] == ["0", "1", "2", "3", "4"]
    assert all(d.nlp is None for d in docs)  # the spaCy Doc is freed after the last stage


def test_nlp_offsets_refer_to_the_stored_text() -> None:
    text = "  NATO met in Brussels.\n\nIraq's parliament voted on Sunday.  "
    doc = SpacyComponent()(Document(Article(id="a", text=text)))
    assert [s.text for s in doc.sentences] == [
        "NATO met in Brussels.",
        "Iraq's parliament voted on Sunday.",
    ]
    for s in doc.sentences:
        assert text[s.start : s.end] == s.text
    for e in doc.entities:
        assert text[e.span.start : e.span.end] == e.span.text
        assert e.span.sentence in (0, 1)
    assert {e.span.text for e in doc.entities} >= {"NATO", "Brussels", "Iraq"}


def test_long_articles_are_parsed_in_chunks_with_exact_offsets() -> None:
    para = "Troops from France arrived in Mali on Monday. " * 40
    text = "\n\n".join([para] * (MAX_CHUNK // len(para) + 3))
    assert len(text) > MAX_CHUNK
    chunks = _chunks(text)
    assert len(chunks) > 1
    assert "".join(c for _, c in chunks) == text
    doc = SpacyComponent()(Document(Article(id="long", text=text)))
    last = doc.entities[-1]
    assert text[last.span.start : last.span.end] == last.span.text
    assert doc.sentences[-1].end <= len(text)
    assert [s.index for s in doc.sentences] == list(range(len(doc.sentences)))


def test_headline_caption_and_lead_are_separate_sentences() -> None:
    lead = (
        "The defence minister signed a memorandum of understanding with his British "
        "counterpart in London on Thursday, the ministry said in a statement released late "
        "in the evening after the meeting."
    )
    text = (
        "Iraq and Britain sign defence memorandum\n\n"
        "Minister Ali Hassan with his counterpart\n" + lead + "\n" + lead
    )
    doc = SpacyComponent()(Document(Article(id="h", text=text)))
    assert [s.text for s in doc.sentences[:3]] == [
        "Iraq and Britain sign defence memorandum",
        "Minister Ali Hassan with his counterpart",
        lead,
    ]


@pytest.mark.parametrize(
    ("head", "lead"),
    [
        ("WASHINGTON | Wed Jun 16, 2010 9:13pm EDT WASHINGTON (Reuters) -",
         "BP's chairman apologized on Wednesday to the American people for the spill."),
        ("MEXICO CITY/GENEVA | Sat Apr 25, 2009 7:32 pm EDT",
         "A new flu has killed up to 68 people in Mexico, officials said."),
        ("ERBIL, Kurdistan Region-",
         "The US-led coalition remains committed to training Iraqi forces."),
        ("BAGHDAD (Reuters) -", "Rockets hit the Green Zone on Sunday, police said."),
    ],
)  # fmt: skip
def test_a_dateline_or_page_header_is_not_part_of_the_lead_sentence(head, lead) -> None:
    from eventdesk.nlp import dateline_starts

    text = f"Headline of the story\n\n{head} {lead}\nSecond paragraph, said the police."
    assert dateline_starts(text) == [text.index(lead)]
    doc = SpacyComponent()(Document(Article(id="d", text=text)))
    assert lead in [s.text.strip() for s in doc.sentences]


def test_capitals_in_running_text_are_no_dateline() -> None:
    from eventdesk.nlp import dateline_starts

    text = "Officials - including the mayor - said the bridge will reopen.\nNATO said so."
    assert dateline_starts(text) == []
    assert dateline_starts("WASHINGTON (Reuters) -") == []  # nothing follows it
    assert dateline_starts("NATO - the alliance of 30 nations - said it would stay.") == []


def test_hard_wrapped_wire_copy_is_not_split_at_every_line() -> None:
    text = (
        "Showers continued throughout the week in\n"
        "the cocoa zone, alleviating the drought since early\n"
        "January and improving prospects for the coming harvest,\n"
        "the exporters association said in its weekly review.\n"
        "    The dry period means the harvest will be late this year.\n"
    )
    doc = SpacyComponent()(Document(Article(id="w", text=text)))
    assert len(doc.sentences) == 2
    assert doc.sentences[0].text.endswith("weekly review.")


def test_no_sentence_starts_at_a_comma_after_a_heading_line() -> None:
    """spaCy's parser may open a sentence at the comma after a one-word line start ("Iraq" |
    ", UK sign ..."); the headline stays whole."""
    from eventdesk.nlp import SpacyComponent
    from eventdesk.types import Article, Document

    text = ("Iraq News - Local News - Baghdadpost\n\nIraq, UK sign anti-ISIS military "
            "cooperation MoU\n\nThe two defence ministers met in London on Thursday.")
    doc = SpacyComponent()(Document(article=Article(id="h", text=text)))
    texts = [s.text for s in doc.sentences]
    assert "Iraq, UK sign anti-ISIS military cooperation MoU" in texts
    assert not any(t.startswith(",") for t in texts)
    assert all(text[s.start:s.end] == s.text for s in doc.sentences)


class _Boom:
    """A stage with a bug that one article triggers; counts the articles it ran on."""

    name = "test.boom.v1"
    requires: tuple[str, ...] = ()
    assigns: tuple[str, ...] = ()

    def __init__(self, bad: str) -> None:
        self.bad = bad
        self.seen: list[str] = []

    def __call__(self, doc: Document) -> Document:
        self.seen.append(doc.article.id)
        if doc.article.id == self.bad:
            raise RuntimeError("stage bug")
        return doc


def test_a_stage_failing_on_one_article_keeps_the_documents_already_yielded() -> None:
    from eventdesk.app import RunReport, _run_guarded

    boom = _Boom("a7")
    arts = [Article(id=f"a{i}", text=f"Text {i}.") for i in range(10)]
    failed: set[str] = set()
    report = RunReport()
    got = [[d.article.id for d in docs]
           for docs in _run_guarded(Pipeline([boom]), arts, Options(batch_size=2), failed,
                                    report, group=2)]  # fmt: skip
    # batches of two, each yielded once the next has run: a0-a3 are out when a7 fails
    assert got == [["a0", "a1"], ["a2", "a3"], ["a4", "a5", "a6", "a8", "a9"]]
    assert failed == {"a7"} and len(report.problems) == 1 and "'a7'" in report.problems[0]
    # what was yielded is kept, not run again; the rest is retried one by one
    assert [boom.seen.count(f"a{i}") for i in range(10)] == [1, 1, 1, 1, 2, 2, 2, 2, 1, 1]


@pytest.mark.parametrize("batch_size", [1, 5, 32, 100])
def test_a_local_claim_is_whole_saved_groups(monkeypatch: pytest.MonkeyPatch,
                                             batch_size: int) -> None:
    """A rerun after a crash starts at a saved group's end; claims that are whole groups give
    it the group boundaries of an uninterrupted run, on which story clustering depends."""
    from eventdesk.app import LocalEngine

    monkeypatch.setenv("EVENTDESK_EMBED_HELPER", "0")
    engine = LocalEngine(Options(batch_size=batch_size, components=("eventdesk.nlp.v1",)))
    assert engine.save_every >= 4 * batch_size and engine.chunk % engine.save_every == 0
    assert engine.chunk >= 16 * batch_size
