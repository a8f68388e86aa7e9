# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""StatusReports (plain data) as a diagnostic_msgs/DiagnosticArray, and back."""

from __future__ import annotations

from typing import Iterable, Optional

from diagnostic_msgs.msg import DiagnosticArray, DiagnosticStatus, KeyValue

from ishowtts_ros.status import StatusReport


def diagnostic_array(reports: Iterable[StatusReport], hardware_id: str, stamp) -> DiagnosticArray:
    array = DiagnosticArray(
        status=[
            DiagnosticStatus(
                level=bytes([report.level]),
                name=report.name,
                message=report.message,
                hardware_id=hardware_id,
                values=[KeyValue(key=k, value=v) for k, v in report.values],
            )
            for report in reports
        ]
    )
    array.header.stamp = stamp
    return array


def find_report(array: DiagnosticArray, name: str) -> Optional[StatusReport]:
    """Return the status called ``name`` in ``array`` as plain data (None when absent)."""
    for status in array.status:
        if status.name == name:
            values = [(kv.key, kv.value) for kv in status.values]
            return StatusReport(status.level[0], status.message, values, status.name)
    return None
