"""Start the real stack as `make run` does, talk to it, and stop it with Ctrl-C."""

import json
import os
import re
import signal
import sqlite3
import time
import urllib.error
import urllib.parse
import urllib.request

import psutil
import pytest

from tests.stack import WEB_TOKEN, delivered, running_stack


@pytest.fixture(scope="module")
def stack(trained_model, tmp_path_factory):
    with running_stack(tmp_path_factory) as running:
        yield running


def test_rest_webhook_answers_a_dutch_message(stack):
    started = time.perf_counter()
    replies = stack.post("tenant-1", "Hallo, mijn kraan in de keuken lekt")
    print(f"first reply after {time.perf_counter() - started:.3f} s")
    assert replies and all(reply["recipient_id"] == "tenant-1" for reply in replies)
    assert any(reply.get("text") for reply in replies)


def test_custom_actions_run_on_the_action_server(stack):
    # An intent sent directly skips the NLU model. Only action_register_category, on the
    # action server, sets the slots that the rules and the summary response depend on.
    replies = stack.post("tenant-2", '/report_repair{"object": "tap", "problem": "leak"}')
    assert "Vervelend" in _texts(replies)  # action_register_category started triage
    slots = stack.tracker("tenant-2")["slots"]
    assert slots["triage"]["problem"] and slots["category"] == "repair"
    replies = stack.post("tenant-2b", "/report_nuisance")
    assert any("overlast" in reply.get("text", "") for reply in replies)
    assert stack.tracker("tenant-2b")["slots"]["category"] == "nuisance"


def _texts(replies):
    return " ".join(reply.get("text", "") for reply in replies)


def test_a_demo_tenant_is_verified_before_hearing_about_their_reports(stack):
    # Demo tenant DL-10002 (README): 9999 XA 3, born 16-01-1970. Intents are sent as
    # payloads; the answers are free text, as the form takes them whatever the NLU says.
    stack.post("tenant-4", "/ticket_status")
    assert "postcode" in _texts(stack.post("tenant-4", "/affirm"))
    assert "postcode" in _texts(stack.post("tenant-4", "Lindenlaan"))  # asked again, with an example
    assert "huisnummer" in _texts(stack.post("tenant-4", "9999 xa"))
    assert "geboortedatum" in _texts(stack.post("tenant-4", "3"))
    replies = _texts(stack.post("tenant-4", "16-01-1970"))
    assert "kloppen" in replies and "meldingen" in replies


