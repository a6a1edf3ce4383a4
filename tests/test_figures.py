"""Figures: extraction through the real spaCy stage, the qualifier logic, and reconciliation."""

from __future__ import annotations

import pytest

from eventdesk.errors import UsageError
from eventdesk.figures import (
    ArticleMeta,
    FigureComponent,
    about_key,
    disagree,
    extract_figures,
    interval,
    reconcile,
    sources_disagree,
)
from eventdesk.pipeline import Options, Pipeline, create
from eventdesk.types import Article, Document, Figure, Span


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline(
        [create("eventdesk.nlp.v1", Options()), create("eventdesk.figures.v1", Options())]
    )


def run(pipeline: Pipeline, text: str, **meta: str) -> Document:
    return pipeline(Article(id=meta.pop("id", "a1"), text=text, **meta))


def only(doc: Document) -> Figure:
    assert len(doc.figures) == 1, [(f.span.text, f.about) for f in doc.figures]
    return doc.figures[0]


def by_text(doc: Document) -> dict[str, Figure]:
    return {f.span.text: f for f in doc.figures}


# --- values -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Officials said 12,450 refugees crossed the border last week.", 12450),
        ("The agency counted 2.5 million refugees in the camps.", 2_500_000),
        ("Two dozen soldiers guarded the bridge.", 24),
        ("The army deployed 300 soldiers to the town.", 300),
        ("Twenty-five protesters were detained outside the ministry.", 25),
        ("The ministry recorded 1,250.5 tonnes of grain and 40 trucks.", 40),
    ],
)
def test_values_with_commas_decimals_scales_and_words(pipeline, text, value):
    fig = only(run(pipeline, text))
    assert fig.value == value


def test_vague_plurals_are_approximate_lower_bounds(pipeline):
    doc = run(pipeline, "Tens of thousands of protesters marched, and hundreds of civilians fled.")
    figs = by_text(doc)
    assert figs["Tens of thousands"].value == 20_000
    assert figs["Tens of thousands"].bound == "lower" and figs["Tens of thousands"].approximate
    assert figs["hundreds"].value == 200 and figs["hundreds"].unit == "people"


def test_money_units_and_what_it_is_for(pipeline):
    doc = run(
        pipeline,
        "The donors pledged $1.5bn in aid. Britain added £20m for reconstruction, "
        "and the bank approved a EUR 300 million loan.",
    )
    figs = by_text(doc)
    assert figs["$1.5bn"].unit == "USD" and figs["$1.5bn"].value == 1.5e9
    assert figs["$1.5bn"].about == "aid"
    assert figs["£20m"].unit == "GBP" and figs["£20m"].value == 20e6
    assert figs["£20m"].about == "reconstruction"
    assert figs["EUR 300 million"].unit == "EUR" and figs["EUR 300 million"].about == "loan"


def test_money_in_currency_words_is_money_even_when_ner_calls_it_a_quantity(pipeline):
    fig = only(run(pipeline, "The government allocated 1.2 trillion Iraqi dinars for salaries."))
    assert (fig.value, fig.unit, fig.about) == (1.2e12, "IQD", "salaries")


def test_percent_keeps_unit_percent(pipeline):
    fig = only(run(pipeline, "Turnout fell to 44 percent of registered voters."))
    assert fig.unit == "%" and fig.value == 44 and fig.about == "registered voters"


# --- qualifiers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "span", "approximate", "bound"),
    [
        ("More than 300 people were evacuated from the village.", "More than 300", False, "lower"),
        ("Up to 40 fighters attacked the checkpoint.", "Up to 40", False, "upper"),
        ("There are approximately 5,000 US troops in Iraq.", "approximately 5,000", True, None),
        ("Nearly 1,000 families returned home.", "Nearly 1,000", True, "upper"),
        ("At least 14 civilians were killed in the shelling.", "At least 14", False, "lower"),
        ("Some 800 marines landed on the coast.", "Some 800", True, None),
        ("Fewer than 50 police officers remained.", "Fewer than 50", False, "upper"),
    ],
)
def test_qualifiers(pipeline, text, span, approximate, bound):
    fig = only(run(pipeline, text))
    assert fig.span.text == span
    assert (fig.approximate, fig.bound) == (approximate, bound)


# --- what is not a figure -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The group was founded in 2014 and grew quickly.",
        "The talks began on March 3, 2020 in Geneva.",
        "A 25-year-old man was arrested.",
        "The suspect, aged 34, was arrested.",
        "Rockets landed at 7.45 p.m. near the embassy.",
        "It was the 13th such attack on the base.",
        "The air force can still fly its F-16 jets.",
        "The council adopted Resolution 2254 without a vote.",
        "The details are on page 12 of the report.",
        "The two countries signed the agreement.",
        "The siege lasted three weeks.",
        "Police found the car in the 3000 block of Main Street.",
    ],
)
def test_years_dates_ages_times_ordinals_labels_are_not_figures(pipeline, text):
    assert run(pipeline, text).figures == []


