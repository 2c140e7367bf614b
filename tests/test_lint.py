"""Types and lint are part of the test run, with the versions pinned in pyproject.toml."""
import subprocess
import sys

from conftest import REPO


def test_ruff_passes():
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "generator", "tests", "bench"],
                          cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_passes():
    done = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(REPO / ".cache" / "mypy")],
                          cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
