"""The wire-copy gold set (tests/fixtures/wire/entities.jsonl, scored by
bench/entities/score_wire.py) as a floor: shouted datelines named naturally, mislabels
corrected. Measured 0.915 / 0.894 names and 0.806 / 0.788 labels (precision / recall);
before issue 20's rules 0.705 / 0.689 and 0.651 / 0.636."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).parents[4] / "bench/entities/score_wire.py"


def test_wire_copy_names_and_labels_stay_above_the_floor():
    spec = importlib.util.spec_from_file_location("score_wire", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    found = module.scores(module.GOLD)
    assert found["names_precision"] >= 0.88 and found["names_recall"] >= 0.86
    assert found["labels_precision"] >= 0.77 and found["labels_recall"] >= 0.75
