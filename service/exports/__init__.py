"""Exports of a weekly plan: an Excel workbook to print and iCalendar feeds for workers' phones.

Pure functions of a scenario and its plan (no web, no storage): :func:`plan_workbook` and
:func:`worker_calendar`.
"""

from service.exports.common import ExportError, UnknownWorker, plan_problems, safe_filename_part
from service.exports.ical import event_uid, worker_calendar
from service.exports.workbook import plan_workbook, sheet_title

__all__ = [
    "ExportError",
    "UnknownWorker",
    "event_uid",
    "plan_problems",
    "plan_workbook",
    "safe_filename_part",
    "sheet_title",
    "worker_calendar",
]
