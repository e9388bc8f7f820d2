import time
from datetime import date

import pytest

from bot.review.scrub import PLACEHOLDERS, Scrubbed, scrub

# The corporation's tenants, as the caller passes them: first and last names in one list.
TENANT_NAMES = (
    "Piet",
    "de Vries",
    "Fatima",
    "El Amrani",
    "Ben",
    "Bakker",
    "Sanne",
    "Kraan",
    "Yilmaz",
    "Ayse",
    "Jan",
    "Schilder",
    "Li",
)

PERSONAL = [
    # name
    (
        "hallo mijn naam is Piet de Vries en de kraan in de keuken lekt",
        "hallo mijn naam is Jansen en de kraan in de keuken lekt",
        ("name",),
    ),
    (
        "Sanne hier, de verwarming doet het weer niet 😩",
        "Jansen hier, de verwarming doet het weer niet 😩",
        ("name",),
    ),
    ("kunt u het geld terugstorten tnv piet", "kunt u het geld terugstorten tnv Jansen", ("name",)),
    ("Alvast bedankt! mvg Sanne", "Alvast bedankt! mvg Jansen", ("name",)),
    ("Groeten,\nBen Bakker", "Groeten,\nJansen", ("name",)),
    ("met vriendelijke groet\nMevrouw Yilmaz", "met vriendelijke groet\nMevrouw Jansen", ("name",)),
    ("gr jan", "gr Jansen", ("name",)),
    ("De kraan lekt. Mvg meneer Kraan", "De kraan lekt. Mvg meneer Jansen", ("name",)),
    ("ik ben Ahmed, de buurman van 3 hoog", "ik ben Jansen, de buurman van 3 hoog", ("name",)),
    (
        "Ben de Vries belde gisteren al, maar er kwam niemand",
        "Jansen belde gisteren al, maar er kwam niemand",
        ("name",),
    ),
    ("hoi ik ben sanne bakker de wc is verstopt", "hoi ik ben Jansen de wc is verstopt", ("name",)),
    ("Hoi, dit is de dochter van mevr. de Vries", "Hoi, dit is de dochter van mevr. de Jansen", ("name",)),
    ("Mvg Marieke van den Berg 🙏", "Mvg Jansen 🙏", ("name",)),
    # phone
    ("mn nummer is 06-12345678 bel maar na 5 uur", "mn nummer is 0612345678 bel maar na 5 uur", ("phone",)),
    ("kunt u me terug bellen op 06 1234 5678 aub", "kunt u me terug bellen op 0612345678 aub", ("phone",)),
    (
        "Mijn telefoon +31 6 12345678 werkt slecht, bel anders vaste nummer 020-1234567",
        "Mijn telefoon 0612345678 werkt slecht, bel anders vaste nummer 0612345678",
        ("phone", "phone"),
    ),
    (
        "0031612345678 is mijn nieuwe nummer, de oude werkt niet meer",
        "0612345678 is mijn nieuwe nummer, de oude werkt niet meer",
        ("phone",),
    ),
    ("whatsapp:+31612345678", "whatsapp:0612345678", ("phone",)),
    ("mijn nr is 06-1234567 (oude telefoon)", "mijn nr is 0612345678 (oude telefoon)", ("phone",)),
    ("bel me 06.12.34.56.78 of (06) 87654321", "bel me 0612345678 of 0612345678", ("phone", "phone")),
    (
        "de monteur mag bellen naar 010 - 123 45 67 tussen 9 en 12",
        "de monteur mag bellen naar 0612345678 tussen 9 en 12",
        ("phone",),
    ),
    (
        "mijn vriend heeft een belgisch nummer +32 470 12 34 56",
        "mijn vriend heeft een belgisch nummer 0612345678",
        ("phone",),
    ),
    # postcode and house number
    ("postcode 1234AB huisnummer 5", "postcode 1234 AB huisnummer 12", ("postcode", "house_number")),
    (
        "ik woon in 3512 jk nr 14 3 hoog, de lift is kapot",
        "ik woon in 1234 AB nr 12 3 hoog, de lift is kapot",
        ("postcode", "house_number"),
    ),
    ("Postcode: 1234-ab", "Postcode: 1234 AB", ("postcode",)),
    (
        "Stationsweg 4-2 de deurbel doet het niet",
        "Stationsweg 12 de deurbel doet het niet",
        ("house_number",),
    ),
    (
        "adres: Burgemeester de Vlugtlaan 120 hs, 1063 BS Amsterdam",
        "adres: Burgemeester de Vlugtlaan 12, 1234 AB Amsterdam",
        ("house_number", "postcode"),
    ),
    ("Kerkstr. 7a heeft ook lekkage!!", "Kerkstr. 12 heeft ook lekkage!!", ("house_number",)),
    (
        "de buren op de dorpsstraat 14 maken elke nacht lawaai 😡",
        "de buren op de dorpsstraat 12 maken elke nacht lawaai 😡",
        ("house_number",),
    ),
    ("Spui 3, 2511 BL Den Haag", "Spui 12, 1234 AB Den Haag", ("house_number", "postcode")),
    ("ik woon op nummer 8 boven de bakker", "ik woon op nummer 12 boven de bakker", ("house_number",)),
    ("Markt 3 bis heeft geen stroom", "Markt 12 heeft geen stroom", ("house_number",)),
    # e-mail, IBAN, customer number
    (
        "Mijn mail is fatima.elamrani@hotmail.com stuur daar maar de brief heen",
        "Mijn mail is naam@voorbeeld.nl stuur daar maar de brief heen",
        ("email",),
    ),
    ("mijn rekeningnummer: NL91 ABNA 0417 1643 00", "mijn rekeningnummer: NL00BANK0123456789", ("iban",)),
    (
        "ik heb iban nl91abna0417164301 doorgegeven maar er is niks gebeurd",
        "ik heb iban NL00BANK0123456789 doorgegeven maar er is niks gebeurd",
        ("iban",),
    ),
    ("duitse rekening DE89 3704 0044 0532 0130 00", "duitse rekening NL00BANK0123456789", ("iban",)),
    (
        "klant nr DL-10002 en ik wacht al 3 weken",
        "klant nr DL-00000 en ik wacht al 3 weken",
        ("customer_number",),
    ),
    (
        "mijn klantnummer is dl-10002 en de melding is R-2026-000123",
        "mijn klantnummer is DL-00000 en de melding is R-2026-000123",
        ("customer_number",),
    ),
    # date of birth and BSN
    ("geboortedatum 16-01-1970", "geboortedatum 01-01-1980", ("date_of_birth",)),
    ("ik ben geboren op 16 januari 1970", "ik ben geboren op 01-01-1980", ("date_of_birth",)),
    ("geb 3/7/85", "geb 01-01-1980", ("date_of_birth",)),
    ("geboren 1985-07-03 in Utrecht", "geboren 01-01-1980 in Utrecht", ("date_of_birth",)),
    ("mijn bsn is 123456782 voor de huurtoeslag", "mijn bsn is 111222333 voor de huurtoeslag", ("bsn",)),
    ("BSN: 1234.56.782", "BSN: 111222333", ("bsn",)),
    # several kinds
    (
        "Goedemorgen, ik ben Fatima El Amrani van de Kerkstraat 12b. De wc loopt over",
        "Goedemorgen, ik ben Jansen van de Kerkstraat 12. De wc loopt over",
        ("name", "house_number"),
    ),
    ("kan Piet mij terugbellen? 0612345678", "kan Jansen mij terugbellen? 0612345678", ("name", "phone")),
    (
        "hallo ik heet Marieke van den Berg, 06-87654321, 2514EA",
        "hallo ik heet Jansen, 0612345678, 1234 AB",
        ("name", "phone", "postcode"),
    ),
    ("Ik ben Jan en woon op nummer 8", "Ik ben Jansen en woon op nummer 12", ("name", "house_number")),
    (
        "mail mij op jan.jansen@ziggo.nl of bel +32 470 12 34 56",
        "mail mij op naam@voorbeeld.nl of bel 0612345678",
        ("email", "phone"),
    ),
    (
        "hoi ik ben sanne bakker ik woon op de Molenweg 7 en mijn geboortedatum is 2-5-1988",
        "hoi ik ben Jansen ik woon op de Molenweg 12 en mijn geboortedatum is 01-01-1980",
        ("name", "house_number", "date_of_birth"),
    ),
    (
        "Verhuurder vraagt mn bsn 111222333 en iban NL02RABO0123456789 is dat nodig?",
        "Verhuurder vraagt mn bsn 111222333 en iban NL00BANK0123456789 is dat nodig?",
        ("bsn", "iban"),
    ),
    (
        "Piet de Vries, Kerkstraat 12, 1234 AB, 0612345678, piet@devries.nl, NL91ABNA0417164300, DL-10002,"
        " 16-01-1970",
        "Jansen, Kerkstraat 12, 1234 AB, 0612345678, naam@voorbeeld.nl, NL00BANK0123456789, DL-00000,"
        " 01-01-1980",
        ("name", "house_number", "postcode", "phone", "email", "iban", "customer_number", "date_of_birth"),
    ),
    (
        "Goedemiddag,\n\nMijn naam is Yilmaz, ik woon op de Lindenlaan 45A in 2345 CD. Er zit schimmel in de"
        " badkamer.\nU kunt mij bereiken op 06-24681357.\n\nMet vriendelijke groet,\nAyse Yilmaz",
        "Goedemiddag,\n\nMijn naam is Jansen, ik woon op de Lindenlaan 12 in 1234 AB. Er zit schimmel in de"
        " badkamer.\nU kunt mij bereiken op 0612345678.\n\nMet vriendelijke groet,\nJansen",
        ("name", "house_number", "postcode", "phone", "name"),
    ),
]

