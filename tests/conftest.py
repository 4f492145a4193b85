from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOLD = Path(__file__).parent / "fixtures" / "gold"
SEED_FILES = sorted(SEEDS.glob("*.txt"))
TRADITIONAL = {"002_2e2771ea7a10172a", "004_932117ff3934a2a4"}

@pytest.fixture(scope="session")
def decoded_seeds():
    from pipelines.decoded.stage import decode_file
    from pipelines.settings import DEFAULT_MAX_REPORT_BYTES

    return {p.stem: decode_file(p, DEFAULT_MAX_REPORT_BYTES) for p in SEED_FILES}


SUMMARY_KEY = pytest.StashKey[list]()


@pytest.fixture
def summary(request):
    """Lines a test wants shown after the run (the extraction scores), whatever -q or -s says."""
    return request.config.stash.setdefault(SUMMARY_KEY, [])


def pytest_terminal_summary(terminalreporter, config):
    lines = config.stash.get(SUMMARY_KEY, [])
    if lines:
        terminalreporter.write_sep("=", "extraction scores: seeds (tests/fixtures/gold), then the development corpus")
        for line in lines:
            terminalreporter.write_line(line)