def test_a_leak_through_the_ceiling_becomes_an_emergency_ticket_after_summary_and_verification(stack):
    replies = _texts(stack.post("tenant-6", "Help!! er komt water door het plafond van de badkamer"))
    # Decided by the first message: the summary to confirm comes at once.
    assert "Dus als ik het goed begrijp: lekkage in de badkamer; dit is spoed" in replies
    assert "loodgieter" in replies
    assert "postcode" in _texts(stack.post("tenant-6", "ja dat klopt"))
    stack.post("tenant-6", "9999 XA")
    stack.post("tenant-6", "3")
    replies = _texts(stack.post("tenant-6", "16-01-1970"))
    number = re.search(r"R-\d{4}-\d{6}", replies)
    assert number and "Uw melding staat bij ons onder nummer" in replies
    request = urllib.request.Request(
        f"{stack.web_url}/api/tickets?format=json", headers={"Authorization": f"Bearer {WEB_TOKEN}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        tickets = json.loads(response.read())["tickets"]
    (ticket,) = [t for t in tickets if t["number"] == number.group(0)]
    assert (ticket["urgency"], ticket["trade"], ticket["problem"]) == ("emergency", "plumber", "water_leak")
    assert (ticket["address"], ticket["room"]) == ("9999XA 3", "bathroom")


def test_gas_gets_safety_advice_and_a_colleague_is_warned_before_any_question(stack):
    replies = [reply.get("text", "") for reply in stack.post("tenant-9", "ik ruik gas in de keuken")]
    advice = next(i for i, text in enumerate(replies) if "0800-9009" in text)
    warned = next(i for i, text in enumerate(replies) if "direct doorgegeven" in text)
    summary = next(
        i for i, text in enumerate(replies) if text.startswith("Dus als ik het goed begrijp: gaslucht")
    )
    assert advice == 0 and advice < warned < summary
    with sqlite3.connect(stack.var_dir / "app.db") as connection:
        reasons = connection.execute(
            "SELECT reason FROM escalations WHERE conversation_id = 'tenant-9'"
        ).fetchall()
        alerts = connection.execute("SELECT text FROM outbox_messages WHERE ticket_id IS NULL").fetchall()
    assert reasons == [("safety",)]
    assert any("ESCALATIE" in text and "tenant-9" in text for (text,) in alerts)


def test_a_question_during_triage_is_answered_and_the_triage_question_comes_back(stack):
    question = stack.post("tenant-10", "er lekt water in de badkamer")[-1]["text"]
    replies = _texts(stack.post("tenant-10", "mag ik eigenlijk een hond houden in mijn woning?"))
    assert "huisdier" in replies.lower()
    assert question.endswith("?") and question in replies  # the same triage question again


def test_whatsapp_through_the_signed_webhook_a_replayed_message_gives_one_reply_and_one_ticket(stack):
    # Demo tenant DL-10031, 9999 XC 2-1, born 5 June 1983; no other test reports for this home.
    phone = "+31612345030"
    steps = [
        ("er komt water door het plafond van de badkamer", "Klopt dat?"),
        ("1", "postcode"),  # the numbered first button: "Ja, dat klopt"
        ("9999 XC", "huisnummer"),
        ("2-1", "geboortedatum"),
    ]
    for number, (body, expect) in enumerate(steps):
        assert stack.whatsapp(phone, body, f"SMe2e{number}") == 200
        texts = delivered(stack, phone, expect=expect)
        assert any(expect in text for text in texts), (body, texts)
        if number == 0:  # a photo without words at the summary: it goes with the report
            photo = {
                "NumMedia": "1",
                "MediaUrl0": "https://api.twilio.example/m/1",
                "MediaContentType0": "image/jpeg",
            }
            assert stack.whatsapp(phone, "", "SMe2e-photo", extra=photo) == 200
            texts = delivered(stack, phone, expect="Uw foto sturen we mee")
            assert any("de foto sturen we mee" in text for text in texts), texts
    for _ in range(5):  # Twilio retrying the last message
        assert stack.whatsapp(phone, "05-06-1983", "SMe2e-last") == 200
    texts = delivered(stack, phone, expect="Uw melding staat bij ons onder nummer")
    assert sum("Uw melding staat bij ons onder nummer" in text for text in texts) == 1, texts
    request = urllib.request.Request(
        f"{stack.web_url}/api/tickets?format=json", headers={"Authorization": f"Bearer {WEB_TOKEN}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        tickets = [t for t in json.loads(response.read())["tickets"] if t["address"] == "9999XC 2-1"]
    assert len(tickets) == 1 and tickets[0]["urgency"] == "emergency"
    with sqlite3.connect(stack.var_dir / "app.db") as connection:
        (photos,) = connection.execute(
            "SELECT photos FROM tickets WHERE number = ?", (tickets[0]["number"],)
        ).fetchone()
    assert json.loads(photos) == ["https://api.twilio.example/m/1"]  # the photo went with the ticket


def test_a_10000_character_whatsapp_message_gets_an_answer(stack):
    text = "Er lekt water bij de buren en bij mij in de gang. " * 200
    assert stack.whatsapp("+31612345032", text[:10_000], "SMe2e-long") == 200
    assert delivered(stack, "+31612345032", expect="")  # some reply came


def test_an_unsigned_whatsapp_webhook_is_refused(stack):
    request = urllib.request.Request(
        f"{stack.rasa_url}/webhooks/whatsapp/webhook",
        data=b"MessageSid=SMx&From=whatsapp%3A%2B31612345002&Body=hoi",
        headers={"X-Twilio-Signature": "forged"},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 403


def test_the_simulator_chats_through_the_real_webhook(stack):
    with urllib.request.urlopen(f"{stack.web_url}/simulator", timeout=10) as response:
        assert "Huurder-simulator" in response.read().decode()
    body = urllib.parse.urlencode({"phone": "06-12345029", "text": "mag ik een kat houden?"}).encode()
    with urllib.request.urlopen(
        urllib.request.Request(f"{stack.web_url}/simulator/send", data=body), timeout=60
    ) as r:
        assert json.loads(r.read())["status"] == 200
    assert any("huisdier" in text.lower() for text in delivered(stack, "+31612345029", expect="uisdier"))


def test_a_leak_is_asked_about_then_when_the_tenant_is_home(stack):
    replies = stack.post("tenant-7", "er lekt water in de badkamer")
    assert "Vervelend" in _texts(replies)
    buttons = [button["title"] for reply in replies for button in reply.get("buttons", [])]
    assert buttons == ["Ja", "Nee", "Weet ik niet"]  # the script's first question, as buttons
    texts = ""
    for _ in range(4):
        answer = "het druppelt" if "druppelt het" in _texts(replies) else "nee"
        replies = stack.post("tenant-7", answer)
        texts = _texts(replies)
        if "Wanneer bent u thuis" in texts:
            break
    assert "Wanneer bent u thuis" in texts
    summary = _texts(stack.post("tenant-7", "maandag en woensdag in de ochtend"))
    assert "Dus als ik het goed begrijp" in summary and "op maandag en woensdag, in de ochtend" in summary


def test_arrears_are_met_with_help_and_a_colleague_calls_back_on_the_number_given(stack):
    stack.post("tenant-8", "/payment_arrears")
    assert "wat er aan de hand is" in _texts(stack.post("tenant-8", "/affirm"))
    replies = _texts(stack.post("tenant-8", "ik ben ziek geweest en mijn inkomen is minder"))
    # The REST sender id is no phone number, so the bot asks for one.
    assert "betalingsregeling" in replies and "telefoonnummer" in replies
    assert "Een collega belt u" in _texts(stack.post("tenant-8", "06 12345678"))


def test_wrong_answers_never_say_which_and_a_lockout_goes_to_a_colleague(stack):
    stack.post("tenant-5", "/ticket_status")
    stack.post("tenant-5", "/affirm")
    replies = []
    for _ in range(3):
        for answer in ("9999XA", "3", "17-01-1970"):
            replies = stack.post("tenant-5", answer)
    texts = _texts(replies)
    assert "15 minuten" in texts and "Een collega kan u ook verder helpen" in texts
    # Nobody is logged in to the console and a REST sender has no number: we ask for one to call.
    assert "Op welk telefoonnummer kunnen wij u bellen?" in texts


def test_the_web_app_lists_tickets_for_the_corporations_systems_with_its_token(stack):
    # The demo data has no tickets; a complex's filter shows none of another's.
    url = f"{stack.web_url}/api/tickets?status=open&complex=DL-EGW&format=json"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url, timeout=10)
    assert refused.value.code == 401
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {WEB_TOKEN}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert json.loads(response.read()) == {"tickets": [], "count": 0}


def test_http_api_requires_the_token(stack):
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{stack.rasa_url}/status", timeout=10)
    assert refused.value.code == 401
    with urllib.request.urlopen(f"{stack.rasa_url}/status?token={stack.token}", timeout=10) as ok:
        assert ok.status == 200


def test_conversations_are_stored_in_the_sqlite_tracker_store(stack):
    stack.post("tenant-3", "/greet")
    tracker = stack.tracker("tenant-3")
    assert any(event.get("event") == "user" for event in tracker["events"])
    assert (stack.var_dir / "rasa_tracker.db").stat().st_size > 0


def test_the_app_database_is_migrated_and_gets_the_demo_data_on_first_start(stack):
    assert any(line.startswith("[run] app data: added demo data") for line in stack.output)
    assert (stack.var_dir / "app.db").stat().st_size > 0


def test_the_token_appears_neither_in_the_output_nor_in_the_process_list(stack):
    assert stack.token not in "".join(stack.output)
    for pid in stack.child_pids():
        assert stack.token not in " ".join(psutil.Process(pid).cmdline())


def test_ctrl_c_stops_every_process(stack):
    children = stack.child_pids()
    assert len(children) == 3
    os.kill(stack.process.pid, signal.SIGINT)
    assert stack.process.wait(timeout=60) == 0
    deadline = time.monotonic() + 10
    while any(psutil.pid_exists(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(psutil.pid_exists(pid) for pid in children)
