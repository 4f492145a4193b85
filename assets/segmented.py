"""The segmented layer's asset: sentences with offsets, section, part and tokens."""

from collections.abc import Mapping

import pandas as pd
from dagster import AssetExecutionContext, BackfillPolicy, asset

from pipelines.segmented.stage import segment_report

from .common import for_each_report, partition_metadata, preview
from .partitions import reports_partitions
from .resources import CgrSettings


@asset(partitions_def=reports_partitions, backfill_policy=BackfillPolicy.single_run(), group_name="segmented",
       description="Sentences, headings, titles and captions with offsets, section, part (review/plan) and tokens.")
def segmented_report(context: AssetExecutionContext, cgr: CgrSettings, decoded_report: Mapping):
    def work(report_id: str) -> dict | None:
        if report_id not in decoded_report:
            return None
        seg = segment_report(report_id, decoded_report[report_id])
        body = [s for s in seg.sentences if s.block == "body"]
        partition_metadata(context, report_id, {
            "rows": len(seg.sentences), "body_sentences": len(body),
            "review_sentences": sum(s.part == "review" for s in body), "plan_sentences": sum(s.part == "plan" for s in body),
            "truncated": sum(s.truncated for s in seg.sentences),
            "preview": preview(pd.DataFrame({"sentence_id": [s.sentence_id for s in seg.sentences[:5]], "block": [s.block for s in seg.sentences[:5]],
                                             "part": [s.part for s in seg.sentences[:5]], "text": [s.text for s in seg.sentences[:5]]}),
                               ["sentence_id", "block", "part", "text"]),
        })
        return {"segmented_report": seg}

    for_each_report(context, cgr, work)