UNCHANGED = [
    "de kraan lekt al 2 weken",
    "ik heb al 3 keer gebeld!!",
    "mijn melding R-2026-000123 is nog niet opgelost",
    "ik heb 0800-9009 gebeld maar niemand neemt op",
    "het klantcontact nummer 088-1234567 en 0900-1234567 werken niet",
    "kan de monteur om 14:30 komen?",
    "in kamer 2 zit schimmel op de muur",
    "de huur is € 450 per maand",
    "wij wonen op de 1e verdieping",
    "sinds 2019 is de verwarming slecht",
    "in 2024 en 2025 ook al gemeld",
    "ik heb 2 kinderen en het is koud in huis",
    "maandag 3 maart kan ik niet, dinsdag wel",
    "Kan het op 12-03-2026? of anders 3/4/2027",
    "vanaf 1 januari 2027 gaat de huur omhoog",
    "het raam is 120 cm breed en 80 cm hoog",
    "de cv ketel geeft storing F28",
    "de lift op de 3e is stuk, al sinds 2023 en nu weer",
    "Onderweg 20 minuten later bericht",
    "De verzekering 2 keer gebeld",
    "ik ben Blij dat het gemaakt is 😊",
    "we zijn met 4 personen in huis",
    "de kachel staat op 21 graden maar het wordt maar 17",
    "Ben je morgen thuis? dan komt de schilder",
    "de kraan nummer 2 in de badkamer lekt",
    "toets 1 en dan optie 3 zegt het bandje",
    "Bedankt!! Groetjes 👋",
    "Met vriendelijke groet",
    "de deur van box 14 klemt",
    "het kost 1250 euro, is dat normaal??",
    "om 9.30 uur of 10.00 is goed",
    "ik woon hier sinds 2010 met 3 katten",
    "De bakker op de hoek heeft ook last van de lekkage",
    "vanaf 3 jan kan het",
    "",
    "   \n\n  ",
]


