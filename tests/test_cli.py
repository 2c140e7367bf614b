"""The command line as a user meets it."""
import json
import subprocess
import sys

from conftest import REPO, edit


def test_check_json_lists_problems_with_positions(demo_copy, wanjia):
    camp = demo_copy / "campaigns/winter-door-to-door.yml"
    edit(camp, "lead: 综治办", "lead: 综治所")
    run = wanjia("-C", demo_copy, "check", "--format", "json")
    assert run.code == 1
    items = json.loads(run.out)
    errors = [i for i in items if i["level"] == "error"]
    assert errors == [{"path": "campaigns/winter-door-to-door.yml", "line": 7, "col": 7, "level": "error",
                       "message": errors[0]["message"]}]
    assert "综治所" in errors[0]["message"] and "综治办" in errors[0]["message"]


def test_warnings_fail_only_with_strict(wanjia):
    assert wanjia("-C", REPO, "check").code == 0
    run = wanjia("-C", REPO, "check", "--strict")
    assert run.code == 1 and "仍待审核" in run.err and "检查未通过" in run.err


def test_not_a_project_is_a_clear_error(tmp_path, wanjia):
    run = wanjia("-C", tmp_path, "check")
    assert run.code == 2 and "没有 mkdocs.yml" in run.err


def test_console_script_runs_without_traceback_or_engine_chatter(tmp_path):
    out = subprocess.run([sys.executable, "-m", "generator", "-C", str(REPO), "check"],
                         capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 0
    assert "Traceback" not in out.stderr and "MkDocs 2" not in out.stderr and "jieba" not in out.stderr
    assert "检查通过" in out.stderr


def test_usage_errors_are_in_chinese(wanjia, capsys):
    import pytest
    with pytest.raises(SystemExit) as exit_info:
        wanjia("check", "--format", "xml")
    assert exit_info.value.code == 2
    assert "无效的选项" in capsys.readouterr().err
