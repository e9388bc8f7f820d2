import pytest

from bot.triage import engine
from bot.triage.engine import Context, TriageState
from bot.triage.schema import UNKNOWN, Problem, TriageUrgency

DAY = Context(office_hours=True, heating_season=True, night=False)
SUMMER_NIGHT = Context(office_hours=False, heating_season=False, night=True)


def _problem(**fields) -> Problem:
    base = {
        "id": "leak",
        "name": "lekkage",
        "recognise": {"words": ["lek\\w*"]},
        "outcomes": [{"urgency": "urgent"}],
    }
    return Problem.parse_obj({**base, **fields})


LEAK = _problem(
    priority=60,
    recognise={"words": ["lek\\w*", "druppel\\w*"], "entities": {"problem": ["leak"]}},
    questions=[
        {
            "id": "near_power",
            "text": "Komt het water bij de stroom?",
            "type": "yes_no",
            "yes_words": ["bij de meterkast"],
            "no_words": ["niet bij de stroom"],
        },
        {
            "id": "amount",
            "text": "Stroomt het of druppelt het?",
            "type": "choice",
            "choices": [
                {"value": "flowing", "title": "Het stroomt", "words": ["stroomt", "gutst"]},
                {"value": "dripping", "title": "Het druppelt", "words": ["druppel\\w*"]},
            ],
        },
    ],
    outcomes=[
        {"when": {"near_power": True}, "urgency": "emergency", "trade": "electrician"},
        {"when": {"amount": ["flowing", UNKNOWN]}, "urgency": "emergency", "trade": "plumber"},
        {"urgency": "urgent", "trade": "plumber"},
    ],
)
GAS = _problem(
    id="gas",
    name="gaslucht",
    priority=100,
    safety_advice="Verlaat het huis en bel 0800-9009.",
    recognise={"words": ["gas\\w*"]},
    outcomes=[{"urgency": "emergency", "trade": "heating"}],
)
BOILER = _problem(
    id="boiler",
    name="cv-ketel",
    recognise={"words": ["ketel"]},
    questions=[
        {
            "id": "pressure",
            "text": "Hoeveel bar?",
            "type": "number",
            "patterns": ["(\\d+(?:[.,]\\d+)?) ?bar"],
        },
        {"id": "vulnerable", "text": "Zijn er kwetsbare mensen?", "type": "yes_no"},
    ],
    outcomes=[
        {"when": {"pressure": {"below": 1.0}}, "urgency": "self_help", "self_help": "refill_boiler"},
        {"when": {"heating_season": True, "vulnerable": True}, "urgency": "emergency", "trade": "heating"},
        {"when": {"heating_season": True}, "urgency": "urgent", "trade": "heating"},
        {"urgency": "normal", "trade": "heating"},
    ],
)
OTHER = _problem(
    id="other_repair", name="reparatie", fallback=True, recognise={}, outcomes=[{"urgency": "normal"}]
)
ALL = [LEAK, GAS, BOILER, OTHER]


def test_recognise_prefers_the_higher_priority_problem():
    assert engine.recognise(ALL, "het lekt en ik ruik gas").id == "gas"


def test_recognise_uses_entities_and_word_boundaries():
    assert engine.recognise(ALL, "er is iets", entities={"problem": ["leak"]}).id == "leak"
    # "lek" must not match inside another word.
    assert engine.recognise(ALL, "elektriciteit doet raar") is None


def test_recognise_falls_back_to_the_categorys_catch_all_script():
    assert engine.recognise(ALL, "mijn deurbel doet raar", category="repair").id == "other_repair"
    assert engine.recognise(ALL, "mijn deurbel doet raar") is None


def test_answers_in_the_first_message_skip_their_questions():
    state, decision = engine.start(ALL, "het water gutst uit de leiding, lekt heel erg", DAY)
    assert state.answers == {"amount": "flowing"}
    # near_power is still asked: it could send an electrician instead.
    assert decision.open_questions == ("near_power",)


def test_decides_at_once_when_the_message_answers_the_most_severe_question():
    _, decision = engine.start(ALL, "lekkage bij de meterkast", DAY)
    assert decision.decided and decision.outcome.trade.value == "electrician"


def test_an_outcome_waits_only_for_questions_that_change_what_happens():
    problem = _problem(
        questions=[
            {"id": "a", "text": "Vraag a?", "type": "yes_no"},
            {"id": "b", "text": "Vraag b?", "type": "yes_no"},
        ],
        outcomes=[
            {"when": {"a": True}, "urgency": "emergency", "trade": "plumber", "advice": "Let op a."},
            {"when": {"b": True}, "urgency": "emergency", "trade": "plumber"},
            {"urgency": "normal", "trade": "plumber"},
        ],
    )
    decision = engine.decide(problem, {"b": True}, DAY)
    assert decision.decided and decision.urgency is TriageUrgency.EMERGENCY


def test_questions_come_in_order_of_severity_and_replies_are_read():
    state, decision = engine.start(ALL, "er lekt water", DAY)
    assert decision.next_question.id == "near_power"
    state, decision = engine.answer(LEAK, state, "nee", DAY)
    assert state.answers["near_power"] is False and decision.next_question.id == "amount"
    state, decision = engine.answer(LEAK, state, "2", DAY)  # the second button
    assert decision.urgency is TriageUrgency.URGENT and state.answers["amount"] == "dripping"


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ("Het stroomt", "flowing"),
        ("het druppelt alleen", "dripping"),
        ("1", "flowing"),
        ("weet ik niet", UNKNOWN),
    ],
)
def test_a_choice_is_read_from_title_words_number_or_doubt(reply, expected):
    question = LEAK.questions[1]
    assert engine.read_reply(question, reply) == expected


