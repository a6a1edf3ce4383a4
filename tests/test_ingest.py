"""Tests of the ingest stage: every input format, the ids, dates, encodings and bad input.

Fixtures under tests/fixtures/ingest/ were written for these tests; files whose point is their
bytes (encodings, binary data, huge files) are written into ``tmp_path`` by the test itself.
"""

from __future__ import annotations

import io
import json
import os
import sys
import tracemalloc
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventdesk.errors import InputError
from eventdesk.ingest import (
    DateParseError,
    IngestStats,
    SkippedInput,
    clean_text,
    normalise_published,
    normalise_url,
    read_paths,
    records,
    stable_id,
    text_fingerprint,
)
from eventdesk.types import Article

FIX = Path(__file__).parent / "fixtures" / "ingest"


def read(paths: list[str | Path], **kw: object) -> tuple[list[Article], list[InputError]]:
    errors: list[InputError] = []
    arts = list(read_paths([str(p) for p in paths], report=errors.append, **kw))  # type: ignore[arg-type]
    return arts, errors


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


# --- folders, .txt, ids, folder dates ---------------------------------------------------------


def test_folder_is_recursed_in_sorted_order_skipping_hidden_and_unknown_files():
    stats = IngestStats()
    arts, errors = read([FIX / "archive"], stats=stats)
    assert [a.id for a in arts] == [
        "2024-03-05/ceasefire.txt",
        "2024-03-05/clashes.html",
        "2024-03-06/protest.txt",
        "wire-2024-0307-01",  # the RSS feed's guid, from feeds/wire.rss
    ]
    assert not any("hidden" in a.text for a in arts)
    assert stats.ignored == 1  # NOTES.md
    assert stats.articles == 4
    # The feed's headline-only item is reported, naming the feed and the entry.
    assert len(errors) == 1
    assert errors[0].source.endswith("wire.rss#2")
    assert "no content or summary" in errors[0].message


def test_date_folders_give_the_publication_date():
    arts, _ = read([FIX / "archive"])
    by_id = {a.id: a for a in arts}
    assert by_id["2024-03-05/ceasefire.txt"].published == "2024-03-05"
    assert by_id["2024-03-06/protest.txt"].published == "2024-03-06"
    # The HTML page has no date in its markup, so its folder's date applies.
    assert by_id["2024-03-05/clashes.html"].published == "2024-03-05"
    # The feed item carries its own date, which wins over no folder date.
    assert by_id["wire-2024-0307-01"].published == "2024-03-07T09:15:00"


def test_txt_given_directly_takes_its_file_name_as_id_and_no_title():
    path = FIX / "archive" / "2024-03-06" / "protest.txt"
    arts, errors = read([path])
    assert errors == []
    (art,) = arts
    assert art.id == "protest.txt"
    assert art.title is None
    assert art.published == "2024-03-06"
    assert art.origin == str(path)
    assert art.text == clean_text(path.read_text(encoding="utf-8"))
    assert art.text.startswith("Several hundred students")


def test_only_date_folders_within_the_input_count(tmp_path):
    day = tmp_path / "2024-01-01"
    write(day / "news" / "x.txt", b"Shelling resumed overnight.")
    write(day / "y.txt", b"Aid arrived.")
    rec = {"id": "r", "text": "Record without a date."}
    rec_dated = {"id": "d", "text": "Record with its own date.", "published": "2023-12-31"}
    write(day / "feed.jsonl", (json.dumps(rec) + "\n" + json.dumps(rec_dated)).encode())
    # A date folder far above the PATH given says nothing about these articles.
    (x,), _ = read([day / "news"])
    assert x.published is None
    (x,), _ = read([day / "news" / "x.txt"])
    assert x.published is None
    # The PATH given may itself be the date folder; a file given directly uses its own folder.
    arts, _ = read([day])
    assert [(a.id, a.published) for a in arts] == [
        ("r", "2024-01-01"),  # from feed.jsonl: a record without a date takes the folder's
        ("d", "2023-12-31"),  # the file itself says otherwise
        ("news/x.txt", "2024-01-01"),
        ("y.txt", "2024-01-01"),
    ]
    (y,), _ = read([day / "y.txt"])
    assert y.published == "2024-01-01"


