"""The `portfolium` command, run as a user runs it: in a process of its own, against a fresh data directory."""

from __future__ import annotations

import json
import os
import re
import socket
import stat
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"


def cli_env(**extra: str) -> dict[str, str]:
    """The environment of a user's shell: none of the test suite's Django settings leak in."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DJANGO_SETTINGS_MODULE", "PORTFOLIUM_SECRET_KEY", "PORTFOLIUM_DATA_DIR", "DATABASE_URL",
                        "PORTFOLIUM_DEBUG")}
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")])
    env.update(extra)
    return env


def portfolium(*args: str, stdin: str | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "portfolium.cli", *args], input=stdin, capture_output=True,
                          text=True, env=cli_env(**env), timeout=120, check=False)


def assert_clean_failure(result: subprocess.CompletedProcess[str], words: str) -> None:
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr, result.stderr
    assert words in result.stderr, result.stderr


def test_demo_creates_the_database_and_says_how_to_sign_in(tmp_path):
    result = portfolium("demo", "--no-serve", "--data-dir", str(tmp_path), "--port", "8123")
    assert result.returncode == 0, result.stderr
    assert "http://127.0.0.1:8123/" in result.stdout
    assert "admin / portfolium-demo" in result.stdout
    assert (tmp_path / "demo.sqlite3").exists()
    key = tmp_path / "secret_key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert len(key.read_text().strip()) >= 50

    again = portfolium("demo", "--no-serve", "--data-dir", str(tmp_path))
    assert again.returncode == 0, again.stderr
    assert "Reusing the demo organisation" in again.stderr
    assert "admin / portfolium-demo" in again.stdout


def test_the_data_directory_can_come_from_the_environment(tmp_path):
    result = portfolium("migrate", PORTFOLIUM_DATA_DIR=str(tmp_path / "data"), PORTFOLIUM_SECRET_KEY="k" * 60)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "data" / "portfolium.sqlite3").exists()
    assert not (tmp_path / "data" / "secret_key").exists(), "a key given in the environment is used as is"


def test_createuser_adds_a_person_who_can_sign_in(tmp_path):
    assert portfolium("migrate", "--data-dir", str(tmp_path)).returncode == 0
    created = portfolium("createuser", "grace", "--email", "grace@example.org", "--admin", "--password-stdin",
                         "--data-dir", str(tmp_path), stdin="a long enough password\n")
    assert created.returncode == 0, created.stderr
    assert "Created organisation administrator 'grace'" in created.stdout

    taken = portfolium("createuser", "Grace", "--password-stdin", "--data-dir", str(tmp_path),
                       stdin="a long enough password\n")
    assert_clean_failure(taken, "is taken")
    weak = portfolium("createuser", "hugo", "--password-stdin", "--data-dir", str(tmp_path), stdin="short\n")
    assert_clean_failure(weak, "password: ")


def test_bad_input_fails_with_a_clear_message(tmp_path):
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("")
    assert_clean_failure(portfolium("migrate", "--data-dir", str(not_a_dir / "sub")), "cannot use")
    assert_clean_failure(portfolium("migrate", "--data-dir", str(tmp_path), DATABASE_URL="nosuchdb://x/y"),
                         "configuration error")
    assert_clean_failure(
        portfolium("migrate", "--data-dir", str(tmp_path), DATABASE_URL="postgres://nobody@127.0.0.1:1/none"),
        "cannot connect to the database",
    )
    (tmp_path / "short").mkdir()
    (tmp_path / "short" / "secret_key").write_text("too-short")
    assert_clean_failure(portfolium("migrate", "--data-dir", str(tmp_path / "short")), "shorter than 50")
    assert_clean_failure(portfolium("serve", "--port", "70000"), "not a port number")

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = str(busy.getsockname()[1])
        assert_clean_failure(portfolium("serve", "--data-dir", str(tmp_path), "--port", port), "already in use")


def test_serve_answers_healthz(tmp_path):
    process = subprocess.Popen(
        [sys.executable, "-m", "portfolium.cli", "serve", "--data-dir", str(tmp_path), "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli_env(),
    )
    try:
        line = process.stdout.readline() if process.stdout else ""
        match = re.search(r"http://[^\s]+/", line)
        assert match, f"no URL in {line!r}; stderr: {process.stderr.read() if process.poll() is not None else ''}"
        deadline = time.monotonic() + 10
        while True:
            try:
                with urllib.request.urlopen(match.group(0) + "healthz", timeout=5) as response:
                    assert response.status == 200
                    assert json.loads(response.read()) == {"status": "ok"}
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            pytest.fail("serve did not stop on SIGTERM")
