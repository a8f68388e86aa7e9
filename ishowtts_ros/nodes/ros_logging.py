# Copyright 2026 The ishowtts_ros Authors
# SPDX-License-Identifier: MIT

"""Send the libraries' ``logging`` records to a node's ROS logger (console, rosout, files)."""

from __future__ import annotations

import logging

LIBRARY_LOGGER = "ishowtts_ros"


class RosLogHandler(logging.Handler):
    def __init__(self, ros_logger):
        super().__init__()
        self.ros_logger = ros_logger

    def emit(self, record: logging.LogRecord) -> None:
        message = self.format(record)
        if record.levelno >= logging.ERROR:
            self.ros_logger.error(message)
        elif record.levelno >= logging.WARNING:
            self.ros_logger.warning(message)
        elif record.levelno >= logging.INFO:
            self.ros_logger.info(message)
        else:
            self.ros_logger.debug(message)


def forward_library_logs(ros_logger) -> RosLogHandler:
    """Attach a handler to the package's library loggers; returns it for removal."""
    handler = RosLogHandler(ros_logger)
    library = logging.getLogger(LIBRARY_LOGGER)
    library.addHandler(handler)
    library.setLevel(logging.INFO)
    library.propagate = False
    return handler
