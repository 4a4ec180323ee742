"""Every user mistake is a usage (2) or policy (4) error with a Chinese message; 70 is for dibao's own bugs;
Ctrl-C is 130. Each case runs the real CLI and asserts the exact exit status and message."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import DAY, EXAMPLES, person, write_xlsx
from dibao_cli.errors import ExitStatus, PolicyInvalid
from dibao_cli.policy import loader

ROSTER = EXAMPLES / "roster.xlsx"


def usage(message: str, command: str) -> str:
    return f"用法错误：{message}\n运行 dibao {command} --help 查看用法。\n"


@pytest.mark.parametrize("args,command", [
    (("import", ROSTER, "--month", "2026-13"), "import"),
    (("review", "--month", "2026-13"), "review"),
    (("notice", "--month", "2026-13", "-o", "out", "--region", "632521"), "notice"),
    (("monitor", ROSTER, "--month", "2026-13"), "monitor"),
    (("report", "monthly", "--month", "2026-13", "-o", "m.xlsx"), "report monthly"),
])
def test_a_month_that_does_not_exist_is_a_usage_error(run, args, command):
    result = run(*args)
    assert result.code == ExitStatus.USAGE == 2
    assert result.err == usage("--month 的取值无效：月份“2026-13”应写成 2026-12 的形式。", command)


def test_month_is_normalised_once_for_every_command(run, tmp_path):
    ledger = tmp_path / "l.db"
    result = run("import", ROSTER, "--month", "202612", "--db", ledger)
    assert result.code == 0 and result.out.startswith("已导入 2026-12（核算日期 2026-12-31）：32 户，75 人。")
    again = run("review", "--month", "2026-12", "--db", ledger, "--as-of", "2026-12-31", "--format", "json")
    assert again.code == ExitStatus.PROBLEMS_FOUND and again.json()["source"] == f"台账 {ledger}，2026-12 月"


@pytest.mark.parametrize("args,command", [
    (("notice", ROSTER, "-o", "out"), "notice"),
    (("publicity", ROSTER, "-o", "公示.html"), "publicity"),
    (("report", "monthly", ROSTER, "-o", "月报.xlsx"), "report monthly"),
])
def test_documents_without_bureau_or_region_are_a_usage_error(run, tmp_path, args, command):
    result = run(*args, "--date", DAY)
    assert result.code == 2
    assert result.err == usage("请用 --bureau 写明发文单位（如 共和县民政局），或用 --region 指定本县。", command)


@pytest.mark.parametrize("columns,shown", [("xx", "xx"), ("姓名=户主姓名,单位", "单位")])
def test_bad_columns_mapping_is_a_usage_error(run, columns, shown):
    result = run("crosscheck", ROSTER, "--against", ROSTER, "--kind", "generic", "--key", "身份证号",
                 "--columns", columns)
    assert result.code == 2
    assert result.err == usage(f"--columns 的取值无效：“{shown}”应写成 含义=列名，如 姓名=户主姓名", "crosscheck")


@pytest.mark.parametrize("args,option,value,command", [
    (("review", "--within", "-5"), "--within", "-5", "review"),
    (("log", "--limit", "-1"), "--limit", "-1", "log"),
    (("assess", ROSTER, "--limit", "-1"), "--limit", "-1", "assess"),
    (("check", ROSTER, "--limit", "-3"), "--limit", "-3", "check"),
])
def test_negative_counts_are_refused(run, args, option, value, command):
    result = run(*args)
    assert result.code == 2
    assert result.err == usage(f"{option} 的取值无效：应为不小于 0 的整数，这里是 {value}", command)


def test_a_count_that_is_not_a_number_is_refused(run):
    result = run("review", "--within", "三十")
    assert result.code == 2
    assert result.err == usage("--within 的取值无效：应为不小于 0 的整数，这里是“三十”", "review")


def _policy(tmp_path, table: str, value: str):
    path = tmp_path / "632521.toml"
    path.write_text(f'[region]\ncode = "632521"\n\n[parameters.{table}]\n"2026-01-01" = {{ value = {value}, source = "共和县文件" }}\n',
                    encoding="utf-8")
    return path


@pytest.mark.parametrize("table,value,message", [
    ("phase_out_months", "100000000000000000000", "数值 100000000000000000000 大得不合理（应不超过 1,200）：请检查是否多写了位数"),
    ("rural_standard_annual", "1e308", "数值 1e+308 大得不合理（应不超过 100,000,000）：请检查是否多写了位数"),
    ("minimum_monthly_benefit", "1e308", "数值 1e+308 大得不合理（应不超过 100,000,000）：请检查是否多写了位数"),
    ("marginal_multiplier", "1e308", "数值 1e+308 大得不合理（应不超过 100）：请检查是否多写了位数"),
    ("rural_standard_annual", "0", "农村低保标准不能为 0：标准为 0 时没有任何家庭能纳入。请写出文件规定的标准"),
    ("urban_standard_monthly", "0.0", "城市低保标准不能为 0：标准为 0 时没有任何家庭能纳入。请写出文件规定的标准"),
    ("rural_standard_annual", "nan", "数值写成了 nan（不是一个数）：请写出实际的数值"),
    ("classified_share", "nan", "数值写成了 nan（不是一个数）：请写出实际的数值"),
    ("urban_standard_monthly", "inf", "数值写成了 inf（无穷大）：请写出实际的数值"),
    ("phase_out_months", "inf", "数值写成了 inf（无穷大）：请写出实际的数值"),
    ("minimum_monthly_benefit", "-inf", "数值写成了 inf（无穷大）：请写出实际的数值"),
    ("report_cutoff_day", "45", "数值 45 大得不合理（应不超过 31）：请检查是否多写了位数"),
])
def test_unreasonable_policy_values_are_policy_errors(run, tmp_path, table, value, message):
    path = _policy(tmp_path, table, value)
    result = run("policy", "check", path, "--date", DAY)
    assert result.code == ExitStatus.POLICY_INVALID == 4
    assert result.err == f"错误：政策文件 {path} 第 5 行（[parameters.{table}] 2026-01-01）：{message}\n"
    # the same file given to assess stops before any household is assessed
    assessed = run("assess", ROSTER, "--policy", path, "--region", "632521", "--date", DAY)
    assert assessed.code == 4 and assessed.err == result.err


def test_large_policy_file_is_read_in_one_pass_with_right_line_numbers(tmp_path):
    """A file of 3,000 income items (each one's line used to be found by rescanning the whole file: quadratic;
    benchmarks/policy_check.py times 1-10 MB files)."""
    items = 3000
    lines = ['[region]', 'code = "632521"', '']
    for n in range(items):
        lines += [f'[income_items."项目{n:05d}"]', 'category = "其他收入"',
                  f'"2021-01-01" = {{ value = "不计入", source = "第{n}条" }}', '']
    lines += ['[parameters.max_homes]', '"2026-01-01" = { value = -1, source = "x" }']
    path = tmp_path / "big.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(PolicyInvalid) as exc:
        loader.parse_policy_file(path)
    assert exc.value.message == f"政策文件 {path} 第 {4 * items + 5} 行（[parameters.max_homes] 2026-01-01）：应为不小于 0 的整数，这里是 -1"
    lines[-1] = '"2026-01-01" = { value = 1, source = "x" }'
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    parsed = loader.parse_policy_file(path)
    assert len(parsed.income_items) == items
    assert [parsed.income_items[f"项目{n:05d}"][1][0].line for n in (0, 1, items - 1)] == [6, 10, 4 * items + 2]
    assert parsed.parameters["max_homes"][0].line == 4 * items + 5


def test_ctrl_c_exits_130_with_a_chinese_line(tmp_path):
    """The roster is a named pipe nobody writes to: dibao waits reading it, and is interrupted there."""
    fifo = tmp_path / "名册.csv"
    os.mkfifo(fifo)
    # Ctrl-C as a clerk's terminal delivers it, even when the tests themselves run in the background (a shell starts
    # a background job with Ctrl-C ignored, and a program started from it inherits that)
    proc = subprocess.Popen([sys.executable, "-m", "dibao_cli", "check", str(fifo)], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    writer = None
    try:
        deadline = time.monotonic() + 30
        while writer is None:  # wait until dibao has opened the pipe (Python's Ctrl-C handling is in place)
            try:
                writer = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            except OSError as exc:
                assert exc.errno == errno.ENXIO and proc.poll() is None and time.monotonic() < deadline
                time.sleep(0.02)
        # A signal that lands between open() and the blocking read() is only handled when read() returns
        # (CPython checks for signals between bytecodes), so wait until the process sleeps in the read itself.
        wchan = Path(f"/proc/{proc.pid}/wchan")
        while wchan.exists() and "pipe_read" not in wchan.read_text() and time.monotonic() < deadline:
            time.sleep(0.02)
        # Under heavy load the first signal can still land just before the read and wait for it; a clerk then
        # presses Ctrl-C again, and so does the test (at most ten times, a second apart).
        for _ in range(10):
            proc.send_signal(signal.SIGINT)
            try:
                out, err = proc.communicate(timeout=1)
                break
            except subprocess.TimeoutExpired:
                continue
        else:
            out, err = proc.communicate(timeout=30)
    finally:
        if writer is not None:
            os.close(writer)
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == ExitStatus.INTERRUPTED == 130
    assert err.decode().strip() == "已中止（Ctrl-C）：没有写完的文件不会留下，台账保持本次操作之前的样子。"
    assert "Traceback" not in err.decode()


def test_an_unexpected_failure_is_70_and_says_how_to_report_it(capsys):
    """70 stays for dibao's own bugs: an exception that is not a DibaoError."""
    from dibao_cli.cli.common import DibaoGroup

    group = DibaoGroup(name="t")

    @group.command()
    def boom():
        raise ZeroDivisionError

    with pytest.raises(SystemExit) as exc:
        group.main(["boom"])
    assert exc.value.code == ExitStatus.INTERNAL == 70
    assert capsys.readouterr().err == ("内部错误（ZeroDivisionError）：dibao 遇到了意外情况，输入文件未被修改。"
                                       "请加 --debug 重新运行，并把输出发给维护人员。\n")


