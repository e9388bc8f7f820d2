"""End to end in the real stack and a real headless Chromium (Debian's chromium and chromedriver).

A tenant asks for a person through the simulator; an agent logs in, sees the conversation
arrive in the queue, claims it, reads the tenant's next message live, replies (the reply
reaches the tenant's outbox and the simulator), and hands back; the bot answers again.
The stack runs with office hours that are always open, so the test does not depend on the
hour it runs at. Screenshots go to SCREENSHOT_DIR (the README's come from here).
"""

import json
import os
import re
import shutil
import sqlite3
import time
import urllib.parse
import urllib.request
from datetime import date
from pathlib import Path

import holidays
import pytest
import yaml

from bot.console.users import add_user
from bot.db import create_engine_from_url, session_factory, transaction
from tests.conftest import PROJECT_DIR
from tests.console.test_web import Browser
from tests.stack import delivered, running_stack

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
PASSWORD = "correct horse battery"
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def always_open_data(target: Path) -> Path:
    """A copy of the operator data whose office hours never close (holidays included)."""
    shutil.copytree(PROJECT_DIR / "data", target, dirs_exist_ok=True)
    hours = yaml.safe_load((target / "office_hours.yml").read_text())
    year = date.today().year
    hours["days"] = {day: {"open": "00:00", "close": "23:59"} for day in DAYS}
    hours["open_on_holidays"] = sorted(set(holidays.country_holidays("NL", years=[year, year + 1]).values()))
    (target / "office_hours.yml").write_text(yaml.safe_dump(hours, allow_unicode=True))
    return target


@pytest.fixture(scope="module")
def stack(trained_model, tmp_path_factory):
    data_dir = always_open_data(tmp_path_factory.mktemp("data"))
    with running_stack(tmp_path_factory, DATA_DIR=str(data_dir)) as running:
        engine = create_engine_from_url(f"sqlite:///{running.var_dir / 'app.db'}")
        with transaction(session_factory(engine)) as session:
            for name in ("anna", "bram"):
                add_user(session, username=name, password=PASSWORD, role="agent")
            add_user(session, username="olga", password=PASSWORD, role="operator")
        engine.dispose()
        yield running


def simulate(stack, phone: str, text: str) -> None:
    """The tenant sends a WhatsApp message through the simulator (the real signed webhook)."""
    body = urllib.parse.urlencode({"phone": phone, "text": text}).encode()
    request = urllib.request.Request(f"{stack.web_url}/simulator/send", data=body)
    with urllib.request.urlopen(request, timeout=60) as response:
        assert json.loads(response.read())["status"] == 200


def age_conversation(stack, conversation_id: str, seconds: int) -> None:
    """Move the conversation's events back in time, as if the tenant had been silent that long."""
    with sqlite3.connect(stack.var_dir / "rasa_tracker.db") as connection:
        connection.execute(
            "UPDATE events SET timestamp = timestamp - ?, "
            "data = json_set(data, '$.timestamp', json_extract(data, '$.timestamp') - ?) WHERE sender_id = ?",
            (seconds, seconds, conversation_id),
        )


def test_a_handed_over_conversation_stays_paused_when_a_new_session_starts(stack):
    phone, conversation = "+31612345061", "whatsapp:+31612345061"
    assert Browser(stack.web_url).log_in("bram", PASSWORD)[0] == 200  # an agent is at work
    simulate(stack, phone, "ik wil een medewerker spreken")
    told = delivered(stack, phone, expect="in de rij")
    assert any("nummer 1 in de rij" in text for text in told), told
    assert stack.tracker(conversation)["paused"] is True
    age_conversation(stack, conversation, 2 * 3600)  # longer than the domain's 60-minute sessions
    simulate(stack, phone, "hallo, is daar iemand?")
    time.sleep(3)
    assert delivered(stack, phone, expect="never", timeout=1) == told  # the bot stayed silent
    state = stack.tracker(conversation)
    kinds = [event["event"] for event in state["events"]]
    restarted = len(kinds) - 1 - kinds[::-1].index("session_started")
    assert "pause" in kinds[restarted:] and state["paused"] is True
    assert state["latest_message"]["text"] == "hallo, is daar iemand?"  # it reached the agent's transcript


@pytest.fixture
def chromium(tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.fail("Debian's chromium and chromium-driver are needed: run `make browser`")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--window-size=1400,1000", f"--user-data-dir={tmp_path / 'profile'}",
    ):  # fmt: skip
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    yield driver
    driver.quit()


