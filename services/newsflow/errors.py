"""newsflow's own errors: one root, a few kinds, each with the exit status the `newsflow`
command ends with (README, "Exit status"). Library code raises them; only cli/ turns them
into one line on stderr and that status.

Bad input is not among them: an article that cannot be parsed or enriched is data
(core.article.BadArticle), dead-lettered with its reason, never a reason to stop.
"""

from __future__ import annotations


class NewsflowError(Exception):
    """Something the person running newsflow must fix or wait for, said in one line."""

    exit_code = 1


class ConfigError(NewsflowError):
    """A setting (NEWSFLOW_*, the config file) or a flag that cannot work."""

    exit_code = 2


class UsageError(NewsflowError):
    """A command line that cannot work: a missing file, an unknown topic, flags that
    contradict each other."""

    exit_code = 2


class Unavailable(NewsflowError):
    """A service newsflow needs does not answer, or refuses it: Kafka (unreachable, wrong
    credentials, certificates), a worker, a port already taken."""

    exit_code = 3


class Failed(NewsflowError):
    """The command ran and what it checks does not hold (an audit that finds missing or
    doubled articles, a demo whose article did not come out)."""

    exit_code = 1