# --- about --------------------------------------------------------------------------------------


def test_about_keeps_modifiers_and_place(pipeline):
    fig = only(run(pipeline, "Washington keeps 5,200 US troops in Iraq under the agreement."))
    assert fig.about == "US troops in Iraq"
    assert fig.unit == "troops" and fig.value == 5200


def test_about_of_subject_count(pipeline):
    fig = only(run(pipeline, "Around 500 British personnel are currently training Iraqi forces."))
    assert fig.about == "British personnel"
    assert fig.approximate and fig.value == 500


def test_about_of_casualties(pipeline):
    doc = run(pipeline, "The car bomb killed 12 people in Mosul on Tuesday.")
    fig = only(doc)
    assert fig.about == "people killed in Mosul" and fig.unit == "people"
    passive = only(run(pipeline, "Seven soldiers were wounded in the ambush."))
    assert passive.about == "soldiers wounded" and passive.value == 7


def test_owner_from_the_clause(pipeline):
    fig = only(run(pipeline, "The US has 5,200 troops stationed in Iraq to train local forces."))
    assert fig.about is not None and fig.about.startswith("US troops stationed in Iraq")
    assert about_key(fig.about) == "USA military personnel in IRQ"


def test_offsets_are_exact(pipeline):
    text = (
        "Officials said about 3,000 people fled. Over 100,000 Iraqi personnel have been trained,\n"
        "and the fund pledged $2.5 billion for housing; 45% of schools remain shut."
    )
    doc = run(pipeline, text)
    assert len(doc.figures) == 4
    for f in doc.figures:
        assert text[f.span.start : f.span.end] == f.span.text
        rec = f.to_dict()
        assert text[rec["start"] : rec["end"]] == rec["text"]
        assert f.span.component == "eventdesk.figures.v1"
        assert f.span.sentence >= 0


def test_about_key_normalises_countries_and_nouns():
    key = about_key("US troops in Iraq")
    assert key == "USA military personnel in IRQ"
    assert about_key("American troops stationed in Iraq") == key
    assert about_key("U.S. forces in Iraq") == key
    assert about_key("United States soldiers deployed in Iraq") == key
    assert about_key("British personnel") == "GBR military personnel"
    assert about_key("British personnel") != about_key("US troops")
    assert about_key("people killed in Baghdad") != about_key("people injured in Baghdad")


# --- qualifier logic ----------------------------------------------------------------------------


def fig(text: str, value: float, *, approximate=False, bound=None, unit="troops") -> Figure:
    span = Span(article_id="x", sentence=0, start=0, end=len(text), text=text)
    return Figure(span=span, value=value, unit=unit, about="US troops in Iraq",
                  approximate=approximate, bound=bound)  # fmt: skip


def test_disagree_follows_the_wording():
    exact_5200 = fig("5,200", 5200)
    approx_5000 = fig("approximately 5,000", 5000, approximate=True)
    exact_5000 = fig("5,000", 5000)
    assert disagree(exact_5200, approx_5000)
    assert not disagree(exact_5000, fig("5,000", 5000))
    assert not disagree(fig("over 100,000", 100_000, bound="lower"), fig("120,000", 120_000))
    assert disagree(fig("under 50", 50, bound="upper"), fig("60", 60))
    assert not disagree(fig("about 5,100", 5100, approximate=True), exact_5000)
    # a scaled decimal is itself rounded: 5.2 million allows 5,230,000
    assert not disagree(fig("5.2 million", 5_200_000), fig("5,230,000", 5_230_000))
    assert disagree(fig("5.2 million", 5_200_000), fig("5,300,000", 5_300_000))
    lo, hi = interval(approx_5000)
    assert lo < 5000 < hi < 5200


def test_disagree_refuses_different_units():
    with pytest.raises(UsageError):
        disagree(fig("5,000", 5000), fig("$5,000", 5000, unit="USD"))


# --- reconcile ----------------------------------------------------------------------------------


def _pairs(docs: list[Document]) -> list[tuple[Figure, ArticleMeta]]:
    return [(f, ArticleMeta.from_article(d.article)) for d in docs for f in d.figures]


