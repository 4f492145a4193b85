"""The `cgr` command line."""

import argparse
import sys
from pathlib import Path


def _decode(args) -> int:
    from pipelines.decode import decode_file
    from pipelines.errors import ReportRejected

    try:
        decoded = decode_file(Path(args.file))
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
    from pipelines.evaluate import evaluate_release, format_scores

    scores = evaluate_release(Path(args.gold_dir), Path(args.release_dir) if args.release_dir else None)
    print(format_scores(scores, details=not args.summary))
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

    p = sub.add_parser("evaluate", help="score a release (default: the latest) against a gold folder")
    p.add_argument("gold_dir")
    p.add_argument("release_dir", nargs="?")
    p.add_argument("--summary", action="store_true", help="scores only, without the lists of misses and extras")
    p.set_defaults(func=_evaluate)

    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
