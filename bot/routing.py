"""Who is warned when the bot must not decide alone (`data/routing.yml`).

During office hours that is the customer-contact desk; out of hours the on-call staff
member (achterwacht) of the rota. Operators edit the rota; `python -m bot validate`
checks it, and changes apply in the running stack without retraining.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, Extra, Field, validator

from bot.datafiles import load_model
from bot.office_hours import OfficeHours
from bot.tenants import normalise_phone

logger = logging.getLogger(__name__)
PROJECT_DIR = Path(__file__).resolve().parents[1]
DEFAULT_ROUTING = PROJECT_DIR / "data" / "routing.yml"


class Contact(BaseModel):
    """A person or desk reachable on WhatsApp."""

    name: str = Field(min_length=2, max_length=120)
    # Dutch or international notation; stored in E.164 (+316...).
    phone: str

    class Config:
        extra = Extra.forbid

    @validator("phone")
    def _valid_phone(cls, raw: str) -> str:
        phone = normalise_phone(raw)
        if phone is None:
            raise ValueError(f"{raw!r} is not a valid phone number")
        return phone


class RotaEntry(Contact):
    """One shift of the rota: on call from this local date and time until the next entry."""

    starts: datetime


class Routing(BaseModel):
    """The escalation contacts: the desk in office hours, the rota out of hours."""

    version: int = Field(1, ge=1, le=1)
    office_hours_desk: Contact
    on_call_rota: list[RotaEntry] = Field(min_items=1)

    class Config:
        extra = Extra.forbid

    @validator("on_call_rota")
    def _in_order(cls, rota: list[RotaEntry]) -> list[RotaEntry]:
        for earlier, later in zip(rota, rota[1:], strict=False):
            if later.starts <= earlier.starts:
                raise ValueError(
                    f"the rota must be in time order: {later.starts:%Y-%m-%d %H:%M} "
                    f"comes after {earlier.starts:%Y-%m-%d %H:%M}"
                )
        return rota

    def on_call_at(self, local: datetime) -> RotaEntry:
        """The rota entry on duty at a local (naive or aware) time."""
        naive = local.replace(tzinfo=None)
        started = [entry for entry in self.on_call_rota if entry.starts <= naive]
        if not started:
            logger.warning("the on-call rota starts after %s; the first entry is used", f"{naive:%Y-%m-%d}")
            return self.on_call_rota[0]
        if started[-1] is self.on_call_rota[-1]:
            logger.info("the last rota entry is in use; add the coming shifts to data/routing.yml")
        return started[-1]

    def contact_at(self, moment: datetime, office_hours: OfficeHours) -> Contact:
        """Whom to warn at `moment`: the desk while we are open, else the on-call staff member."""
        if office_hours.is_open(moment):
            return self.office_hours_desk
        return self.on_call_at(office_hours.local(moment))


def load_routing(path: Path = DEFAULT_ROUTING) -> Routing:
    """Load and check the routing file.

    Raises:
        DataFileError: naming file and line of every problem.
    """
    return load_model(Routing, path)
