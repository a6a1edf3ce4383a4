"""TextClassifier and `eventdesk train`: fit, predict, save/load, bad files, ACLED exports.

Uses the real MiniLM embedder (a few seconds); the labelled sentences are written here.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from eventdesk.errors import InputError, ModelError
from eventdesk.events.classifier import TextClassifier
from eventdesk.events.train import load_examples, train_file

WEATHER = [
    "Heavy rain is expected across the north tomorrow.",
    "Temperatures will climb above 35 degrees this weekend.",
    "A cold front brings snow to the mountains tonight.",
    "Forecasters predict a dry and sunny week ahead.",
    "Strong winds and thunderstorms are forecast for the coast.",
    "Fog will clear by midday, leaving mild afternoon sunshine.",
]
FOOTBALL = [
    "The striker scored twice as United beat City 3-1.",
    "The goalkeeper saved a penalty in the final minute.",
    "The club signed a new midfielder for the season.",
    "The referee sent off the defender after a late tackle.",
    "The team won the league title after a draw on Sunday.",
    "Fans celebrated the cup victory in the stadium.",
]
COOKING = [
    "Simmer the onions in butter until they are golden.",
    "Whisk the eggs with sugar and fold in the flour.",
    "Roast the chicken for an hour at 200 degrees.",
    "Season the soup with salt, pepper and fresh herbs.",
    "Knead the dough and leave it to rise for two hours.",
    "Slice the tomatoes and drizzle them with olive oil.",
]


def _data() -> tuple[list[str], list[str]]:
    texts = WEATHER + FOOTBALL + COOKING
    labels = ["weather"] * 6 + ["football"] * 6 + ["cooking"] * 6
    return texts, labels


@pytest.fixture(scope="module")
def fitted() -> TextClassifier:
    return TextClassifier().fit(*_data())


def test_fit_predict(fitted: TextClassifier) -> None:
    assert fitted.labels == ["cooking", "football", "weather"]
    unseen = [
        "Showers and gusty winds will sweep in overnight.",
        "The forward's header won the match in extra time.",
        "Bake the bread until the crust is brown.",
    ]
    preds = fitted.predict(unseen)
    assert [p[0] for p in preds] == ["weather", "football", "cooking"]
    for probs in fitted.predict_proba(unseen):
        assert set(probs) == set(fitted.labels)
        assert sum(probs.values()) == pytest.approx(1.0, abs=1e-5)


def test_save_load_round_trip(fitted: TextClassifier, tmp_path: Path) -> None:
    path = tmp_path / "model.npz"
    fitted.save(path)
    loaded = TextClassifier.load(path)
    assert loaded.labels == fitted.labels
    texts = ["Rain later.", "A goal in the first half.", "Stir the sauce gently."]
    for a, b in zip(fitted.predict_proba(texts), loaded.predict_proba(texts), strict=True):
        for lab in a:
            assert a[lab] == pytest.approx(b[lab], abs=1e-5)


def test_missing_and_corrupt_model_files(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not found"):
        TextClassifier.load(tmp_path / "nope.npz")
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"this is not a zip archive at all")
    with pytest.raises(ModelError, match="not a readable eventdesk model"):
        TextClassifier.load(bad)


def test_truncated_model_file(fitted: TextClassifier, tmp_path: Path) -> None:
    path = tmp_path / "model.npz"
    fitted.save(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelError):
        TextClassifier.load(path)


def test_fit_needs_two_labels() -> None:
    with pytest.raises(InputError, match="at least 2 labels"):
        TextClassifier().fit(WEATHER, ["weather"] * len(WEATHER))


def test_train_file_reports_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "labelled.jsonl"
    lines = [json.dumps({"text": t, "label": "weather"}) for t in WEATHER[:2]]
    lines.insert(1, "{not json")
    lines.append(json.dumps({"text": "", "label": "weather"}))
    lines.append(json.dumps({"text": "No label here."}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        train_file(str(path), str(tmp_path / "m.npz"))
    msg = str(info.value)
    assert "3 unusable line(s)" in msg
    assert "line 2: not JSON" in msg
    assert "line 4: missing or empty 'text'" in msg
    assert "line 5: missing or empty 'label'" in msg
    assert "labelled.jsonl" in msg


def test_train_file_one_label_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "one.jsonl"
    path.write_text("".join(json.dumps({"text": t, "label": "w"}) + "\n" for t in WEATHER))
    with pytest.raises(InputError, match="at least 2 distinct labels"):
        train_file(str(path), str(tmp_path / "m.npz"))


def test_train_file_acled_export_columns(tmp_path: Path) -> None:
    """An ACLED-style CSV: notes + sub_event_type are picked up without options."""
    path = tmp_path / "export.csv"
    texts, labels = _data()
    names = {"weather": "Peaceful protest", "football": "Armed clash", "cooking": "Arrests"}
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["event_id_cnty", "event_date", "event_type", "sub_event_type", "notes"])
        for i, (t, lab) in enumerate(zip(texts, labels, strict=True)):
            w.writerow([f"XYZ{i}", "2021-01-01", "Protests", names[lab], t])
    got_texts, got_labels = load_examples(path)
    assert got_texts[0] == texts[0] and got_labels[0] == "Peaceful protest"
    out = tmp_path / "m.npz"
    stats = train_file(str(path), str(out))
    assert stats["n"] == 18
    assert stats["labels"] == {"Armed clash": 6, "Arrests": 6, "Peaceful protest": 6}
    assert stats["cv_accuracy"] is not None and stats["cv_accuracy"] >= 0.6
    assert TextClassifier.load(out).labels == ["Armed clash", "Arrests", "Peaceful protest"]


def test_csv_missing_columns_named(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="no 'text'/'label' fields"):
        load_examples(path)


def test_embeddings_are_cached_by_text_and_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """A repeated text is embedded once and gets the same row; the cache keeps its bound."""
    import numpy as np

    from eventdesk import embed as embed_mod

    embed_mod.clear_cache()
    texts = ["Troops entered the town at dawn.", "The central bank held rates.",
             "Troops entered the town at dawn."]
    first = embed_mod.embed(texts)
    assert first.shape == (3, embed_mod.DIM)
    assert np.array_equal(first[0], first[2]) and len(embed_mod._cache) == 2
    calls: list[list[str]] = []
    model = embed_mod.load_model()
    real = model.encode

    def counting(batch, **kw):
        calls.append(list(batch))
        return real(batch, **kw)

    monkeypatch.setattr(model, "encode", counting)
    again = embed_mod.embed(["The central bank held rates.", "Rebels seized the airport."])
    assert calls == [["Rebels seized the airport."]]  # only the new text reaches the model
    assert np.array_equal(again[0], first[1])
    monkeypatch.setattr(embed_mod, "CACHE_SIZE", 2)
    embed_mod.embed(["A fourth sentence about a ceasefire."])
    assert len(embed_mod._cache) == 2
    assert "Troops entered the town at dawn." not in {t for _, t in embed_mod._cache}  # oldest went
    embed_mod.clear_cache()


def test_a_text_embeds_alike_however_it_is_spaced(monkeypatch: pytest.MonkeyPatch) -> None:
    """One cache entry serves a sentence as the NLP stage cut it (line breaks, no-break spaces)
    and as the summariser cleaned it, and the vector is the model's for either spacing."""
    import numpy as np

    from eventdesk import embed as embed_mod

    monkeypatch.setenv("EVENTDESK_EMBED_PRECISION", "fp32")  # compared with a float32 call
    embed_mod.clear_cache()
    raw = "The Coalition\npaused  operations\u00a0across Iraq.\n"
    first = embed_mod.embed([raw])
    model = embed_mod.load_model()
    direct = model.encode([raw])
    assert np.allclose(first[0], direct[0], atol=1e-6)
    monkeypatch.setattr(model, "encode", lambda *a, **k: pytest.fail("embedded twice"))
    again = embed_mod.embed(["The Coalition paused operations across Iraq."])
    assert np.array_equal(again[0], first[0])
    embed_mod.clear_cache()