@pytest.mark.parametrize(("message", "expected", "kinds"), PERSONAL)
def test_scrub_replaces_personal_data(message, expected, kinds):
    assert scrub(message, names=TENANT_NAMES) == Scrubbed(text=expected, replaced=kinds)


@pytest.mark.parametrize("message", UNCHANGED)
def test_scrub_keeps_messages_without_personal_data(message):
    assert scrub(message, names=TENANT_NAMES) == Scrubbed(text=message, replaced=())


@pytest.mark.parametrize(("message", "expected", "kinds"), PERSONAL)
def test_scrub_of_a_scrubbed_message_changes_nothing(message, expected, kinds):
    assert scrub(expected, names=TENANT_NAMES).text == expected


@pytest.mark.parametrize("placeholder", PLACEHOLDERS.values())
def test_placeholders_are_not_entity_markup(placeholder):
    assert not set("[](){}") & set(placeholder)


@pytest.mark.parametrize(
    ("message", "names", "expected"),
    [
        ("piet belde", [], "piet belde"),
        ("Li belde", ["Li"], "Li belde"),  # names shorter than 3 letters are ignored
        ("piet belde", (name for name in ["Piet"]), "Jansen belde"),
        ("de schilder komt, zegt Schilder", ["Schilder"], "de schilder komt, zegt Jansen"),
        ("Schilder komt morgen", ["Schilder"], "Schilder komt morgen"),
        ("Schilder Piet komt morgen", ["Schilder", "Piet"], "Jansen komt morgen"),
        ("Piet de schilder komt morgen", ["Schilder", "Piet"], "Jansen de schilder komt morgen"),
        ("mevrouw Jansen-Bakker", ["Jansen", "Bakker"], "mevrouw Jansen"),
        ("piet@bakker.nl", ["Piet", "Bakker"], "naam@voorbeeld.nl"),
    ],
)
def test_scrub_names(message, names, expected):
    assert scrub(message, names=names).text == expected


def test_scrub_keeps_recent_dates_and_replaces_birth_dates():
    this_year, born = date.today().year, date.today().year - 30
    message = f"afspraak 5-6-{this_year}, geboren 5-6-{born}"
    assert scrub(message) == Scrubbed(f"afspraak 5-6-{this_year}, geboren 01-01-1980", ("date_of_birth",))


def test_scrub_keeps_dates_too_recent_to_be_a_tenant_s_birth():
    message = f"op 5-6-{date.today().year - 10}"
    assert scrub(message).text == message


def test_scrub_of_a_long_message_is_fast():
    line = (
        "Hoi ik ben Piet de Vries, Kerkstraat 12b 1234 AB, bel 06-12345678 of mail piet@x.nl. "
        "NL91ABNA0417164300 geboren 16-01-1970 bsn 111222333 DL-10002, de kraan lekt al 2 weken 😩\n"
    )
    message = (line * 30)[:5000]
    names = [f"Naam{number}" for number in range(2000)] + list(TENANT_NAMES)
    scrub(message, names=names)
    started = time.perf_counter()
    scrubbed = scrub(message, names=names)
    assert time.perf_counter() - started < 0.05
    assert "06-12345678" not in scrubbed.text and "Piet" not in scrubbed.text
