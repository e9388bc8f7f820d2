"""Run `rasa data validate` and treat every warning it prints as a failure.

Rasa's own `--fail-on-warnings` still passes when, say, a response or intent is never
used. These warnings are Rasa's mistakes or our design, and are allowed only where they are:
- every retrieval intent (`faq`) is reported as a "duplicated intent" because Rasa merges
  it into the domain a second time from the NLU data (rasa/shared/importers/importer.py,
  `_get_domain_with_retrieval_intents`): allowed for the retrieval intents in data/nlu/;
- the retrieval action Rasa adds to the domain for each of them (`utter_faq`) is reported
  as having no response: by design, since the FAQ answers are operator data
  (data/faq_answers.yml) that `action_answer_faq` utters: allowed for exactly those actions;
- a form's questions (`utter_ask_<slot>`, `utter_ask_<form>_<slot>`) are reported as
  unused, because the validator only looks at stories and rules, not at what a form
  asks: allowed for the required slots of the forms in domain/;
- responses a custom action utters by name (`response="utter_..."` in actions/) are
  reported as unused for the same reason: allowed for exactly those names, and for the
  response names the actions keep in tables (a quoted `"utter_..."` in actions/);
- an intent that our own NLU component sets (`express_distress`, bot/nlu/cues.py) has no
  training examples by design: allowed for exactly that intent.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

from bot.faq import nlu_retrieval_intents
from bot.handoff.cues import CUE_INTENT
from bot.model.build import CONFIG, DOMAIN, TrainingInputs

WARNING = re.compile(r"UserWarning: (?P<message>.*)")
RETRIEVAL_DUPLICATE = re.compile(
    r"The following duplicated intents have been found across multiple domain files: (?P<names>.*)"
)
ACTION_RESPONSE = re.compile(r"""["'](?P<name>utter_\w+)["']""")
RETRIEVAL_ACTION_WITHOUT_RESPONSE = re.compile(
    r"Action '(?P<name>\w+)' is listed as a response action in the domain file, "
    r"but there is no matching response defined\. Please check your domain\."
)
UNUSED_UTTERANCE = re.compile(r"The utterance '(?P<name>\w+)' is not used in any story or rule\.")
INTENT_WITHOUT_EXAMPLES = re.compile(
    r"The intent '(?P<name>\w+)' is listed in the domain file, but is not found in the NLU training data\."
)
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def retrieval_intents(nlu_dir: Path) -> set[str]:
    """Names of the retrieval intents (`faq` for `faq/pets`) in the NLU data files."""
    return {intent for intent, *_ in nlu_retrieval_intents(nlu_dir)}


def form_questions(domain_dir: Path) -> set[str]:
    """The responses Rasa's forms ask their required slots with."""
    import yaml

    names: set[str] = set()
    for path in sorted(domain_dir.rglob("*.yml")):
        forms = (yaml.safe_load(path.read_text()) or {}).get("forms") or {}
        for form, spec in forms.items():
            for slot in (spec or {}).get("required_slots") or []:
                names.update({f"utter_ask_{slot}", f"utter_ask_{form}_{slot}"})
    return names


def action_responses(*sources: Path) -> set[str]:
    """The responses uttered by name in Python code: the custom actions, the outage apology."""
    names: set[str] = set()
    for source in sources:
        for path in sorted(source.rglob("*.py")) if source.is_dir() else [source]:
            names.update(match["name"] for match in ACTION_RESPONSE.finditer(path.read_text()))
    return names


def unexpected_warnings(
    output_lines: Iterable[str], allowed_duplicates: set[str], form_responses: frozenset[str] = frozenset()
) -> list[str]:
    """The warnings in Rasa's output, except its false alarms about retrieval intents and forms.

    `allowed_duplicates` are the retrieval intents (`faq`) of the NLU data.
    """
    retrieval_actions = {f"utter_{name}" for name in allowed_duplicates}
    found = []
    for line in output_lines:
        match = WARNING.search(ANSI.sub("", line))
        if not match:
            continue
        message = match["message"].strip()
        duplicate = RETRIEVAL_DUPLICATE.match(message)
        if duplicate and {n.strip() for n in duplicate["names"].split(",")} <= allowed_duplicates:
            continue
        no_response = RETRIEVAL_ACTION_WITHOUT_RESPONSE.fullmatch(message)
        if no_response and no_response["name"] in retrieval_actions:
            continue
        unused = UNUSED_UTTERANCE.fullmatch(message)
        if unused and unused["name"] in form_responses:
            continue
        no_examples = INTENT_WITHOUT_EXAMPLES.fullmatch(message)
        if no_examples and no_examples["name"] == CUE_INTENT:
            continue
        found.append(message)
    return found


def validate_operator_data(data_dir: Path, nlu_dir: Path | None = None) -> list[str]:
    """Problems in the operator data files, as `file:line: ...`.

    Besides each file on its own, the FAQ answers are checked against the NLU data
    (`nlu_dir`, by default `data_dir / "nlu"`): every `faq/<topic>` needs an answer and
    every answer needs examples.
    """
    from bot.datafiles import DataFileError
    from bot.faq import nlu_problems
    from bot.triage.service import load_knowledge

    problems: list[str] = []
    try:
        load_knowledge(data_dir)
    except DataFileError as error:
        problems.extend(error.problems)
    try:
        problems.extend(nlu_problems(data_dir / "faq_answers.yml", nlu_dir or data_dir / "nlu"))
    except DataFileError:
        pass  # an invalid answers file was reported by load_knowledge already
    return problems


def validate(inputs: TrainingInputs, operator_data_dir: Path) -> int:
    """Check the operator data files, then Rasa's validation of the training inputs; any warning fails."""
    project_dir = inputs.project_dir
    problems = validate_operator_data(operator_data_dir, inputs.nlu_dir)
    for problem in problems:
        print(f"[validate] {problem}")
    if problems:
        print(f"[validate] FAILED: {len(problems)} problem(s) in the operator data files")
        return 1
    print(
        "[validate] triage scripts, self-help catalogue, office hours, routing, canned answers "
        "and FAQ answers are valid"
    )
    command = [
        sys.executable, "-m", "rasa", "data", "validate", "--fail-on-warnings",
        "--domain", str(project_dir / DOMAIN), "--config", str(project_dir / CONFIG),
        "--data", *[str(path) for path in inputs.data_paths],
    ]  # fmt: skip
    result = subprocess.run(command, cwd=project_dir, capture_output=True, text=True)
    output = (result.stdout + result.stderr).splitlines()
    print("\n".join(output))
    warnings = unexpected_warnings(
        output,
        retrieval_intents(inputs.nlu_dir),
        frozenset(
            form_questions(project_dir / "domain")
            | action_responses(project_dir / "actions", project_dir / "bot" / "action_outage.py")
        ),
    )
    for message in warnings:
        print(f"[validate] warning: {message}")
    if result.returncode != 0 or warnings:
        print(f"[validate] FAILED: exit code {result.returncode}, {len(warnings)} warning(s)")
        return 1
    print("[validate] valid; no warnings but Rasa's false alarms about retrieval intents, forms and actions")
    return 0
