import pytest

from bot.handoff.cues import KINDS, Cue, detect_cue

BEREAVEMENT = [
    "Mijn moeder is overleden, zij was de huurder. Wat moet ik nu doen met de huur?",
    "mijn man is vorige week gestorven en ik weet niet hoe het verder moet met het contract",
    "mn vader is overleeden",
    "Na het overlijden van mijn vrouw wil ik graag kleiner gaan wonen.",
    "Goedemiddag, graag zeg ik de huur op in verband met het overlijden van mijn moeder.",
    "M'n oma is gisteren gestorve 😢 kan de afspraak met de schilder verzet worden?",
    "Bedankt voor jullie condoleance, het doet ons goed",
    "De begrafenis van mijn broer is donderdag, kan de monteur een andere dag komen?",
    "de crematie van mn zus is morgen dus ik ben niet thuis",
    "MIJN VADER IS OVERLEDEN",
    "De huurder is overleden. Ik ben zijn dochter en wil de woning opzeggen.",
    "ik heb vorig jaar mijn vrouw verloren en sindsdien lukt de tuin niet meer",
    "Sinds de dood van mijn man woon ik alleen in dit grote huis",
    "De huur staat nog op naam van mijn overleden man, hoe zet ik die op mijn naam?",
    "mijn schoonvader, die bij ons inwoonde, is afgelopen nacht overleden",
    "mama is dood en ik weet niet wat ik met haar huis moet",
    "Onze dochter is omgekomen bij een ongeluk.",
    "mijn moeder overleed vorige maand en ik moet haar woning leeghalen",
    "vorige week overleed plotseling mijn man",
    "mijn vader is dood, wie moet ik bellen voor de sleutels",
    "Ik wil de huur opzeggen ivm overlijden",
    "Huur opzeggen i.v.m. overlijden, de sleutels breng ik vrijdag",
]

DISTRESS = [
    "ik zie het niet meer zitten",
    "Ik wil niet meer leven zo.",
    "ik trek het niet meer met die schimmel en de kinderen die steeds ziek zijn",
    "ik weet het niet meer...",
    "ik ben wanhopig, de buurman bedreigt mij elke dag",
    "ik ben zo bang, ik durf niet alleen thuis te zijn",
    "Ik durf niet meer naar huis.",
    "ik slaap al weken niet",
    "Ik ben ten einde raad.",
    "ik zit hier huilend te typen",
    "ik ben helemaal kapot ervan",
    "help mij alstublieft ik weet niet wat ik moet doen",
    "kzie t echt niet meer zitten",
    "Ik kan het niet meer aan. Eerst de lekkage en nu dit weer",
    "IK BEN ZO BANG",
    "wanhoop 😭😭 niemand helpt me",
    "ik voel me niet meer veilig in mijn eigen huis",
    "ik zit de hele dag te huilen van de stress",
    "ik wil er een einde aan maken",
    "Ik ben radeloos, mijn ex staat elke avond voor de deur",
    "ik raak echt in paniek, wat moet ik doen",
    "mijn ex bedreigt me en ik durf de deur niet meer uit",
    "het gaat echt niet goed met me, ik kan niet meer",
    "Ik ben bang voor mijn buurman, hij heeft me gisteren geslagen",
    "Ik ben depressief en het huis groeit me boven het hoofd",
    "mijn buurman heeft me gisteren geslagen, wat moet ik doen",
]

