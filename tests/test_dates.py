"""Dates stage: the resolution conventions as a table, recognition on plain text, and the
component over the real spaCy stage (short fixtures written here)."""

from __future__ import annotations

import re
from datetime import date
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eventdesk.errors import InputError, UsageError
from eventdesk.time import DateComponent, find_dates, resolve
from eventdesk.time.normalize import CROSSES_YEAR, NO_ANCHOR
from eventdesk.types import Article, Document, Entity, Span

MON_2020_01_06 = date(2020, 1, 6)  # a Monday

# (expression, anchor, tense, expected (value, precision) or None)
CASES: list[tuple[str, date | None, str | None, tuple[str, str] | None]] = [
    # weekdays: past / no cue -> on or before the anchor; future -> on or after
    ("on Sunday", MON_2020_01_06, "past", ("2020-01-05", "day")),
    ("Sunday", MON_2020_01_06, None, ("2020-01-05", "day")),
    ("On Friday", MON_2020_01_06, "future", ("2020-01-10", "day")),
    ("Friday", MON_2020_01_06, "past", ("2020-01-03", "day")),
    ("on Monday", MON_2020_01_06, "past", ("2020-01-06", "day")),  # same weekday: the anchor
    ("Monday", MON_2020_01_06, "future", ("2020-01-06", "day")),
    ("Tuesday", MON_2020_01_06, "past", ("2019-12-31", "day")),  # across the year boundary
    # "would" (reported future, conditional): the nearer day, ties to the past
    ("on Tuesday", MON_2020_01_06, "would", ("2020-01-07", "day")),
    ("on Saturday", MON_2020_01_06, "would", ("2020-01-04", "day")),
    ("on Friday", MON_2020_01_06, "would", ("2020-01-03", "day")),  # 3 back, 4 ahead
    ("last Monday", MON_2020_01_06, None, ("2019-12-30", "day")),
    ("next Monday", MON_2020_01_06, None, ("2020-01-13", "day")),
    ("next Friday", MON_2020_01_06, "past", ("2020-01-10", "day")),  # "next" beats the tense
    ("this Friday", MON_2020_01_06, None, ("2020-01-10", "day")),
    ("Sunday night", MON_2020_01_06, "past", ("2020-01-05", "day")),
    ("early Saturday", date(2020, 3, 2), None, ("2020-02-29", "day")),  # leap day
    # month and day without a year
    ("December 29", date(2020, 1, 15), None, ("2019-12-29", "day")),
    ("December 29", date(2020, 1, 15), "past", ("2019-12-29", "day")),
    ("December 29", date(2020, 1, 15), "future", ("2020-12-29", "day")),
    ("March 3", date(2020, 2, 10), "future", ("2020-03-03", "day")),
    ("March 3", date(2020, 2, 10), "past", ("2019-03-03", "day")),
    ("March 3", date(2020, 2, 10), None, ("2020-03-03", "day")),  # nearer
    ("September 1", date(2020, 2, 10), None, ("2019-09-01", "day")),  # 162 days back < 204 on
    ("July 20", date(2020, 2, 10), None, ("2020-07-20", "day")),  # 205 days back > 161 on
    ("Jan. 5", MON_2020_01_06, None, ("2020-01-05", "day")),
    ("late January 4", MON_2020_01_06, None, ("2020-01-04", "day")),  # late on the 4th
    ("the 15th of May", date(2020, 6, 1), "past", ("2020-05-15", "day")),
    ("February 29", date(2021, 6, 1), None, ("2020-02-29", "day")),
    ("February 29", date(2021, 6, 1), "future", ("2024-02-29", "day")),
    ("Christmas Day", MON_2020_01_06, "past", ("2019-12-25", "day")),
    # fixed by the text: no anchor needed
    ("Sept. 11, 2001", None, None, ("2001-09-11", "day")),
    ("5 January 2020", None, None, ("2020-01-05", "day")),
    ("Monday, May 3, 2010", None, None, ("2010-05-03", "day")),
    ("2020-01-05", None, None, ("2020-01-05", "day")),
    ("13/4/2019", None, None, ("2019-04-13", "day")),
    ("January 2020", None, None, ("2020-01", "month")),
    ("mid-January 2020", None, None, ("2020-01", "month")),
    ("November of 2005", None, None, ("2005-11", "month")),
    ("in 2019", None, None, ("2019", "year")),
    ("1918-19", None, None, ("1918", "year")),  # a range: its start
    ("between 2019 and 2020", None, None, ("2019", "year")),
    ("January 3-5", date(2020, 2, 1), None, ("2020-01-03", "day")),
    # months without a year
    ("in January", date(2020, 2, 10), None, ("2020-01", "month")),
    ("in December", date(2020, 2, 10), None, ("2019-12", "month")),
    ("in March", date(2020, 2, 10), "future", ("2020-03", "month")),
    ("in March", date(2020, 2, 10), "past", ("2019-03", "month")),
    ("mid-January", date(2020, 3, 1), "past", ("2020-01", "month")),
    ("last April", date(2020, 5, 1), None, ("2020-04", "month")),
    ("last April", date(2020, 3, 1), None, ("2019-04", "month")),
    ("next March", date(2020, 5, 1), None, ("2021-03", "month")),
    # relative to the anchor
    ("yesterday", date(2020, 3, 1), None, ("2020-02-29", "day")),
    ("today", MON_2020_01_06, None, ("2020-01-06", "day")),
    ("tonight", MON_2020_01_06, None, ("2020-01-06", "day")),
    ("tomorrow", date(2019, 12, 31), None, ("2020-01-01", "day")),
    ("last night", date(2020, 1, 1), None, ("2019-12-31", "day")),
    ("last month", date(2020, 1, 15), None, ("2019-12", "month")),
    ("this month", date(2020, 6, 15), None, ("2020-06", "month")),
    ("next month", date(2020, 12, 15), None, ("2021-01", "month")),
    ("earlier this year", date(2020, 6, 1), None, ("2020", "year")),
    ("last year", date(2020, 6, 1), None, ("2019", "year")),
    ("next year", date(2020, 6, 1), None, ("2021", "year")),
    ("a week ago", MON_2020_01_06, None, ("2019-12-30", "day")),
    ("two days ago", date(2020, 3, 1), None, ("2020-02-28", "day")),
    ("three months ago", date(2020, 2, 15), None, ("2019-11", "month")),
    ("two years ago", date(2020, 2, 15), None, ("2018", "year")),
    ("about two weeks ago", date(2020, 1, 20), None, ("2020-01", "month")),  # hedged: coarser
    # weeks: the finest precision holding the whole week
    ("last week", date(2020, 1, 15), None, ("2020-01", "month")),
    ("this week", date(2020, 1, 15), "past", ("2020-01", "month")),
    ("next week", date(2020, 1, 27), None, ("2020-02", "month")),
    ("last week", date(2020, 1, 8), None, None),  # 30 Dec - 5 Jan: no honest value
    # no anchor: relative expressions stay unresolved
    ("Sunday", None, None, None),
    ("yesterday", None, None, None),
    ("December 29", None, None, None),
    ("last month", None, None, None),
    # not points in time
    ("three years", MON_2020_01_06, None, None),
    ("for decades", MON_2020_01_06, None, None),
    ("62-year-old", MON_2020_01_06, None, None),
    ("annual", MON_2020_01_06, None, None),
    ("daily", MON_2020_01_06, None, None),
    ("the 1990s", MON_2020_01_06, None, None),
    ("more than a year ago", MON_2020_01_06, None, None),
    ("a few days ago", MON_2020_01_06, None, None),
    ("3/4/2019", None, None, None),  # day/month order unknown
    ("Black Friday", MON_2020_01_06, None, None),
]


