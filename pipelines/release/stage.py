"""Versioned, immutable releases: tables as Parquet + CSV, datapackage.json, SHA256SUMS,
validation results, CHANGELOG.md, rejected.json and a data card, written into a temporary
folder and renamed into place. `releases/index.json` is replaced atomically afterwards."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import registry
from .catalog import write_catalog
from .datacard import DATA_LICENSE, LICENSE_FILE, QUOTED_COLUMNS, write_datacard
from .docs import build_data_docs
from .drift import across_releases
from .drift import warnings as drift_warnings
from .provenance import code_fingerprint, code_version
from .store import (StoreError, atomic_write_text, index_from_folders, is_remote, parse_version, pull_latest, push_release, read_index,
                    read_sums, sha256_file, verify_release)
from .writer import ReleaseTables, WrittenTable, content_fingerprint, key_hashes

CSV_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


class PublishError(RuntimeError):
    """The release could not be written (a full disk, a read-only store): nothing was published."""


@dataclass
class PublishResult:
    published: bool
    version: str | None
    path: Path | None
    reason: str


def published_fingerprint(entry: dict, folder: Path | None) -> str:
    """A published release's content fingerprint as write_tables computes it, from the CSV
    digests in its SHA256SUMS (so releases written before the streaming writer compare too)."""
    sums = read_sums(folder) if folder is not None else {}
    if all(f"{n}.csv" in sums for n in registry.TABLES):
        return content_fingerprint({n: WrittenTable(n, 0, sums[f"{n}.csv"]) for n in registry.TABLES})
    return entry.get("content_fingerprint", "")


def next_version(index: dict, schema_fp: str, report_ids: list[str], content_fp: str,
                 rejected_files: list[str] | None = None, damaged: bool = False) -> tuple[str | None, str]:
    """MAJOR on a schema change, MINOR when the set of reports changes, PATCH when only content
    changes, the refused files change, or the latest release does not verify against its
    SHA256SUMS; None when nothing changed."""
    latest = next((r for r in index["releases"] if r["version"] == index.get("latest")), None)
    if latest is None:
        return "v1.0.0", "first release"
    major, minor, patch = parse_version(latest["version"])
    if latest["schema_fingerprint"] != schema_fp:
        return f"v{major + 1}.0.0", "the schema changed"
    if sorted(latest["report_ids"]) != sorted(report_ids):
        return f"v{major}.{minor + 1}.0", "the set of reports changed"
    if latest["content_fingerprint"] != content_fp:
        return f"v{major}.{minor}.{patch + 1}", "the extracted content changed"
    if rejected_files is not None and "rejected" in latest and sorted(latest["rejected"]) != sorted(rejected_files):
        return f"v{major}.{minor}.{patch + 1}", "the refused input files changed (see rejected.json)"
    if damaged:
        return f"v{major}.{minor}.{patch + 1}", f"{latest['version']} does not verify against its SHA256SUMS"
    return None, f"nothing changed since {latest['version']}"


def _changelog(version: str, previous: dict | None, previous_dir: Path | None, tables: ReleaseTables, rejected: list[dict],
               out: Path, written: dict[str, WrittenTable]) -> str:
    lines = [f"# {version}", ""]
    if previous is None:
        lines += ["First release.", ""]
    else:
        lines += [f"Changes against {previous['version']}.", ""]
        old = previous.get("sources", {})
        new = {r.report_id: r.source_sha256 for r in tables.reports.itertuples()}
        added = sorted(set(new) - set(old))
        removed = sorted(set(old) - set(new))
        changed = sorted(k for k in set(new) & set(old) if new[k] != old[k])
        lines += ["## Reports", ""]
        lines += [f"- added: {', '.join(added) or 'none'}", f"- removed: {', '.join(removed) or 'none'}", f"- changed (new sha256): {', '.join(changed) or 'none'}", ""]
        lines += ["## Rows per table", "", "| table | rows | added | removed |", "|---|---:|---:|---:|"]
        for name, table in registry.TABLES.items():
            key = list(table.primary_key)
            rows = written[name].rows
            prev_path = previous_dir / f"{name}.parquet" if previous_dir else None
            if prev_path and prev_path.exists():
                cur_keys, prev_keys = key_hashes(out / f"{name}.parquet", key), key_hashes(prev_path, key)
                added, removed = (~cur_keys.isin(prev_keys)).sum(), (~prev_keys.isin(cur_keys)).sum()
                lines.append(f"| {name} | {rows} | {added} | {removed} |")
            else:
                lines.append(f"| {name} | {rows} | {rows} | 0 |")
        lines.append("")
    lines += ["## Rejected input files", ""]
    lines += [f"- `{r['source_file']}`: {r['reason']}" for r in rejected] or ["none"]
    return "\n".join(lines) + "\n"


def source_entries(reports: pd.DataFrame) -> list[dict]:
    """`datapackage.json` `sources`: one per report, with where it came from and under what
    terms (the curator's sidecar; `unknown` where the curator does not know, null with no sidecar)."""
    out = []
    for r in reports.itertuples():
        entry = {"title": r.title if isinstance(r.title, str) and r.title else r.source_file,
                 "path": r.source_url if isinstance(r.source_url, str) and r.source_url.startswith(("http://", "https://")) else r.source_file,
                 "report_id": r.report_id, "source_file": r.source_file, "sha256": r.source_sha256}
        for key in ("source_url", "source_publisher", "source_licence"):
            value = getattr(r, key)
            entry[key.removeprefix("source_")] = value if isinstance(value, str) and value else None
        entry["accessed"] = r.accessed_date.isoformat() if r.accessed_date is not None and not pd.isna(r.accessed_date) else None
        out.append(entry)
    return out


def _datapackage(version: str, created: str, out: Path, tables: ReleaseTables) -> dict:
    resources = []
    for name, table in registry.TABLES.items():
        for fmt in ("csv", "parquet"):
            path = out / f"{name}.{fmt}"
            res = {
                "name": f"{name}-{fmt}" if fmt == "parquet" else name,
                "path": path.name,
                "profile": "tabular-data-resource",
                "format": fmt,
                "description": table.description,
                "schema": registry.frictionless_schema(table, fmt),
            }
            if fmt == "csv":
                res.update({"bytes": path.stat().st_size, "hash": f"sha256:{sha256_file(path)}", "mediatype": "text/csv", "encoding": "utf-8-sig"})
            else:
                # Frictionless reads Parquet through pandas and counts no bytes, so declared
                # `bytes`/`hash` would fail validation: the digest is in SHA256SUMS instead
                res.update({"mediatype": "application/vnd.apache.parquet"})
            quoted = [c.split(".")[1] for c in QUOTED_COLUMNS if c.startswith(name + ".")]
            if quoted:  # these columns quote the sources: their own terms apply, not the package licence
                res["licenses"] = [{"path": LICENSE_FILE, "title": f"{DATA_LICENSE['name']}, except {', '.join(quoted)}: each source's own terms (see sources)"}]
            resources.append(res)
    sources = source_entries(tables.reports)
    return {
        "profile": "data-package",
        "name": "cn-gov-reports",
        "title": "Indicators and projects from Chinese local-government reports",
        "version": version.lstrip("v"),
        "created": created,
        "licenses": [DATA_LICENSE],
        "sources": sources,
        "schema_fingerprint": registry.schema_fingerprint(),
        "resources": resources,
    }


class WrittenView(Mapping):
    """The tables of a release folder as a read-only mapping for the data card, the Data Docs
    and the drift checks: `reports` as held, any other table read from its Parquet file when
    asked for (one table at a time, never all at once)."""

    def __init__(self, folder: Path, reports: pd.DataFrame):
        self.folder, self.reports = folder, reports

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in registry.TABLES:
            raise KeyError(name)
        return self.reports if name == "reports" else pd.read_parquet(self.folder / f"{name}.parquet")

    def __iter__(self):
        return iter(registry.TABLES)

    def __len__(self) -> int:
        return len(registry.TABLES)


def write_release_files(out: Path, version: str, created: str, tables: ReleaseTables, gate: dict,
                        rejected: list[dict], previous: dict | None, previous_dir: Path | None, entry: dict,
                        written: dict[str, WrittenTable]) -> None:
    """Everything but the table files, which write_tables has put in `out` already."""
    from .validation_report import render_validation_html

    (out / "release.json").write_text(json.dumps(entry, ensure_ascii=False, indent=2), encoding="utf-8")
    (out / "validation.json").write_text(json.dumps(gate, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    (out / "validation.html").write_text(render_validation_html(version, gate), encoding="utf-8")
    (out / "rejected.json").write_text(json.dumps(rejected, ensure_ascii=False, indent=2), encoding="utf-8")
    (out / "CHANGELOG.md").write_text(_changelog(version, previous, previous_dir, tables, rejected, out, written), encoding="utf-8")
    view = WrittenView(out, tables.reports)
    write_datacard(out, version, created, view, gate, entry)
    build_data_docs(out, version, created, view)
    package = _datapackage(version, created, out, tables)
    (out / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False, indent=2), encoding="utf-8")
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    sums = [f"{sha256_file(out / n)}  {n}" for n in files]
    (out / "SHA256SUMS").write_text("\n".join(sums) + "\n", encoding="utf-8")


def publish(tables: "dict[str, pd.DataFrame] | ReleaseTables", gate: dict, rejected: list[dict], releases,
            now: dt.datetime | None = None) -> PublishResult:
    """Publish a release if something changed (into a local folder, or a store URL as a UPath:
    publish_to_store). The caller holds the release lock and has
    checked that the gate passed (a failed gate never reaches here). The table files are
    written first, batch by batch, into the temporary folder: their CSV digests decide whether
    anything changed."""
    if not gate.get("passed"):
        return PublishResult(False, None, None, "the validation gate failed")
    if is_remote(releases):
        return publish_to_store(tables, gate, rejected, releases, now)
    tables = ReleaseTables.of(tables)
    releases.mkdir(parents=True, exist_ok=True)
    clean_stale_temporaries(releases)
    index = reconcile_index(releases)
    schema_fp = registry.schema_fingerprint()
    report_ids = sorted(tables.reports["report_id"].tolist())
    previous = next((r for r in index["releases"] if r["version"] == index.get("latest")), None)
    previous_dir = releases / previous["version"] if previous else None
    damaged = bool(previous_dir and verify_release(previous_dir))
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-next-", dir=releases))
    try:
        written = tables.write(tmp)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise PublishError(f"could not write the tables into {releases} ({exc.strerror or exc}); "
                           f"nothing was published and {index.get('latest') or 'no release'} is unchanged") from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    content_fp = content_fingerprint(written)
    compared = dict(index, releases=[dict(r, content_fingerprint=published_fingerprint(r, previous_dir)) if r is previous else r
                                     for r in index["releases"]])
    version, reason = next_version(compared, schema_fp, report_ids, content_fp, [r["source_file"] for r in rejected], damaged)
    if version is None:
        shutil.rmtree(tmp, ignore_errors=True)
        return PublishResult(False, index.get("latest"), releases / index["latest"] if index.get("latest") else None, reason)
    final = releases / version
    if final.exists():
        shutil.rmtree(tmp, ignore_errors=True)
        raise RuntimeError(f"release folder {final} already exists; releases are immutable")
    created = (now or dt.datetime.now(dt.timezone.utc)).replace(microsecond=0).isoformat()
    if damaged:  # its files cannot be trusted: no drift or row comparison against them
        previous_dir = None
    # drift against the previous release, read from the tables just written (one at a time)
    gate = {**gate, "across_releases": across_releases(WrittenView(tmp, tables.reports), previous, previous_dir)}
    entry = {
        "version": version,
        "created": created,
        "schema_fingerprint": schema_fp,
        "content_fingerprint": content_fp,
        "report_ids": report_ids,
        "sources": {r.report_id: r.source_sha256 for r in tables.reports.itertuples()},
        "row_counts": {n: int(written[n].rows) for n in registry.TABLES},
        "gate": "passed",
        "warnings": [w for t in gate.get("tables", []) for w in t.get("warnings", [])] + drift_warnings(gate["across_releases"]),
        "rejected": [r["source_file"] for r in rejected],
        "reason": reason,
        "code_version": code_version(),
        "code_fingerprint": code_fingerprint(),
    }
    try:
        write_release_files(tmp, version, created, tables, gate, rejected, previous, previous_dir, entry, written)
        os.chmod(tmp, 0o755)
        os.rename(tmp, final)  # atomic on one filesystem: the version folder appears complete or not at all
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        kept = index.get("latest") or "no release"
        raise PublishError(f"could not write release {version} into {releases} ({exc.strerror or exc}); "
                           f"nothing was published and {kept} is unchanged") from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    index["releases"].append(entry)
    index["latest"] = version
    atomic_write_text(releases / "index.json", json.dumps(index, ensure_ascii=False, indent=2))
    write_catalog(releases, index)
    return PublishResult(True, version, final, reason)


def publish_to_store(tables, gate: dict, rejected: list[dict], store, now: dt.datetime | None = None) -> PublishResult:
    """Publish to an object store: the release is made in a local temporary folder beside a copy
    of the store's index and latest release (exactly as a local publication), then copied file
    by file, each verified, with index.json written last (push_release). One publisher per
    store at a time (the caller's lock is local to its machine)."""
    with tempfile.TemporaryDirectory(prefix="cgr-publish-") as tmp:
        local = Path(tmp) / "releases"
        try:
            pull_latest(store, local)
        except OSError as exc:
            raise PublishError(f"cannot read the release store {store} ({exc}); nothing was published") from exc
        result = publish(tables, gate, rejected, local, now)
        if not result.published:
            return PublishResult(False, result.version, store / result.version if result.version else None, result.reason)
        try:
            push_release(local, result.version, store)
        except (OSError, StoreError) as exc:
            raise PublishError(f"could not copy release {result.version} to {store} ({exc}); its index.json is unchanged") from exc
        return PublishResult(True, result.version, store / result.version, result.reason)


def clean_stale_temporaries(releases: Path) -> None:
    """Remove `.tmp-*` folders a killed publisher left behind (never visible as a version)."""
    if releases.exists():
        for p in releases.glob(".tmp-*"):
            shutil.rmtree(p, ignore_errors=True)


def reconcile_index(releases: Path) -> dict:
    """The index, with any complete version folder it lacks added back (a publisher killed
    between renaming the folder and replacing index.json)."""
    index = read_index(releases)
    known = {r["version"] for r in index["releases"]}
    adopted = bool(index.pop("rebuilt", False))  # unreadable: written back from the folders
    for entry in index_from_folders(releases)["releases"]:
        if entry["version"] not in known:
            index["releases"].append(entry)
            adopted = True
    if adopted:
        index["releases"].sort(key=lambda r: parse_version(r["version"]))
        index["latest"] = index["releases"][-1]["version"] if index["releases"] else None
        atomic_write_text(releases / "index.json", json.dumps(index, ensure_ascii=False, indent=2))
        write_catalog(releases, index)
    return index