def test_txt_ids_use_posix_separators_relative_to_the_path_given(tmp_path):
    write(tmp_path / "a" / "b" / "story.txt", b"Troops withdrew from the hill town.")
    write(tmp_path / "a" / "first.txt", b"Talks resumed.")
    arts, _ = read([tmp_path / "a"])
    assert [a.id for a in arts] == ["b/story.txt", "first.txt"]


def test_files_given_directly_without_extension_are_text_other_types_refused(tmp_path):
    (art,), errors = read([write(tmp_path / "STORY", b"Troops crossed the river at dawn.")])
    assert (art.id, art.text, errors) == ("STORY", "Troops crossed the river at dawn.", [])
    arts, errors = read([write(tmp_path / "table.csv", b"a,b\n1,2\n")])
    assert arts == [] and "does not read (.csv)" in errors[0].message


def test_missing_path_raises_at_once_before_anything_is_read(tmp_path):
    with pytest.raises(InputError) as exc:
        read_paths([str(FIX / "single.json"), str(tmp_path / "nope.txt")], report=lambda e: None)
    assert "nope.txt" in str(exc.value)
    assert "does not exist" in str(exc.value)


def test_without_report_the_first_problem_raises():
    it = read_paths([str(FIX / "records.jsonl")])
    first = next(it)
    assert first.id == "r1"
    next(it)  # line 2 is good
    next(it)  # line 3 is good
    with pytest.raises(InputError) as exc:
        next(it)
    assert exc.value.source.endswith("records.jsonl:4")


# --- HTML -----------------------------------------------------------------------------------


def test_html_main_text_and_metadata():
    arts, errors = read([FIX / "article.html"])
    assert errors == []
    (art,) = arts
    assert art.id == "article.html"
    assert art.title == "Flooding displaces thousands in the delta"
    assert art.source == "The Daily Example"
    assert art.url == "https://daily.example.com/news/2024/04/02/delta-floods"
    assert art.published == "2024-04-02"
    assert art.language == "en-GB"
    assert "more than\n6,000" not in art.text  # paragraphs are re-flowed by the extractor
    assert "6,000 people from their homes" in art.text
    assert "emergency funds and tents" in art.text
    assert "Privacy" not in art.text  # boilerplate (footer, menus) left out
    assert "Sport" not in art.text


def test_html_without_extractable_text_is_reported_by_name():
    arts, errors = read([FIX / "empty_body.html"])
    assert arts == []
    (err,) = errors
    assert err.source == str(FIX / "empty_body.html")
    assert "no extractable article text" in err.message


def test_html_in_a_legacy_encoding_uses_its_declared_charset(tmp_path):
    body = (
        "<html><head><meta http-equiv='Content-Type' content='text/html; charset=windows-1251'>"
        "<title>Новости</title></head><body><article><p>"
        + "Президент заявил, что переговоры в столице продолжатся на следующей неделе. " * 4
        + "</p></article></body></html>"
    )
    path = write(tmp_path / "ru.html", body.encode("cp1251"))
    (art,), errors = read([path])
    assert errors == []
    assert "Президент заявил" in art.text


# --- RSS / Atom -----------------------------------------------------------------------------


def test_rss_items_become_articles_with_html_stripped():
    arts, errors = read([FIX / "archive" / "feeds" / "wire.rss"])
    (art,) = arts
    assert art.id == "wire-2024-0307-01"
    assert art.title == "Port workers strike over unpaid wages"
    assert art.source == "Example Wire"
    assert art.url == "https://wire.example.org/2024/03/07/port-strike?utm_source=rss"
    assert art.published == "2024-03-07T09:15:00"
    assert art.text == (
        "Dock workers at the southern port walked off the job on Thursday.\n"
        "The union said members had not been paid for two months."
    )
    assert len(errors) == 1 and errors[0].source.endswith("wire.rss#2")


