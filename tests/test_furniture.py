"""The comment section at an article's end is page furniture: no events, no summary sentences."""

from __future__ import annotations

from eventdesk.nlp.furniture import furniture_start
from eventdesk.types import Article

NEWS = (
    "Rockets struck a military base north of the capital on Sunday, officials said. "
    "Two soldiers were wounded in the attack, the defence ministry said in a statement. "
    "The government vowed to find those responsible and increase patrols around the base. "
    "Residents said they heard several explosions shortly after midnight."
)
POLICY = (
    "\nComments\n"
    "The site moderates all comments submitted on our pages.\n"
    "We will not tolerate the following: profanity, threats, personal attacks, vulgarity or "
    "abuse.\n"
    "Post a comment\n"
)


def test_the_section_starts_at_its_heading_in_the_tail() -> None:
    text = NEWS + POLICY
    assert furniture_start(text) == text.index("Comments")
    assert furniture_start(NEWS) is None
    early = "Comments by the minister angered the opposition.\n" + NEWS
    assert furniture_start(early) is None  # a report about comments, not the page's section
    inline = NEWS + " Comments are moderated and will appear after approval."
    assert furniture_start(inline) == inline.index("Comments are")  # its sentence, not all


def test_a_comment_policy_reports_no_event_and_no_summary_sentence() -> None:
    from eventdesk.pipeline import Options, Pipeline
    from eventdesk.summarize import summarize_texts

    text = NEWS + POLICY
    doc = Pipeline.from_options(Options())(Article(id="c", text=text))
    cut = text.index("Comments")
    assert doc.events and all(e.span.start < cut for e in doc.events)
    summary = summarize_texts([text], words=200)
    assert summary and not any("tolerate" in s.text or "moderates" in s.text for s in summary)


def test_readers_signed_posts_open_the_section_wherever_they_start() -> None:
    posts = (
        "\nAt 00:45 am on 16 Jun 2010, reader_one wrote: The minister should resign now and "
        "they should attack the problem.\n"
        "At 00:52 am on 16 Jun 2010, Sam wrote: Get the facts right first.\n"
    )
    text = "What do you think of the response?\n" + NEWS[:120] + posts + NEWS[120:]
    assert furniture_start(text) == text.index("At 00:45")  # before half-way, still the section
    one = NEWS + "\nAt 09:00 am on 1 Jan 2020, Sam wrote: fine.\n"
    assert furniture_start(one) is None  # one quoted post is no section
    quoting = (
        NEWS + "\nOn Monday, Trump wrote: the deal is dead.\n"
        "On Tuesday, Trump wrote: talks resume.\n" + NEWS
    )
    assert furniture_start(quoting) is None  # news quoting posts: no clock time, no section
    long = NEWS * 4 + POLICY
    assert furniture_start(long + posts) == long.index("Comments")  # the earlier of the two
