import io
import json
import logging

import pytest

from kaffebro.core.logs import JsonFormatter, RequestContextFilter


@pytest.fixture
def log_lines():
    """The configured console handler (settings.LOGGING), writing JSON into a buffer for the test."""
    handler = next(
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(item, RequestContextFilter) for item in handler.filters)
    )
    buffer = io.StringIO()
    stream, formatter = handler.setStream(buffer), handler.formatter
    handler.setFormatter(JsonFormatter())
    try:
        yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    finally:
        handler.setFormatter(formatter)
        handler.setStream(stream)