def test_atom_entries_and_stable_ids_for_entries_without_id():
    arts, errors = read([FIX / "atom.xml"])
    assert errors == []
    first, second = arts
    assert first.id == "tag:monitor.example.net,2024:talks-resume"
    assert first.title == "Talks resume in the capital"  # type="html" title stripped
    assert first.published == "2024-05-10T11:30:00"  # the publisher's wall-clock time
    assert first.source == "Example Monitor"
    assert first.text.splitlines() == [
        "Negotiators returned to the table on Friday after a two-week pause.",
        "Both delegations called the first session constructive.",
    ]
    # No <id>: the id is derived from the link, the same on every read.
    assert second.id == stable_id("https://monitor.example.net/minister-resigns", second.text)
    assert second.published == "2024-05-09T08:00:00"  # <updated> when <published> is absent
    assert second.text == "The transport minister resigned on Thursday, citing health reasons."


def test_feed_is_sniffed_by_content_without_an_extension():
    arts, errors = read([FIX / "atom_feed_no_extension"])
    assert errors == []
    assert [a.source for a in arts] == ["Example Monitor", "Example Monitor"]


def test_xml_that_is_not_a_feed_is_reported(tmp_path):
    path = write(tmp_path / "config.xml", b"<?xml version='1.0'?><config><a>1</a></config>")
    arts, errors = read([path])
    assert arts == []
    assert "not an RSS or Atom feed" in errors[0].message


def test_broken_feed_is_reported(tmp_path):
    path = write(tmp_path / "broken.rss", b"<?xml version='1.0'?><rss><channel><title>x")
    arts, errors = read([path])
    assert arts == []
    assert "not a readable RSS/Atom feed" in errors[0].message


# --- JSON / JSONL ---------------------------------------------------------------------------


def test_jsonl_good_lines_survive_bad_ones_reported_with_line_numbers():
    stats = IngestStats()
    arts, errors = read([FIX / "records.jsonl"], stats=stats)
    assert [a.id for a in arts] == ["r1", "42", arts[2].id, "bad-date", "r-last"]
    where = [e.source.rsplit(":", 1)[1] for e in errors]
    assert where == ["4", "5", "6", "7", "8", "9", "11"]
    msgs = [e.message for e in errors]
    assert "not valid JSON" in msgs[0]
    assert "a list, not a JSON object" in msgs[1]
    assert "'text' is a number" in msgs[2]
    assert "'text' is a list" in msgs[3]
    assert "empty 'text'" in msgs[4]
    assert "no 'text' field" in msgs[5]
    assert "unreadable publication date" in msgs[6]
    assert all(e.hint for e in errors)  # every message says what to do
    # A caller can tell what was left out from what was only warned about.
    assert [isinstance(e, SkippedInput) for e in errors] == [True] * 6 + [False]
    assert (stats.articles, stats.skipped, stats.warnings) == (5, 6, 1)


def test_jsonl_record_fields_aliases_and_extras():
    arts, _ = read([FIX / "records.jsonl"])
    r1, r42, no_id, bad_date, last = arts
    assert (r1.title, r1.published, r1.source, r1.url, r1.language) == (
        "Rate rise",
        "2024-01-15",
        "Example Finance",
        "https://fin.example.com/rates",
        "en",
    )
    assert r1.origin == f"{FIX / 'records.jsonl'}:1"
    assert r42.id == "42"  # integer ids become strings
    assert r42.published == "1987-02-26T15:01:01"  # alias "date", Reuters format
    assert r42.extra == {"topics": ["trade"], "desk": "business"}  # unknown fields kept
    # No id: a stable id from the URL, which ignores tracking parameters and fragment.
    assert no_id.id == stable_id("https://news.example.com/story", "anything")
    assert no_id.url == "https://News.Example.com/story/?utm_source=x#top"  # stored as given
    assert bad_date.published is None
    assert last.published == "2024-02-29T23:59:59"


