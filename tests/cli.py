"""Run the project's command line, `python -m bot ...`, as a subprocess from the project directory."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping

from tests.conftest import PROJECT_DIR


def run_bot(*args: str, env: Mapping[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """`python -m bot ARGS` with this environment; its output captured as text."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=PROJECT_DIR,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
