"""Keep Rasa and TensorFlow from writing noise to stdout, which our commands reserve for data."""

from __future__ import annotations

import logging
import os
import sys
import warnings


def silence_rasa() -> None:
    """Call before the first rasa import: TensorFlow reads these variables once, at import.

    Rasa logs through structlog, whose unconfigured default prints every debug event to
    stdout; route it to stderr and keep only warnings.
    """
    import structlog

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")
    structlog.configure(
        wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
    )
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    for name in ("rasa", "tensorflow", "absl", "jieba", "matplotlib"):
        logging.getLogger(name).setLevel(logging.ERROR)
