"""MiniLM run on transformers directly gives sentence-transformers' vectors (eventdesk.embed)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from eventdesk import embed as emb
from eventdesk.errors import ModelError

pytestmark = pytest.mark.slow

TROOPS = "US troops begin to leave Iraq."
SOLDIERS = "American soldiers withdraw from Iraq."
RATES = "The central bank raised interest rates."


@pytest.fixture(scope="module")
def model() -> emb.MiniLM:
    try:
        return emb.load_model()
    except ModelError as exc:
        pytest.skip(f"MiniLM not installed: {exc}")


def test_vectors_match_sentence_transformers(model: emb.MiniLM) -> None:
    # Reference values computed with sentence-transformers 6.2.0's SentenceTransformer on the
    # same package (float32, normalize_embeddings=True): the classifier was trained on those.
    a, b, c = model.encode([TROOPS, SOLDIERS, RATES])
    assert float(a @ b) == pytest.approx(0.7578049, abs=1e-5)
    assert float(a @ c) == pytest.approx(0.0043250, abs=1e-5)
    assert a[:4] == pytest.approx([0.059765, -0.057262, 0.048273, 0.011528], abs=2e-6)


def test_rows_keep_the_input_order_whatever_the_batch(model: emb.MiniLM) -> None:
    texts = [RATES, "Short.", TROOPS, "  " + SOLDIERS + "  ", "A much longer sentence " * 8]
    whole = model.encode(texts, batch_size=32)
    assert whole.shape == (5, emb.DIM) and whole.dtype == np.float32
    assert np.linalg.norm(whole, axis=1) == pytest.approx([1.0] * 5, abs=1e-5)
    for i, text in enumerate(texts):
        assert model.encode([text], batch_size=1)[0] == pytest.approx(whole[i], abs=1e-5)
    # Surrounding spaces are stripped, as sentence-transformers does.
    assert whole[3] == pytest.approx(model.encode([SOLDIERS])[0], abs=1e-5)
    assert model.encode([]).shape == (0, emb.DIM)


def test_inputs_are_cut_at_the_models_256_tokens(model: emb.MiniLM) -> None:
    head = "troops " * 300  # far more than 256 word pieces
    one, two = model.encode([head + "in Iraq.", head + "at the central bank."])
    assert one == pytest.approx(two, abs=1e-6)
    short_one, short_two = model.encode(["troops in Iraq.", "troops at the central bank."])
    assert float(short_one @ short_two) < 0.99


@pytest.mark.parametrize("pooling", [{"pooling_mode_cls_token": True},
                                     {"pooling_mode_mean_tokens": True,
                                      "pooling_mode_max_tokens": True}, None])
def test_a_model_folder_pooling_otherwise_or_unreadable_is_refused(tmp_path, pooling) -> None:
    (tmp_path / "sentence_bert_config.json").write_text('{"max_seq_length": 256}')
    if pooling is not None:
        (tmp_path / "1_Pooling").mkdir()
        (tmp_path / "1_Pooling" / "config.json").write_text(json.dumps(pooling))
    with pytest.raises(ModelError, match=str(tmp_path)) as info:
        emb.MiniLM(tmp_path)
    assert "reinstall" in (info.value.hint or "")
