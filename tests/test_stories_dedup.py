"""Story clustering and near-duplicate detection, on vectors and texts made here."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from eventdesk.link.dedup import NearDuplicateIndex, signature
from eventdesk.link.stories import ClusterSettings, StoryClusterer, StoryItem

rng = np.random.default_rng(3)


def _topic(dim: int = 384) -> np.ndarray:
    v = rng.normal(size=dim)
    return v / np.linalg.norm(v)


def _near(center: np.ndarray, noise: float = 0.9) -> np.ndarray:
    v = center + noise * rng.normal(size=center.shape) / np.sqrt(center.shape[0])
    return v / np.linalg.norm(v)


def test_articles_of_two_topics_form_two_stories_incrementally() -> None:
    a, b = _topic(), _topic()
    sc = StoryClusterer()
    start = date(2020, 1, 1)
    for i in range(30):
        day = start + timedelta(days=i // 3)
        sc.add(StoryItem(f"a{i}", _near(a), frozenset({"nato", "iraq"}), day))
        sc.add(StoryItem(f"b{i}", _near(b), frozenset({"brazil"}), day))
    stories = {}
    for aid, sid in sc.assignments().items():
        stories.setdefault(sid, set()).add(aid[0])
    assert len(stories) == 2
    assert sorted("".join(sorted(v)) for v in stories.values()) == ["a", "b"]


def test_a_story_stops_being_a_candidate_after_the_window() -> None:
    a = _topic()
    sc = StoryClusterer(ClusterSettings(window_days=10))
    first = sc.add(StoryItem("x1", _near(a), frozenset(), date(2020, 1, 1)))
    later = sc.add(StoryItem("x2", _near(a), frozenset(), date(2020, 6, 1)))
    assert first != later
    again = sc.add(StoryItem("x3", _near(a), frozenset(), date(2020, 6, 3)))
    assert again == later


def test_two_starts_of_one_story_merge_and_the_older_id_is_kept_by_size() -> None:
    a = _topic()
    sc = StoryClusterer(ClusterSettings(threshold=0.99, merge_threshold=0.7))
    # A strict join threshold makes every article start a story; merging then unites them.
    ids = [sc.add(StoryItem(f"m{i}", _near(a, 0.3), frozenset(), date(2020, 1, 1)))
           for i in range(5)]
    assert len(set(sc.assignments().values())) == 1
    assert sc.resolve(ids[0]) == sc.resolve(ids[-1])


def test_state_round_trip_continues_the_same_stories() -> None:
    a = _topic()
    sc = StoryClusterer()
    sid = sc.add(StoryItem("s1", _near(a), frozenset({"haiti"}), date(2010, 1, 12)))
    restored = StoryClusterer.from_state(sc.state())
    assert restored.add(StoryItem("s2", _near(a), frozenset({"haiti"}), date(2010, 1, 13))) == sid
    assert restored.assignments() == {"s1": sid, "s2": sid}


def test_undated_articles_still_cluster() -> None:
    a = _topic()
    sc = StoryClusterer()
    s1 = sc.add(StoryItem("u1", _near(a), frozenset(), None))
    assert sc.add(StoryItem("u2", _near(a), frozenset(), None)) == s1


BODY = " ".join(
    f"Paragraph {i}: the ministry said the talks on the border crossing at point {i} "
    f"would continue next week, officials told reporters in the capital."
    for i in range(30)
)


def test_near_copy_with_new_header_and_footer_is_found() -> None:
    idx = NearDuplicateIndex()
    m, _, _ = idx.check_text("orig", BODY)
    assert m is None
    copy = "By Staff Reporter\nUpdated 5 May\n\n" + BODY + "\n\nShare this article: Email | X"
    m, _, _ = idx.check_text("copy", copy)
    assert m is not None and m.original_id == "orig" and m.similarity > 0.8


def test_different_article_and_short_brief_are_not_copies() -> None:
    idx = NearDuplicateIndex()
    idx.check_text("orig", BODY)
    other = BODY.replace("ministry", "army").replace("talks", "fighting").replace("border", "city")
    assert idx.check_text("other", other)[0] is None
    brief = " ".join(BODY.split()[:60])
    assert idx.check_text("brief", brief)[0] is None


def test_signatures_load_back_into_a_new_index() -> None:
    idx = NearDuplicateIndex()
    sig = signature(BODY)
    idx2 = NearDuplicateIndex()
    idx2.load([("orig", sig.tobytes(), len(BODY.split()))])
    assert idx2.check(sig, len(BODY.split())).original_id == "orig"
    assert len(idx) == 0


def test_a_storys_kept_centroid_and_entities_follow_each_join_and_merge() -> None:
    """The unit centroid and top entities are kept between articles (each arrival scores every
    active story); a join or a merge must renew them, or later articles meet a stale story."""
    a, b = _topic(), _topic()
    sc = StoryClusterer(ClusterSettings(threshold=-1.0, merge_threshold=2.0))  # one story
    sid = sc.add(StoryItem("k1", a, frozenset({"nato"}), date(2020, 1, 1)))
    story = sc.stories[sid]
    assert np.allclose(story.centroid(), a) and story.top_entities() == {"nato"}
    sc.add(StoryItem("k2", b, frozenset({"iraq"}), date(2020, 1, 2)))
    both = (a + b) / np.linalg.norm(a + b)
    assert np.allclose(story.centroid(), both, atol=1e-6)
    assert story.top_entities() == {"nato", "iraq"}
    # A merge renews the kept story's too: two stories, then one.
    sc2 = StoryClusterer(ClusterSettings(threshold=0.99, merge_threshold=0.5))
    first = sc2.add(StoryItem("m1", a, frozenset({"nato"}), date(2020, 1, 1)))
    sc2.stories[first].centroid()  # kept now
    sc2.add(StoryItem("m2", _near(a, 0.5), frozenset({"iraq"}), date(2020, 1, 1)))
    (kept,) = sc2.stories.values()
    expect = kept.centroid_sum / np.linalg.norm(kept.centroid_sum)
    assert np.allclose(kept.centroid(), expect) and kept.top_entities() == {"nato", "iraq"}