@pytest.mark.parametrize(("expression", "anchor", "tense", "expected"), CASES)
def test_resolve_table(
    expression: str, anchor: date | None, tense: str | None, expected: tuple[str, str] | None
) -> None:
    assert resolve(expression, anchor, tense=tense) == expected  # type: ignore[arg-type]


def _by_text(mentions: list) -> dict[str, tuple[str | None, str | None]]:
    return {m.span.text: (m.value, m.precision) for m in mentions}


def _assert_exact_spans(text: str, mentions: list) -> None:
    for m in mentions:
        assert text[m.span.start : m.span.end] == m.span.text


def test_find_dates_brief_examples_without_spacy() -> None:
    text = (
        "Iraq's parliament voted on Sunday to expel foreign troops. "
        "On Friday, NATO will join the talks in Brussels."
    )
    mentions = find_dates(text, "2020-01-06")
    _assert_exact_spans(text, mentions)
    assert _by_text(mentions) == {"Sunday": ("2020-01-05", "day"), "Friday": ("2020-01-10", "day")}
    assert all(m.relative for m in mentions)
    assert all(m.span.component == "eventdesk.dates.v1" for m in mentions)


def test_find_dates_year_boundary_month_day() -> None:
    text = "The strike on December 29 killed 25 fighters."
    (m,) = find_dates(text, "2020-01-10T08:30:00")
    assert (m.span.text, m.value, m.precision) == ("December 29", "2019-12-29", "day")


