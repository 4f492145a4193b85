"""How report runs are cut: one range per run of neighbouring partitions."""

import pytest

from assets.batches import contiguous, partition_tags

ORDER = ["a", "b", "c", "d", "e"]
CASES = [
    (["a", "b", "c", "d", "e"], [["a", "b", "c", "d", "e"]]),  # a first build: one run
    (["e"], [["e"]]),  # one new report
    (["b", "d"], [["b"], ["d"]]),  # a range would also cover c
    (["d", "c", "a"], [["a"], ["c", "d"]]),  # in partition order whatever the input order
    ([], []),
]


@pytest.mark.parametrize("keys,runs", CASES)
def test_neighbours_share_a_run(keys, runs):
    assert contiguous(keys, ORDER) == runs


def test_a_range_is_named_by_its_ends():
    assert partition_tags(["b", "c", "d"]) == {"dagster/asset_partition_range_start": "b", "dagster/asset_partition_range_end": "d"}
    assert partition_tags(["b"]) == {}