ANGER = [
    "Dit is echt belachelijk!",
    "belachelijkkkk",
    "SCHANDALIG hoe jullie met huurders omgaan",
    "wat een schande, al 3 maanden schimmel",
    "waardeloze service",
    "ik ben het zat!!",
    "k ben t zat met die lekkage",
    "Ik pik dit niet langer.",
    "ik ben woedend",
    "ik ben echt pissig nu",
    "kut corporatie",
    "wat een klote bedrijf zijn jullie",
    "godverdomme weer geen warm water",
    "kankerzooi hier",
    "kanker woningbouw doet nooit wat",
    "ik heb al 4x gebeld en niemand komt",
    "al drie keer gemeld!!!",
    "Ik ga hiermee naar de krant.",
    "ik stap naar de huurcommissie",
    "jullie doen helemaal niks",
    "Dit is de 3e keer dat ik moet bellen over dezelfde lekkage",
    "WANNEER KOMT ER NOU EENS IEMAND!!!",
    "nog steeds geen monteur 😡",
    "😡😡🤬",
    "ik word er echt razend van",
    "belachlijk gewoon, schandelijk hoe dit gaat",
    "Als dit niet snel geregeld wordt neem ik een advocaat",
    "Geachte heer/mevrouw, ik vind het onacceptabel dat mijn klacht na zes weken nog niet is behandeld.",
    "Jullie zijn een stel prutsers",
    "TERING zooi",
    "ik heb er schoon genoeg van",
    "Mijn geduld is op.",
    "kben t zo zat 🤬 nog steeds lekt het dak",
]

NEGATIVES = [
    # Repairs, urgent ones too, in caps without shouting.
    "LEKKAGE IN DE BADKAMER",
    "LEKKAGE IN DE BADKAMER!",
    "ER KOMT WATER DOOR HET PLAFOND",
    "HELP!! de wc loopt over",
    "help de kraan lekt",
    "de kraan is kapot",
    "De voordeur is kapot en gaat niet meer op slot",
    "De deur klemt, kan iemand helpen?",
    "Ik heb geen warm water meer sinds gisteren",
    "De schimmel komt steeds terug in de badkamer",
    "Ik ben op de derde verdieping, de lift is kapot",
    # Dead things that are not people.
    "de accu van de rookmelder is dood",
    "dood stopcontact in de keuken",
    "de plant in het trappenhuis is dood",
    "Er ligt een dode muis in de kruipruimte",
    "mijn zoon heeft een dode rat gevonden in de schuur",
    "de deurbel is dood",
    "mijn telefoon was dood, daarom belde ik niet terug",
    "mijn man zegt dat de accu van de deurbel leeg is",
    "ik ben doodmoe van het dweilen, de lekkage houdt niet op",
    # A death, but not of someone close to the tenant (see the module docstring).
    "mijn buurman is overleden en zijn hond blaft de hele dag",
    "De oma van de buren is overleden, mag ik hun brievenbus legen?",
    "mijn moeder zei dat de buurman is overleden, wie ruimt zijn tuin op?",
    "de vorige huurder is overleden, daarom was de woning zo vies",
    # Family mentioned without a death; the illness, not the swear word.
    "mijn vrouw heeft kanker en kan de trap niet meer op, is er een traplift mogelijk?",
    "Er zit asbest in het plafond, dat is toch kankerverwekkend?",
    "mijn vader zat een uur vast in de lift",
    "Mijn moeder komt logeren, mag zij op het parkeerterrein staan?",
    "mijn vader is 90 en kan niet meer traplopen",
    "mijn man is vorige week verhuisd naar het verzorgingshuis",
    "Ik ben alleenstaande moeder met drie kinderen, kan de monteur 's ochtends komen?",
    # Worries about a repair, not about oneself; practical "can't" and "don't know".
    "ik ben bang dat het plafond naar beneden komt",
    "Ik ben bang dat er asbest in de vloer zit",
    "ik ben bang dat de monteur niet op tijd komt",
    "ik durf de kraan niet open te draaien, er komt bruin water uit",
    "ik kan niet meer inloggen op de website",
    "ik kan niet meer douchen want de boiler is kapot",
    "ik weet het niet meer precies, ergens vorige week",
    "de thermostaat piept en ik weet niet wat ik moet doen",
    "ik weet niet wat ik moet doen met de oude vloerbedekking",
    "Ik ben kapot na een lange werkdag, kan de monteur na 18:00 komen?",
    "ik heb geen paniek hoor, maar er druppelt water uit de lamp",
    "de sleutel zat vast in het slot",
    # Nuisance.
    "de buren maken herrie tot 3 uur 's nachts",
    "de baby van de buren huilt de hele nacht door de muur heen",
    "ik hoor de hele nacht een kind huilen boven mij",
    "mijn kinderen zijn bang voor de hond van de buren",
    # Mild or polite complaints.
    "Het is vervelend dat de kraan lekt, kunnen jullie iemand sturen?",
    "ik heb al een keer gebeld over de lekkage, is er al een afspraak?",
    "Wanneer komt de monteur? Ik wacht al twee weken.",
    "Ik wil een klacht indienen over de schoonmaak van het portiek",
    "Helaas is de lekkage nog niet verholpen, kunnen jullie nog eens kijken?",
    "Het is de tweede keer dat de wasmachinekraan lekt",
    "Het is razend druk bij jullie aan de telefoon zeker?",
    "Ik heb de huurcommissie gebeld voor advies over de huurverhoging",
    # Payments, greetings, thanks.
    "Kan ik de huur deze maand later betalen?",
    "Ik heb een vraag over mijn jaarafrekening servicekosten",
    "Goedemorgen! De verwarming doet het niet.",
    "Hoi, ik ben Fatima en ik woon op de Lindenlaan 12",
    "Wat is het telefoonnummer voor spoed?",
    "Top, bedankt!!",
    "de monteur was super 👍",
    "er is een lekkage 😢",
]


