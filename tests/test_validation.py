from bot.validation import retrieval_intents, unexpected_warnings

RASA_OUTPUT = [
    "2026-11-27 06:53:51 INFO     rasa.validator  - Validating intents...",
    "\x1b[93m/x/rasa/shared/utils/io.py:100: UserWarning: The following duplicated intents have been "
    "found across multiple domain files: faq",
    "\x1b[93m/x/io.py:100: UserWarning: The intent 'inform' is not used in any story or rule.",
]


def test_unused_intents_are_reported_even_though_rasa_passes():
    assert unexpected_warnings(RASA_OUTPUT, {"faq"}) == [
        "The intent 'inform' is not used in any story or rule."
    ]


def test_the_duplicate_report_is_allowed_only_for_retrieval_intents():
    warnings = unexpected_warnings(RASA_OUTPUT[:2], allowed_duplicates=set())
    assert warnings == ["The following duplicated intents have been found across multiple domain files: faq"]
    assert unexpected_warnings(RASA_OUTPUT[:2], allowed_duplicates={"faq"}) == []


def test_retrieval_intents_are_read_from_the_nlu_files(tmp_path):
    (tmp_path / "faq.yml").write_text("nlu:\n- intent: faq/pets\n  examples: |\n    - mag ik een hond\n")
    (tmp_path / "repair.yml").write_text("nlu:\n- intent: report_repair\n  examples: |\n    - kraan lekt\n")
    assert retrieval_intents(tmp_path) == {"faq"}


def test_the_project_has_the_faq_retrieval_intent():
    from tests.conftest import PROJECT_DIR

    assert retrieval_intents(PROJECT_DIR / "data" / "nlu") == {"faq"}