def test_json_list_under_articles_key_single_record_and_bare_list(tmp_path):
    arts, errors = read([FIX / "records.json"])
    assert [a.id for a in arts] == ["j1", "j2"]
    assert arts[0].published == "2024-03-03"
    assert arts[1].extra == {"editor": "desk-2"}
    assert errors[0].source == f"{FIX / 'records.json'}[2]"
    (single,), errors = read([FIX / "single.json"])
    assert (single.id, single.title, errors) == ("one", "Single", [])
    bare = write(tmp_path / "bare.json", json.dumps([{"text": "One."}, {"text": "Two."}]).encode())
    arts, errors = read([bare])
    assert [a.text for a in arts] == ["One.", "Two."]
    assert arts[0].id == stable_id(None, "One.")


def test_json_file_holding_json_lines_is_read_as_lines(tmp_path):
    path = write(
        tmp_path / "feed.json", b'{"id": "a", "text": "First."}\n{"id": "b", "text": "B."}\n'
    )
    arts, errors = read([path])
    assert [a.id for a in arts] == ["a", "b"] and errors == []


def test_wrong_types_of_other_fields_are_reported_and_skipped(tmp_path):
    lines = [
        {"id": True, "text": "Bool id."},
        {"id": 1.5, "text": "Float id."},
        {"id": "t", "text": "Title is a list.", "title": ["x"]},
        {"id": "u", "text": "URL is a number.", "url": 5},
        {"id": "p", "text": "Published is a number.", "published": 20240101},
        {"id": "ok", "text": "Fine."},
    ]
    path = write(tmp_path / "types.jsonl", "\n".join(json.dumps(x) for x in lines).encode())
    arts, errors = read([path])
    assert [a.id for a in arts] == ["p", "ok"]
    assert arts[0].published is None  # a non-string date is reported, the record kept
    assert [e.source.rsplit(":", 1)[1] for e in errors] == ["1", "2", "3", "4", "5"]
    assert "'title' is a list" in errors[2].message


def test_stdin_is_read_as_jsonl():
    data = b'{"id": "s1", "text": "From standard input."}\nnot json\n{"text": "Second."}\n'
    arts, errors = read(["-"], stdin=io.BytesIO(data))
    assert [a.id for a in arts] == ["s1", stable_id(None, "Second.")]
    assert [a.origin for a in arts] == ["<stdin>:1", "<stdin>:3"]
    assert errors[0].source == "<stdin>:2"


def test_stdin_defaults_to_the_process_stdin(monkeypatch):
    data = b'{"id": "p", "text": "Piped in."}\n'
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    arts, errors = read(["-"])
    assert [a.id for a in arts] == ["p"] and errors == []


def test_utf16_jsonl_with_bom(tmp_path):
    data = '{"id": "w", "text": "Grüße aus Köln."}\n'.encode("utf-16")
    arts, errors = read([write(tmp_path / "wide.jsonl", data)])
    assert [(a.id, a.text) for a in arts] == [("w", "Grüße aus Köln.")] and errors == []


def test_invalid_utf8_jsonl_line_is_reported_not_guessed(tmp_path):
    data = b'{"id": "a", "text": "caf\xe9"}\n{"id": "b", "text": "ok"}\n'
    arts, errors = read([write(tmp_path / "latin.jsonl", data)])
    assert [a.id for a in arts] == ["b"]
    assert errors[0].source.endswith("latin.jsonl:1") and "UTF-8" in errors[0].message


# --- encodings and cleaning -----------------------------------------------------------------