def test_find_dates_without_publication_date_keeps_only_fixed_dates() -> None:
    text = "Talks began on 5 January 2020 and resumed on Sunday; a deal came in 2019 and yesterday."
    mentions = find_dates(text, None)
    _assert_exact_spans(text, mentions)
    got = {m.span.text: (m.value, m.reason) for m in mentions}
    assert got == {
        "5 January 2020": ("2020-01-05", None),
        "Sunday": (None, NO_ANCHOR),
        "2019": ("2019", None),
        "yesterday": (None, NO_ANCHOR),
    }


def test_durations_ages_and_frequencies_are_not_dates() -> None:
    text = (
        "The 62-year-old commander served for three years and met donors annually. "
        "The annual report, a daily briefing and two decades of war were discussed for weeks."
    )
    assert find_dates(text, "2020-01-06") == []


def test_narrative_offset_counts_from_previous_date_in_paragraph() -> None:
    text = (
        "Militias attacked the base on January 2. Two days later, the embassy was stormed.\n"
        "Two days later, troops withdrew."
    )
    got = [(m.span.text, m.value) for m in find_dates(text, "2020-01-20")]
    # The second paragraph has no date of its own: it falls back to the anchor.
    assert got == [
        ("January 2", "2020-01-02"),
        ("Two days later", "2020-01-04"),
        ("Two days later", "2020-01-22"),
    ]
    assert find_dates(text, "2020-01-20")[2].span.confidence < 0.6


def test_narrative_offset_keeps_the_reference_precision() -> None:
    text = "Oil spilled into the sound in March 1989. Two months later, the beaches were clean."
    got = [(m.span.text, m.value, m.precision) for m in find_dates(text, "2010-04-30")]
    assert got == [("March 1989", "1989-03", "month"), ("Two months later", "1989-05", "month")]


def test_day_range_does_not_swallow_a_following_number() -> None:
    text = "The agency raised its alert on April 29 to 5 on its scale."
    got = [(m.span.text, m.value) for m in find_dates(text, "2009-05-16")]
    assert got == [("April 29", "2009-04-29")]


def test_dateparser_fallback_reads_leftover_date_entities_and_checks_them() -> None:
    text = "Voting ends on May the 5th in Baghdad."
    start = text.index("May")
    end = text.index(" in Baghdad")
    ent = Entity(span=Span("a", 0, start, end, text[start:end]), kind="DATE")
    (m,) = find_dates(text, "2020-04-20", entities=[ent])
    assert (m.span.text, m.value, m.precision) == ("May the 5th", "2020-05-05", "day")
    # Without an anchor dateparser's reading depends on its base date: it is not used.
    (m,) = find_dates(text, None, entities=[ent])
    assert (m.span.text, m.value, m.reason) == ("May", None, NO_ANCHOR)


