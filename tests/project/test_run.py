"""run.py, the two README commands: what a learner meets in the first minutes."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.project.lab import free_port, quiet_settings, server_flags

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "run-py-test"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # report the redirect as an HTTPError instead of following it


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_an_unknown_command_is_named_and_the_commands_listed():
    result = subprocess.run(
        [sys.executable, str(ROOT / "run.py"), "tset"], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "unknown command 'tset'. Did you mean 'test'?" in result.stdout
    for command in ("lab", "test", "setup", "bench", "book", "student", "store"):
        assert f"python3 run.py {command}" in result.stdout


def test_help_lists_the_commands_and_how_to_pass_pytest_arguments():
    result = subprocess.run(
        [sys.executable, str(ROOT / "run.py"), "--help"], capture_output=True, text=True
    )
    assert result.returncode == 0
    assert "python3 run.py student" in result.stdout and 'python3 run.py test -m "not slow"' in result.stdout


@pytest.mark.slow
def test_lab_serves_the_repository_root_and_stops_with_its_process(tmp_path):
    port = free_port()
    settings = quiet_settings(tmp_path)
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "run.py"), "lab", *server_flags(port, TOKEN, settings)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime")),
    )
    try:
        url = f"http://127.0.0.1:{port}/api/contents?token={TOKEN}"
        for _ in range(240):
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    listing = json.load(response)
                break
            except OSError:
                time.sleep(0.5)
        else:
            raise AssertionError("JupyterLab did not answer on its port")
        names = {item["name"] for item in listing["content"]}
        assert {"README.md", "helpers", "notebooks", "data"} <= names
        assert not any(name.endswith(".egg-info") for name in names), names  # the course's only
        opener = urllib.request.build_opener(_NoRedirect)
        with pytest.raises(urllib.error.HTTPError) as redirect:
            opener.open(f"http://127.0.0.1:{port}/?token={TOKEN}", timeout=5)
        redirect.value.close()
        assert redirect.value.headers["Location"].startswith(
            "/lab/tree/notebooks/01_the_algorithm.ipynb"
        )
        # the process the user started is the server: stopping it closes the port
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        for _ in range(40):
            if not _port_open(port):
                break
            time.sleep(0.25)
        assert not _port_open(port), "JupyterLab still serves after its process was stopped"
    finally:
        if proc.poll() is None:
            proc.kill()
