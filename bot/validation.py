"""Run `rasa data validate` and treat every warning it prints as a failure.

Rasa's own `--fail-on-warnings` still passes when, say, a response or intent is never
used. One warning is Rasa's, not ours: every retrieval intent (`faq`) is reported as a
"duplicated intent" because Rasa merges it into the domain a second time from the NLU
data (rasa/shared/importers/importer.py, `_get_domain_with_retrieval_intents`); it is
allowed only for intents that really are retrieval intents in data/nlu/.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

WARNING = re.compile(r"UserWarning: (?P<message>.*)")
RETRIEVAL_DUPLICATE = re.compile(
    r"The following duplicated intents have been found across multiple domain files: (?P<names>.*)"
)
RETRIEVAL_INTENT = re.compile(r"^\s*-\s*intent:\s*(?P<name>[\w-]+)/[\w-]+\s*$", re.MULTILINE)
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def retrieval_intents(nlu_dir: Path) -> set[str]:
    """Names of the retrieval intents (`faq` for `faq/pets`) in the NLU data files."""
    names: set[str] = set()
    for path in sorted(nlu_dir.rglob("*.yml")):
        names.update(match["name"] for match in RETRIEVAL_INTENT.finditer(path.read_text()))
    return names


def unexpected_warnings(output_lines: Iterable[str], allowed_duplicates: set[str]) -> list[str]:
    """The warnings in Rasa's output, except the duplicate report for retrieval intents."""
    found = []
    for line in output_lines:
        match = WARNING.search(ANSI.sub("", line))
        if not match:
            continue
        message = match["message"].strip()
        duplicate = RETRIEVAL_DUPLICATE.match(message)
        if duplicate and {n.strip() for n in duplicate["names"].split(",")} <= allowed_duplicates:
            continue
        found.append(message)
    return found


def validate(project_dir: Path) -> int:
    """Run Rasa's data validation, echo its output and return non-zero on any warning."""
    command = [
        sys.executable, "-m", "rasa", "data", "validate", "--fail-on-warnings",
        "--domain", "domain", "--data", "data", "--config", "config.yml",
    ]  # fmt: skip
    result = subprocess.run(command, cwd=project_dir, capture_output=True, text=True)
    output = (result.stdout + result.stderr).splitlines()
    print("\n".join(output))
    warnings = unexpected_warnings(output, retrieval_intents(project_dir / "data" / "nlu"))
    for message in warnings:
        print(f"[validate] warning: {message}")
    if result.returncode != 0 or warnings:
        print(f"[validate] FAILED: exit code {result.returncode}, {len(warnings)} warning(s)")
        return 1
    print("[validate] valid; no warnings but Rasa's own notice about the retrieval intent(s)")
    return 0
