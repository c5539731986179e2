"""Names cased naturally when the source shouts them: wire datelines ("NEW DELHI") and
all-caps copy. Shared by the dateline (metadata) and the canonical entities."""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W\d_]+")
_ELIDED_LETTER = re.compile(r"(?<=['’])[A-Z]\b")  # "DON'T" -> "Don'T" -> "Don't"


def natural_case(name: str) -> str:
    """``name`` in title case when it is written in capitals ("NEW DELHI" -> "New Delhi",
    "SAINT-DENIS" -> "Saint-Denis", "O'NEILL" -> "O'Neill"); a short single word is an
    abbreviation ("UK") and stays."""
    if not name.isupper() or (len(name) <= 3 and " " not in name):
        return name
    titled = _WORD.sub(lambda m: m[0].capitalize(), name)
    return _ELIDED_LETTER.sub(lambda m: m[0].lower(), titled)
