"""RepeatFilter: a warning or error repeated dozens of times a second (aiokafka with the
broker down) is let through once per interval, with the count of those suppressed."""

from __future__ import annotations

import io
import logging
import logging.config

import orjson

from newsflow.logs import RepeatFilter, dict_config


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def record(msg: str, *args, level: int = logging.ERROR, name: str = "aiokafka") -> logging.LogRecord:
    return logging.LogRecord(name, level, __file__, 1, msg, args, None)


def test_a_repeated_error_passes_once_per_interval_then_says_how_many_were_suppressed():
    clock = Clock()
    repeats = RepeatFilter(interval=10, clock=clock)
    passed = []
    for second in range(30):  # 40 a second for 30 s, as aiokafka does with no broker
        for _ in range(40):
            clock.now = second
            line = record("Unable connect to node with id %s: %s", 1, "refused")
            if repeats.filter(line):
                passed.append(line)
    assert len(passed) == 3
    assert passed[0].getMessage() == "Unable connect to node with id 1: refused"
    assert passed[1].getMessage() == (
        "Unable connect to node with id 1: refused (399 similar suppressed in 10s)")
    assert passed[1].suppressed == 399


def test_templates_loggers_and_levels_are_limited_separately_and_info_never():
    repeats = RepeatFilter(interval=10, clock=Clock())
    assert repeats.filter(record("a %s", 1)) and not repeats.filter(record("a %s", 2))
    assert repeats.filter(record("b %s", 1))
    assert repeats.filter(record("a %s", 1, name="newsflow.ingest.http.server"))
    assert repeats.filter(record("a %s", 1, level=logging.WARNING))
    assert all(repeats.filter(record("a %s", n, level=logging.INFO)) for n in range(5))


def test_the_templates_remembered_are_bounded():
    clock = Clock()
    repeats = RepeatFilter(interval=10, clock=clock)
    for n in range(RepeatFilter.MAX_TEMPLATES * 3):  # messages formatted before logging
        clock.now = n / 1000
        assert repeats.filter(record(f"failed {n}"))
    assert len(repeats._seen) <= RepeatFilter.MAX_TEMPLATES


def test_every_service_logging_through_dict_config_is_rate_limited():
    stream = io.StringIO()
    config = dict_config("INFO", "json")
    config["handlers"]["stderr"]["stream"] = stream
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    logging.config.dictConfig(config)
    try:
        for _ in range(100):
            logging.getLogger("aiokafka.conn").error("Unable connect to %s", "127.0.0.1:9")
        logging.getLogger("newsflow").info("still here")
    finally:
        root.handlers[:], root.level = handlers, level
    lines = [orjson.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["message"] for line in lines] == ["Unable connect to 127.0.0.1:9", "still here"]
