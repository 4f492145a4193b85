"""One dynamic partition per report file (the report id)."""

from dagster import DynamicPartitionsDefinition

reports_partitions = DynamicPartitionsDefinition(name="reports")
