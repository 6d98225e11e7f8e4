"""Structured logging: one JSON object per line, for requests, auth events and errors."""
from __future__ import annotations

import logging
import time

from service.runtime.json_media import dumps_for_log

# Attributes every LogRecord has; anything else was passed in `extra` and belongs in the line.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}
# Never below INFO, even at LOG_LEVEL=DEBUG: their debug lines carry query parameters and request
# bodies (password and token hashes, outbox mail holding reset links).
QUIET_LIBRARIES = ("peewee", "botocore", "boto3", "urllib3")


class JsonFormatter(logging.Formatter):
    def __init__(self):
        super().__init__()
        self._second = None
        self._second_text = ""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": self._iso_time(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = record.__dict__
        for key in fields.keys() - _STANDARD:
            line[key] = fields[key]
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return dumps_for_log(line).decode()

    def _iso_time(self, created: float) -> str:
        """UTC, to the millisecond; the part up to the second is reused while it lasts."""
        second = int(created)
        if second != self._second:
            self._second = second
            self._second_text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
        return f"{self._second_text}.{int((created - second) * 1000):03d}+00:00"


def logging_dict(level: str = "INFO") -> dict:
    """A dictConfig that the server (service/runtime/server.py) and the CLI both use."""
    _skip_unused_record_fields()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json",
                                "stream": "ext://sys.stdout"}},
        "root": {"level": level, "handlers": ["stdout"]},
        "loggers": {
            # granian's own lifecycle and error lines.
            "_granian": {"level": level, "handlers": ["stdout"], "propagate": False},
            **{name: {"level": "INFO"} for name in QUIET_LIBRARIES},
        },
    }


def _skip_unused_record_fields() -> None:
    """Our lines carry no caller, thread or process fields; computing them costs every request.

    These switches are the ones the logging HOWTO lists under "Optimization".
    """
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