def test_reconcile_groups_same_thing_and_flags_discrepancy(pipeline):
    docs = [
        run(pipeline, "The US has 5,200 troops housed in Iraqi bases across the country.",
            id="a", source="Outlet A", published="2020-01-10"),
        run(pipeline, "There are approximately 5,000 US troops in Iraq, officials said.",
            id="b", source="Outlet B", published="2020-01-05"),
        run(pipeline, "Lawmakers voted to expel 5,000 American troops stationed in Iraq.",
            id="c", source="Outlet C", published="2020-01-06"),
        run(pipeline, "Around 500 British personnel are training Iraqi forces.",
            id="d", source="Outlet D", published="2020-01-07"),
    ]  # fmt: skip
    groups = reconcile(_pairs(docs))
    us = [g for g in groups if g.key == "USA military personnel in IRQ"]
    assert len(us) == 1
    assert sorted(v.article_id for v in us[0].values) == ["a", "b", "c"]
    assert us[0].discrepancy is True
    assert [v.published for v in us[0].values] == sorted(v.published for v in us[0].values)
    british = [g for g in groups if g.key == "GBR military personnel"]
    assert len(british) == 1 and len(british[0].values) == 1
    assert british[0].figure_id != us[0].figure_id
    rec = us[0].to_dict()
    assert set(rec) == {"figure_id", "about", "unit", "values", "discrepancy"}
    assert set(rec["values"][0]) == {"value", "approximate", "bound", "article_id", "source",
                                     "published", "start", "end", "text"}  # fmt: skip
    text_b = docs[1].article.text
    vb = next(v for v in rec["values"] if v["article_id"] == "b")
    assert text_b[vb["start"] : vb["end"]] == vb["text"] == "approximately 5,000"


def test_reconcile_bounds_do_not_make_a_discrepancy(pipeline):
    docs = [
        run(pipeline, "Over 100,000 Iraqi security personnel have been trained.", id="a",
            published="2020-02-01"),
        run(pipeline, "Some 120,000 Iraqi security personnel have been trained.", id="b",
            published="2020-02-03"),
    ]  # fmt: skip
    groups = reconcile(_pairs(docs))
    assert len(groups) == 1 and len(groups[0].values) == 2
    assert groups[0].discrepancy is False


def test_discrepancy_is_between_sources_not_within_one_article():
    meta_a, meta_b = ArticleMeta("a", "Outlet A"), ArticleMeta("b", "Outlet B")
    # one article counting two things under one name is not two sources disagreeing
    groups = reconcile([(fig("25", 25), meta_a), (fig("71", 71), meta_a)])
    assert len(groups) == 1 and len(groups[0].values) == 2
    assert groups[0].discrepancy is False
    # nor is an article agreeing with one of them
    groups = reconcile([(fig("25", 25), meta_a), (fig("71", 71), meta_a), (fig("25", 25), meta_b)])
    assert groups[0].discrepancy is False
    # an article whose values agree with each other still disagrees with another source
    groups = reconcile([
        (fig("5,200", 5200), meta_a),
        (fig("approximately 5,000", 5000, approximate=True), meta_b),
        (fig("5,000", 5000), meta_b),
    ])  # fmt: skip
    assert groups[0].discrepancy is True
    assert sources_disagree([(fig("5,200", 5200), "a"), (fig("5,000", 5000), "b")])
    assert not sources_disagree([(fig("5,200", 5200), "a"), (fig("5,000", 5000), "a")])


def test_sources_disagree_is_the_pairwise_definition() -> None:
    import itertools
    import random

    def pairwise(items: list[tuple[Figure, str]]) -> bool:
        by: dict[str, list[Figure]] = {}
        for f, a in items:
            by.setdefault(a, []).append(f)
        single = [fs for fs in by.values()
                  if not any(disagree(x, y) for x, y in itertools.combinations(fs, 2))]
        return any(disagree(x, y) for xs, ys in itertools.combinations(single, 2)
                   for x in xs for y in ys)  # fmt: skip

    rng = random.Random(7)
    kinds = [({}, "{}"), ({"approximate": True}, "about {}"), ({"bound": "lower"}, "over {}"),
             ({"bound": "upper"}, "up to {}")]  # fmt: skip
    for _ in range(400):
        items = []
        for _ in range(rng.randint(1, 7)):
            kw, wording = rng.choice(kinds)
            v = rng.choice([20, 25, 26, 30, 100, 103, 5000, 5200])
            items.append((fig(wording.format(v), v, **kw), rng.choice("abc")))
        assert sources_disagree(items) == pairwise(items), items


def test_reconcile_separates_distant_dates_and_placeless_joins_unique_group(pipeline):
    docs = [
        run(pipeline, "There are 5,200 US troops in Iraq.", id="a", published="2019-01-01"),
        run(pipeline, "There are 2,500 US troops in Iraq.", id="b", published="2021-01-01"),
        run(pipeline, "Lawmakers want 2,500 US soldiers to leave.", id="c",
            published="2021-01-03"),
    ]  # fmt: skip
    groups = reconcile(_pairs(docs))
    assert [sorted(v.article_id for v in g.values) for g in groups] == [["a"], ["b", "c"]]
    assert not any(g.discrepancy for g in groups)


def test_component_declares_its_needs_and_refuses_unparsed_documents():
    comp = FigureComponent()
    assert comp.name == "eventdesk.figures.v1"
    with pytest.raises(UsageError):
        Pipeline([comp])  # no stage assigns tokens before it
    with pytest.raises(UsageError, match="no tokens"):
        extract_figures(Document(article=Article(id="x", text="5,000 troops arrived.")))
    assert extract_figures(Document(article=Article(id="y", text="  "))) == []