ENCODED = [
    ("latin-1", "Café in São Paulo and Zürich: the señor said no.".encode("latin-1")),
    (
        "cp1252",
        "The minister said \u201cwe will not retreat\u201d \u2014 and left.".encode("cp1252"),
    ),
    ("utf-16-bom", "Grüße aus Köln, said the mayor.".encode("utf-16")),
    ("utf-8-bom", b"\xef\xbb\xbf" + "Naïve café.".encode()),
    ("cp1251", "Президент России заявил сегодня, что переговоры продолжатся.".encode("cp1251")),
    ("utf-16-no-bom", "Hello world, this is a plain English sentence.".encode("utf-16-le")),
]


@pytest.mark.parametrize(("name", "data"), ENCODED, ids=[n for n, _ in ENCODED])
def test_txt_encodings_are_detected(tmp_path, name, data):
    arts, errors = read([write(tmp_path / f"{name}.txt", data)])
    assert errors == []
    expected = {
        "latin-1": "Café in São Paulo and Zürich: the señor said no.",
        "cp1252": "The minister said \u201cwe will not retreat\u201d \u2014 and left.",
        "utf-16-bom": "Grüße aus Köln, said the mayor.",
        "utf-8-bom": "Naïve café.",
        "cp1251": "Президент России заявил сегодня, что переговоры продолжатся.",
        "utf-16-no-bom": "Hello world, this is a plain English sentence.",
    }[name]
    assert arts[0].text == expected


def test_invalid_bytes_in_utf8_text_do_not_crash(tmp_path):
    data = "Zürich and São Paulo and Köln ".encode() + b"\xff\xfe" + " and Genève.".encode()
    (art,), errors = read([write(tmp_path / "mixed.txt", data)])
    assert errors == []
    assert art.text.startswith("Zürich and São Paulo") and art.text.endswith("Genève.")


def test_control_zero_width_and_bidi_characters_are_removed(tmp_path):
    raw = (
        "Gen\u200beral\u00ad Staff\u200e said\x07 on \u202eMonday\u202c:\r\n"
        "  troops   \t\r\nwith\x00drew.\ufeff\u2028"
        "Cafe\u0301 closed.   \n\n"
    )
    expected = "General Staff said on Monday:\n  troops\nwithdrew.\nCafé closed."
    (art,), _ = read([write(tmp_path / "dirty.txt", raw.encode("utf-8").replace(b"\x00", b""))])
    assert art.text == expected
    rec = {"id": "j", "text": raw, "title": " Two\nlines\u200b title "}
    arts, _ = read(["-"], stdin=io.BytesIO(json.dumps(rec).encode()))
    assert arts[0].text == expected
    assert "\x00" not in arts[0].text and "\x07" not in arts[0].text
    assert arts[0].title == "Two lines title"


def test_clean_text_rules():
    assert clean_text("a\r\nb\rc") == "a\nb\nc"
    assert clean_text("tab\tkept \n") == "tab\tkept"
    assert clean_text("e\u0301") == "\u00e9"  # NFC
    assert clean_text("x\x1cy") == "x\ny"  # separators become line breaks, words stay apart
    # Joiners are meaningful between non-ASCII letters (Persian), junk between ASCII ones.
    assert clean_text("می\u200cخواهم") == "می\u200cخواهم"
    assert clean_text("in\u200cvisible") == "invisible"
    assert clean_text("\ud800lone surrogate") == "lone surrogate"


@given(st.text())
@settings(max_examples=300)
def test_clean_text_is_idempotent_and_leaves_no_controls(text):
    out = clean_text(text)
    assert clean_text(out) == out
    assert unicodedata.is_normalized("NFC", out)
    assert not any(unicodedata.category(c) in ("Cc", "Cs") and c not in "\n\t" for c in out)
    assert not out.startswith("\n") and not out.endswith(("\n", " ", "\t"))


# --- empty, binary, huge --------------------------------------------------------------------


@pytest.mark.parametrize("name", ["empty.txt", "empty.html", "empty.jsonl", "empty.json"])
def test_empty_files_are_reported(tmp_path, name):
    arts, errors = read([write(tmp_path / name, b"")])
    assert arts == []
    assert errors[0].source == str(tmp_path / name)
    assert "is empty" in errors[0].message


