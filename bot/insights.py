"""Insights for a period: does the assistant do its job.

For every conversation with a tenant's message in the period (Rasa's tracker store): its
channel and its category (the first message about a repair, nuisance, arrears or a question),
and how it was settled: by a person (it was handed over, to the queue or as a callback), by
self-help that worked, or by the bot alone (a category, and neither of the others). Also the
emergencies reported outside office hours, the median wait from handoff to an agent's claim,
and the tenants' satisfaction scores. Days and hours are local (office hours' time zone).
"""

from __future__ import annotations

import csv
import io
import json
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from bot.categories import TRIAGE_CATEGORIES, category_for_intent
from bot.handoff.models import Handoff
from bot.handoff.summary import CATEGORY_LABELS
from bot.nlu.classify import intent_from_parse
from bot.office_hours import OfficeHours
from bot.outcomes import SELF_HELP_SOLVED, ConversationOutcome, SatisfactionScore
from bot.tickets import Ticket, Urgency
from bot.tracker_store import EVENTS

CATEGORIES = tuple(category.value for category in TRIAGE_CATEGORIES)
SETTLED = ("bot", "self_help", "person")


@dataclass(frozen=True)
class Conversation:
    """One conversation in the period: its channel, category, local day, and how it was settled."""

    conversation_id: str
    channel: str
    category: str
    day: date
    settled: str | None  # "bot", "self_help", "person", or None (only small talk)


@dataclass
class Insights:
    """The figures of a period (both days included)."""

    start: date
    end: date
    conversations: list[Conversation] = field(default_factory=list)
    emergencies_out_of_hours: list[date] = field(default_factory=list)
    emergencies: int = 0
    waits_minutes: list[float] = field(default_factory=list)
    scores: list[tuple[date, int]] = field(default_factory=list)

    def count(self, attribute: str) -> dict[str, int]:
        return dict(Counter(getattr(conversation, attribute) for conversation in self.conversations))

    def settled_share(self) -> dict[str, float]:
        """The share of conversations with a category settled by the bot, self-help or a person."""
        settled = Counter(c.settled for c in self.conversations if c.settled)
        total = sum(settled.values())
        return {kind: (settled[kind] / total if total else 0.0) for kind in SETTLED}

    @property
    def median_wait(self) -> float | None:
        return statistics.median(self.waits_minutes) if self.waits_minutes else None

    @property
    def mean_score(self) -> float | None:
        return statistics.mean(score for _, score in self.scores) if self.scores else None

    def days(self) -> list[date]:
        return [self.start + timedelta(days=offset) for offset in range((self.end - self.start).days + 1)]


def _bounds(office_hours: OfficeHours, start: date, end: date) -> tuple[datetime, datetime]:
    """The period as aware datetimes: from local midnight of `start` to local midnight after `end`."""
    zone = office_hours.zone
    return datetime.combine(start, time(), zone), datetime.combine(end + timedelta(days=1), time(), zone)


def _messages(tracker_engine: Engine, since: datetime, until: datetime) -> list[tuple[str, dict]]:
    query = (
        select(EVENTS.c.sender_id, EVENTS.c.data)
        .where(
            EVENTS.c.type_name == "user",
            EVENTS.c.timestamp >= since.timestamp(),
            EVENTS.c.timestamp < until.timestamp(),
        )
        .order_by(EVENTS.c.id)
    )
    try:
        with tracker_engine.connect() as connection:
            return [(sender, json.loads(data or "{}")) for sender, data in connection.execute(query)]
    except (OperationalError, ProgrammingError):
        return []


def _conversations(
    messages: list[tuple[str, dict]], office_hours: OfficeHours, handed: set[str], self_helped: set[str]
) -> list[Conversation]:
    first: dict[str, dict] = {}
    categories: dict[str, str] = {}
    for sender, data in messages:
        first.setdefault(sender, data)
        category = category_for_intent(intent_from_parse(data.get("parse_data") or {})[0]).value
        if category in CATEGORIES:
            categories.setdefault(sender, category)
    found = []
    for sender, data in first.items():
        category = categories.get(sender, "other")
        settled = (
            "person"
            if sender in handed
            else "self_help"
            if sender in self_helped
            else "bot"
            if category != "other"
            else None
        )
        day = office_hours.local(
            datetime.fromtimestamp(float(data.get("timestamp") or 0), tz=timezone.utc)
        ).date()
        found.append(Conversation(sender, data.get("input_channel") or "onbekend", category, day, settled))
    return found


