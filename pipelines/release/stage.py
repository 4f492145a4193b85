"""Versioned, immutable releases: tables as Parquet + CSV, datapackage.json, SHA256SUMS,
validation results, CHANGELOG.md, rejected.json and a data card, written into a temporary
folder and renamed into place. `releases/index.json` is replaced atomically afterwards."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from .. import registry
from .catalog import write_catalog
from .datacard import DATA_LICENSE, LICENSE_FILE, QUOTED_COLUMNS, write_datacard
from .docs import build_data_docs
from .drift import across_releases
from .drift import warnings as drift_warnings
from .provenance import code_fingerprint, code_version
from .store import atomic_write_text, parse_version, read_index, sha256_file

CSV_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


class PublishError(RuntimeError):
    """The release could not be written (a full disk, a read-only store): nothing was published."""


@dataclass
class PublishResult:
    published: bool
    version: str | None
    path: Path | None
    reason: str


def _neutralise(value):
    """A CSV cell starting with = + - @ would run as a formula in a spreadsheet: prefix a quote.
    Numbers are typed columns and never touched."""
    if isinstance(value, str) and value.startswith(CSV_DANGEROUS):
        return "'" + value
    return value


def csv_bytes(df: pd.DataFrame, table: registry.Table) -> bytes:
    out = registry.conform(df, table).copy()
    for f in table.fields:
        if f.type == "list":
            out[f.name] = out[f.name].map(lambda v: " ".join(v))
        if f.type in ("string", "list"):
            out[f.name] = out[f.name].astype(object).map(_neutralise)
    buf = io.StringIO()
    out.to_csv(buf, index=False, header=registry.csv_header(table), lineterminator="\r\n")
    return buf.getvalue().encode("utf-8-sig")


def content_fingerprint(tables: dict[str, pd.DataFrame]) -> str:
    h = hashlib.sha256()
    for name in registry.TABLES:
        h.update(name.encode())
        h.update(csv_bytes(tables[name], registry.TABLES[name]))
    return h.hexdigest()[:16]


def next_version(index: dict, schema_fp: str, report_ids: list[str], content_fp: str) -> tuple[str | None, str]:
    """MAJOR on a schema change, MINOR when the set of reports changes, PATCH when only content
    changes; None when nothing changed."""
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
    return None, f"nothing changed since {latest['version']}"


def _changelog(version: str, previous: dict | None, previous_dir: Path | None, tables: dict[str, pd.DataFrame], rejected: list[dict]) -> str:
    lines = [f"# {version}", ""]
    if previous is None:
        lines += ["First release.", ""]
    else:
        lines += [f"Changes against {previous['version']}.", ""]
        old = previous.get("sources", {})
        new = {r.report_id: r.source_sha256 for r in tables["reports"].itertuples()}
        added = sorted(set(new) - set(old))
        removed = sorted(set(old) - set(new))
        changed = sorted(k for k in set(new) & set(old) if new[k] != old[k])
        lines += ["## Reports", ""]
        lines += [f"- added: {', '.join(added) or 'none'}", f"- removed: {', '.join(removed) or 'none'}", f"- changed (new sha256): {', '.join(changed) or 'none'}", ""]
        lines += ["## Rows per table", "", "| table | rows | added | removed |", "|---|---:|---:|---:|"]
        for name, table in registry.TABLES.items():
            key = list(table.primary_key)
            cur = tables[name]
            prev_path = previous_dir / f"{name}.parquet" if previous_dir else None
            if prev_path and prev_path.exists():
                prev = pd.read_parquet(prev_path, columns=key)
                cur_keys = set(map(tuple, cur[key].astype(str).values.tolist()))
                prev_keys = set(map(tuple, prev[key].astype(str).values.tolist()))
                lines.append(f"| {name} | {len(cur)} | {len(cur_keys - prev_keys)} | {len(prev_keys - cur_keys)} |")
            else:
                lines.append(f"| {name} | {len(cur)} | {len(cur)} | 0 |")
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


def _datapackage(version: str, created: str, out: Path, tables: dict[str, pd.DataFrame]) -> dict:
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
    sources = source_entries(tables["reports"])
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


def write_release_files(out: Path, version: str, created: str, tables: dict[str, pd.DataFrame], gate: dict,
                        rejected: list[dict], previous: dict | None, previous_dir: Path | None, entry: dict) -> None:
    from .validation_report import render_validation_html

    (out / "release.json").write_text(json.dumps(entry, ensure_ascii=False, indent=2), encoding="utf-8")
    for name, table in registry.TABLES.items():
        df = tables[name]
        pq.write_table(registry.to_arrow(df, table), out / f"{name}.parquet", compression="zstd")
        (out / f"{name}.csv").write_bytes(csv_bytes(df, table))
    (out / "validation.json").write_text(json.dumps(gate, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    (out / "validation.html").write_text(render_validation_html(version, gate), encoding="utf-8")
    (out / "rejected.json").write_text(json.dumps(rejected, ensure_ascii=False, indent=2), encoding="utf-8")
    (out / "CHANGELOG.md").write_text(_changelog(version, previous, previous_dir, tables, rejected), encoding="utf-8")
    write_datacard(out, version, created, tables, gate, entry)
    build_data_docs(out, version, created, tables)
    package = _datapackage(version, created, out, tables)
    (out / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False, indent=2), encoding="utf-8")
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    sums = [f"{sha256_file(out / n)}  {n}" for n in files]
    (out / "SHA256SUMS").write_text("\n".join(sums) + "\n", encoding="utf-8")


def publish(tables: dict[str, pd.DataFrame], gate: dict, rejected: list[dict], releases: Path,
            now: dt.datetime | None = None) -> PublishResult:
    """Publish a release if something changed. The caller holds the release lock and has
    checked that the gate passed (a failed gate never reaches here)."""
    if not gate.get("passed"):
        return PublishResult(False, None, None, "the validation gate failed")
    releases.mkdir(parents=True, exist_ok=True)
    clean_stale_temporaries(releases)
    index = reconcile_index(releases)
    schema_fp = registry.schema_fingerprint()
    content_fp = content_fingerprint(tables)
    report_ids = sorted(tables["reports"]["report_id"].tolist())
    version, reason = next_version(index, schema_fp, report_ids, content_fp)
    if version is None:
        return PublishResult(False, index.get("latest"), releases / index["latest"] if index.get("latest") else None, reason)
    final = releases / version
    if final.exists():
        raise RuntimeError(f"release folder {final} already exists; releases are immutable")
    created = (now or dt.datetime.now(dt.timezone.utc)).replace(microsecond=0).isoformat()
    previous = next((r for r in index["releases"] if r["version"] == index.get("latest")), None)
    previous_dir = releases / previous["version"] if previous else None
    gate = {**gate, "across_releases": across_releases(tables, previous, previous_dir)}
    entry = {
        "version": version,
        "created": created,
        "schema_fingerprint": schema_fp,
        "content_fingerprint": content_fp,
        "report_ids": report_ids,
        "sources": {r.report_id: r.source_sha256 for r in tables["reports"].itertuples()},
        "row_counts": {n: int(len(tables[n])) for n in registry.TABLES},
        "gate": "passed",
        "warnings": [w for t in gate.get("tables", []) for w in t.get("warnings", [])] + drift_warnings(gate["across_releases"]),
        "rejected": [r["source_file"] for r in rejected],
        "reason": reason,
        "code_version": code_version(),
        "code_fingerprint": code_fingerprint(),
    }
    tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{version}-", dir=releases))
    try:
        write_release_files(tmp, version, created, tables, gate, rejected, previous, previous_dir, entry)
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
    adopted = False
    for folder in sorted(releases.glob("v*.*.*"), key=lambda p: parse_version(p.name)):
        entry_path = folder / "release.json"
        if folder.name not in known and entry_path.exists():
            index["releases"].append(json.loads(entry_path.read_text(encoding="utf-8")))
            adopted = True
    if adopted:
        index["releases"].sort(key=lambda r: parse_version(r["version"]))
        index["latest"] = index["releases"][-1]["version"]
        atomic_write_text(releases / "index.json", json.dumps(index, ensure_ascii=False, indent=2))
        write_catalog(releases, index)
    return index
