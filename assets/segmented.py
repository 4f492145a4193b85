"""The segmented layer's asset: sentences with offsets, section, part and tokens."""

import pandas as pd
from dagster import AssetExecutionContext, asset

from pipelines.decoded.stage import Decoded
from pipelines.segmented.sentences import Segmented
from pipelines.segmented.stage import segment_report

from .common import preview
from .partitions import reports_partitions


@asset(partitions_def=reports_partitions, group_name="segmented", description="Sentences, headings, titles and captions with offsets, section, part (review/plan) and tokens.")
def segmented_report(context: AssetExecutionContext, decoded_report: Decoded) -> Segmented:
    seg = segment_report(context.partition_key, decoded_report)
    body = [s for s in seg.sentences if s.block == "body"]
    context.add_output_metadata({
        "rows": len(seg.sentences), "body_sentences": len(body),
        "review_sentences": sum(s.part == "review" for s in body), "plan_sentences": sum(s.part == "plan" for s in body),
        "truncated": sum(s.truncated for s in seg.sentences),
        "preview": preview(pd.DataFrame([{"sentence_id": s.sentence_id, "block": s.block, "part": s.part, "text": s.text} for s in seg.sentences[:5]]),
                           ["sentence_id", "block", "part", "text"]),
    })
    return seg
