"""ACLED coding: the ontology file, the cue rules, and clear cases for each ACLED event type.

The clear-case tests use the bundled classifier (trained once from data/training and cached on
disk, so the first run takes longer); the sentences here are written for the test and are not in
the training data.
"""

from __future__ import annotations

import pytest

from eventdesk.errors import ModelError
from eventdesk.events.acled import (
    NON_ACLED,
    classify_acled,
    classify_acled_in_context,
    combine,
    cue_matches,
    ontology,
    plover_for,
)
from eventdesk.events.classifier import TextClassifier


def test_ontology_has_acled_types_and_subtypes() -> None:
    onto = ontology()
    assert set(onto.event_types) == {
        "BATTLES", "EXPLOSIONS_REMOTE_VIOLENCE", "VIOLENCE_AGAINST_CIVILIANS", "PROTESTS",
        "RIOTS", "STRATEGIC_DEVELOPMENTS", NON_ACLED,
    }
    assert len(onto.acled_codes) == 25
    extras = {c for c, s in onto.sub_events.items() if s.event_type == NON_ACLED}
    assert extras == {"ORG_CRIME", "NATURAL_DISASTER", "MAN_MADE_DISASTER", "DIPLO", "ATTRIB",
                      "NOT_EVENT"}
    for sub in onto.sub_events.values():
        assert sub.definition and (sub.cues or sub.code == "NOT_EVENT")
        assert sub.code == sub.code.upper()


def test_aliases_accept_acled_names() -> None:
    onto = ontology()
    assert onto.code_for("Air/drone strike") == "AIR_STRIKE"
    assert onto.code_for("AIR_DRONE_STRIKE") == "AIR_STRIKE"
    assert onto.code_for("Peaceful protest") == "PEACE_PROTEST"
    assert onto.code_for("Remote explosive/landmine/IED") == "REM_EXPLOS"
    assert onto.code_for("Excessive force against protesters") == "FORCE_AGAINST_PROTEST"
    assert onto.code_for("no such thing") is None


def test_plover_mapping() -> None:
    assert plover_for("ARMED_CLASH") == ("ASSAULT", "firearms")
    assert plover_for("PEACE_PROTEST") == ("PROTEST", "demo")
    assert plover_for("Arrests") == ("COERCE", "arrest")
    assert plover_for("AGREEMENT")[0] == "AGREE"
    assert plover_for("NATURAL_DISASTER") == (None, None)
    with pytest.raises(ModelError):
        plover_for("BOGUS")


def test_cue_rules() -> None:
    assert "SUIC_BOMB" in cue_matches("A suicide bomber struck the checkpoint.")
    assert "AIR_STRIKE" in cue_matches("Drone strikes hit the convoy.")
    assert "REM_EXPLOS" in cue_matches("An IED exploded under the truck.")
    assert "GRENADE" in cue_matches("Someone lobbed a grenade into the bar.")
    assert "PROTEST_WITH_INTER" in cue_matches("Police fired tear gas at the marchers.")
    assert "ABDUCT_DISSAP" in cue_matches("Gunmen kidnapped three engineers.")
    assert cue_matches("The minister visited the new hospital.") == []


def test_combine_cues_add_weight_but_do_not_dictate() -> None:
    probs = {"ARMED_CLASH": 0.5, "AIR_STRIKE": 0.3, "ATTACK": 0.2}
    assert combine(probs, [])[0] == "ARMED_CLASH"
    best, conf = combine(probs, ["AIR_STRIKE"])
    assert best == "AIR_STRIKE" and 0 < conf < 1
    # a very confident classifier keeps its answer against a weak cue
    assert combine({"ARMED_CLASH": 0.97, "AIR_STRIKE": 0.03}, ["GRENADE"])[0] == "ARMED_CLASH"


def test_model_with_foreign_labels_is_refused() -> None:
    clf = TextClassifier(lexical_weight=0)
    clf.labels = ["spam", "ham"]
    import numpy as np

    clf.coef = np.zeros((2, 384), dtype=np.float32)
    clf.intercept = np.zeros(2, dtype=np.float32)
    with pytest.raises(ModelError, match="not ACLED sub-event types"):
        classify_acled(["Something happened."], model=clf)


