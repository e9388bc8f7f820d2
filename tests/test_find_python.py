"""scripts/find-python.sh: setup finds a Python 3.10 or says how to get one."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT_DIR

SCRIPT = PROJECT_DIR / "scripts" / "find-python.sh"
SYSTEM_PYTHON310 = [Path("/usr/local/bin/python3.10"), Path("/usr/bin/python3.10")]


def _find(tmp_path, **env):
    """Run the script with nothing on PATH but the basic tools and an empty home."""
    environment = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "PYENV_ROOT": str(tmp_path / "pyenv"),
        **env,
    }
    return subprocess.run(["bash", str(SCRIPT)], env=environment, capture_output=True, text=True)


def test_a_pyenv_python_310_is_found(tmp_path):
    interpreter = tmp_path / "pyenv" / "versions" / "3.10.99" / "bin" / "python3.10"
    interpreter.parent.mkdir(parents=True)
    interpreter.symlink_to(os.path.realpath(sys.executable))  # this test runs on 3.10
    found = _find(tmp_path)
    assert found.returncode == 0
    assert found.stdout.strip() == str(interpreter)


def test_without_python_310_setup_stops_and_says_how_to_get_one(tmp_path):
    if any(path.exists() for path in SYSTEM_PYTHON310):
        pytest.skip("this machine has a system-wide Python 3.10, which the script rightly finds")
    found = _find(tmp_path, PYTHON310="/bin/sh")  # an explicit choice that is not Python 3.10
    assert found.returncode == 1
    assert found.stdout == ""
    assert "pyenv install 3.10" in found.stderr and "PYTHON310=" in found.stderr
