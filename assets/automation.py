"""When the combined assets follow the per-report ones."""

from dagster import AutomationCondition

#: The tables, gates and release follow any per-report update once no report run is in
#: progress. Unlike `eager()`, a missing upstream partition does not hold them back: a refused
#: report never materialises, and the release must still go out without it.
FOLLOW_REPORTS = (
    AutomationCondition.any_deps_updated().since_last_handled()
    & ~AutomationCondition.any_deps_in_progress()
    & ~AutomationCondition.in_progress()
).with_label("follow report updates")
