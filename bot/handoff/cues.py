"""Cues in a tenant's message that a colleague should take over, with empathy.

Three kinds, strongest first: a death of someone close (bereavement), a tenant who is not
OK (distress), and strong anger at the corporation or the situation (anger).

The detector is a lexicon of regular expressions, grouped by kind below. They match a
normalised copy of the message: lower case, accents off, apostrophes dropped (`m'n` is
`mn`), `y` read as `ij`, punctuation between clauses turned into a ` . ` token, and
every run of one letter squeezed to a single letter, so `belachelijkkkk`, `overleeden`
and `zooo` need no patterns of their own. The patterns are written in normal spelling
and squeezed the same way when compiled; a letter doubled across regex syntax (`lo(?:os)`)
would therefore not match, so each word is written out whole. The evidence is cut from
the original text, as the tenant wrote it.

Bereavement is only a death of someone close: family, a partner, a friend, or the tenant
of record ("de huurder is overleden"). A neighbour's death mentioned in a nuisance report
("mijn buurman is overleden en zijn hond blaft") is not a cue. Worries about a repair
("ik ben bang dat het plafond naar beneden komt") are not distress: the triage handles
danger; only fear for oneself and one's state of mind count.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

KINDS = ("bereavement", "distress", "anger")
# The intent a message with a cue gets when it goes straight to a person (bot/nlu/cues.py).
CUE_INTENT = "express_distress"


@dataclass(frozen=True)
class Cue:
    """A handoff cue: its kind (one of `KINDS`) and the words that gave it away."""

    kind: str
    evidence: str


# --- Building blocks ---------------------------------------------------------------------

END = r"(?= \.|$)"  # the end of a clause
IK = r"i?k ?"  # "ik ben", "k ben", "kben"
IK_BEN = rf"{IK}(?:ben|word)"
IK_VOEL = rf"{IK}voel (?:me|mij|mezelf)"
# Words that strengthen what follows ("ik ben echt zo bang", "jullie doen helemaal niks").
INTENS = (
    r"(?:(?:zo|heel|erg|echt|ontzettend|vreselijk|verschrikkelijk|super|enorm|helemaal|totaal|compleet"
    r"|gewoon|nu|nou|toch|wel|ook|al|er|ervan|meer dan|zwaar|behoorlijk|flink|zeer|hartstikke|mega) ){0,4}"
)
# Adverbs that may stand between "ik zit" and "te huilen".
ADVS = (
    r"(?:(?:hier|er|echt|zo|nu|gewoon|steeds|alleen|maar|weer|alweer|al|nog|thuis|van|daarvan"
    r"|de hele dag|de hele nacht|elke dag|elke nacht|dagen|weken|uren) ){0,4}"
)


def _words(most: int) -> str:
    """Up to `most` words in the same clause."""
    return rf"(?:\w+ ){{0,{most}}}"


def _tokens(most: int) -> str:
    """Up to `most` words or clause breaks."""
    return rf"(?:\S+ ){{0,{most}}}"


def _tokens_without(most: int, words: str) -> str:
    """Up to `most` words or clause breaks, none of them one of `words`."""
    return rf"(?:(?!(?:{words}) )\S+ ){{0,{most}}}"


def _words_without_a_noun(most: int) -> str:
    """Up to `most` words with no article: "mijn vader is dood", not "mijn man zegt de accu is dood"."""
    return rf"(?:(?!de |het |een |dat |die |deze )\w+ ){{0,{most}}}"


# --- Bereavement ---------------------------------------------------------------------------

POSSESSIVE = r"(?:mijn|mn|me|mij|onze|ons)"
ADJECTIVE = r"(?:(?:lieve|geliefde|dierbare|oude|jonge|jongste|oudste|eigen|kleine|grote|beste|enige) ){0,2}"
# People close to the tenant; "schoon", "stief", "groot" and "over" make in-laws and more.
CLOSE = (
    r"(?:schoon|stief|groot|over|overgroot)?"
    r"(?:man|vrouw|echtgenoot|echtgenote|partner|vriend|vriendin|moeder|vader|ouders|mama|mamma|mam|ma"
    r"|papa|pappa|pap|pa|zoon|zoontje|dochter|dochtertje|kind|kindje|baby|broer|broertje|zus|zusje"
    r"|zuster|opa|oma|kleinzoon|kleindochter|kleinkind|oom|tante)"
)
TENANT_OF_RECORD = (
    r"(?<!vorige )(?<!oude )(?<!andere )(?:de |onze |mijn )?(?:hoofd|mede)?(?:huurder|huurster)(?! van)"
)
# "mama" and "oma" need no "mijn"; "de oma van de buren" is someone else's.
PERSON = (
    rf"(?:{POSSESSIVE} {ADJECTIVE}{CLOSE}|(?:mama|mamma|papa|pappa|mam|pap|oma|opa)(?! van)"
    rf"|{TENANT_OF_RECORD})"
)
DIED = (
    r"(?:overleden|overlede|overleed|gestorven|gestorve|stierf|heengegaan|ingeslapen|omgekomen|verongelukt"
    r"|doodgegaan|dood gegaan|om het leven gekomen)"
)
# Between the person and the death: not someone else's death told by them
# ("mijn moeder zei dat de buurman is overleden").
SOMEONE_ELSE = (
    r"dat|zegt|zei|zeggen|vertelt|vertelde|hoorde|hoort|belde|meldde|buurman|buurvrouw|buren|bewoner"
    r"|monteur|kat|hond"
)
# "dood" as a state of a person, not "doodmoe" written apart.
DEAD = (
    rf"(?:is|was|zijn|waren) {_words(2)}"
    r"dood(?! (?:moe|ziek|op|stil|eng|gewoon|zonde|serieus|nerveus|bang|ongelukkig|saai|kalm))"
)

BEREAVEMENT = [
    # "mijn moeder is overleden", "mn vader is vorige week gestorve", "de huurder is overleden".
    rf"{PERSON} {_tokens_without(10, SOMEONE_ELSE)}{DIED}",
    # "mijn vader is dood", "mama is dood".
    rf"{PERSON} {_words_without_a_noun(3)}{DEAD}",
    # The other way round: "vorige week overleed plotseling mijn man".
    rf"(?:overleed|stierf) {_words(1)}{PERSON}",
    # "na het overlijden van mijn vrouw", "de begrafenis van mn broer".
    rf"(?:overlijden|overlijde|dood|verlies|begrafenis|crematie|uitvaart|rouwdienst) van {PERSON}",
    # "sinds mijn vaders overlijden".
    rf"{POSSESSIVE} {ADJECTIVE}{CLOSE}s (?:overlijden|dood|begrafenis|crematie|uitvaart)",
    # "op naam van mijn overleden man", "wijlen mijn vader".
    rf"{POSSESSIVE} {ADJECTIVE}(?:pas |onlangs )?overleden {CLOSE}",
    rf"wijlen {PERSON}",
    # "ik heb vorig jaar mijn vrouw verloren".
    rf"(?:heb|hebben|ben) {_words(3)}{PERSON} {_words(2)}verloren",
    # The tenant of record died: "huur opzeggen ivm overlijden" (but not "... van de buurman").
    r"(?:ivm|i \. v \. m(?: \.)?|wegens|vanwege|in verband met) (?:het )?overlijden(?! van)",
    # Condolences: "bedankt voor de condoleance".
    r"condole\w*|gecondoleerd",
    r"(?:sinds kort|pas|net|onlangs|recent) weduw\w*",
]

# --- Distress ------------------------------------------------------------------------------

# Fear for oneself: "bang" at the end of a clause, "bang om ...", "bang voor mijn ex".
FEAR_FOR_ONESELF = (
    rf"(?={END}| om | voor (?:mijn leven|mijn veiligheid|hem|haar|mijn ex|de buurman|de buurvrouw|de buren"
    r"|mijn buurman|mijn buurvrouw|mijn buren|mijn man|mijn partner|die man)"
    r"| dat (?:hij|mijn ex|de buurman|de buurvrouw|iemand|ze mij|ze me))"
)
# Words that make "ik weet niet wat ik moet doen" more than a practical question.
STRONG = r"(?:(?:echt|gewoon|totaal|helemaal|werkelijk|nu echt) )+"
STATE_OF_MIND = (
    r"(?:depressief|overspannen|verdrietig|eenzaam|ontroostbaar|gebroken|in paniek|in de war"
    r"|op van de zenuwen|kapot van binnen|kapot (?:ervan|hiervan|daarvan)"
    rf"|kapot van(?: (?:verdriet|binnen|dit|alles|de stress|de zorgen))?{END}"
    r"|er kapot van)"
)

DISTRESS = [
    # Suicidal talk: "ik zie het niet meer zitten", "ik wil niet meer leven".
    rf"(?:{IK})?zie (?:het|t|dit|het leven) {_words(3)}niet (?:meer |langer )?zitten",
    r"wil (?:\w+ ){0,2}niet (?:meer|langer) (?:leven|verder|wakker worden)",
    r"wil (?:gewoon )?dood",
    r"(?:eind|einde) aan (?:maken|mijn leven)",
    rf"maak er een (?:eind|einde) aan{END}",
    r"zelfmoord\w*|suicid\w*|zelfdoding|mezelf (?:iets )?(?:aandoen|aan te doen|van kant maken)",
    r"(?:mijn|het) leven heeft (?:\w+ ){0,2}geen zin",
    # Not coping: "ik trek het niet meer", "ik kan het niet meer aan", "ik kan niet meer".
    rf"trek (?:het|t|dit|dat) {_words(2)}niet (?:meer|langer)",
    rf"kan (?:het|t|dit|dat) {_words(2)}niet (?:meer |langer )?aan",
    rf"(?:hou|houd) (?:het|t|dit) {_words(2)}niet (?:meer|langer) (?:vol|uit)",
    rf"(?:hou|houd) (?:het|t|dit) {INTENS}niet (?:meer|langer){END}",
    rf"{IK}kan {INTENS}(?:het |t |dit )?niet meer{END}",
    rf"gaat {_words(2)}(?:niet goed|slecht) met (?:mij|me)",
    rf"met (?:mij|me) gaat het {INTENS}(?:niet goed|slecht)",
    rf"{IK}zit {INTENS}(?:doorheen|in de put|stuk)",
    # Despair: "ik weet het niet meer", "ik ben ten einde raad", "wanhopig".
    rf"{IK}weet (?:het |t )?{INTENS}niet meer{END}",
    rf"{IK}weet (?:het |t )?{INTENS}niet meer (?:wat|hoe) ik",
    rf"{IK}weet (?:het |t )?{STRONG}niet (?:wat|hoe) ik {_words(2)}(?:moet|kan)(?: doen| verder)?{END}",
    rf"help (?:mij|me) {_tokens(6)}{IK}weet {INTENS}niet (?:meer )?(?:wat|hoe) ik",
    r"wanhopig\w*|wanhoop|radeloos|radeloze|(?:ten )?einde raadt?|einde van mijn latijn",
    # Fear and panic: "ik ben zo bang", "ik raak in paniek".
    rf"{IK_BEN} {INTENS}(?:bang|angstig|doodsbang|panisch){FEAR_FOR_ONESELF}",
    rf"{IK_BEN} {INTENS}{STATE_OF_MIND}",
    rf"{IK_VOEL} {INTENS}(?:angstig|onveilig|ellendig|radeloos|wanhopig|depressief|verdrietig|eenzaam)",
    rf"{IK}(?:raak|zit|schiet) {INTENS}in (?:de |een )?paniek",
    rf"{IK}heb {INTENS}paniek|paniekaanval\w*|angstaanval\w*",
    r"(?:ik heb|ik zit met) (?:een )?(?:depressie|burn ?out|angststoornis|paniekstoornis)",
    # Not safe at home: "ik durf niet meer naar huis", "ik voel me niet veilig".
    rf"durf {_words(2)}niet (?:meer |langer )?(?:alleen|naar huis|thuis|naar buiten|buiten|de deur uit"
    r"|te slapen|mijn huis in|in mijn huis|in mijn eigen huis|naar mijn huis|hier te (?:wonen|slapen|zijn))",
    r"durf de deur niet (?:meer )?uit",
    rf"{IK_VOEL} {INTENS}(?:niet (?:meer |langer )?veilig|onveilig)",
    rf"{IK}word {_words(2)}(?:bedreigd|mishandeld|geslagen|gestalkt|gestalked|achtervolgd)",
    rf"(?:hij|mijn ex|mijn man|mijn partner|mijn vriend|de buurman|mijn buurman) {INTENS}"
    r"(?:slaat|bedreigt|mishandelt|stalkt|achtervolgt) (?:mij|me)",
    rf"(?:heeft|hebben) (?:me|mij) {_words(2)}(?:geslagen|mishandeld|bedreigd|aangevallen)",
    r"huiselijk geweld",
    # Crying: "ik zit te huilen", "huilend", but not "de baby van de buren huilt".
    rf"{IK}(?:huil|huilde|jank)(?! van het lachen)",
    rf"{IK}(?:zit|sta|lig|ben) {ADVS}te (?:huilen|janken)",
    rf"{IK}(?:moet|kan|ga) {ADVS}(?:wel )?(?:huilen|janken)",
    r"(?<!de )(?<!een )(?<!het )huilend(?! (?:kind|kinderen|baby|peuter|hond))",
    r"in tranen|tranen in mijn ogen|met tranen",
    # Sleepless for weeks: "ik slaap al weken niet".
    rf"slaap al {_words(2)}(?:weken|maanden|nachten|dagen) (?:niet|nauwelijks|bijna niet|amper)",
    rf"kan al {_words(2)}(?:weken|maanden|nachten) niet (?:meer )?slapen",
]

# --- Anger ---------------------------------------------------------------------------------

# "al 4x gebeld", "al drie keer gemeld"; one time is not yet a pattern.
TIMES = (
    r"(?:[2-9]|\d\d+|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|twintig|honderd|duizend|tig|zoveel"
    r"|zo veel|meerdere|talloze|ontelbare) ?(?:keer|keren|maal|x)"
)
REPORTED = (
    r"(?:gemeld|gebeld|doorgegeven|geklaagd|gemaild|aangegeven|gevraagd|geappt|gewhatsappt|geschreven"
    r"|aangekaart|melding gemaakt|contact opgenomen|gereclameerd)"
)
# "de 3e keer", "de zoveelste keer"; the second time is still patience.
NTH = (
    r"(?:[3-9]|\d\d+) ?(?:e|de|ste)|derde|vierde|vijfde|zesde|zevende|achtste|negende|tiende|zoveelste"
    r"|honderdste|duizendste"
)
NOTHING = r"(?:niks|niets|nooit (?:iets|wat)|geen (?:ene |malle )?(?:moer|reet|donder|ruk|bal|klap|fluit))"
# Medical compounds of "kanker": these are the illness, not the swear word.
KANKER_MEDICAL = (
    r"(?:patient|behandeling|onderzoek|verwekkend|cel|vrij|bestrijding|fonds|gezwel|diagnose|afdeling"
    r"|centrum|zorg|risico|soort|medicijn|therapie|arts|specialist|ziekte)"
)
OUTSIDERS = (
    r"(?:krant|kranten|media|pers|advocaat|huurcommissie|rechter|rechtbank|kantonrechter|ombudsman"
    r"|nationale ombudsman|tv|televisie|politiek|wethouder|omroep|radar|kassa)"
)

ANGER = [
    # Strong words: "belachelijk", "schandalig", "waardeloos", "onacceptabel".
    r"belachelijk\w*|belachlijk\w*|bespottelijk\w*|schandalig\w*|schandelijk\w*|schande|schandaal"
    r"|waardeloos|waardeloze|waardenloos|onacceptabel|onaanvaardbaar|ongehoord|absurd|te gek voor woorden"
    r"|van de gekke|lachertje|aanfluiting|wanprestatie",
    # Names called: "prutsers", "oplichters".
    r"prutsers?|gepruts|amateurs|amateuristisch|incompetent\w*|oplichters?|oplichterij|klungels|idioten"
    r"|sukkels|leugenaars|jullie liegen|onbekwaam|hufters?|klootzak\w*|eikels",
    rf"jullie zijn {INTENS}(?:een )?(?:stel |bende |zooitje )?(?:grap|onbetrouwbaar|onbetrouwbare|nutteloos"
    r"|slechtste|het slechtst|boeven|dieven|criminelen|tuig)",
    # Fed up: "ik ben het zat", "k ben t zat", "ik heb er genoeg van", "mijn geduld is op".
    rf"(?:{IK})?(?:ben|heb|zijn|hebben) (?:het|t|dit|er) {INTENS}"
    r"(?:spuugzat|kotsbeu|strontzat|spuugziek|zat|beu)",
    r"(?:ben|heb) tzat|spuugzat|kotsbeu|strontzat|spuugziek|strontziek|kotsziek",
    rf"heb (?:er )?{INTENS}(?:schoon )?genoeg van",
    rf"{IK}ben er {INTENS}klaar mee",
    r"geduld is (?:\w+ )?op",
    rf"pik (?:het|t|dit|dat) {INTENS}niet",
    rf"(?:accepteer|tolereer) (?:ik )?(?:dit|dat|het) {INTENS}niet|(?:dit|dat) accepteer ik niet",
    rf"slaat {INTENS}nergens op",
    # Angry: "ik ben woedend", "ik word echt boos" (not "ik ben niet boos", not "razend druk").
    r"woedend|razend(?! (?:snel|druk|populair))|pissig|pisnijdig|laaiend(?! enthousiast)|furieus|ziedend"
    r"|witheet|des duivels|kokend van woede",
    rf"(?:{IK_BEN}|wij zijn|we zijn|we worden|wat ben ik) {INTENS}(?:boos|kwaad)",
    # Swearing.
    r"kut\w*|klote\w*|godverdomme|goddomme|godverdorie|godsamme|verdomme|gvd|gdvd|kolere\w*|klere\w*"
    r"|tering\w*|tyfus\w*|fuck\w*|wtf|kkr|pleur op|flikker op|rot op|krijg de (?:pest|pleuris)",
    # "kanker" only as a swear: a compound ("kankerzooi"), before a noun, or on its own.
    rf"kanker(?!{KANKER_MEDICAL}\w*|s(?!\w))\w+",
    r"kanker (?:zooi|corporatie|bedrijf|tent|club|woningbouw\w*|woningcorporatie|organisatie|mensen|lijers?"
    r"|monteurs?|jullie|instantie|kantoor|idioten|kraan|ketel|lift|deur|flat|buren|herrie)",
    rf"(?:(?<=\. )|^)kanker{END}",
    r"rot(?:bedrijf|corporatie|club|tent|organisatie|instantie)",
    # Reported again and again: "al 4x gebeld", "dit is de 3e keer".
    rf"(?:al|inmiddels) {_words(1)}{TIMES} {_words(3)}{REPORTED}",
    rf"{REPORTED} {_words(1)}al {TIMES}",
    rf"al (?:zo vaak|zovaak|heel vaak|zo ontzettend vaak|ontelbaar vaak) {_words(3)}{REPORTED}",
    rf"de (?:{NTH}) keer|zoveelste keer",
    r"en niemand (?:komt|kwam|doet (?:er )?(?:iets|wat|niks|niets))",
    r"(?:weer|alweer|wederom|nog steeds) niemand (?:gekomen|geweest|komen opdagen|langs geweest)",
    r"(?:alweer|weer|wederom) niet (?:gekomen|komen opdagen)",
    # Nothing gets done: "jullie doen helemaal niks".
    rf"jullie {INTENS}doen {INTENS}{NOTHING}",
    rf"(?:er wordt|wordt er) {INTENS}{NOTHING} (?:aan )?gedaan",
    r"geen (?:ene|malle) moer|geen reet|geen ruk|geen donder|geen flikker",
    rf"jullie {INTENS}(?:luisteren|reageren|komen|bellen) {INTENS}nooit",
    rf"jullie {INTENS}luisteren {INTENS}niet",
    # Going to outsiders: "ik ga naar de krant", "ik neem een advocaat".
    rf"(?:{IK}|we |wij )(?:ga|gaan|stap|stappen|zal|zullen) {_words(3)}(?:naar|bij) de {OUTSIDERS}",
    rf"(?:neem|nemen|schakel|schakelen) {_words(2)}(?:een |mijn )?advocaat|mijn advocaat",
    r"juridische stappen|rechtszaak|aanklagen|klaag jullie aan|ingebrekestelling|in gebreke stellen",
    rf"(?:zet|zetten|post|gooi) {_words(3)}op (?:facebook|twitter|instagram|tiktok|internet|social media"
    r"|sociale media)",
]

# Emoji that are angry by themselves; one needs a negative word beside it, two do not.
ANGRY_EMOJI = frozenset("😡🤬😠👿💢🖕😤")
NEGATIVE_WORDS = (
    r"nog steeds|alweer|weer|niemand|nooit|niks|niets|geen|slecht|irritant|vervelend|kapot|waarom|genoeg|zat"
)
# What may stand between angry emoji of one cluster: spaces, joiners, variation selectors, skin tones.
EMOJI_GLUE = frozenset(" \u200d\ufe0f🏻🏼🏽🏾🏿")
SHOUTED_WORDS = 4  # a run of at least this many words in capitals ...
EXCLAMATIONS = 2  # ... and at least this many exclamation marks is shouting
EVIDENCE_WORDS = 8  # the most words of shouting shown to the agent


# --- Matching ------------------------------------------------------------------------------

APOSTROPHES = frozenset("'’‘`´")
CLAUSE_MARKS = frozenset(".,!?;:…\n\r")
SQUEEZE = re.compile(r"([a-z])\1+")


def _canonical(pattern: str) -> str:
    """A pattern spelt the way the normalised text is: `y` as `ij`, letter runs squeezed."""
    return SQUEEZE.sub(r"\1", pattern.replace("y", "ij"))


def _compile(patterns: list[str]) -> re.Pattern[str]:
    alternatives = "|".join(_canonical(pattern) for pattern in patterns)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


PATTERNS = {
    "bereavement": _compile(BEREAVEMENT),
    "distress": _compile(DISTRESS),
    "anger": _compile(ANGER),
}
NEGATIVE = _compile([NEGATIVE_WORDS])
LETTER_WORD = re.compile(r"[^\W\d_]+")


def _fold(char: str) -> str:
    """One character in lower case without accents, `y` as `ij` (may give more or none)."""
    decomposed = unicodedata.normalize("NFKD", char.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("y", "ij")


def normalise(text: str) -> tuple[str, list[tuple[int, int]]]:
    """The text as the patterns read it, and for each of its characters the span it came from."""
    chars: list[str] = []
    spans: list[tuple[int, int]] = []

    def add(char: str, start: int, end: int) -> None:
        chars.append(char)
        spans.append((start, end))

    for index, raw in enumerate(text):
        for char in _fold(raw):
            last = chars[-1] if chars else ""
            if char in APOSTROPHES:
                continue
            if char.isalnum():
                if last == ".":
                    add(" ", index, index)
                if char.isalpha() and char == last:
                    spans[-1] = (spans[-1][0], index + 1)  # squeeze "kkkk" to "k"
                else:
                    add(char, index, index + 1)
            elif char in CLAUSE_MARKS:
                if last == ".":
                    continue
                if last and last != " ":
                    add(" ", index, index)
                add(".", index, index + 1)
            elif last and last != " ":
                add(" ", index, index)
    while chars and chars[-1] == " ":
        chars.pop()
        spans.pop()
    return "".join(chars), spans


def _evidence(text: str, spans: list[tuple[int, int]], match: re.Match[str]) -> str:
    """The matched words as they appear in the original text."""
    return text[spans[match.start()][0] : spans[match.end() - 1][1]].strip()


def _shouting(text: str) -> str | None:
    """Four or more words in capitals in a row, with two or more exclamation marks in the message."""
    if text.count("!") < EXCLAMATIONS:
        return None
    run: list[re.Match[str]] = []
    for word in LETTER_WORD.finditer(text):
        if not word.group().isupper():
            run = []
            continue
        run.append(word)
        if sum(len(w.group()) > 1 for w in run) >= SHOUTED_WORDS:
            return _shouted_run(text, run)
    return None


def _shouted_run(text: str, run: list[re.Match[str]]) -> str:
    """The run of capitals as written, carried on to where it ends but kept short."""
    words = list(run)
    for following in LETTER_WORD.finditer(text, run[-1].end()):
        if len(words) >= EVIDENCE_WORDS or not following.group().isupper():
            break
        words.append(following)
    return text[words[0].start() : words[-1].end()]


def _angry_emoji(text: str, normalised: str) -> str | None:
    """Two or more angry emoji, or one with a negative word ("nog steeds geen monteur 😡")."""
    found = [index for index, char in enumerate(text) if char in ANGRY_EMOJI]
    if len(found) < 2 and not (found and NEGATIVE.search(normalised)):
        return None
    end = found[0] + 1
    while end < len(text) and (text[end] in ANGRY_EMOJI or text[end] in EMOJI_GLUE):
        end += 1
    return text[found[0] : end].strip()


def detect_cue(text: str | None) -> Cue | None:
    """The strongest handoff cue in a tenant's message, or None."""
    if not text or not text.strip():
        return None
    normalised, spans = normalise(text)
    for kind in KINDS:
        match = PATTERNS[kind].search(normalised)
        if match:
            return Cue(kind, _evidence(text, spans, match))
    evidence = _shouting(text) or _angry_emoji(text, normalised)
    return Cue("anger", evidence) if evidence else None