def test_an_agent_takes_over_in_the_browser_replies_on_whatsapp_and_hands_back(stack, chromium, tmp_path):
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    screenshots = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    screenshots.mkdir(parents=True, exist_ok=True)
    phone = "+31612345062"
    wait = WebDriverWait(chromium, 30)

    chromium.get(f"{stack.web_url}/console/queue")
    assert chromium.current_url.endswith("/console/login")  # nothing but the log-in page
    chromium.find_element(By.NAME, "username").send_keys("anna")
    chromium.find_element(By.NAME, "password").send_keys(PASSWORD)
    chromium.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait.until(lambda d: d.current_url.endswith("/console/queue"))

    simulate(stack, phone, "ik wil een medewerker spreken")
    assert any("in de rij" in text for text in delivered(stack, phone, expect="in de rij"))
    # The queue refreshes itself: the conversation appears without a reload.
    row = f"//tbody[@id='queue-rows']/tr[contains(normalize-space(.), '{phone}')]"
    wait.until(lambda d: d.find_elements(By.XPATH, row))
    assert "Wil een medewerker spreken" in chromium.find_element(By.XPATH, row).text
    chromium.save_screenshot(str(screenshots / "console-queue.png"))

    chromium.find_element(By.XPATH, f"{row}//a").click()
    wait.until(lambda d: "ik wil een medewerker spreken" in d.find_element(By.ID, "transcript").text)
    chromium.find_element(By.ID, "claim").click()
    wait.until(lambda d: d.find_elements(By.ID, "reply-text"))

    # The tenant writes on; the message appears live, as text.
    simulate(stack, phone, "<script>alert('x')</script> mijn voordeur klemt ook")
    wait.until(lambda d: "mijn voordeur klemt ook" in d.find_element(By.ID, "transcript").text)
    assert (
        "<script>alert('x')</script> mijn voordeur klemt ook"
        in chromium.find_element(By.ID, "transcript").text
    )
    with pytest.raises(NoAlertPresentException):
        chromium.switch_to.alert.text  # noqa: B018 - the tenant's script did not run

    Select(chromium.find_element(By.ID, "canned")).select_by_visible_text("Begroeting")
    box = chromium.find_element(By.ID, "reply-text")
    assert box.get_attribute("value").startswith("Goedendag, u spreekt nu met een medewerker")
    box.clear()
    box.send_keys("Goedemiddag, u spreekt met Anna. Ik kijk met u naar uw voordeur.")
    chromium.find_element(By.ID, "send").click()
    wait.until(lambda d: "Uw bericht is verstuurd" in d.page_source)
    sent = delivered(stack, phone, expect="u spreekt met Anna")
    assert sent[-1] == "Goedemiddag, u spreekt met Anna. Ik kijk met u naar uw voordeur."
    wait.until(lambda d: "u spreekt met Anna" in d.find_element(By.ID, "transcript").text)
    chromium.save_screenshot(str(screenshots / "console-conversation.png"))

    chromium.find_element(By.ID, "hand-back").click()
    wait.until(lambda d: "Het gesprek is terug bij de bot" in d.page_source)
    simulate(stack, phone, "hoe laat zijn jullie open?")
    answered = delivered(stack, phone, expect="__never__", timeout=1)
    deadline = time.monotonic() + 30
    while len(answered) <= len(sent) and time.monotonic() < deadline:
        time.sleep(0.3)
        answered = delivered(stack, phone, expect="__never__", timeout=0.5)
    assert len(answered) > len(sent), "the bot did not answer after the hand-back"


def test_the_insights_of_today_count_these_conversations_and_draw_them(stack, tmp_path):
    screenshots = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    screenshots.mkdir(parents=True, exist_ok=True)
    olga = Browser(stack.web_url)
    olga.log_in("olga", PASSWORD)  # at work, so the conversation below is handed over
    phone = "+31612345063"
    simulate(stack, phone, "ik wil een medewerker spreken")
    assert any("in de rij" in text for text in delivered(stack, phone, expect="in de rij"))
    status, _, body = olga.open("/console/insights")
    assert status == 200
    conversations = int(re.search(r"<th>Gesprekken</th><td>(\d+)</td>", body).group(1))
    by_person = int(re.search(r"<th>Door een collega afgehandeld</th><td>(\d+)%</td>", body).group(1))
    assert conversations >= 1 and by_person > 0
    with olga.opener.open(f"{stack.web_url}/console/insights/chart.png", timeout=30) as response:
        (screenshots / "insights.png").write_bytes(response.read())