def test_bare_months_and_years_need_context() -> None:
    text = "June Carter sang in June. In 2019 protests began; 2000 people marched."
    mentions = find_dates(text, "2020-08-06")
    assert [(m.span.text, m.value) for m in mentions] == [("June", "2020-06"), ("2019", "2019")]
    assert mentions[0].span.start == text.index("in June") + 3


def test_entities_veto_dates_inside_names() -> None:
    text = "The March 14 Alliance met on Tuesday."
    start, end = 4, 21
    org = Entity(span=Span("a", 0, start, end, text[start:end]), kind="ORG")
    got = _by_text(find_dates(text, "2020-01-06", entities=[org]))
    assert got == {"Tuesday": ("2019-12-31", "day")}
    assert "March 14" in _by_text(find_dates(text, "2020-01-06"))  # without NER it is read


def test_malformed_publication_date_is_an_input_error() -> None:
    with pytest.raises(InputError, match="not YYYY-MM-DD"):
        find_dates("on Sunday", "06/01/2020")


def test_offsets_survive_non_ascii_text() -> None:
    text = "İstanbul — Der Präsident sprach am Mittwoch; on Sunday “talks” resumed."
    mentions = find_dates(text, "2020-01-06")
    _assert_exact_spans(text, mentions)
    assert _by_text(mentions) == {"Sunday": ("2020-01-05", "day")}


# --- the component over the real spaCy stage -------------------------------------------------


@pytest.fixture(scope="module")
def run_stages():
    from eventdesk.nlp import SpacyComponent

    nlp, dates = SpacyComponent(), DateComponent()

    def run(text: str, published: str | None) -> Document:
        doc = Document(article=Article(id="fx", text=text, published=published))
        return dates(nlp(doc))

    return run


def test_component_brief_examples(run_stages) -> None:
    text = (
        "The alliance halted its training mission on Sunday, its chief said.\n"
        "On Friday, NATO will join the talks in Baghdad.\n"
        "He said on Sunday that the troops will leave."
    )
    doc = run_stages(text, "2020-01-06")
    _assert_exact_spans(text, doc.dates)
    got = [(m.span.text, m.value, m.span.sentence) for m in doc.dates]
    assert got == [
        ("Sunday", "2020-01-05", 0),
        ("Friday", "2020-01-10", 1),
        ("Sunday", "2020-01-05", 2),  # hangs off "said", not "will leave"
    ]


def test_a_would_clause_takes_the_nearer_weekday(run_stages) -> None:
    text = ("The president said he would press the company's executives at a meeting on "
            "Wednesday. The company said on Monday it would pay.")
    doc = run_stages(text, "2010-06-15")  # a Tuesday
    got = [(m.span.text, m.value) for m in doc.dates]
    assert got == [("Wednesday", "2010-06-16"), ("Monday", "2010-06-14")]


def test_a_present_clause_takes_a_weekday_just_ahead(run_stages) -> None:
    """A Tuesday article: the meeting "on Wednesday" of a present-tense clause is the next day;
    "on Saturday" (three days back, four ahead) and a past "met on Wednesday" look back."""
    text = ("The speech comes on the eve of the president's meeting with the executives on "
            "Wednesday. The chairman arrives on Saturday. The chairman met them on Wednesday.")
    doc = run_stages(text, "2010-06-15")
    got = [(m.span.text, m.value) for m in doc.dates]
    assert got == [("Wednesday", "2010-06-16"), ("Saturday", "2010-06-12"),
                   ("Wednesday", "2010-06-09")]


def test_component_month_day_and_durations(run_stages) -> None:
    text = (
        "Rockets hit the base on December 29, two days after the 62-year-old general "
        "ended his three years in command. The annual review is due in March."
    )
    doc = run_stages(text, "2020-01-10")
    _assert_exact_spans(text, doc.dates)
    assert [(m.span.text, m.value, m.precision) for m in doc.dates] == [
        ("December 29", "2019-12-29", "day"),
        ("March", "2020-03", "month"),
    ]


