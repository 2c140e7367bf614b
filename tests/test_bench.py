"""The benchmark's smallest quick size runs end to end, so it cannot silently rot."""
import json

from bench.__main__ import main


def test_quick_benchmark_smallest_size(tmp_path, capsys):
    out = tmp_path / "results.json"
    assert main(["--quick", "--tiny", "--out", str(out), "--work", str(tmp_path / "work")]) == 0
    table = capsys.readouterr().out
    for row in ("县级网站生成", "增长：N → 4N", "页面大小", "whoosh 查询", "全县检查"):
        assert row in table
    results = json.loads(out.read_text("utf-8"))
    assert results["cpus"] and results["python"] and results["build_s"] > 0 and results["pages"]["pages"] > 10
