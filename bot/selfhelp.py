"""The self-help catalogue (`data/selfhelp.yml`): what tenants can fix themselves, with a video."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Extra, Field, validator

from bot.datafiles import DataFileError, load_model

PROJECT_DIR = Path(__file__).resolve().parents[1]
DEFAULT_CATALOGUE = PROJECT_DIR / "data" / "selfhelp.yml"


class SelfHelpItem(BaseModel):
    """One thing a tenant can do themselves."""

    id: str = Field(regex=r"^[a-z][a-z0-9_]*$")
    title: str = Field(min_length=3, max_length=60)
    steps: list[str] = Field(min_items=1, max_items=8)
    # Path of the video page under the corporation's site (SELF_HELP_BASE_URL).
    video: str = Field(regex=r"^[a-z0-9][a-z0-9/_-]*$")
    # A small repair that is the tenant's own responsibility under Dutch rules.
    tenant_responsibility: bool = False
    # Covered by the corporation's service subscription (servicefonds/serviceabonnement).
    service_subscription: bool = False

    class Config:
        extra = Extra.forbid

    @validator("steps", each_item=True)
    def _short_steps(cls, step: str) -> str:
        if not 3 <= len(step) <= 200:
            raise ValueError("a step is 3 to 200 characters: short enough for a phone screen")
        return step

    def video_url(self, base_url: str) -> str:
        return f"{base_url.rstrip('/')}/{self.video}"


class Catalogue(BaseModel):
    """The whole catalogue."""

    version: int = Field(default=1, ge=1, le=1)
    items: list[SelfHelpItem] = Field(min_items=1)

    class Config:
        extra = Extra.forbid

    @validator("items")
    def _unique_ids(cls, items: list[SelfHelpItem]) -> list[SelfHelpItem]:
        ids = [item.id for item in items]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"duplicate item ids: {', '.join(duplicates)}")
        return items

    def get(self, item_id: str) -> SelfHelpItem:
        """The item with this id; KeyError if there is none."""
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)


def load_catalogue(path: Path = DEFAULT_CATALOGUE) -> Catalogue:
    """Read and validate the catalogue; DataFileError names file and line."""
    return load_model(Catalogue, path)


TENANT_RESPONSIBILITY = "Dit is een kleine reparatie die u als huurder zelf doet of betaalt."
SERVICE_SUBSCRIPTION = "Heeft u ons serviceabonnement? Dan doen wij het zonder extra kosten."


def instructions_text(item: SelfHelpItem, base_url: str) -> str:
    """The Dutch message with the steps, the video link and, if so, whose cost it is."""
    steps = "\n".join(f"{number}. {step}" for number, step in enumerate(item.steps, start=1))
    text = f"{item.title}:\n{steps}\nBekijk de video: {item.video_url(base_url)}"
    if item.tenant_responsibility:
        text += f"\n{TENANT_RESPONSIBILITY}"
        if item.service_subscription:
            text += f" {SERVICE_SUBSCRIPTION}"
    return text


__all__ = ["Catalogue", "DataFileError", "SelfHelpItem", "instructions_text", "load_catalogue"]
