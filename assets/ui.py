"""`make ui`: start `dagster dev` in the repository root against the instance in CGR_DATA_DIR,
on CGR_UI_PORT (default 3000).

Signal handlers are reset first: a process started in the background may inherit SIGINT and
SIGTERM as ignored, and `dagster dev` could then only be stopped with SIGKILL."""

import os
import signal
import sys

from pipelines.settings import Settings

from .build import REPO_ROOT, dagster_home


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    settings = Settings.from_env()
    dagster_home(settings)
    os.chdir(REPO_ROOT)
    args = [sys.executable, "-m", "dagster", "dev", "--host", "127.0.0.1", "--port", str(settings.ui_port)]
    os.execv(sys.executable, args)


if __name__ == "__main__":
    main()