def test_whitespace_only_text_is_reported(tmp_path):
    arts, errors = read([write(tmp_path / "blank.txt", b" \n\t\n\xe2\x80\x8b\n")])
    assert arts == [] and "has no text" in errors[0].message


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00"


@pytest.mark.parametrize("name", ["image.txt", "image.html", "image.jsonl", "image.json", "i.rss"])
def test_binary_files_are_refused(tmp_path, name):
    arts, errors = read([write(tmp_path / name, PNG + os.urandom(2000))])
    assert arts == []
    assert "looks binary" in errors[0].message and errors[0].source == str(tmp_path / name)


def test_random_bytes_are_refused_as_binary(tmp_path):
    data = bytes(range(256)) * 8 + os.urandom(4096)
    arts, errors = read([write(tmp_path / "noise.txt", data)])
    assert arts == [] and "looks binary" in errors[0].message


def test_huge_txt_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as f:
        f.truncate(200 * 1024 * 1024)  # sparse: 200 MB that takes no disk
    tracemalloc.start()
    try:
        arts, errors = read([path])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert arts == []
    assert "over the" in errors[0].message and "limit" in errors[0].message
    assert peak < 5 * 1024 * 1024


def test_huge_json_is_refused_with_advice_to_use_jsonl(tmp_path):
    path = tmp_path / "huge.json"
    with path.open("wb") as f:
        f.truncate(100 * 1024 * 1024)
    arts, errors = read([path])
    assert arts == [] and "limit" in errors[0].message and "jsonl" in errors[0].message.lower()


def test_overlong_jsonl_line_and_text_are_skipped(tmp_path, monkeypatch):
    monkeypatch.setattr(records, "MAX_ARTICLE_CHARS", 1000)
    lines = [
        json.dumps({"id": "long-line", "text": "x" * 20_000}),  # over the line limit
        json.dumps({"id": "long-text", "text": "é" * 1001}),  # line fits, text does not
        json.dumps({"id": "ok", "text": "Short."}),
    ]
    path = write(tmp_path / "big.jsonl", "\n".join(lines).encode())
    monkeypatch.setattr("eventdesk.ingest.readers.max_line_bytes", lambda: 10_000)
    arts, errors = read([path])
    assert [a.id for a in arts] == ["ok"]
    assert [e.source.rsplit(":", 1)[1] for e in errors] == ["1", "2"]
    assert "limit" in errors[0].message and "limit" in errors[1].message


def test_large_jsonl_is_streamed(tmp_path):
    path = tmp_path / "many.jsonl"
    body = "Police said the convoy was stopped at a checkpoint outside the city. " * 15
    with path.open("w", encoding="utf-8") as f:
        for i in range(8000):
            f.write(json.dumps({"id": i, "text": body}) + "\n")
    assert path.stat().st_size > 8_000_000
    tracemalloc.start()
    try:
        count = sum(1 for _ in read_paths([str(path)], report=lambda e: None))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 8000
    assert peak < 2 * 1024 * 1024  # one line at a time, not the 8 MB file


# --- dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("26-FEB-1987 15:01:01.79", "1987-02-26T15:01:01"),
        ("27-MAR-1987 00:02:59.13&#5;&#5;&#5;RM", "1987-03-27T00:02:59"),
        ("9-APR-1987 00:00:00.00    # date added as guesswork", "1987-04-09T00:00:00"),
        ("31-MAR-1987 605:12:19.12", "1987-03-31"),  # impossible time: the day is kept
        ("2024-03-05", "2024-03-05"),
        ("2024-03-05T10:20:30Z", "2024-03-05T10:20:30"),
        ("2024-03-05T10:20:30.123+05:30", "2024-03-05T10:20:30"),
        ("2024-03-05 10:20", "2024-03-05T10:20:00"),
        ("Tue, 05 Mar 2024 08:30:00 GMT", "2024-03-05T08:30:00"),
        ("March 5, 2024", "2024-03-05"),
        ("5 March 2024, 14:05", "2024-03-05T14:05:00"),
        ("5 mars 2024", "2024-03-05"),
    ],
)
def test_normalise_published(value, expected):
    assert normalise_published(value) == expected