def test_component_without_publication_date(run_stages) -> None:
    text = "The accord was signed on 5 January 2020. Fighting resumed yesterday."
    doc = run_stages(text, None)
    got = [(m.span.text, m.value, m.reason) for m in doc.dates]
    assert got == [("5 January 2020", "2020-01-05", None), ("yesterday", None, NO_ANCHOR)]


def test_component_week_across_year_boundary_has_reason(run_stages) -> None:
    doc = run_stages("Protesters gathered outside the embassy last week.", "2020-01-08")
    (m,) = doc.dates
    assert (m.span.text, m.value, m.reason) == ("last week", None, CROSSES_YEAR)


def test_component_declares_what_it_needs() -> None:
    from eventdesk.pipeline import Pipeline

    with pytest.raises(UsageError, match="requires"):
        Pipeline([DateComponent()])
    assert DateComponent.name == "eventdesk.dates.v1"
    assert DateComponent.assigns == ("dates",)


# --- properties over generated text ------------------------------------------------------------

_FRAGMENTS = [
    "on", "in", "Sunday", "Friday", "last", "next", "this", "week", "month", "year", "ago", "two",
    "days", "later", "earlier", "the", "May", "Feb.", "February", "29", "30", "31", "5th", "2019",
    "2020", "1990s", "-", "–", ",", ".", "\n", "will", "said", "mid-January", "yesterday", "of",
    "3/4/2019", "2020-02-30", "İ", "Christmas Day", "between", "and", "a", "few", "more than",
]  # fmt: skip
_VALUE = {"day": r"\d{4}-\d\d-\d\d", "month": r"\d{4}-\d\d", "year": r"\d{4}"}


@settings(max_examples=200, deadline=None)
@given(
    words=st.lists(st.sampled_from(_FRAGMENTS) | st.text(max_size=4), max_size=30),
    anchor=st.none() | st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
)
def test_any_text_gives_exact_spans_and_well_formed_values(words, anchor) -> None:
    text = " ".join(words)
    mentions = find_dates(text, anchor.isoformat() if anchor else None)
    for m in mentions:
        assert text[m.span.start : m.span.end] == m.span.text
        if m.value is None:
            assert m.reason
        else:
            assert m.precision is not None
            assert re.fullmatch(_VALUE[m.precision], m.value)
            date.fromisoformat(m.value + {"day": "", "month": "-01", "year": "-01-01"}[m.precision])
    starts = [m.span.start for m in mentions]
    assert starts == sorted(starts)
    assert all(a.span.end <= b.span.start for a, b in pairwise(mentions))


def test_a_live_blogs_times_of_day_are_not_years() -> None:
    """Entries of a live blog start with the time ("2017: Is the Senate listening?"); read as
    years, a 2010 blog's entries were dated 2017 to 2034. A chronology's lines start the same
    way with years up to the article's own, and stay years; so does one heading about a year
    to come, and a year inside an entry."""

    def ents(text: str) -> list[Entity]:  # spaCy calls each line's number a DATE
        return [Entity(span=Span("a", 0, m.start(), m.end(), m.group()), kind="DATE")
                for m in re.finditer(r"(?m)^\d{4}", text)]

    def values(text: str, published: str) -> list[str | None]:
        return [m.value for m in find_dates(text, published, entities=ents(text))]

    blog = ("Live: the president's address\n\n2017: Is the Senate listening to this?\n\n"
            "2018: He spoke of faith, as he did in 2008.\n\n2015 GMT: Rockets hit Baghdad.")
    assert values(blog, "2010-06-15") == ["2008"]
    chronology = "Timeline\n2003: US forces invade Iraq\n2011: the last US troops leave\n"
    assert values(chronology, "2020-01-05") == ["2003", "2011"]
    goal = "The plan\n\n2030: Protests are expected to fade.\n"
    assert values(goal, "2020-01-02") == ["2030"]
