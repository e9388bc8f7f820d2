"""Load the YAML data files operators edit, validated by a schema, with errors naming file and line."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

Model = TypeVar("Model", bound=BaseModel)


class DataFileError(ValueError):
    """One or more problems in a data file, each as `file:line: message`."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


def read_yaml(path: Path) -> Any:
    """Parse a YAML file keeping line numbers; a syntax error names file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise DataFileError([f"{path}: cannot read: {error.strerror}"]) from error
    try:
        return YAML(typ="rt").load(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        raise DataFileError([f"{path}:{line}: invalid YAML: {error.problem or error.context}"]) from error


def line_of(document: Any, location: Iterable[str | int]) -> int:
    """The 1-based line of the deepest node of `location` that exists in the parsed document."""
    line = 1
    node = document
    for key in location:
        if isinstance(node, CommentedMap) and key in node:
            line = node.lc.key(key)[0] + 1
            node = node[key]
        elif isinstance(node, CommentedSeq) and isinstance(key, int) and 0 <= key < len(node):
            line = node.lc.item(key)[0] + 1
            node = node[key]
        else:
            break
    return line


def to_plain(node: Any) -> Any:
    """Ruamel's commented containers as plain dicts and lists."""
    if isinstance(node, dict):
        return {str(key): to_plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [to_plain(item) for item in node]
    return node


def parse_model(model: type[Model], document: Any, path: Path) -> Model:
    """Validate a parsed document against a pydantic model; every problem names file and line."""
    try:
        return model.parse_obj(to_plain(document) if document is not None else {})
    except ValidationError as error:
        problems = []
        for item in error.errors():
            location = [part for part in item["loc"] if part != "__root__"]
            where = ".".join(str(part) for part in location) or "file"
            problems.append(f"{path}:{line_of(document, location)}: {where}: {item['msg']}")
        raise DataFileError(problems) from error


def load_model(model: type[Model], path: Path) -> Model:
    """Read and validate one data file."""
    return parse_model(model, read_yaml(path), path)


def problem_at(path: Path, document: Any, location: Sequence[str | int], message: str) -> str:
    """A cross-reference problem found after validation, in the same `file:line: message` form."""
    where = ".".join(str(part) for part in location)
    return f"{path}:{line_of(document, location)}: {where}: {message}"
