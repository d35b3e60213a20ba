"""What the tests that start JupyterLab share: a free port, quiet settings, the server flags."""

from __future__ import annotations

import json
import socket
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def quiet_settings(folder: Path, *, start_kernel: bool = False) -> Path:
    """A throw-away settings folder: no news, no update checks (nothing to fetch), and
    optionally a kernel started without asking (so a queued Run All is not dropped)."""
    settings = folder / "settings"
    files = {"apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False}}
    if start_kernel:
        files["notebook-extension/tracker"] = {"autoStartDefaultKernel": True}
    for name, values in files.items():
        path = settings / "@jupyterlab" / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    return settings


def server_flags(port: int, token: str, settings: Path) -> list[str]:
    return [
        "--no-browser",
        f"--port={port}",
        "--ServerApp.ip=127.0.0.1",
        f"--IdentityProvider.token={token}",
        f"--LabApp.user_settings_dir={settings}",
    ]
