"""Every command must start on Windows, where township offices run: no module may need fcntl."""
import subprocess
import sys

from conftest import REPO


def test_every_module_imports_without_fcntl():
    code = (
        "import sys, pkgutil, importlib\n"
        "sys.modules['fcntl'] = None  # as on Windows: importing it raises ImportError\n"
        "import generator\n"
        "names = [m.name for m in pkgutil.walk_packages(generator.__path__, 'generator.')\n"
        "         if not m.name.endswith('__main__')]  # running it would start the CLI\n"
        "for name in names:\n"
        "    importlib.import_module(name)\n"
        "print(len(names))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) >= 25


def test_the_index_lock_works_without_fcntl(tmp_path):
    code = (
        "import sys\n"
        "sys.modules['fcntl'] = None\n"
        "from pathlib import Path\n"
        "from generator.locking import Busy, held\n"
        f"p = Path({str(tmp_path)!r}) / 'x.lock'\n"
        "with held(p, 1, 'busy'):\n"
        "    print('held')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0 and "held" in done.stdout, done.stderr