CLEAR = [
    ("Rebel fighters and government soldiers battled for hours outside the town, leaving "
     "nine combatants dead on both sides.", "BATTLES"),
    ("Fighter jets bombed a rebel camp in the hills, killing 14 fighters.",
     "EXPLOSIONS_REMOTE_VIOLENCE"),
    ("An explosive device buried in the road blew up under a police pickup, killing two officers.",
     "EXPLOSIONS_REMOTE_VIOLENCE"),
    ("Armed men on motorcycles rode into the village and shot dead eleven farmers.",
     "VIOLENCE_AGAINST_CIVILIANS"),
    ("Hundreds of nurses marched peacefully to the health ministry to demand overdue pay.",
     "PROTESTS"),
    ("Protesters hurled stones at officers and set a police car on fire after the funeral.",
     "RIOTS"),
    ("Police arrested the opposition spokesman at his home before dawn on Tuesday.",
     "STRATEGIC_DEVELOPMENTS"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("text", "event_type"), CLEAR)
def test_clear_cases_per_event_type(text: str, event_type: str) -> None:
    [(etype, sub, conf)] = classify_acled([text])
    assert etype == event_type, (sub, conf)
    assert 0 < conf <= 1


@pytest.mark.slow
def test_cue_overrides_in_context() -> None:
    texts = [
        "A suicide bomber blew himself up at the entrance of the mosque.",
        "Security forces fired tear gas to scatter the students rallying outside parliament.",
        "Gunmen kidnapped four aid workers on the road north of the city.",
    ]
    subs = [sub for _, sub, _ in classify_acled(texts)]
    assert subs == ["SUIC_BOMB", "PROTEST_WITH_INTER", "ABDUCT_DISSAP"]
    assert classify_acled([]) == []


def test_context_weight_is_checked() -> None:
    with pytest.raises(ModelError, match="context_weight"):
        classify_acled_in_context(["Troops moved in."], "Troops moved in.", context_weight=1.5)
    assert classify_acled_in_context([], "Nothing here.") == []
    with pytest.raises(ModelError, match="2 contexts for 1 passages"):
        classify_acled_in_context(["Troops moved in."], ["a", "b"])


def test_each_passage_can_have_its_own_context() -> None:
    strike = "A drone strike hit a car carrying two militia commanders near the airport."
    shelling = "Artillery shelled the northern districts of the city through the night."
    one = classify_acled_in_context([strike, shelling], [strike, shelling], context_weight=0.5)
    assert [sub for _, sub, _ in one] == ["AIR_STRIKE", "ART_MISS_ATTACK"]
    # the same passages read in one shared context are pulled towards each other
    shared = classify_acled_in_context([strike, shelling], shelling, context_weight=1.0)
    assert [sub for _, sub, _ in shared] == ["ART_MISS_ATTACK", "ART_MISS_ATTACK"]


@pytest.mark.slow
def test_passages_read_in_their_document() -> None:
    lead = ("Government troops recaptured the market town from the rebels on Sunday after a week "
            "of fighting, the army said.")
    aside = "Residents said shops in the town reopened on Monday."
    context = f"{lead} {aside}"
    alone = classify_acled([aside])[0]
    # weight 0 is the passage alone; weight 1 types every passage as the whole document
    assert classify_acled_in_context([aside], context, context_weight=0.0)[0] == alone
    assert classify_acled_in_context([aside], context, context_weight=1.0)[0][1] == \
        "GOV_REGAINS_TERIT"
    [(etype, sub, conf)] = classify_acled_in_context([lead], context)
    assert (etype, sub) == ("BATTLES", "GOV_REGAINS_TERIT") and 0 < conf <= 1


@pytest.fixture(scope="module")
def acled_pipeline():
    from eventdesk.pipeline import Options, Pipeline

    return Pipeline.from_options(Options(ontology="acled"))


@pytest.mark.parametrize("text", [
    "An improvised explosive device went off beside a patrol vehicle near Mosul on Friday.",
    "A landmine left over from the war tore through a farmer's tractor near Kuito.",
])
def test_a_report_the_rules_miss_is_typed_as_a_whole(acled_pipeline, text: str) -> None:
    """No PLOVER cue fires on these wordings; the article, typed whole, is one ACLED event."""
    from eventdesk.pipeline import Options, Pipeline
    from eventdesk.types import Article

    assert Pipeline.from_options(Options())(Article("p", text)).events == []
    (ev,) = acled_pipeline(Article("a", text)).events
    assert (ev.event, ev.mode, ev.ontology) == ("EXPLOSIONS_REMOTE_VIOLENCE", "REM_EXPLOS", "acled")
    assert ev.span.sentence == 0 and ev.span.text == text
    assert 0 < ev.confidence < 1


def test_a_report_of_ground_retaken_without_a_cue_is_kept(acled_pipeline) -> None:
    """The classifier is not sure (under 0.5) but sure it is an event: no-event is its own
    class now, so an article-level reading this unsure is kept."""
    from eventdesk.types import Article

    text = "Army units pushed the militants out of three villages north of the town on Sunday."
    (ev,) = acled_pipeline(Article("g", text)).events
    assert (ev.event, ev.mode) == ("BATTLES", "GOV_REGAINS_TERIT")


@pytest.mark.parametrize(("text", "code"), [
    ("Nigerian troops captured four villages held by the insurgents in Borno state on Tuesday.",
     "GOV_REGAINS_TERIT"),
    ("Government forces seized a rebel-held neighbourhood in the east of the city on Saturday.",
     "GOV_REGAINS_TERIT"),
    ("Houthi fighters took control of a government-held district in Marib on Friday.",
     "NON_STATE_ACTOR_OVERTAKES_TER"),
])
def test_who_takes_the_ground_decides_regained_or_overtaken(acled_pipeline, text: str,
                                                            code: str) -> None:
    from eventdesk.types import Article

    (ev,) = acled_pipeline(Article("t", text)).events
    assert ev.mode == code


def test_a_sentences_main_act_is_its_acled_event(acled_pipeline) -> None:
    """Not a crackdown named in the subject's phrase: the recapture, with its actor, is coded."""
    from eventdesk.types import Article

    text = ("Malian soldiers in a new crackdown on jihadist militants recaptured the town of Boni "
            "on Friday, local radio reported.")
    (ev,) = acled_pipeline(Article("t", text)).events
    assert ev.trigger is not None and ev.trigger.text == "recaptured"
    assert ev.actor is not None and ev.actor.entity_text == "Malian soldiers"
    assert ev.mode == "GOV_REGAINS_TERIT"


def test_business_news_gets_no_acled_event(acled_pipeline) -> None:
    from eventdesk.types import Article

    text = ("Dow Chemical said quarterly profit rose 12 percent on higher sales of plastics. "
            "Its shares closed 2 dlrs higher at 84 dlrs in New York.")
    assert acled_pipeline(Article("b", text)).events == []


@pytest.mark.parametrize("text", [
    "The champions crushed their rivals 4-0 and the striker was shot down by a late tackle. "
    "The coach said his side had fought hard and attacked from the first whistle.",
    "The two carmakers agreed a merger on Monday. The board appointed a new chief executive, "
    "and shares stormed higher as investors welcomed the deal.",
])
def test_ordinary_news_and_its_metaphors_get_no_acled_event(acled_pipeline, text: str) -> None:
    """Sport and business news is not political violence, however it is worded."""
    from eventdesk.types import Article

    assert acled_pipeline(Article("m", text)).events == []


def test_said_not_done_is_no_acled_event(acled_pipeline) -> None:
    """Talks, requests and accusations are PLOVER events, never ACLED ones; the strike is."""
    from eventdesk.types import Article

    text = ("The defence minister discussed the future of the mission with NATO officials on "
            "Tuesday. Parliament called on the government to expel foreign troops. The opposition "
            "accused the prime minister of weakness. A drone strike killed two militia commanders "
            "near Baghdad airport on Friday.")
    doc = acled_pipeline(Article("s", text))
    assert [(e.mode, e.span.sentence) for e in doc.events] == [("AIR_STRIKE", 3)]


@pytest.mark.parametrize(("text", "code"), [
    ("Soldiers found a cache of rifles and mortar rounds buried near the river crossing.",
     "DISR_WEAP"),
    ("Two explosive devices were discovered under a bridge on the main road and made safe.",
     "DISR_WEAP"),
    ("The militia has set up three new checkpoints on the road into the valley.",
     "HQ_ESTABLISHED"),
    ("Some 40 rebel fighters defected to the army on Sunday.", "CHANGE_TO_GROUP_ACT"),
])
def test_codebook_cues_for_strategic_developments(text: str, code: str) -> None:
    """Seizures of weapons, new posts and defections are named by their codebook wording."""
    assert code in cue_matches(text)
    assert classify_acled([text])[0][1] == code


@pytest.mark.parametrize("text", [
    "Protesters hurled stones at riot police, who answered with tear gas and water cannon.",
    "Police clashed with hundreds of demonstrators outside the ministry, firing tear gas.",
    "Groups of youths confronted police in several towns on Monday night.",
    "Anti-government protesters pull down the concrete walls around the parliament.",
    "The march turned violent when security forces opened fire on the crowd.",
])
def test_demonstrators_violence_outranks_the_response(text: str) -> None:
    """ACLED's codebook: violence by the demonstrators makes a violent demonstration whatever
    met them; the tear gas or shooting describe the response and lose their cue."""
    cues = cue_matches(text)
    assert "VIOL_DEMONSTR" in cues
    assert not {"PEACE_PROTEST", "PROTEST_WITH_INTER", "FORCE_AGAINST_PROTEST"} & set(cues)


@pytest.mark.parametrize(("text", "code"), [
    ("Protesters were attacked by police who fired tear gas at the march.", "PROTEST_WITH_INTER"),
    ("Soldiers opened fire on peaceful marchers, killing four.", "FORCE_AGAINST_PROTEST"),
])
def test_force_met_by_peaceful_protesters_keeps_its_cue(text: str, code: str) -> None:
    """Demonstrators on the receiving end ("were attacked") are no violent demonstration."""
    assert cue_matches(text) == [code]


def test_supersedes_must_name_known_types(tmp_path) -> None:
    import json

    from eventdesk.events.acled import ONTOLOGY_PATH

    data = json.loads(ONTOLOGY_PATH.read_text(encoding="utf-8"))
    data["sub_event_types"][0]["supersedes"] = ["NO_SUCH_TYPE"]
    path = tmp_path / "acled.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ModelError, match="NO_SUCH_TYPE"):
        ontology(str(path))


@pytest.mark.parametrize("text", [
    "Government troops moved into the town after the rebels withdrew overnight.",
    "The militia pulled out of the base and the army then took control of it.",
    "Insurgents entered the district centre without a fight.",
    "The army handed over control of the city to the police.",
])
def test_ground_changing_hands_without_fighting(text: str) -> None:
    """ACLED's non-violent transfer: ground taken where another side left it, or handed over;
    it outranks the recapture or seizure the same sentence words."""
    assert cue_matches(text) == ["NON_VIOL_TERRIT_TRANSFER"]


def test_a_job_taken_after_someone_left_is_no_transfer_of_ground() -> None:
    assert cue_matches("He took the job after his predecessor left the company.") == []


@pytest.mark.parametrize(("text", "code"), [
    ("Security forces detained opposition leader Ali Hassan at his home.", "ARREST"),
    ("Police arrested two journalists who had reported on the strike.", "ARREST"),
    ("More than 300 activists were rounded up overnight.", "ARREST"),
    ("Police detained six activists at the start of the rally in the capital.",
     "PROTEST_WITH_INTER"),
    ("Dozens of protesters were arrested outside parliament.", "PROTEST_WITH_INTER"),
])
def test_arrests_are_political_and_at_a_protest_are_its_intervention(text: str,
                                                                     code: str) -> None:
    """ACLED's arrests are politically relevant ones (activists, the opposition, journalists);
    arrests at a demonstration are that protest's intervention, not an arrest of their own."""
    assert cue_matches(text) == [code]


def test_an_ordinary_arrest_gets_no_cue() -> None:
    assert cue_matches("Police arrested three men over the robbery of a jewellery shop.") == []
