"""The alias table: names that mean one thing ("Kiev" and "Kyiv", "US" and "United States").

The table ships as ``data/aliases.json``: ``{"Canonical name": {"label": "GPE",
"aliases": ["Other name", ...]}}`` (``label`` is optional). To extend it without editing
the package, :func:`load` takes a JSON file of the same shape (the service passes its
``NEWSFLOW_ALIASES`` setting): its entries are merged over the shipped ones, an entry
with the same canonical name replacing the shipped entry and its aliases taking
precedence. Lookups ignore case, except that all-lowercase text (a pronoun like "us") is
never an alias.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

from newsflow.core.errors import AliasTableError

SHIPPED = Path(__file__).parents[1] / "data" / "aliases.json"


@dataclass(frozen=True, slots=True)
class Aliases:
    canonical: dict[str, str]  # casefolded name or alias -> canonical name
    labels: dict[str, str]  # canonical name -> its entity label

    def normalize(self, name: str) -> str:
        """The canonical name for ``name``, or ``name`` itself when the table lacks it."""
        if name.islower():
            return name
        return self.canonical.get(name.casefold(), name)

    def label(self, canonical: str) -> str | None:
        return self.labels.get(canonical)

    def known(self, name: str) -> bool:
        """Whether the table lists ``name`` as a name or an alias."""
        return self.normalize(name) != name or name.casefold() in self.canonical


def load(extra: str | Path | None = None) -> Aliases:
    """The shipped table merged with the one in the file ``extra`` names, if any (each file
    read once); AliasTableError if it cannot be read or is not a table."""
    return _load(str(extra) if extra else None)


@functools.cache
def _load(extra: str | None) -> Aliases:
    user = _read(Path(extra)) if extra else {}
    shipped = {name: entry for name, entry in _read(SHIPPED).items() if name not in user}
    canonical: dict[str, str] = {}
    labels: dict[str, str] = {}
    for name, entry in (*shipped.items(), *user.items()):  # later entries win a shared alias
        for form in (name, *entry.get("aliases", ())):
            canonical[form.casefold()] = name
        if entry.get("label"):
            labels[name] = entry["label"]
    return Aliases(canonical, labels)


def _read(path: Path) -> dict[str, dict]:
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise AliasTableError(f"alias table {path}: {exc}") from None
    if not isinstance(entries, dict) or not all(isinstance(e, dict) for e in entries.values()):
        raise AliasTableError(f"alias table {path}: expected {{name: {{label, aliases}}}}")
    return entries
