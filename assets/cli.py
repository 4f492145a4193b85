"""The `cgr` command line. Every error is one or two lines naming the thing and the cause, with
an exit code documented in `--help` (EXIT_CODES); never a traceback unless `-v` asks for one."""

import re
import sys
from pathlib import Path

EXIT_GATE = 1
EXIT_INPUT = 2
EXIT_BUG = 3
EXIT_INTERRUPTED = 130


def _decode(args) -> int:
    from pipelines.decoded.stage import decode_file
    from pipelines.errors import ReportRejected

    path = Path(args.file)
    if not path.is_file():
        return _fail("decode", f"{args.file}: {'is a folder, not a report file' if path.is_dir() else 'no such file'}")
    try:
        decoded = decode_file(path, _settings().max_report_bytes)
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
          f"{decoded.repairs_dropped_lines}, control characters removed {decoded.repairs_invisible}, unrecoverable {decoded.unrecoverable_chars}]", file=sys.stderr)
    return 0


def _fail(command: str, message: str, code: int = EXIT_INPUT) -> int:
    print(f"cgr {command}: {message}", file=sys.stderr)
    return code


def _build(args) -> int:
    from pipelines.raw.stage import scan_reports

    from .build import main_build

    settings = _settings()  # every setting checked once, here: a bad one is one line naming the variable
    settings.check_folders()
    folder = settings.reports_dir
    # checked before anything is created: a build in the wrong place makes no data/ or releases/
    if not folder.is_dir():
        return _fail("build", f"reports folder {folder} {'is a file' if folder.exists() else 'does not exist'}; "
                              "set CGR_REPORTS_DIR to the folder holding the report files")
    scan = scan_reports(folder)
    if not scan.reports:
        what = f"only refused files ({', '.join(r['source_file'] for r in scan.refused[:3])})" if scan.refused else "no report files (*.txt)"
        return _fail("build", f"reports folder {folder} holds {what}; nothing to build and nothing was created")
    return main_build(full=args.full, settings=settings, as_json=args.json, verbosity=args.verbosity)


