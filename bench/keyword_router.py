"""A keyword router of the kind phone menus and simple web forms use: the baseline to beat."""

from __future__ import annotations

import re

# Per category, the words a phone menu would listen for. Ties go to the earlier category.
KEYWORDS: dict[str, tuple[str, ...]] = {
    "payment_arrears": (
        "achterstand",
        "betalen",
        "betaal",
        "aanmaning",
        "deurwaarder",
        "schuld",
        "schulden",
        "incasso",
        "betalingsregeling",
        "herinnering",
        "geld",
        "ontruiming",
        "uitzetting",
    ),
    "nuisance": (
        "overlast",
        "buren",
        "buurman",
        "buurvrouw",
        "bovenburen",
        "onderburen",
        "herrie",
        "lawaai",
        "geluid",
        "muziek",
        "feest",
        "stank",
        "wiet",
        "hennep",
        "afval",
        "vuilnis",
        "hond",
        "honden",
        "bedreigd",
        "bedreigt",
        "intimideert",
        "dealen",
        "dealers",
    ),
    "repair": (
        "kapot",
        "lek",
        "lekt",
        "lekkage",
        "verstopt",
        "storing",
        "stuk",
        "defect",
        "reparatie",
        "repareren",
        "cv",
        "ketel",
        "verwarming",
        "kraan",
        "wc",
        "toilet",
        "lift",
        "slot",
        "sleutel",
        "schimmel",
        "stroom",
        "gas",
        "gaslucht",
        "brand",
        "rook",
        "dak",
        "raam",
        "deur",
        "afvoer",
        "warm",
        "water",
        "lamp",
        "muizen",
        "ratten",
    ),
    "general": (
        "huurverhoging",
        "huurtoeslag",
        "opzeggen",
        "openingstijden",
        "bereikbaar",
        "woningruil",
        "servicekosten",
        "huisdier",
        "huisdieren",
        "inschrijven",
        "verzekering",
        "melding",
        "monteur",
        "vraag",
        "verhuizen",
        "toestemming",
    ),
}

# The intent each category stands for, so the router can be scored like a model.
CATEGORY_INTENT = {
    "repair": "report_repair",
    "nuisance": "report_nuisance",
    "payment_arrears": "payment_arrears",
    "general": "faq",
}


def route(text: str) -> str | None:
    """The intent of the category with most keyword hits, or None (other) without any."""
    words = re.findall(r"\w+", text.lower())
    hits = {category: sum(word in keywords for word in words) for category, keywords in KEYWORDS.items()}
    best = max(hits, key=lambda category: hits[category])
    return CATEGORY_INTENT[best] if hits[best] else None
