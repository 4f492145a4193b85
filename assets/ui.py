"""`make ui`: start `dagster dev` in the repository root against the instance in CGR_DATA_DIR.

Signal handlers are reset first: a process started in the background may inherit SIGINT and
SIGTERM as ignored, and `dagster dev` could then only be stopped with SIGKILL."""

import os
import signal
import sys

from .build import REPO_ROOT, dagster_home


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    dagster_home()
    os.chdir(REPO_ROOT)
    port = os.environ.get("CGR_UI_PORT", "3000")
    args = [sys.executable, "-m", "dagster", "dev", "--host", "127.0.0.1", "--port", port]
    os.execv(sys.executable, args)


if __name__ == "__main__":
    main()
