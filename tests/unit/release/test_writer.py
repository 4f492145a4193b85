"""The streaming release writer: tables written in any number of batches give the same files
as one batch (CSV bytes, Parquet tables with their pandas metadata), the CSV digest is taken
while writing, and the gates read no column their expectations do not."""

import hashlib

import pyarrow.parquet as pq
import pytest

from pipelines import registry
from pipelines.local import layers_for_folder
from pipelines.release.writer import content_fingerprint, write_tables
from pipelines.validated.stage import combine, table_batches
from tests.conftest import SEEDS


@pytest.fixture(scope="module")
def layers(tmp_path_factory):
    folder = tmp_path_factory.mktemp("two")
    for p in sorted(SEEDS.glob("*.txt"))[:3]:  # one Traditional seed among them (002)
        (folder / p.name).write_bytes(p.read_bytes())
    extracted, segmented, _ = layers_for_folder(folder)
    return extracted, segmented


@pytest.mark.parametrize("batch_size", [1, 2])
def test_batches_write_the_same_files_as_one_table(layers, tmp_path, batch_size):
    extracted, segmented = layers
    whole = write_tables(tmp_path / "whole", [combine(extracted, segmented)])
    load = lambda keys: ({k: extracted[k] for k in keys}, {k: segmented[k] for k in keys})
    streamed = write_tables(tmp_path / "streamed", table_batches(list(extracted), load, batch_size=batch_size))
    for name in registry.TABLES:
        a, b = (tmp_path / "whole" / f"{name}.csv").read_bytes(), (tmp_path / "streamed" / f"{name}.csv").read_bytes()
        assert a == b, name
        assert streamed[name].csv_sha256 == hashlib.sha256(b).hexdigest()
        ta, tb = pq.read_table(tmp_path / "whole" / f"{name}.parquet"), pq.read_table(tmp_path / "streamed" / f"{name}.parquet")
        assert ta.equals(tb) and ta.schema.equals(tb.schema, check_metadata=True), name
    assert streamed["sentences"].rows > 0 and content_fingerprint(whole) == content_fingerprint(streamed)
    assert pq.ParquetFile(tmp_path / "streamed" / "sentences.parquet").num_row_groups == -(-len(extracted) // batch_size)


def test_a_table_no_batch_names_is_written_empty(tmp_path):
    written = write_tables(tmp_path, [])
    for name, table in registry.TABLES.items():
        assert written[name].rows == 0
        assert (tmp_path / f"{name}.csv").read_bytes() == ("\ufeff" + ",".join(table.columns) + "\r\n").encode("utf-8")
        assert pq.read_table(tmp_path / f"{name}.parquet").num_rows == 0


def test_the_gates_leave_texts_and_tokens_on_disk():
    from expectations.gate import columns_read

    reads = columns_read()
    assert set(reads) == set(registry.TABLES)
    # required texts and token lists are checked for nulls only, never loaded as values
    assert reads["sentences"]["text"] is False and reads["sentences"]["tokens"] is False
    assert reads["sentences"]["sentence_id"] is True  # unique and referenced by other tables
    assert reads["indicators"]["measure"] is True  # a row condition reads it
    assert reads["reports"]["review_year"] is True  # prepare() derives year_distance from it
    assert "title" not in reads["reports"]  # nullable and in no expectation


def test_a_staged_folder_keeps_a_null_for_the_gate_and_a_release_copy_equals_a_direct_write(layers, tmp_path):
    from pipelines.release.writer import ReleaseTables

    extracted, segmented = layers
    tables = combine(extracted, segmented)
    direct = write_tables(tmp_path / "direct", [tables])
    write_tables(tmp_path / "staged", [tables], staged=True)
    (tmp_path / "out").mkdir()
    copied = ReleaseTables.from_staged(tmp_path / "staged").write(tmp_path / "out")
    for name in registry.TABLES:
        assert copied[name] == direct[name]
        a, b = pq.read_table(tmp_path / "direct" / f"{name}.parquet"), pq.read_table(tmp_path / "out" / f"{name}.parquet")
        assert a.equals(b) and a.schema.equals(b.schema, check_metadata=True), name
    broken = dict(tables, sentences=tables["sentences"].assign(text=None))
    written = write_tables(tmp_path / "broken", [broken], staged=True)  # the gate, not the writer, reports it
    assert written["sentences"].rows == len(tables["sentences"])
    assert pq.read_table(tmp_path / "broken" / "sentences.parquet", columns=["text"]).column(0).null_count == len(tables["sentences"])
