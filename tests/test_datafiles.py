import pytest
from pydantic import BaseModel

from bot.datafiles import DataFileError, line_of, load_model, read_yaml


class Item(BaseModel):
    name: str
    size: int


class Catalogue(BaseModel):
    items: list[Item]


def test_a_validation_error_names_file_line_and_field(tmp_path):
    path = tmp_path / "catalogue.yml"
    path.write_text("items:\n  - name: a\n    size: 1\n  - name: b\n    size: large\n")
    with pytest.raises(DataFileError) as raised:
        load_model(Catalogue, path)
    (problem,) = raised.value.problems
    assert problem.startswith(f"{path}:5: items.1.size:")


def test_a_yaml_syntax_error_names_the_line(tmp_path):
    path = tmp_path / "broken.yml"
    path.write_text("items:\n  - name: a\n    size: [1\n")
    with pytest.raises(DataFileError) as raised:
        read_yaml(path)
    assert str(raised.value).startswith(f"{path}:")
    assert "invalid YAML" in str(raised.value)


def test_a_missing_file_is_reported_not_raised_as_oserror(tmp_path):
    with pytest.raises(DataFileError, match="cannot read"):
        read_yaml(tmp_path / "absent.yml")


def test_line_of_stops_at_the_deepest_existing_node(tmp_path):
    path = tmp_path / "a.yml"
    path.write_text("a:\n  b:\n    - x\n    - y\n")
    document = read_yaml(path)
    assert line_of(document, ["a", "b", 1]) == 4
    assert line_of(document, ["a", "missing", 3]) == 1