def _evaluate(args) -> int:
    from pipelines.evaluate import evaluate_release, format_scores
    from pipelines.release.store import read_index

    golds, release_arg = [], None
    for arg in args.paths:
        path = Path(arg)
        if path.is_dir() and all((path / n).is_file() for n in ("indicators.csv", "projects.csv", "reports.csv")):
            golds.append(path)
        elif release_arg is None and (path.is_dir() or re.fullmatch(r"v?\d+\.\d+\.\d+", arg)):
            release_arg = arg
        else:
            reason = "it does not exist" if not path.exists() else "no indicators.csv, projects.csv and reports.csv, and not a release"
            return _fail("evaluate", f"{arg}: not a gold folder ({reason})")
    if not golds:
        return _fail("evaluate", "name at least one gold folder (indicators.csv, projects.csv, reports.csv)")
    if release_arg:
        release_dir = Path(release_arg)
        if not release_dir.is_dir():
            release_dir = _settings().releases_dir / (release_arg if release_arg.startswith("v") else f"v{release_arg}")
    else:
        releases = _settings().releases_dir
        latest = read_index(releases).get("latest") if (releases / "index.json").is_file() else None
        if latest is None:
            return _fail("evaluate", f"no release in {releases}; run `cgr build` first or name a release folder")
        release_dir = releases / latest
    absent = [n for n in ("reports", "indicators", "projects", "project_mentions") if not (release_dir / f"{n}.parquet").is_file()]
    if absent and not release_dir.exists():
        return _fail("evaluate", f"no release {release_arg} (looked for the folder {release_dir})")
    if absent:
        return _fail("evaluate", f"{release_arg or release_dir}: not a release folder (no {absent[0]}.parquet)")
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
        rows = release_rows(read_index(open_store(_store_url(args), endpoint_url=args.endpoint_url)))
    except DownloadError as exc:
        print(f"cgr releases: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(rows, ensure_ascii=False, indent=2) if args.json else (format_releases(rows) if rows else "no releases"))
    return 0


def _download(args) -> int:
    from pipelines.release.download import DownloadError, download, open_store

    quiet = args.verbosity < 0 or not sys.stderr.isatty()
    stats: dict = {}
    log = (lambda m: print(m, file=sys.stderr)) if args.verbosity > 0 or not quiet else (lambda m: None)
    try:
        files = download(open_store(_store_url(args), endpoint_url=args.endpoint_url, timeout=args.timeout), args.version, args.table or None, args.format, Path(args.to),
                         progress=not quiet, log=log, stats=stats)
    except DownloadError as exc:
        print(f"cgr download: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("cgr download: interrupted; no partial file was left under its final name", file=sys.stderr)
        return 130
    if args.verbosity >= 0:
        got, skipped = stats.get("downloaded", 0), stats.get("skipped", 0)
        print(f"{files[0].parent}: {got} files downloaded and verified, {skipped} already here (checksum matches) and skipped"
              if skipped else f"{files[0].parent}: {got} files downloaded and verified")
    return 0


EXIT_CODES = f"""exit codes:
  0    success (also: nothing new to publish; output cut short by a closed pipe such as `| head`)
  {EXIT_GATE}    the validation gate blocked the release (`cgr build`); nothing was published
  {EXIT_INPUT}    bad input: a missing or empty folder, an unknown version, table or store, a checksum mismatch,
       a malformed setting, a wrong option
  {EXIT_BUG}    an unexpected error (a bug): one line is printed; `-v` shows the traceback
  {EXIT_INTERRUPTED}  interrupted (Ctrl-C)

environment (read once, into pipelines.settings.Settings):
  CGR_REPORTS_DIR       folder of report files (default: seeds)
  CGR_DATA_DIR          asset storage and Dagster home (default: data)
  CGR_RELEASES_DIR      release store (default: releases)
  CGR_MAX_REPORT_BYTES  size limit of one report (default: 20 MB)
  CGR_UI_PORT           port of the Dagster UI started by `make ui` (default: 3000)"""


def _version() -> str:
    from pipelines.release.provenance import code_version

    return f"cgr (cn-gov-reports) {code_version()}"


def main(argv: list[str] | None = None) -> int:
    import argparse

    common = argparse.ArgumentParser(add_help=False)
    noise = common.add_mutually_exclusive_group()
    noise.add_argument("-q", "--quiet", dest="verbosity", action="store_const", const=-1, default=argparse.SUPPRESS,
                       help="print errors and the result only")
    noise.add_argument("-v", "--verbose", dest="verbosity", action="store_const", const=1, default=argparse.SUPPRESS,
                       help="print more detail (Dagster's log; a traceback on an unexpected error)")
    parser = argparse.ArgumentParser(prog="cgr", parents=[common], formatter_class=argparse.RawDescriptionHelpFormatter, epilog=EXIT_CODES,
                                     description="cn-gov-reports: Chinese local-government reports -> a validated, versioned dataset.")
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", required=True)

    def command(name: str, **kwargs):
        return sub.add_parser(name, parents=[common], formatter_class=argparse.RawDescriptionHelpFormatter, epilog=EXIT_CODES, **kwargs)

    p = command("build", help="process new or changed reports in CGR_REPORTS_DIR and publish a release if the gates pass")
    p.add_argument("--full", action="store_true", help="rebuild every report, not only new or changed ones")
    p.add_argument("--json", action="store_true", help="print the result as one JSON object (processed, refused, removed, published, version, path, ...)")
    p.set_defaults(func=_build)

    p = command("decode", help="print the decoded Simplified text of one report file")
    p.add_argument("file")
    p.add_argument("--source", action="store_true", help="print the repaired source-script text instead")
    p.set_defaults(func=_decode)

    p = command("evaluate", help="score a release (default: the latest) against one or more gold folders, each scored on its own (seeds, corpus)")
    p.add_argument("paths", nargs="+", metavar="GOLD_DIR|RELEASE",
                   help="gold folders (indicators.csv, projects.csv, reports.csv), and optionally a release folder or a version (v1.2.0) in CGR_RELEASES_DIR (default: the latest)")
    p.add_argument("--summary", action="store_true", help="scores only, without the lists of misses and extras")
    p.set_defaults(func=_evaluate)

    store_help = ("release store: the folder (or file://, http(s)://, s3:// URL) that holds releases/, or the releases folder "
                  "itself (default: CGR_RELEASES_DIR)")
    endpoint_help = "the S3 API endpoint of an s3:// store that is not AWS (MinIO, Ceph, a local server), e.g. http://127.0.0.1:9000"
    p = command("releases", help="list the releases in a store: version, date, gate status, reports and rows per table")
    p.add_argument("--store", metavar="URL", help=store_help)
    p.add_argument("--endpoint-url", metavar="URL", help=endpoint_help)
    p.add_argument("--json", action="store_true", help="print JSON (one object per release, newest first) for scripts")
    p.set_defaults(func=_releases)

    p = command(
        "download", help="download a release's files, verified against its SHA256SUMS",
        description="Download a release's tables plus datapackage.json, the data card (README.md, README.html), DATA_LICENSE.md, "
                    "CHANGELOG.md, validation.html, release.json and SHA256SUMS into DIR/<version>/. Every file is "
                    "verified against SHA256SUMS and renamed into place only when it matches; files already present with a "
                    "matching checksum are skipped. Check a partial download with `sha256sum -c --ignore-missing SHA256SUMS`.")
    p.add_argument("version", nargs="?", default="latest", help="a version such as v1.2.0 (or 1.2.0), or `latest` (default)")
    p.add_argument("--table", action="append", metavar="T", help="a table to fetch (repeatable; default: every table): reports, sentences, indicators, projects, project_mentions")
    p.add_argument("--format", choices=["parquet", "csv", "all"], default="all", help="file format(s) to fetch (default: all)")
    p.add_argument("--to", metavar="DIR", default=".", help="destination folder; files go to DIR/<version>/ (default: the current folder)")
    p.add_argument("--store", metavar="URL", help=store_help)
    p.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS",
                   help="give up a read from the store after this many seconds without data (default: 60)")
    p.add_argument("--endpoint-url", metavar="URL", help=endpoint_help)
    p.set_defaults(func=_download)

    args = parser.parse_args(argv)
    args.verbosity = getattr(args, "verbosity", 0)
    from pipelines.settings import SettingsError

    try:
        return args.func(args)
    except SettingsError as exc:
        return _fail(args.command, str(exc))
    except BrokenPipeError:
        # the reader went away (`cgr releases | head`): not an error; silence the flush at exit
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        return _fail(args.command, "interrupted", EXIT_INTERRUPTED)
    except Exception as exc:
        if args.verbosity > 0:
            raise
        return _fail(args.command, f"unexpected error: {type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''} "
                                   "(run with -v for the traceback)", EXIT_BUG)


if __name__ == "__main__":
    sys.exit(main())
