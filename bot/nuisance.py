"""Nuisance (overlast) reports: register each, and see when it is one too many for the bot.

A first report about an address gets advice (talk to the neighbour, neighbourhood
mediation) and is registered. Threats, violence, intimidation, discrimination or drug
dealing, or a second report about the same address within six months, go to a person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Text, func, select
from sqlalchemy.orm import Session

from bot.db import Base, UTCDateTime, app_transaction, utcnow
from bot.tenants import normalise_postcode
from bot.triage.engine import normalise_text
from bot.verification import VerificationService

REPEAT_WINDOW = timedelta(days=183)
REPEATS_FOR_A_PERSON = 2
# Words that make a nuisance report serious at once, whatever else it says.
SERIOUS_WORDS = re.compile(
    r"(?<!\w)(bedreig\w*|dreig\w*|geweld\w*|sla(at|an)|geslagen|mishandel\w*|mes(sen)?|wapen\w*|pistool"
    r"|intimid\w*|discrimin\w*|racis\w*|scheld\w*|uitgescholden|drugs?|dealen|dealer\w*|dealt|handel in"
    r"|threat\w*|violen\w*|hit me|knife)(?!\w)"
)
POSTCODE_AND_NUMBER = re.compile(r"(\d{4}\s?[a-z]{2})\D{0,5}(\d+)\s?([a-z]|-\s?\d+)?(?!\w)")
# The word right before the number is the street ("op de Kastanjestraat 4-2"), skipping "nummer".
STREET_AND_NUMBER = re.compile(
    r"([a-z][a-z'-]*[a-z])\s+(?:(?:nummer|nr|huisnummer)\s+)?(\d+)\s?([a-z](?!\w)|-\s?\d+)?"
)
NOT_A_STREET = frozenset(
    {"nummer", "nr", "huisnummer", "op", "de", "het", "is", "in", "aan", "bij", "van", "naar"}
)


class NuisanceReport(Base):
    """One report of nuisance about an address."""

    __tablename__ = "nuisance_reports"

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(128), nullable=False, index=True)
    channel = Column(String(32), nullable=False)
    tenant_id = Column(ForeignKey("tenants.id", ondelete="SET NULL"), nullable=True, index=True)
    # The address the nuisance comes from, normalised (`lindenlaan 12a`, `9999xa 12`).
    about_address = Column(String(200), nullable=True, index=True)
    serious = Column(Boolean, nullable=False, default=False)
    description = Column(Text, nullable=False, default="")
    created_at = Column(UTCDateTime, nullable=False, default=utcnow, index=True)


def is_serious(text: str) -> bool:
    """Whether the words speak of threats, violence, intimidation, discrimination or drugs."""
    return SERIOUS_WORDS.search(normalise_text(text)) is not None


def normalise_address(text: str | None) -> str | None:
    """`9999xa 12` from a postcode and number, else `lindenlaan 12a` from a street and number."""
    if not text:
        return None
    normalised = normalise_text(text)
    match = POSTCODE_AND_NUMBER.search(normalised)
    if match:
        postcode = normalise_postcode(match.group(1))
        if postcode:
            return f"{postcode.lower()} {match.group(2)}{_addition(match.group(3))}"
    match = STREET_AND_NUMBER.search(normalised)
    if match and match.group(1) not in NOT_A_STREET:
        return f"{match.group(1)} {match.group(2)}{_addition(match.group(3))}"
    return None


def _addition(raw: str | None) -> str:
    return raw.replace(" ", "") if raw else ""


@dataclass(frozen=True)
class NuisanceAssessment:
    """What happens with a report: advice and registration, or a person."""

    reports_about_address: int
    serious: bool

    @property
    def to_a_person(self) -> bool:
        return self.serious or self.reports_about_address >= REPEATS_FOR_A_PERSON

    @property
    def reason(self) -> str:
        if self.serious:
            return "nuisance_serious"
        return "nuisance_repeated" if self.to_a_person else "nuisance_first_report"


def add_report(
    session: Session,
    *,
    conversation_id: str,
    channel: str,
    address: str | None,
    description: str,
    serious: bool,
    tenant_id: int | None = None,
    now: datetime | None = None,
) -> NuisanceAssessment:
    """Register a report and count the reports about the same address in the last six months."""
    now = now or utcnow()
    about = normalise_address(address)
    session.add(
        NuisanceReport(
            conversation_id=conversation_id,
            channel=channel,
            tenant_id=tenant_id,
            about_address=about,
            serious=serious,
            description=description.strip()[:2000],
            created_at=now,
        )
    )
    session.flush()
    count = 1
    if about is not None:
        query = select(func.count(NuisanceReport.id)).where(
            NuisanceReport.about_address == about, NuisanceReport.created_at >= now - REPEAT_WINDOW
        )
        count = session.execute(query).scalar_one()
    return NuisanceAssessment(reports_about_address=count, serious=serious)


def register(database_url: str, **fields) -> NuisanceAssessment:
    """Register a report in its own transaction, for the conversation's verified tenant if any."""
    with app_transaction(database_url) as session:
        tenant_id = VerificationService(session).verified_tenant(fields["conversation_id"])
        return add_report(session, tenant_id=tenant_id, **fields)