def test_embed_precision_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    """fp32 and bf16 are taken as asked; auto follows the CPU; anything else is an error that
    names the variable."""
    from eventdesk import embed as embed_mod
    from eventdesk.errors import UsageError

    assert embed_mod.precision("fp32") == "fp32" and embed_mod.precision("BF16") == "bf16"
    monkeypatch.setenv("EVENTDESK_EMBED_PRECISION", "fp32")
    assert embed_mod.precision() == "fp32"
    monkeypatch.setenv("EVENTDESK_EMBED_PRECISION", "auto")
    assert embed_mod.precision() == ("bf16" if embed_mod._bf16_units() else "fp32")
    monkeypatch.setenv("EVENTDESK_EMBED_PRECISION", "half")
    with pytest.raises(UsageError, match="EVENTDESK_EMBED_PRECISION"):
        embed_mod.precision()


def test_bf16_vectors_match_float32_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    """Under bfloat16 autocast the vectors stay those of float32 (cosine >= 0.999), so the
    classifier and clustering decide alike whichever precision the machine runs."""
    import numpy as np

    from eventdesk import embed as embed_mod

    texts = WEATHER[:3] + FOOTBALL[:3] + [
        "The coalition suspended the training of Iraqi forces after the strike on the airport."]
    vecs = {}
    for mode in ("fp32", "bf16"):
        monkeypatch.setenv("EVENTDESK_EMBED_PRECISION", mode)
        embed_mod.clear_cache()
        vecs[mode] = embed_mod.embed(texts)
    embed_mod.clear_cache()
    cos = (vecs["fp32"] * vecs["bf16"]).sum(axis=1)
    assert vecs["bf16"].dtype == np.float32 and cos.min() >= 0.999, cos


def test_a_classifier_is_fitted_on_float32_vectors(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever precision the pipeline embeds at, fitting embeds in float32: one model serves
    every machine; prediction then embeds at the setting."""
    from eventdesk import embed as embed_mod

    monkeypatch.setenv("EVENTDESK_EMBED_PRECISION", "bf16")
    embed_mod.clear_cache()
    clf = TextClassifier().fit(WEATHER + FOOTBALL, ["weather"] * 6 + ["football"] * 6)
    assert {mode for mode, _ in embed_mod._cache} == {"fp32"}
    clf.predict(["A late goal won the cup final."])
    assert {mode for mode, _ in embed_mod._cache} == {"fp32", "bf16"}
    assert embed_mod.precision() == "bf16"  # the block ended
    embed_mod.clear_cache()
