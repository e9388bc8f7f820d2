import os
import shutil

import pytest

from bot.datafiles import DataFileError
from bot.triage.service import KnowledgeCache, load_knowledge
from bot.validation import validate_operator_data
from tests.conftest import PROJECT_DIR


@pytest.fixture
def data_dir(tmp_path):
    target = tmp_path / "data"
    target.mkdir()
    shutil.copytree(PROJECT_DIR / "data" / "triage", target / "triage")
    for name in ("selfhelp.yml", "office_hours.yml"):
        shutil.copy(PROJECT_DIR / "data" / name, target / name)
    return target


def _touch_later(path):
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_the_shipped_operator_data_is_valid():
    assert validate_operator_data(PROJECT_DIR / "data") == []


def test_an_edit_applies_without_a_restart_and_a_broken_edit_keeps_the_last_valid_version(data_dir):
    cache = KnowledgeCache(data_dir)
    assert cache.get().office_hours.handling_times["urgent"] != "Binnen 2 werkdagen."
    hours = data_dir / "office_hours.yml"
    original = hours.read_text()
    hours.write_text(
        original.replace('urgent: "We lossen dit binnen 3 werkdagen op."', 'urgent: "Binnen 2 werkdagen."')
    )
    _touch_later(hours)
    assert cache.get().office_hours.handling_times["urgent"] == "Binnen 2 werkdagen."
    hours.write_text("days: nonsense\n")
    _touch_later(hours)
    assert cache.get().office_hours.handling_times["urgent"] == "Binnen 2 werkdagen."


def test_problems_in_several_files_are_all_reported(data_dir):
    (data_dir / "selfhelp.yml").write_text("items: []\n")
    (data_dir / "office_hours.yml").write_text("days: {}\nhandling_times: {}\n")
    with pytest.raises(DataFileError) as raised:
        load_knowledge(data_dir)
    files = {problem.split(":")[0].rsplit("/", 1)[-1] for problem in raised.value.problems}
    assert files == {"selfhelp.yml", "office_hours.yml"}
    assert len(validate_operator_data(data_dir)) == len(raised.value.problems)
