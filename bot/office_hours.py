"""Office hours, Dutch public holidays and the next working day (`data/office_hours.yml`)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cached_property
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
from pydantic import BaseModel, Extra, root_validator, validator

from bot.datafiles import load_model

PROJECT_DIR = Path(__file__).resolve().parents[1]
DEFAULT_OFFICE_HOURS = PROJECT_DIR / "data" / "office_hours.yml"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DUTCH_WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")


class Hours(BaseModel):
    """Opening and closing time of one weekday."""

    open: time
    close: time

    class Config:
        extra = Extra.forbid

    @root_validator(skip_on_failure=True)
    def _open_before_close(cls, values: dict) -> dict:
        if values["open"] >= values["close"]:
            raise ValueError("open must be before close")
        return values


class OfficeHours(BaseModel):
    """When colleagues are at work; everything else is out of hours."""

    timezone: str = "Europe/Amsterdam"
    # Weekday name -> hours; a weekday that is not listed is closed.
    days: dict[str, Hours]
    # Names of public holidays (as the `holidays` library calls them, in English) we are open on.
    open_on_holidays: list[str] = []
    # Extra closed days (e.g. a bridge day), as dates.
    closed_dates: list[date] = []
    # Tenant-facing handling time per urgency ("binnen 3 werkdagen").
    handling_times: dict[str, str]

    class Config:
        extra = Extra.forbid
        keep_untouched = (cached_property,)

    @validator("timezone")
    def _known_timezone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except Exception as error:  # zoneinfo raises several kinds
            raise ValueError(f"unknown time zone {name!r}") from error
        return name

    @validator("days")
    def _weekday_names(cls, days: dict[str, Hours]) -> dict[str, Hours]:
        if not days:
            raise ValueError("at least one weekday must have office hours")
        unknown = sorted(set(days) - set(WEEKDAYS))
        if unknown:
            raise ValueError(f"unknown weekday(s) {', '.join(unknown)}; use {', '.join(WEEKDAYS)}")
        return days

    @validator("handling_times")
    def _every_urgency(cls, times: dict[str, str]) -> dict[str, str]:
        missing = {"emergency", "urgent", "normal"} - set(times)
        if missing:
            raise ValueError(f"handling_times misses {', '.join(sorted(missing))}")
        return times

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def local(self, moment: datetime) -> datetime:
        """A moment in local time; a naive moment is taken as local already."""
        return moment.replace(tzinfo=self.zone) if moment.tzinfo is None else moment.astimezone(self.zone)

    def holiday_name(self, day: date) -> str | None:
        """The Dutch name of a public holiday we are closed on, else None."""
        english = holidays.country_holidays("NL", years=day.year).get(day)
        if english is None or english in self.open_on_holidays:
            return None
        return holidays.country_holidays("NL", years=day.year, language="nl").get(day) or english

    def is_working_day(self, day: date) -> bool:
        return (
            WEEKDAYS[day.weekday()] in self.days
            and day not in self.closed_dates
            and self.holiday_name(day) is None
        )

    def is_open(self, moment: datetime) -> bool:
        """Whether colleagues are at work at this moment."""
        local = self.local(moment)
        if not self.is_working_day(local.date()):
            return False
        hours = self.days[WEEKDAYS[local.weekday()]]
        return hours.open <= local.time() < hours.close

    def next_opening(self, moment: datetime) -> datetime:
        """The next moment colleagues are at work (the moment itself when open now)."""
        local = self.local(moment)
        if self.is_open(local):
            return local
        day = local.date()
        for _ in range(60):
            if self.is_working_day(day):
                opening = datetime.combine(day, self.days[WEEKDAYS[day.weekday()]].open, tzinfo=self.zone)
                if opening > local:
                    return opening
            day += timedelta(days=1)
        raise ValueError("no working day in the next 60 days: check data/office_hours.yml")

    def describe_next_opening(self, moment: datetime) -> str:
        """Dutch: when we are there again, e.g. 'maandag 29 december om 08:00'."""
        opening = self.next_opening(moment)
        local = self.local(moment)
        if opening.date() == local.date():
            when = "vandaag"
        elif opening.date() == local.date() + timedelta(days=1):
            when = "morgen"
        else:
            when = f"{DUTCH_WEEKDAYS[opening.weekday()]} {opening.day} {_DUTCH_MONTHS[opening.month - 1]}"
        return f"{when} om {opening:%H:%M}"


_DUTCH_MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


def load_office_hours(path: Path = DEFAULT_OFFICE_HOURS) -> OfficeHours:
    """Read and validate the office hours; DataFileError names file and line."""
    return load_model(OfficeHours, path)