@pytest.mark.parametrize("args,command,message", [
    (("assess", ROSTER, "--region", "12"), "assess", "地区代码“12”应为6位数字，如共和县 632521、海南州 632500、青海省 630000。"),
    (("init", "--region", "110105"), "init", "地区代码 110105 不在青海省（63开头）。dibao 目前只带青海省政策。"),
])
def test_a_wrong_region_on_the_command_line_is_a_usage_error(run, args, command, message):
    result = run(*args)
    assert result.code == 2
    assert result.err == usage(f"--region 的取值无效：{message}", command)


@pytest.mark.parametrize("value,message", [
    ("nan", "“nan”不是金额，请写成 1200 或 1200.50（小数点用“.”）"),
    ("6000,50", "“6000,50”不是金额，请写成 1200 或 1200.50（小数点用“.”）"),
    ("1e3", "“1e3”不是金额，请写成 1200 或 1200.50（小数点用“.”）"),
    ("0", "“0”应为大于 0、最多两位小数的金额（元）"),
    ("12.345", "“12.345”应为大于 0、最多两位小数的金额（元）"),
])
def test_an_amount_that_is_not_yuan_is_a_usage_error(run, tmp_path, value, message):
    result = run("assistance", "decide", "1", "--approve", "--date", DAY, "--amount", value, "--db", tmp_path / "a.db")
    assert result.code == ExitStatus.USAGE == 2
    assert result.err == usage(f"--amount 的取值无效：{message}", "assistance decide")
