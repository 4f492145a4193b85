"""One dynamic partition per report file (the report id)."""

import warnings

from dagster import BetaWarning, DynamicPartitionsDefinition

# the per-report assets run many partitions per run (BackfillPolicy.single_run, beta in 1.13)
warnings.filterwarnings("ignore", category=BetaWarning, message=".*backfill_policy.*")

reports_partitions = DynamicPartitionsDefinition(name="reports")
