"""``detente serve`` as a user runs it: where it binds, what it prints, its one-line errors."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import SCENARIOS, assert_one_line_error, in_process

HANOI = SCENARIOS / "hanoi-2019.yaml"
URL = re.compile(r"open (http://\S+) \(Ctrl-C to stop\)")


@pytest.fixture
def dash_missing(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """As without the ``explorer`` extra: importing dash fails."""
    monkeypatch.setitem(sys.modules, "dash", None)
    for name in [n for n in sys.modules if n.startswith("detente.explorer")]:
        monkeypatch.delitem(sys.modules, name)
    yield


@pytest.mark.usefixtures("dash_missing")
def test_without_the_explorer_extra_serve_says_what_to_install(
    capsys: pytest.CaptureFixture[str],
) -> None:
    done = in_process(capsys, "serve", HANOI)
    assert_one_line_error(done, "pip install 'detente[explorer]'")


def test_a_port_in_use_is_a_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = in_process(capsys, "serve", HANOI, "--port", str(port))
    assert_one_line_error(done, f"--port {port}: the port is in use", "--port 0")


@pytest.mark.parametrize(
    ("arguments", "fragment"),
    [
        (("--set", "kappa_h=9"), "kappa_h=9: outside its declared range [1, 4]"),
        (("--set", "hardliner_rule=maybe"), "hardliner_rule=maybe: not one of its choices"),
        (("--port", "70000"), "--port"),
    ],
)
def test_bad_options_are_one_line_errors(
    capsys: pytest.CaptureFixture[str], arguments: tuple[str, ...], fragment: str
) -> None:
    assert_one_line_error(in_process(capsys, "serve", HANOI, *arguments), fragment)


def test_a_sweep_directory_that_holds_no_results_is_a_one_line_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    done = in_process(capsys, "serve", HANOI, "--sweep", tmp_path)
    assert_one_line_error(done, str(tmp_path))


def test_serve_binds_the_loopback_whatever_the_environment_says(tmp_path: Path) -> None:
    environment = {
        **os.environ,
        "HOST": "0.0.0.0",
        "PORT": "1",
        "FLASK_RUN_HOST": "0.0.0.0",
        "DASH_DEBUG": "true",
        "DASH_UI": "true",
        "DASH_HOT_RELOAD": "true",
        "DASH_URL_BASE_PATHNAME": "/elsewhere/",
        "DASH_REQUESTS_PATHNAME_PREFIX": "/elsewhere/",
    }
    command = [sys.executable, "-m", "detente", "serve", str(HANOI), "--port", "0"]
    server = subprocess.Popen(
        [*command, "--set", "kappa_h=3", "--set", "den=100"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
    )
    try:
        line = server.stdout.readline() if server.stdout else ""
        found = URL.search(line)
        assert found is not None, (line, server.stderr.read() if server.poll() else "")
        url = found.group(1)
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/\?set=kappa_h=3", url), url
        with urllib.request.urlopen(url, timeout=30) as response:
            page = response.read().decode()
        config = re.search(
            r'<script id="_dash-config" type="application/json">(.*?)</script>', page
        )
        assert config is not None
        settings = json.loads(config.group(1))
        assert settings["ui"] is False and settings["props_check"] is False
        assert settings["requests_pathname_prefix"] == "/"
    finally:
        server.send_signal(signal.SIGINT)
        _, errors = server.communicate(timeout=30)
    assert server.returncode == 130
    assert errors.strip().splitlines()[-1] == "interrupted by SIGINT"
