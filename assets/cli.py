"""The `cgr` command line."""

import argparse
import sys
from pathlib import Path


def _decode(args) -> int:
    from pipelines.decoded.stage import decode_file
    from pipelines.errors import ReportRejected

    try:
        decoded = decode_file(Path(args.file), _settings().max_report_bytes)
    except ReportRejected as exc:
        print(f"{args.file}: {exc.reason}", file=sys.stderr)
        return 2
    if args.source:
        sys.stdout.write(decoded.text_source)
    else:
        sys.stdout.write(decoded.text)
    if not decoded.text.endswith("\n"):
        sys.stdout.write("\n")
    print(f"[{args.file}: encoding {decoded.encoding}, script {decoded.script}, pinyin removed {decoded.repairs_pinyin}, "
          f"restored {decoded.repairs_mojibake}, punctuation fixed {decoded.repairs_punctuation}, lines dropped "
          f"{decoded.repairs_dropped_lines}, unrecoverable {decoded.unrecoverable_chars}]", file=sys.stderr)
    return 0


def _build(args) -> int:
    from .build import main_build

    return main_build(full=args.full)


def _evaluate(args) -> int:
    from pipelines.evaluate import evaluate_release, format_scores, latest_release_dir

    paths = [Path(p) for p in args.paths]
    releases = [p for p in paths if (p / "release.json").exists()]
    golds = [p for p in paths if p not in releases]
    release_dir = releases[0] if releases else latest_release_dir(_settings().releases_dir)
    for gold in golds:
        scores = evaluate_release(gold, release_dir)
        print(f"##### {gold} against {release_dir}")
        print(format_scores(scores, details=not args.summary))
    return 0


def _settings():
    from pipelines.settings import Settings

    return Settings.from_env()


def _store_url(args) -> str:
    return args.store or str(_settings().releases_dir)


def _releases(args) -> int:
    import json

    from pipelines.release.download import DownloadError, format_releases, open_store, read_index, release_rows

    try:
        rows = release_rows(read_index(open_store(_store_url(args))))
    except DownloadError as exc:
        print(f"cgr releases: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(rows, ensure_ascii=False, indent=2) if args.json else (format_releases(rows) if rows else "no releases"))
    return 0


def _download(args) -> int:
    from pipelines.release.download import DownloadError, download, open_store

    quiet = args.quiet or not sys.stderr.isatty()
    try:
        files = download(open_store(_store_url(args)), args.version, args.table or None, args.format, Path(args.to),
                         progress=not quiet, log=(lambda m: None) if quiet else (lambda m: print(m, file=sys.stderr)))
    except DownloadError as exc:
        print(f"cgr download: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("cgr download: interrupted; no partial file was left under its final name", file=sys.stderr)
        return 130
    print(f"{len(files)} files verified in {files[0].parent}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cgr", description="cn-gov-reports: Chinese local-government reports -> a validated, versioned dataset.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("build", help="process new or changed reports in CGR_REPORTS_DIR and publish a release if the gates pass")
    p.add_argument("--full", action="store_true", help="rebuild every report, not only new or changed ones")
    p.set_defaults(func=_build)

    p = sub.add_parser("decode", help="print the decoded Simplified text of one report file")
    p.add_argument("file")
    p.add_argument("--source", action="store_true", help="print the repaired source-script text instead")
    p.set_defaults(func=_decode)

    p = sub.add_parser("evaluate", help="score a release (default: the latest) against one or more gold folders, each scored on its own (seeds, corpus)")
    p.add_argument("paths", nargs="+", metavar="GOLD_DIR|RELEASE_DIR",
                   help="gold folders (indicators.csv, projects.csv, reports.csv) and optionally a release folder (holds release.json)")
    p.add_argument("--summary", action="store_true", help="scores only, without the lists of misses and extras")
    p.set_defaults(func=_evaluate)

    store_help = "release store: a folder, file://, http(s):// or s3:// URL (default: CGR_RELEASES_DIR)"
    p = sub.add_parser("releases", help="list the releases in a store: version, date, gate status, reports and rows per table")
    p.add_argument("--store", metavar="URL", help=store_help)
    p.add_argument("--json", action="store_true", help="print JSON (one object per release, newest first) for scripts")
    p.set_defaults(func=_releases)

    p = sub.add_parser(
        "download", help="download a release's files, verified against its SHA256SUMS",
        description="Download a release's tables plus datapackage.json and SHA256SUMS into DIR/<version>/. Every file is "
                    "verified against SHA256SUMS and renamed into place only when it matches; files already present and "
                    "verified are skipped. Check a partial download with `sha256sum -c --ignore-missing SHA256SUMS`.")
    p.add_argument("version", nargs="?", default="latest", help="a version such as v1.2.0 (or 1.2.0), or `latest` (default)")
    p.add_argument("--table", action="append", metavar="T", help="a table to fetch (repeatable; default: every table): reports, sentences, indicators, projects, project_mentions")
    p.add_argument("--format", choices=["parquet", "csv", "all"], default="all", help="file format(s) to fetch (default: all)")
    p.add_argument("--to", metavar="DIR", default=".", help="destination folder; files go to DIR/<version>/ (default: the current folder)")
    p.add_argument("--store", metavar="URL", help=store_help)
    p.add_argument("--quiet", action="store_true", help="no progress bar or per-file lines (the default when stderr is not a terminal)")
    p.set_defaults(func=_download)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
