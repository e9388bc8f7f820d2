"""Plain-Dutch summaries of what the assistant understood from a message."""

from __future__ import annotations

# Dutch phrases for the canonical entity values (docs/nlu-data.md).
OBJECT_LABELS: dict[str, str] = {
    "tap": "de kraan",
    "toilet": "de wc",
    "sink": "de wasbak",
    "shower": "de douche",
    "bath": "het bad",
    "drain": "de afvoer",
    "pipe": "een leiding",
    "cv_boiler": "de cv-ketel",
    "radiator": "de radiator",
    "thermostat": "de thermostaat",
    "water_heater": "de boiler",
    "meter_box": "de meterkast",
    "socket": "het stopcontact",
    "light": "de verlichting",
    "door": "de deur",
    "front_door": "de voordeur",
    "window": "het raam",
    "lock": "het slot",
    "key": "de sleutel",
    "intercom": "de intercom",
    "doorbell": "de deurbel",
    "lift": "de lift",
    "roof": "het dak",
    "gutter": "de dakgoot",
    "ceiling": "het plafond",
    "wall": "de muur",
    "floor": "de vloer",
    "stairs": "de trap",
    "kitchen_unit": "het keukenblok",
    "extractor_fan": "de afzuigkap",
    "ventilation": "de ventilatie",
    "smoke_detector": "de rookmelder",
    "balcony": "het balkon",
    "fence": "de schutting",
    "bin": "de container",
    "garage_door": "de garagedeur",
    "shutter": "het rolluik",
}

ROOM_LABELS: dict[str, str] = {
    "kitchen": "in de keuken",
    "bathroom": "in de badkamer",
    "toilet_room": "in het toilet",
    "living_room": "in de woonkamer",
    "bedroom": "in de slaapkamer",
    "attic": "op zolder",
    "hallway": "in de gang",
    "storage_room": "in de berging",
    "basement": "in de kelder",
    "balcony": "op het balkon",
    "garden": "in de tuin",
    "stairwell": "in het trappenhuis",
    "gallery": "op de galerij",
    "entrance": "bij de entree",
    "lift_lobby": "bij de lift",
    "parking": "bij het parkeren",
    "bin_area": "bij de afvalcontainers",
    "whole_home": "in het hele huis",
}

PROBLEM_LABELS: dict[str, str] = {
    "leak": "lekkage",
    "flooding": "wateroverlast",
    "blocked": "verstopping",
    "broken": "iets kapot",
    "no_power": "geen stroom",
    "no_heating": "geen verwarming",
    "no_hot_water": "geen warm water",
    "no_water": "geen water",
    "gas_smell": "gaslucht",
    "fire": "brand",
    "smoke": "rook",
    "carbon_monoxide": "koolmonoxide",
    "locked_out": "buitengesloten",
    "key_broken": "afgebroken sleutel",
    "stuck": "vast",
    "mould": "schimmel",
    "damp": "vocht",
    "draught": "tocht",
    "noise": "geluid",
    "pests": "ongedierte",
    "burglary_damage": "schade na inbraak",
    "storm_damage": "stormschade",
    "low_pressure": "lage druk",
    "error_code": "een storingscode",
    "not_working": "werkt niet",
}


def _label(labels: dict[str, str], value: str | None) -> str | None:
    """The Dutch phrase for a canonical value; an unknown value is shown as the tenant wrote it."""
    if not value:
        return None
    return labels.get(value, value)


def describe_problem(
    *, problem: str | None = None, object_: str | None = None, room: str | None = None
) -> str | None:
    """One short Dutch phrase for a problem, e.g. 'lekkage bij de kraan, in de keuken'.

    Returns None when nothing is known, so the caller can ask instead of guessing.
    """
    problem_text = _label(PROBLEM_LABELS, problem)
    object_text = _label(OBJECT_LABELS, object_)
    room_text = _label(ROOM_LABELS, room)
    if problem_text and object_text:
        text = f"{problem_text} bij {object_text}"
    elif problem_text:
        text = problem_text
    elif object_text:
        text = f"een probleem met {object_text}"
    elif room_text:
        return f"een probleem {room_text}"
    else:
        return None
    return f"{text}, {room_text}" if room_text else text
