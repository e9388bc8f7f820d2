import pytest

from bot.datafiles import DataFileError
from bot.selfhelp import instructions_text, load_catalogue

ITEM = """\
version: 1
items:
  - id: bleed_radiator
    title: Radiator ontluchten
    steps:
      - Zet de verwarming uit.
      - Draai het ontluchtingsnippeltje open tot er water komt.
    video: radiator-ontluchten
"""


def test_the_shipped_catalogue_is_valid_and_every_item_has_steps_and_a_video():
    catalogue = load_catalogue()
    assert len(catalogue.items) >= 8
    assert all(item.steps and item.video for item in catalogue.items)


def test_instructions_number_the_steps_and_link_the_video_on_the_corporations_site(tmp_path):
    path = tmp_path / "selfhelp.yml"
    path.write_text(ITEM)
    item = load_catalogue(path).get("bleed_radiator")
    text = instructions_text(item, "https://www.example.nl/zelf-doen/")
    assert text == (
        "Radiator ontluchten:\n1. Zet de verwarming uit.\n"
        "2. Draai het ontluchtingsnippeltje open tot er water komt.\n"
        "Bekijk de video: https://www.example.nl/zelf-doen/radiator-ontluchten"
    )


@pytest.mark.parametrize(
    ("broken", "line", "field"),
    [
        (ITEM.replace("video: radiator-ontluchten", "video: https://youtube.example/x"), 8, "items.0.video"),
        (ITEM.replace("      - Zet de verwarming uit.", "      - x"), 6, "items.0.steps.0"),
        (ITEM + ITEM.split("items:\n", 1)[1], 2, "items"),
    ],
)
def test_a_broken_catalogue_names_file_line_and_field(tmp_path, broken, line, field):
    path = tmp_path / "selfhelp.yml"
    path.write_text(broken)
    with pytest.raises(DataFileError) as raised:
        load_catalogue(path)
    assert str(raised.value).startswith(f"{path}:{line}: {field}:")


def test_a_small_repair_says_it_is_the_tenants_own_and_mentions_the_service_subscription(tmp_path):
    path = tmp_path / "selfhelp.yml"
    path.write_text(
        ITEM.replace(
            "    video: radiator-ontluchten",
            "    video: radiator-ontluchten\n    tenant_responsibility: true\n    service_subscription: true",
        )
    )
    text = instructions_text(load_catalogue(path).get("bleed_radiator"), "https://www.example.nl")
    assert text.endswith(
        "Dit is een kleine reparatie die u als huurder zelf doet of betaalt. "
        "Heeft u ons serviceabonnement? Dan doen wij het zonder extra kosten."
    )
