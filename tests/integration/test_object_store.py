"""Storage through fsspec (issue 20): the stage storage and the release store on a local S3
server (moto on 127.0.0.1); `cgr releases` and `cgr download` with --endpoint-url."""

import json
import shutil

import pytest
from upath import UPath

from assets.cli import main
from assets.io import Stored, clear_all, drop_report_outputs, store_partition
from pipelines.release import store as store_module
from pipelines.release.clock import release_time
from pipelines.release.stage import PublishError, publish
from pipelines.release.writer import ReleaseTables
from pipelines.settings import Settings
from tests.s3server import BUCKET, CREDENTIALS, s3_server


@pytest.fixture(scope="module")
def s3():
    mp = pytest.MonkeyPatch()
    for k, v in CREDENTIALS.items():
        mp.setenv(k, v)
    with s3_server() as endpoint:
        mp.setenv("AWS_ENDPOINT_URL", endpoint)  # botocore's own variable: the pipeline side needs no option
        yield endpoint
    mp.undo()


def test_store_urls_are_kept_as_urls_in_the_settings(tmp_path):
    s = Settings.from_env({"CGR_RELEASES_DIR": f"s3://{BUCKET}/releases"})
    assert str(s.releases_dir) == f"s3://{BUCKET}/releases"
    assert Settings.from_env({"CGR_RELEASES_DIR": f"file://{tmp_path}"}).releases_dir == tmp_path


def test_the_stage_storage_works_on_s3(s3):
    root = f"s3://{BUCKET}/assets-{id(s3)}"
    store_partition(root, "decoded_report", "r1", {"text": "政府工作报告"})
    store_partition(root, "decoded_report", "r2", [1, 2])
    stored = Stored(root, "decoded_report", ["r1", "r2", "missing"])
    assert list(stored) == ["r1", "r2"] and stored["r1"] == {"text": "政府工作报告"}
    drop_report_outputs(root, "r1")
    assert list(Stored(root, "decoded_report", ["r1", "r2"])) == ["r2"]
    clear_all(root)
    assert not UPath(root).exists()


def _publish_built(built_site, releases):
    root, result = built_site
    gate = json.loads((result.path / "validation.json").read_text(encoding="utf-8"))
    rejected = json.loads((result.path / "rejected.json").read_text(encoding="utf-8"))
    return publish(ReleaseTables.from_staged(root / "data" / "assets" / "tables"), gate, rejected, releases,
                   now=release_time(1_700_000_000, []))


def test_a_release_published_to_s3_downloads_back_verified(built_site, s3, tmp_path, capsys):
    local = _publish_built(built_site, tmp_path / "local")
    store = UPath(f"s3://{BUCKET}/site/releases")
    out = _publish_built(built_site, store)
    assert out.published and out.version == "v1.0.0"
    assert (store / "v1.0.0" / "SHA256SUMS").read_bytes() == (local.path / "SHA256SUMS").read_bytes()
    assert json.loads((store / "index.json").read_text())["latest"] == "v1.0.0"
    again = _publish_built(built_site, store)  # compared with the store's latest: nothing new
    assert not again.published and "nothing changed" in again.reason

    url = f"s3://{BUCKET}/site"
    assert main(["releases", "--store", url, "--endpoint-url", s3, "--json"]) == 0
    assert [r["version"] for r in json.loads(capsys.readouterr().out)] == ["v1.0.0"]
    assert main(["download", "latest", "--store", url, "--endpoint-url", s3, "--to", str(tmp_path / "dl")]) == 0
    got = tmp_path / "dl" / "v1.0.0"
    for f in got.iterdir():
        assert f.read_bytes() == (local.path / f.name).read_bytes(), f.name


def test_an_endpoint_is_refused_for_a_store_that_is_not_s3(tmp_path, capsys):
    assert main(["releases", "--store", str(tmp_path), "--endpoint-url", "http://127.0.0.1:1"]) == 2
    assert "s3:// stores only" in capsys.readouterr().err


def test_a_file_that_reads_back_wrong_leaves_the_index_untouched(built_site, s3, monkeypatch):
    store = UPath(f"s3://{BUCKET}/broken/releases")
    real = store_module.sha256_file
    monkeypatch.setattr(store_module, "sha256_file",
                        lambda p: "0" * 64 if str(p).endswith("indicators.csv") and "broken" in str(p) else real(p))
    with pytest.raises(PublishError, match="indicators.csv"):
        _publish_built(built_site, store)
    assert not (store / "index.json").exists()