@pytest.mark.parametrize(
    "value", ["", "March 2024", "2024", "2024-02-30", "yesterday", "2 days ago", "soon"]
)
def test_dates_without_a_full_day_are_refused_not_completed(value):
    with pytest.raises(DateParseError):
        normalise_published(value)


# --- URLs, fingerprints, ids ----------------------------------------------------------------


def test_normalise_url():
    base = "https://news.example.com/world/story-1"
    for variant in [
        "HTTPS://News.Example.COM/world/story-1/",
        "https://news.example.com:443/world/story-1#comments",
        "https://news.example.com/world/story-1?utm_source=tw&utm_medium=social&fbclid=abc",
        "  https://news.example.com/world/story-1  ",
    ]:
        assert normalise_url(variant) == base
    assert normalise_url("https://x.org/a?b=2&a=1&gclid=z") == "https://x.org/a?a=1&b=2"
    assert normalise_url("https://x.org/Path") != normalise_url("https://x.org/path")
    assert normalise_url("http://x.org:8080/") == "http://x.org:8080"
    assert normalise_url("https://x.org/a?id=5") != normalise_url("https://x.org/a?id=6")
    assert normalise_url("http://[::1") == "http://[::1"  # unparseable: its own key


def test_text_fingerprint_matches_reposts_but_not_changed_words():
    original = "Rebels seized the town on Tuesday, officials said.\n\nAt least 12 died."
    repost = "  REBELS seized the town on Tuesday — officials said…\r\nAt least 12 died  "
    assert text_fingerprint(original) == text_fingerprint(repost)
    assert text_fingerprint(original) != text_fingerprint(original.replace("12", "13"))
    assert len(text_fingerprint(original)) == 40


def test_stable_id_is_deterministic_and_says_its_origin():
    assert stable_id("https://x.org/a?utm_source=q", "t") == stable_id("https://X.org/a/", "u")
    assert stable_id(None, "Same body.") == stable_id("", "same   body")
    assert stable_id("https://x.org/a", "t").startswith("u-")
    assert stable_id(None, "t").startswith("t-")


# --- property: arbitrary bytes never crash ingest -------------------------------------------

SUFFIXES = [".txt", ".jsonl", ".html", ".json", ".rss"]


@given(data=st.binary(max_size=3000), suffix=st.sampled_from(SUFFIXES))
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_arbitrary_bytes_give_clean_articles_or_input_errors(tmp_path, data, suffix):
    path = tmp_path / f"input{suffix}"
    path.write_bytes(data)
    errors: list[InputError] = []
    for art in read_paths([str(path)], report=errors.append):
        assert art.text and clean_text(art.text) == art.text
        assert art.title is None or clean_text(art.title) == art.title
        assert art.published is None or len(art.published) in (10, 19)
    assert all(isinstance(e, InputError) for e in errors)


@given(
    recs=st.lists(
        st.dictionaries(
            st.sampled_from(["id", "text", "title", "published", "date", "url", "x"]),
            st.one_of(st.text(), st.integers(), st.none(), st.lists(st.integers(), max_size=2)),
        ),
        max_size=5,
    )
)
@settings(max_examples=150, deadline=None)
def test_arbitrary_records_give_articles_or_input_errors(recs):
    data = "\n".join(json.dumps(r) for r in recs).encode()
    errors: list[InputError] = []
    arts = list(read_paths(["-"], report=errors.append, stdin=io.BytesIO(data)))
    for art in arts:
        assert isinstance(art.id, str) and art.id
        assert art.text and clean_text(art.text) == art.text
    assert all(isinstance(e, InputError) for e in errors)
