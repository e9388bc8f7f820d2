"""The trades a repair can need, shared by the triage scripts and the tickets."""

from __future__ import annotations

import enum


class Trade(str, enum.Enum):
    """The kind of contractor a ticket needs."""

    PLUMBER = "plumber"
    ELECTRICIAN = "electrician"
    CARPENTER = "carpenter"
    LOCKSMITH = "locksmith"
    HEATING = "heating"
    GLAZIER = "glazier"
    ROOFER = "roofer"
    PEST_CONTROL = "pest_control"
    LIFT = "lift"
    VENTILATION = "ventilation"
    CLEANER = "cleaner"
    GENERAL = "general"


# Tenant-facing names of the trades.
TRADE_LABELS: dict[Trade, str] = {
    Trade.PLUMBER: "loodgieter",
    Trade.ELECTRICIAN: "elektricien",
    Trade.CARPENTER: "timmerman",
    Trade.LOCKSMITH: "slotenmaker",
    Trade.HEATING: "cv-monteur",
    Trade.GLAZIER: "glaszetter",
    Trade.ROOFER: "dakdekker",
    Trade.PEST_CONTROL: "ongediertebestrijder",
    Trade.LIFT: "liftmonteur",
    Trade.VENTILATION: "ventilatiemonteur",
    Trade.CLEANER: "schoonmaker",
    Trade.GENERAL: "onderhoudsmonteur",
}

__all__ = ["TRADE_LABELS", "Trade"]
