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


def test_every_retrieval_intent_is_read_not_only_faq(tmp_path):
    (tmp_path / "chitchat.yml").write_text("nlu:\n- intent: chitchat/ask_name\n  examples: |\n    - wie?\n")
    (tmp_path / "faq.yml").write_text("nlu:\n- intent: faq/pets\n  examples: |\n    - mag ik een hond\n")
    assert retrieval_intents(tmp_path) == {"chitchat", "faq"}


def test_the_project_has_the_faq_retrieval_intent():
    from tests.conftest import PROJECT_DIR

    assert retrieval_intents(PROJECT_DIR / "data" / "nlu") == {"faq"}


def test_form_questions_are_allowed_only_for_required_slots_of_forms(tmp_path):
    from bot.validation import form_questions

    (tmp_path / "forms.yml").write_text(
        "forms:\n  address_form:\n    required_slots:\n      - postcode\n"
        "responses:\n  utter_ask_postcode:\n    - text: Wat is uw postcode?\n"
    )
    allowed = frozenset(form_questions(tmp_path))
    assert allowed == {"utter_ask_postcode", "utter_ask_address_form_postcode"}
    lines = [
        "x.py:100: UserWarning: The utterance 'utter_ask_postcode' is not used in any story or rule.",
        "x.py:100: UserWarning: The utterance 'utter_goodbye' is not used in any story or rule.",
    ]
    assert unexpected_warnings(lines, set(), allowed) == [
        "The utterance 'utter_goodbye' is not used in any story or rule."
    ]


def test_operator_data_validation_checks_the_faq_answers_against_the_nlu_data(tmp_path):
    import shutil

    from bot.validation import validate_operator_data
    from tests.conftest import PROJECT_DIR

    data_dir = tmp_path / "data"
    shutil.copytree(PROJECT_DIR / "data", data_dir, ignore=shutil.ignore_patterns("nlu"))
    assert validate_operator_data(data_dir) == [f"{data_dir / 'nlu'}: the NLU data directory does not exist"]
    nlu_dir = tmp_path / "nlu"
    nlu_dir.mkdir()
    (nlu_dir / "faq.yml").write_text(
        "nlu:\n- intent: faq/pets\n  examples: |\n    - mag ik een hond\n"
        "- intent: faq/lift\n  examples: |\n    - wie repareert de lift\n"
    )
    problems = validate_operator_data(data_dir, nlu_dir=nlu_dir)
    assert (
        problems[0]
        == f"{nlu_dir / 'faq.yml'}:5: faq/lift: no answer for this topic in {data_dir / 'faq_answers.yml'}"
    )
    without_examples = [p.split(": ")[1] for p in problems[1:]]
    assert len(without_examples) == 15 and "answers.pets" not in without_examples
    assert all(p.startswith(f"{data_dir / 'faq_answers.yml'}:") for p in problems[1:])


def test_a_retrieval_action_without_responses_is_allowed_only_for_retrieval_intents():
    lines = [
        "x.py:100: UserWarning: Action 'utter_faq' is listed as a response action in the domain file, "
        "but there is no matching response defined. Please check your domain.",
        "x.py:100: UserWarning: Action 'utter_greet' is listed as a response action in the domain file, "
        "but there is no matching response defined. Please check your domain.",
    ]
    assert unexpected_warnings(lines, {"faq"}) == [lines[1].split("UserWarning: ")[1]]
    assert len(unexpected_warnings(lines, set())) == 2
