import shutil

import pytest

from bot.review.nlu_files import ExampleRefused, TrainingFiles, intent_files, normalise
from tests.conftest import PROJECT_DIR


@pytest.fixture
def files(tmp_path):
    shutil.copytree(PROJECT_DIR / "data" / "nlu", tmp_path / "nlu")
    heldout = tuple(sorted((PROJECT_DIR / "tests" / "nlu").glob("heldout*.yml")))
    return TrainingFiles(tmp_path / "nlu", heldout, frozenset({"object", "room", "problem"}))


def _examples_of(files, intent):
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(files.nlu_dir))
    return [e.get("text") for e in data.training_examples if e.get_full_intent() == intent]


def test_every_intent_and_faq_topic_is_found_in_its_file(files):
    found = intent_files(files.nlu_dir)
    assert found["report_repair"].name == "repair.yml" and found["faq/pets"].name == "faq.yml"
    assert "faq/pets" in files.labels() and "out_of_scope" in files.labels()


def test_an_example_is_added_at_the_end_of_its_intents_block_and_rasa_reads_it(files):
    before = (files.nlu_dir / "faq.yml").read_text()
    path = files.add("faq/pets", "mag mijn   papegaai op het balkon")
    after = path.read_text()
    assert path.name == "faq.yml" and len(after.splitlines()) == len(before.splitlines()) + 1
    assert "mag mijn papegaai op het balkon" in _examples_of(files, "faq/pets")
    assert "mag mijn papegaai op het balkon" not in _examples_of(files, "faq/rent_allowance")


def test_entity_markup_is_kept_and_checked(files):
    files.add("report_repair", "de [kraan](object:tap) in de schuur is gesprongen")
    (example,) = [t for t in _examples_of(files, "report_repair") if "schuur is gesprongen" in t]
    assert example == "de kraan in de schuur is gesprongen"  # Rasa reads the markup as an entity
    with pytest.raises(ExampleRefused, match="Onbekende entiteit: kleur"):
        files.add("report_repair", "de [rode](kleur) deur klemt")


@pytest.mark.parametrize(
    ("intent", "text", "why"),
    [
        (
            "report_repair",
            "HELP er stroomt water over de vloer van de badkamer 😭",
            "staat al in de trainingsdata",
        ),
        (
            "report_repair",
            "De [kraan](object:tap) in de KEUKEN blijft maar druppen, ik krijg hem niet meer dicht!",
            "staat al",
        ),
        ("made_up", "iets nieuws", "Onbekende intent"),
        ("report_repair", "   ", "1 tot 500"),
        ("report_repair", "x" * 501, "1 tot 500"),
    ],
)
def test_known_unknown_empty_or_too_long_examples_are_refused_and_nothing_is_written(
    files, intent, text, why
):
    before = {path.name: path.read_text() for path in files.nlu_dir.glob("*.yml")}
    with pytest.raises(ExampleRefused, match=why):
        files.add(intent, text)
    assert before == {path.name: path.read_text() for path in files.nlu_dir.glob("*.yml")}


def test_a_held_out_message_is_never_written_to_the_training_data(files):
    from rasa.shared.nlu.training_data.loading import load_data

    held_out = load_data(str(files.heldout[0])).training_examples[0]
    with pytest.raises(ExampleRefused, match="testset"):
        files.add(held_out.get_full_intent(), held_out.get("text"))


def test_copies_are_spotted_across_case_accents_punctuation_and_markup():
    assert normalise("Café, [kraan](object:tap) LEKT!") == normalise("cafe kraan lekt")
