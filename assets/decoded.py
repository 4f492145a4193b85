"""The decoded layer's asset: clean Simplified text and the repaired source-script text."""

from dagster import AssetExecutionContext, MetadataValue, asset

from pipelines.decoded.stage import Decoded, decode
from pipelines.errors import ReportRejected
from pipelines.raw.stage import RawReport

from .common import refuse
from .partitions import reports_partitions
from .resources import CgrSettings


@asset(partitions_def=reports_partitions, group_name="decoded", description="Clean Simplified text and the repaired source-script text, with the encoding and repair counts.")
def decoded_report(context: AssetExecutionContext, cgr: CgrSettings, raw_report: RawReport) -> Decoded:
    try:
        d = decode(raw_report)
    except ReportRejected as exc:
        raise refuse(cgr, context.partition_key, exc) from None
    context.add_output_metadata({
        "encoding": d.encoding, "script": d.script, "chars": len(d.text),
        "repairs_pinyin": d.repairs_pinyin, "repairs_mojibake": d.repairs_mojibake,
        "repairs_punctuation": d.repairs_punctuation, "repairs_dropped_lines": d.repairs_dropped_lines,
        "unrecoverable_chars": d.unrecoverable_chars,
        "preview": MetadataValue.md("```\n" + d.text[:400] + "\n```"),
    })
    return d
