"""The NLU training files as the review inbox writes to them.

Which file holds an intent, whether an example is already known, and adding one without
disturbing the rest of the file. An accepted example goes at the end of its intent's
`examples: |` block, written the way the files are written by hand, so `git diff` shows one
added line. Known means: already a training example, or a message of a held-out set (those
must never be trained on).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

INTENT_LINE = re.compile(r"^- intent:\s*(?P<name>[\w/-]+)\s*$")
EXAMPLE_LINE = re.compile(r"^(?P<indent>\s+)- (?P<text>.*)$")
ENTITY_MARKUP = re.compile(r"\[(?P<words>[^\]]+)\]\((?P<entity>\w+)(?::(?P<value>[\w-]+))?\)")
MAX_EXAMPLE = 500


class ExampleRefused(ValueError):
    """An example the training data cannot take; the message says why, in Dutch, for the operator."""


def normalise(text: str) -> str:
    """Lower case, no accents, punctuation, entity markup or repeated spaces: how copies are spotted."""
    text = ENTITY_MARKUP.sub(lambda match: match["words"], text)
    folded = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    words = "".join(" " if unicodedata.category(c).startswith("P") else c for c in folded).split()
    return " ".join(words) or text.strip()


def _intent_blocks(path: Path) -> dict[str, int]:
    """Each intent in an NLU file and the line number of its `- intent:` line (0-based)."""
    blocks = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        match = INTENT_LINE.match(line)
        if match:
            blocks[match["name"]] = number
    return blocks


def intent_files(nlu_dir: Path) -> dict[str, Path]:
    """Every intent with training examples, and the file that holds them."""
    found: dict[str, Path] = {}
    for path in sorted(nlu_dir.glob("*.yml")):
        for name in _intent_blocks(path):
            found.setdefault(name, path)
    return found


def _examples(path: Path) -> list[str]:
    """The example texts of a training or held-out file (any intent)."""
    texts = []
    in_examples = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip().startswith("examples:"):
            in_examples = True
            continue
        match = EXAMPLE_LINE.match(line)
        if in_examples and match and len(match["indent"]) >= 4:
            texts.append(match["text"])
        elif line and not line.startswith(" "):
            in_examples = False
    return texts


def known_examples(paths: list[Path]) -> set[str]:
    """The normalised texts of every example in these files."""
    return {normalise(text) for path in paths for text in _examples(path)}


@dataclass(frozen=True)
class TrainingFiles:
    """Where examples are written (`nlu_dir`) and what must not be written again (`heldout`)."""

    nlu_dir: Path
    heldout: tuple[Path, ...]
    entities: frozenset[str]

    def labels(self) -> list[str]:
        """The intents an operator can choose from (with FAQ topics), sorted."""
        return sorted(intent_files(self.nlu_dir))

    def check(self, intent: str, text: str) -> str:
        """The example as it would be written; refused when it cannot be.

        Raises:
            ExampleRefused: unknown intent, empty or too long, a line break, unknown entity
                markup, or a text already known (training data or a held-out set).
        """
        text = " ".join(text.split())
        if intent not in intent_files(self.nlu_dir):
            raise ExampleRefused(f"Onbekende intent: {intent}")
        if not text or len(text) > MAX_EXAMPLE:
            raise ExampleRefused(f"Een voorbeeld heeft 1 tot {MAX_EXAMPLE} tekens.")
        unknown = {match["entity"] for match in ENTITY_MARKUP.finditer(text)} - self.entities
        if unknown:
            raise ExampleRefused(f"Onbekende entiteit: {', '.join(sorted(unknown))}")
        if normalise(text) in known_examples(sorted(self.nlu_dir.glob("*.yml"))):
            raise ExampleRefused("Dit voorbeeld staat al in de trainingsdata.")
        if normalise(text) in known_examples(list(self.heldout)):
            raise ExampleRefused("Dit bericht staat in een testset; die traint het model nooit.")
        return text

    def add(self, intent: str, text: str) -> Path:
        """Write the example at the end of its intent's block; returns the file written.

        Raises:
            ExampleRefused: see `check`.
        """
        text = self.check(intent, text)
        path = intent_files(self.nlu_dir)[intent]
        lines = path.read_text(encoding="utf-8").splitlines()
        start = _intent_blocks(path)[intent]
        end, indent = start + 1, "    "
        for number in range(start + 1, len(lines)):
            match = EXAMPLE_LINE.match(lines[number])
            if match and len(match["indent"]) >= 4:
                end, indent = number + 1, match["indent"]
            elif lines[number].strip() and not lines[number].startswith(" "):
                break
        lines.insert(end, f"{indent}- {text}")
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path
