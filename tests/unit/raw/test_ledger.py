"""Per-layer code fingerprints: a change reruns its layer and the ones after it, never the ones
before; release code reruns no report layer. Measured on copies of the pipelines tree."""

import shutil

import pytest

from pipelines.raw.ledger import LAYERS, PIPELINES, fingerprints_of, first_stale_layer, layer_fingerprints

CHANGES = [
    ("release/stage.py", None),  # release code: no report layer reruns
    ("validated/stage.py", None),
    ("evaluate.py", None),
    ("data/indicator_rules.yaml", "extracted"),
    ("extracted/indicators.py", "extracted"),
    ("data/segment_rules.yaml", "segmented"),
    ("segmented/sentences.py", "segmented"),
    ("decoded/repair.py", "decoded"),
    ("data/pinyin_syllables.txt", "decoded"),
    ("raw/stage.py", "raw"),
    ("chars.py", "raw"),  # shared by every layer
]


@pytest.mark.parametrize("edited,first", CHANGES, ids=[c[0] for c in CHANGES])
def test_an_edit_reruns_its_layer_and_the_later_ones(tmp_path, edited, first):
    root = tmp_path / "pipelines"
    shutil.copytree(PIPELINES, root, ignore=shutil.ignore_patterns("__pycache__"))
    before = fingerprints_of(root)
    with open(root / edited, "a", encoding="utf-8") as fh:
        fh.write("\n# an edit\n")
    after = fingerprints_of(root)
    assert first_stale_layer(before, after) == first
    if first is not None:
        assert all(before[layer] != after[layer] for layer in LAYERS[LAYERS.index(first):])


def test_an_old_manifest_entry_reruns_everything():
    assert first_stale_layer("a digest from before layers existed", layer_fingerprints()) == "raw"
    assert first_stale_layer(None, layer_fingerprints()) == "raw"