def test_doubt_counts_as_the_dangerous_answer_when_the_script_says_so():
    state = TriageState(problem_id="leak", answers={"near_power": False}, asked="amount")
    _, decision = engine.answer(LEAK, state, "geen idee", DAY)
    assert decision.urgency is TriageUrgency.EMERGENCY


def test_a_reply_that_answers_nothing_is_asked_once_more_then_counts_as_unknown():
    state = TriageState(problem_id="leak", answers={}, asked="near_power")
    state, decision = engine.answer(LEAK, state, "🙈🙈", DAY)
    assert state.retries == 1 and decision.next_question.id == "near_power"
    state, decision = engine.answer(LEAK, state, "pff", DAY)
    assert state.answers["near_power"] == UNKNOWN and decision.next_question.id == "amount"


def test_numbers_and_context_facts_decide():
    _, decision = engine.start(ALL, "de ketel staat op 0,6 bar", DAY)
    assert decision.urgency is TriageUrgency.SELF_HELP and decision.outcome.self_help == "refill_boiler"
    state, decision = engine.start(ALL, "ketel doet het niet", SUMMER_NIGHT)
    assert decision.next_question.id == "pressure"
    state, decision = engine.answer(BOILER, state, "1,5", SUMMER_NIGHT)
    # Out of the heating season the vulnerable-people question cannot change anything.
    assert decision.urgency is TriageUrgency.NORMAL


def test_safety_problem_is_decided_by_the_first_message():
    _, decision = engine.start(ALL, "ik ruik GAS!!", SUMMER_NIGHT)
    assert decision.decided and decision.problem.safety_advice


def test_state_survives_a_round_trip_through_a_slot():
    state = TriageState(
        problem_id="leak", answers={"near_power": False, "amount": UNKNOWN}, asked="x", retries=1
    )
    assert TriageState.from_slot(state.to_slot()) == state
    assert TriageState.from_slot(None) is None


def test_context_knows_the_heating_season_and_the_night():
    from datetime import datetime

    assert engine.context_at(datetime(2026, 1, 15, 22, 30), office_hours=False) == Context(False, True, True)
    assert engine.context_at(datetime(2026, 7, 1, 12, 0), office_hours=True) == Context(True, False, False)


SEWAGE = _problem(
    id="toilet",
    name="wc",
    recognise={"words": ["wc\\w*"]},
    questions=[
        {
            "id": "sewage",
            "text": "Komt er vies water omhoog?",
            "type": "yes_no",
            "yes_words": ["(komt|komen) (\\w+ ){0,3}omhoog", "ziek\\w*"],
            "no_words": ["geen (\\w+ ){0,4}(zieken|ouderen)"],
        },
        {"id": "only", "text": "Is dit uw enige wc?", "type": "yes_no", "yes_words": ["enige wc"]},
    ],
    outcomes=[
        {"when": {"sewage": True}, "urgency": "emergency", "trade": "plumber"},
        {"when": {"only": True}, "urgency": "emergency", "trade": "plumber"},
        {"urgency": "urgent", "trade": "plumber"},
    ],
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("de wc is verstopt en er komt water omhoog", {"sewage": True}),
        ("wc verstopt, er komt nergens vies water omhoog", {"sewage": False}),  # a negation inside
        ("wc verstopt maar niet dat er water omhoog komt", {}),  # no pattern matches at all
        ("wc doet niks, enige wc", {"only": True}),  # the negation is in the clause before
        ("wc verstopt, geen kinderen, ouderen of zieken hier", {"sewage": False}),  # inside a no-word
    ],
)
def test_negations_turn_a_yes_word_into_a_no_within_its_clause(text, expected):
    assert engine.answers_in_text(SEWAGE, text) == expected


def test_punctuation_between_words_does_not_break_patterns_but_numbers_keep_theirs():
    assert (
        engine.normalise_text("Het regent binnen!! Via het dák, 0,5 bar.")
        == "het regent binnen via het dak 0,5 bar"
    )


def test_not_words_rule_a_problem_out():
    heating = _problem(
        id="heating", name="verwarming", recognise={"words": ["ketel"], "not_words": ["warm water"]}
    )
    assert engine.recognise([heating], "ketel doet raar") is heating
    assert engine.recognise([heating], "ketel geeft geen warm water") is None


def test_a_problem_decided_as_planned_gives_way_to_a_more_urgent_one_in_the_same_message():
    tap = _problem(
        id="tap",
        name="kraan",
        priority=64,
        recognise={"words": ["kraan"]},
        outcomes=[{"urgency": "normal", "trade": "plumber"}],
    )
    wasps = _problem(
        id="wasps",
        name="wespen",
        priority=50,
        recognise={"words": ["wespennest"]},
        outcomes=[{"urgency": "urgent", "trade": "pest_control"}],
    )
    state, decision = engine.start([tap, wasps], "de kraan druppelt en er zit een wespennest", DAY)
    assert state.problem_id == "wasps" and decision.urgency is TriageUrgency.URGENT
    _, decision = engine.start([tap, wasps], "de kraan druppelt", DAY)
    assert decision.problem.id == "tap"


def test_a_generic_yes_counts_at_the_start_of_a_reply_only():
    question = LEAK.questions[0]
    assert engine.read_reply(question, "nee hoor") is False
    assert engine.read_reply(question, "ja, bij de meterkast") is True
    assert engine.read_reply(question, "met ons gaat het goed maar de kast is nat") is None
