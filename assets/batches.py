"""How report runs are cut: one run per layer to rerun from and per run of neighbouring
partitions (a partition range covers every partition between its ends), so the events of a
build grow with the number of runs, not with reports x steps."""

from __future__ import annotations


def contiguous(keys: list[str], order: list[str]) -> list[list[str]]:
    """`keys` cut into runs that are contiguous in the partitions' order: a partition range
    covers every partition between its ends, so each run of neighbours is one range."""
    position = {k: i for i, k in enumerate(order)}
    out: list[list[str]] = []
    for key in sorted(keys, key=position.__getitem__):
        if out and position[out[-1][-1]] + 1 == position[key]:
            out[-1].append(key)
        else:
            out.append([key])
    return out


def partition_tags(keys: list[str]) -> dict:
    """The range tags of a run over several neighbouring partitions (none for one key)."""
    if len(keys) == 1:
        return {}
    return {"dagster/asset_partition_range_start": keys[0], "dagster/asset_partition_range_end": keys[-1]}


def partitions_of_run(keys: list[str]) -> dict:
    """How execute_in_process names these neighbouring partitions: one key, or a range."""
    return {"partition_key": keys[0]} if len(keys) == 1 else {"tags": partition_tags(keys)}
