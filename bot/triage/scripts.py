"""Load and cross-check the triage scripts in `data/triage/`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.datafiles import DataFileError, parse_model, problem_at, read_yaml
from bot.triage.schema import Problem, TriageFile

PROJECT_DIR = Path(__file__).resolve().parents[2]
DEFAULT_TRIAGE_DIR = PROJECT_DIR / "data" / "triage"


@dataclass(frozen=True)
class Scripts:
    """Every problem's script, in file order."""

    problems: tuple[Problem, ...]

    def get(self, problem_id: str) -> Problem:
        """The script of a problem id; KeyError if there is none."""
        for problem in self.problems:
            if problem.id == problem_id:
                return problem
        raise KeyError(problem_id)

    def self_help_ids(self) -> set[str]:
        return {o.self_help for p in self.problems for o in p.outcomes if o.self_help}


def load_scripts(
    directory: Path = DEFAULT_TRIAGE_DIR, *, self_help_ids: Iterable[str] | None = None
) -> Scripts:
    """Read every `*.yml` under `directory`; all problems of all files are reported at once.

    With `self_help_ids`, outcomes must name items of the self-help catalogue.

    Raises:
        DataFileError: naming file and line of each problem found.
    """
    files = sorted(directory.glob("*.yml"))
    if not files:
        raise DataFileError([f"{directory}: no triage scripts (*.yml) found"])
    problems: list[Problem] = []
    errors: list[str] = []
    seen: dict[str, Path] = {}
    catalogue = set(self_help_ids) if self_help_ids is not None else None
    for path in files:
        try:
            document = read_yaml(path)
            parsed = parse_model(TriageFile, document, path)
        except DataFileError as error:
            errors.extend(error.problems)
            continue
        for index, problem in enumerate(parsed.problems):
            where = ["problems", index]
            if problem.id in seen:
                errors.append(
                    problem_at(
                        path, document, [*where, "id"], f"{problem.id!r} is also in {seen[problem.id]}"
                    )
                )
            seen.setdefault(problem.id, path)
            for number, outcome in enumerate(problem.outcomes):
                if catalogue is not None and outcome.self_help and outcome.self_help not in catalogue:
                    location = [*where, "outcomes", number, "self_help"]
                    errors.append(
                        problem_at(path, document, location, f"no self-help item {outcome.self_help!r}")
                    )
            problems.append(problem)
    errors.extend(_fallback_problems(problems))
    if errors:
        raise DataFileError(errors)
    return Scripts(problems=tuple(problems))


def _fallback_problems(problems: list[Problem]) -> list[str]:
    """At most one fallback script per category."""
    categories = [p.category for p in problems if p.fallback]
    return [
        f"data/triage: more than one fallback script for category {c}"
        for c in set(categories)
        if categories.count(c) > 1
    ]
