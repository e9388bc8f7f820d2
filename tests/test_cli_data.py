import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[1]
EXAMPLE = PROJECT_DIR / "docs" / "examples" / "tenants.csv"


@pytest.fixture
def bot(tmp_path):
    """Run `python -m bot ...` against a SQLite database in tmp_path."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'var' / 'app.db'}"}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "bot", *map(str, args)],
            cwd=PROJECT_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    return run


def test_db_upgrade_migrates_the_database_in_database_url(bot, tmp_path):
    result = bot("db-upgrade")
    assert result.returncode == 0, result.stderr
    assert "latest schema" in result.stdout
    assert (tmp_path / "var" / "app.db").exists()
    assert bot("db-upgrade").returncode == 0


def test_load_demo_twice(bot):
    first = bot("load-demo")
    assert first.returncode == 0, first.stderr
    assert "added demo data of Woonstichting De Linde" in first.stdout
    assert "70 units" in first.stdout
    second = bot("load-demo")
    assert second.returncode == 0, second.stderr
    assert "demo data already present" in second.stdout


def test_import_tenants_imports_the_example_once(bot):
    assert bot("load-demo").returncode == 0
    first = bot("import-tenants", EXAMPLE)
    assert first.returncode == 0, first.stderr
    assert "4 new, 0 updated, 0 unchanged" in first.stdout
    second = bot("import-tenants", EXAMPLE)
    assert "0 new, 0 updated, 4 unchanged" in second.stdout


def test_import_tenants_prints_file_and_line_of_every_error(bot, tmp_path):
    assert bot("load-demo").returncode == 0
    lines = EXAMPLE.read_text().splitlines()
    lines[2] = lines[2].replace("1992-11-02", "02-11-1992")
    lines[4] = lines[4].replace("DL-EGW", "DL-NOPE")
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(lines) + "\n")
    result = bot("import-tenants", bad)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{bad}:3: date_of_birth: '02-11-1992' is not a date as YYYY-MM-DD",
        f"{bad}:5: complex_code: unknown complex 'DL-NOPE'",
        f"Nothing imported: 2 error(s) in {bad}.",
    ]
    assert "0 new, 0 updated, 0 unchanged" not in result.stdout
    assert "4 new" in bot("import-tenants", EXAMPLE).stdout  # the bad file left no trace


def test_import_tenants_needs_a_migrated_database(bot):
    result = bot("import-tenants", EXAMPLE)
    assert result.returncode == 1
    assert "db-upgrade" in result.stderr


def test_import_tenants_of_a_missing_file(bot, tmp_path):
    result = bot("import-tenants", tmp_path / "nope.csv")
    assert result.returncode == 1
    assert "no such file" in result.stderr


def test_users_add_list_and_disable(bot, tmp_path):
    bot("db-upgrade")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'var' / 'app.db'}"}
    add = subprocess.run(
        [sys.executable, "-m", "bot", "users", "add", "Fatima", "--role", "operator", "--password-stdin"],
        cwd=PROJECT_DIR, env=env, input="correct horse battery\n", capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert add.returncode == 0 and "Added fatima (operator)" in add.stdout
    short = subprocess.run(
        [sys.executable, "-m", "bot", "users", "add", "jan", "--password-stdin"],
        cwd=PROJECT_DIR, env=env, input="kort\n", capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert short.returncode == 1 and "at least 12" in short.stderr
    listed = bot("users", "list")
    assert "fatima" in listed.stdout and "operator" in listed.stdout and "active" in listed.stdout
    assert "correct horse" not in listed.stdout
    assert bot("users", "disable", "fatima").returncode == 0
    assert "disabled" in bot("users", "list").stdout
    missing = bot("users", "disable", "nobody")
    assert missing.returncode == 1 and "no user 'nobody'" in missing.stderr


def test_the_stack_adds_demo_tenants_only_outside_production(tmp_path):
    from sqlalchemy import create_engine, text

    from bot.cli import _prepare_database

    for name, with_demo in (("production", False), ("development", True)):
        url = f"sqlite:///{tmp_path / f'{name}.db'}"
        _prepare_database(url, with_demo=with_demo)
        engine = create_engine(url)
        with engine.connect() as connection:
            tenants = connection.execute(text("SELECT count(*) FROM tenants")).scalar()
        engine.dispose()
        assert (tenants > 0) is with_demo