def compute(
    session: Session, tracker_engine: Engine, office_hours: OfficeHours, *, start: date, end: date
) -> Insights:
    """The insights of the days `start` to `end` (both included)."""
    since, until = _bounds(office_hours, start, end)
    handoffs = list(
        session.scalars(select(Handoff).where(Handoff.created_at >= since, Handoff.created_at < until))
    )
    self_helped = set(
        session.scalars(
            select(ConversationOutcome.conversation_id).where(
                ConversationOutcome.kind == SELF_HELP_SOLVED,
                ConversationOutcome.at >= since,
                ConversationOutcome.at < until,
            )
        )
    )
    insights = Insights(start, end)
    insights.conversations = _conversations(
        _messages(tracker_engine, since, until),
        office_hours,
        {h.conversation_id for h in handoffs},
        self_helped,
    )
    insights.waits_minutes = [
        (h.claimed_at - h.created_at).total_seconds() / 60 for h in handoffs if h.claimed_at is not None
    ]
    emergencies = session.scalars(
        select(Ticket.created_at).where(
            Ticket.urgency == Urgency.EMERGENCY, Ticket.created_at >= since, Ticket.created_at < until
        )
    ).all()
    insights.emergencies = len(emergencies)
    insights.emergencies_out_of_hours = [
        office_hours.local(at).date() for at in emergencies if not office_hours.is_open(at)
    ]
    scores = session.execute(
        select(SatisfactionScore.at, SatisfactionScore.score).where(
            SatisfactionScore.at >= since, SatisfactionScore.at < until
        )
    )
    insights.scores = [(office_hours.local(at).date(), score) for at, score in scores]
    return insights


CSV_COLUMNS = (
    "dag", "gesprekken", "whatsapp", "messenger", "reparatie", "overlast", "betalingsachterstand",
    "algemene_vraag", "door_bot", "door_zelfhulp", "door_medewerker", "spoed_buiten_kantoortijd",
    "tevredenheid_gemiddeld", "tevredenheid_aantal",
)  # fmt: skip


def csv_export(insights: Insights) -> str:
    """One row per day with the period's figures (Dutch column names, for spreadsheets)."""
    by_day: dict[date, list[Conversation]] = defaultdict(list)
    for conversation in insights.conversations:
        by_day[conversation.day].append(conversation)
    scores: dict[date, list[int]] = defaultdict(list)
    for day, score in insights.scores:
        scores[day].append(score)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for day in insights.days():
        conversations = by_day.get(day, [])
        channels = Counter(c.channel for c in conversations)
        categories = Counter(c.category for c in conversations)
        settled = Counter(c.settled for c in conversations)
        day_scores = scores.get(day, [])
        writer.writerow(
            [
                day.isoformat(), len(conversations), channels["whatsapp"], channels["messenger"],
                *(categories[name] for name in ("repair", "nuisance", "payment_arrears", "general")),
                settled["bot"], settled["self_help"], settled["person"],
                insights.emergencies_out_of_hours.count(day),
                f"{statistics.mean(day_scores):.2f}" if day_scores else "", len(day_scores),
            ]
        )  # fmt: skip
    return out.getvalue()


CHANNEL_LABELS = {"whatsapp": "WhatsApp", "messenger": "Messenger"}
SETTLED_LABELS = {"bot": "Door de bot", "self_help": "Met zelfhulp", "person": "Door een collega"}


def chart_png(insights: Insights) -> bytes:
    """Four charts of the period as one PNG: conversations per day, per category, how settled, scores."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    figure, ((per_day, per_category), (settled, scores)) = plt.subplots(2, 2, figsize=(11, 7), dpi=100)
    days = insights.days()
    counts = Counter(c.day for c in insights.conversations)
    for channel in sorted({c.channel for c in insights.conversations}):
        daily = Counter(c.day for c in insights.conversations if c.channel == channel)
        per_day.plot(
            days, [daily[day] for day in days], marker="o", label=CHANNEL_LABELS.get(channel, channel)
        )
    per_day.plot(days, [counts[day] for day in days], color="black", linewidth=1, label="Totaal")
    per_day.set_title("Gesprekken per dag")
    per_day.legend(fontsize=8)
    per_day.tick_params(axis="x", labelrotation=45, labelsize=7)
    categories = insights.count("category")
    names = [name for name in CATEGORY_LABELS if categories.get(name)]
    per_category.bar([CATEGORY_LABELS[name] for name in names], [categories[name] for name in names])
    per_category.set_title("Gesprekken per onderwerp")
    per_category.tick_params(axis="x", labelrotation=20, labelsize=8)
    shares = insights.settled_share()
    settled.bar([SETTLED_LABELS[kind] for kind in SETTLED], [100 * shares[kind] for kind in SETTLED],
                color=["#1f4e79", "#2e8b57", "#e67e22"])  # fmt: skip
    settled.set_ylim(0, 100)
    settled.set_ylabel("%")
    settled.set_title("Afgehandeld")
    score_counts = Counter(score for _, score in insights.scores)
    scores.bar(
        [str(score) for score in range(1, 6)], [score_counts[score] for score in range(1, 6)], color="#2e8b57"
    )
    mean = insights.mean_score
    scores.set_title(
        f"Tevredenheid (gemiddeld {mean:.1f})" if mean is not None else "Tevredenheid (geen scores)"
    )
    for axes in (per_day, per_category, scores):
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_ylim(0, max(axes.get_ylim()[1], 1))
    figure.suptitle(f"{insights.start:%d-%m-%Y} t/m {insights.end:%d-%m-%Y}")
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    plt.close(figure)
    return out.getvalue()
