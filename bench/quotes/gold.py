"""PolNeAR gold attributions (first annotator per article), for the mining and error scripts."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from pathlib import Path

import numpy
import spacy
from spacy.tokens import Doc, DocBin

_SPAN = re.compile(r"^(T\d+)\t(\S+) ([\d ;]+)\t", re.M)
_REL = re.compile(r"^E\d+\t(.*)$", re.M)


def _ranges(field: str) -> list[tuple[int, int]]:
    return [tuple(int(x) for x in part.split()) for part in field.split(";")]


def load(corpus: Path) -> dict[str, list[dict]]:
    """Article name -> attributions as {"content", "source", "cue": [(start, end), ...]}."""
    out: dict[str, list[dict]] = {}
    files = sorted((corpus / "attributions").glob("*.ann"))
    for path in files:
        name = path.stem.rsplit("_", 1)[0]
        if name in out:
            continue
        ann = path.read_text(encoding="utf-8")
        spans = {m[1]: _ranges(m[3]) for m in _SPAN.finditer(ann)}
        rels = []
        for m in _REL.finditer(ann):
            roles: dict[str, list] = {"content": [], "source": [], "cue": []}
            for arg in m[1].split():
                role, _, tid = arg.partition(":")
                key = {"Content": "content", "Content2": "content", "Source": "source", "Cue": "cue"}.get(role)
                if key and tid in spans:
                    roles[key] += spans[tid]
            if roles["content"]:
                rels.append(roles)
        out[name] = rels
    return out


def parsed(docbin: Path, vocab=None) -> Iterator[Doc]:
    """The docs bench/quotes/parse_corpus.py wrote, each with tok2vec's tensor back in place
    (the scorer reads it, a DocBin drops it)."""
    for doc in DocBin().from_disk(docbin).get_docs(vocab or spacy.blank("en").vocab):
        stored = doc.user_data.pop("tensor", None)
        if stored is not None:
            doc.tensor = numpy.frombuffer(stored, dtype="float16").astype("float32").reshape(len(doc), -1)
        yield doc


def arguments(doc: str) -> argparse.ArgumentParser:
    """The command line of a script over a parsed split (``doc`` its module docstring): the
    DocBin bench/quotes/parse_corpus.py wrote, and the PolNeAR split it came from."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("docbin", type=Path, help="the split parsed once by bench/quotes/parse_corpus.py")
    parser.add_argument("corpus", type=Path, help="a PolNeAR split (text/ and annotations)")
    return parser
