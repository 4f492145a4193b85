"""`make ui`: start `dagster dev` in the repository root against the instance in CGR_DATA_DIR,
on CGR_UI_PORT (default 3000).

Signal handlers are reset first: a process started in the background may inherit SIGINT and
SIGTERM as ignored, and `dagster dev` could then only be stopped with SIGKILL."""

import os
import signal
import sys

from pipelines.settings import Settings, SettingsError

from .build import REPO_ROOT, dagster_home


def port_taken(port: int) -> str | None:
    """Why the UI's port cannot be bound, or None when it is free."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError as exc:
            return exc.strerror or str(exc)
    return None


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        sys.exit(f"make ui: {exc}")
    taken = port_taken(settings.ui_port)
    if taken:
        # dagster dev would log the error and go on running its daemon without a web server
        sys.exit(f"make ui: port {settings.ui_port} on 127.0.0.1 is taken ({taken}); stop what uses it or choose "
                 f"another port: CGR_UI_PORT=3001 make ui")
    dagster_home(settings)
    os.chdir(REPO_ROOT)
    args = [sys.executable, "-m", "dagster", "dev", "--host", "127.0.0.1", "--port", str(settings.ui_port)]
    os.execv(sys.executable, args)


if __name__ == "__main__":
    main()