@pytest.mark.parametrize(
    ("text", "kind"),
    [(text, "bereavement") for text in BEREAVEMENT]
    + [(text, "distress") for text in DISTRESS]
    + [(text, "anger") for text in ANGER],
)
def test_detect_cue_finds_the_kind(text, kind):
    cue = detect_cue(text)

    assert cue is not None, text
    assert cue.kind == kind
    assert cue.evidence
    assert cue.evidence in text


@pytest.mark.parametrize("text", NEGATIVES)
def test_detect_cue_ignores_ordinary_messages(text):
    assert detect_cue(text) is None


@pytest.mark.parametrize("text", [None, "", "   ", "\n\t"])
def test_detect_cue_nothing_for_no_text(text):
    assert detect_cue(text) is None


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("Dit is echt BELACHELIJK!!", "BELACHELIJK"),
        ("belachelijkkkk!!!", "belachelijkkkk"),
        ("mn vader is overleeden", "mn vader is overleeden"),
        ("Bedankt voor de condoleance-kaart", "condoleance"),
        ("Ik ben ten einde raad.", "ten einde raad"),
        ("nog steeds geen monteur 😡", "😡"),
        ("weer niks 😡 😡 echt", "😡 😡"),
        ("WANNEER KOMT ER NOU EENS IEMAND!!!", "WANNEER KOMT ER NOU EENS IEMAND"),
        ("HET IS NU AL DRIE WEKEN DAT ER NIEMAND IS GEWEEST!!", "HET IS NU AL DRIE WEKEN DAT ER"),
    ],
)
def test_detect_cue_evidence_is_the_words_as_written(text, evidence):
    assert detect_cue(text).evidence == evidence


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("mijn moeder is overleden en jullie doen helemaal niks, belachelijk!!", "bereavement"),
        ("ik ben het zat, ik zie het niet meer zitten", "distress"),
        ("sinds mijn man is overleden ben ik wanhopig", "bereavement"),
    ],
)
def test_detect_cue_strongest_kind_wins(text, kind):
    assert detect_cue(text).kind == kind


def test_detect_cue_handles_a_long_message():
    text = "de kraan in de keuken lekt al een tijdje en ik weet niet precies waar het zit. " * 65

    assert len(text) > 5000
    assert detect_cue(text) is None
    assert detect_cue(text + "belachelijk") == Cue("anger", "belachelijk")


def test_kinds_are_in_priority_order():
    assert KINDS == ("bereavement", "distress", "anger")
