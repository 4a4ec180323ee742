"""The `dibao` command: parses options, calls the library, formats output. Nothing else.

The commands are listed by name below and imported only when used, so that `dibao --version` and `dibao --help`
start quickly."""

from __future__ import annotations

import click

from dibao_cli import __version__
from dibao_cli.cli.messages import install

install()  # click's texts in Chinese before any option is declared (click translates some at declaration)

from dibao_cli.cli.base import CONTEXT, DibaoGroup  # noqa: E402
from dibao_cli.cli.lazy import LazyCommands  # noqa: E402

# Every command: name → ("module:attribute" under dibao_cli.cli, the first paragraph of its help, which is what
# `dibao --help` lists). A command's module is imported only when that command runs or shows its own help;
# tests/test_startup.py checks each summary against the command's help.
COMMANDS = {
    "check": ("check:check", "检查名册：列出每一个问题（文件、工作表、行、列、值、问题、修改方法）。"),
    "assess": ("assess:assess", "核算名册中每一户：收入、扣减、人均收入、认定结果、月保障金及理由。"),
    "explain": ("assess:explain", "逐步说明一户的核算：每个成员的收入项目、扣减、标准及出处、比较、结果和保障金算式。"),
    "import": ("ledger:import_", "把一个月的名册核算后存入台账：每户的结果、成员、渐退期、变化（新增、停保、转类、成员增减）。"),
    "history": ("ledger:history", "显示一户在台账中的逐月记录：认定结果、人数、收入、保障金、渐退期、变化事件。"),
    "review": ("ledger:review", "列出到期要做的核查：渐退期满复核、渐退期满仍在发放、定期核查（稳定户每年、收入不稳定户每半年）、单人户复核、从未核查的户、特困供养年度核查、刚性支出困难家庭有效期满复核。"),
    "log": ("ledger:log_", "显示台账的操作记录：时间、操作人、命令、输入文件指纹、政策指纹、dibao 版本。"),
    "db": ("db:db_group", "台账的维护：建立或升级结构、备份、在 SQLite 文件和 PostgreSQL 之间搬迁。"),
    "crosscheck": ("monitoring:crosscheck", "与其他部门数据比对，列出疑点清单：户、成员、发现了什么、对应记录及其文件和行、后续处理、应追缴金额。"),
    "monitor": ("monitoring:monitor", "监测预警：列出需要重点走访的户，按村分组，每条写明信号、数字和依据。"),
    "notice": ("documents:notice", "出具通知书：审批（确认）、不予批准、低保边缘家庭认定、渐退、停保（终止）、变更（增减发）。"),
    "publicity": ("publicity:publicity", "生成村（社区）公示名单：只有姓名、保障人数、月保障金和公示期，不含身份证号、住址、收入、疾病和残疾情况。"),
    "report": ("reports:report_group", "统计报表：民政统计月报、年度汇总。"),
    "templates": ("publicity:templates_group", "通知书、公示、报表模板的管理。"),
    "policy": ("assess:policy", "查看或检查政策参数（低保标准、不计入收入的项目、扣减、财产上限、渐退期、分类施保……）。"),
    "init": ("assess:init", "在当前文件夹写入 dibao.toml，记下本县代码和政策文件；以后的命令自动使用。"),
    "template": ("check:template", "生成空白标准名册：每个可识别的列、列说明（批注）和下拉选项。"),
    "impact": ("impact:impact", "测算调整政策（如提高低保标准）的影响：户数、人数、每月和全年资金、逐户变化，以及金额减少的户。"),
    "apply": ("applications:apply", "登记一件申请（受理），并给出启动调查的期限。"),
    "step": ("applications:step", "登记申请的一个办理步骤，并给出下一步和期限。"),
    "record": ("applications:record", "导入乡镇填写的办理记录表和入户走访记录表（每行一件事）。"),
    "cases": ("applications:cases", "列出办理中的申请：下一步、期限、剩余工作日，逾期的排在最前。"),
    "visit": ("visits:visit", "登记一次入户走访：走访人、类型、发现的情况和处理结果。"),
    "visits": ("visits:visits_group", "入户走访：到期清单和入户调查表。"),
    "assistance": ("assistance:assistance_group", "临时救助：登记申请（导入申请表）、审批、发放，查询和统计。"),
}


@click.group(cls=DibaoGroup, context_settings=CONTEXT, commands=LazyCommands(COMMANDS, package=__name__))
@click.version_option(__version__, "-V", "--version", prog_name="dibao", message="%(prog)s %(version)s",
                      help="显示版本号并退出。")
@click.option("--debug", is_flag=True, help="出错时显示完整的技术信息（traceback），供维护人员排查。")
def main(debug: bool) -> None:
    """dibao：最低生活保障（低保）名册核查、核算与文书工具。

    常用：
      dibao check 名册.xlsx          检查名册中的每一个问题
      dibao assess 名册.xlsx         核算每一户的认定结果和月保障金
      dibao explain 名册.xlsx 户编号  逐步说明一户的核算
      dibao import 名册.xlsx --month 2026-12   存入台账（逐月历史）
      dibao review                   列出到期要做的核查
      dibao cases                    办理中的申请、下一步和期限
      dibao template -o 名册.xlsx    生成空白标准名册
    """
