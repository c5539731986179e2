"""The `newsflow` command: one entry point, one module of this package per subcommand
(COMMANDS below).

Each command module has HELP (its line in `newsflow --help`), add_arguments(parser) and
run(settings, args) returning the exit status, and imports what it needs only when it
runs: `newsflow tail` never loads spaCy. newsflow's own errors (errors.NewsflowError) end
the command with one line on stderr and their exit status (README, "Exit status"); a
reader that stops reading (`| head`) ends it quietly.
"""

from __future__ import annotations

import argparse
import importlib
import logging.config
import os
import sys
from importlib.metadata import version

from newsflow import logs
from newsflow.config import Settings, settable
from newsflow.errors import NewsflowError
from newsflow.logs import console

# command name -> its module in this package
COMMANDS = {
    "broker": "broker",
    "topics": "topics",
    "ingest": "ingest",
    "serve-ingest": "serve_ingest",
    "worker": "worker",
    "enrich": "enrich",
    "tail": "tail",
    "audit": "audit",
    "replay": "replay",
    "trending": "trending",
    "archive": "archive",
    "api": "api",
    "search": "search",
    "demo": "demo",
    "bench": "bench",
}
INTERRUPTED = 130  # the shells' status for Ctrl-C


def command(name: str):
    return importlib.import_module(f"newsflow.cli.{COMMANDS[name]}")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsflow", description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", action="version", version=f"newsflow {version('newsflow')}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        module = command(name)
        module.add_arguments(sub.add_parser(name, help=module.HELP, description=module.__doc__))
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    names = {s.name for s in settable(Settings)}
    try:
        settings = Settings.from_env().override(
            **{k: v for k, v in vars(args).items() if k in names})
        logging.config.dictConfig(logs.dict_config(settings.log_level, settings.log_format))
        logging.captureWarnings(True)  # Python's warnings too, in the log's format
        return command(args.command).run(settings, args)
    except NewsflowError as exc:
        console.error(f"newsflow {args.command}: {exc}")
        return exc.exit_code
    except BrokenPipeError:
        # The reader went away (`newsflow tail ... | head`): not an error. What is still
        # buffered for stdout has nowhere to go.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        return INTERRUPTED
