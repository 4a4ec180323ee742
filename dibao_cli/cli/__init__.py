"""The `dibao` command: parses options, calls the library, formats output. Nothing else."""

from __future__ import annotations

import click

from dibao_cli import __version__
from dibao_cli.cli.messages import install

install()  # click's texts in Chinese before any option is declared (click translates some at declaration)

from dibao_cli.cli.common import CONTEXT, DibaoGroup  # noqa: E402


@click.group(cls=DibaoGroup, context_settings=CONTEXT)
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



from dibao_cli.cli import assess, check, db, documents, impact, ledger, monitoring, publicity, reports  # noqa: E402

for command in (check.check, assess.assess, assess.explain, ledger.import_, ledger.history, ledger.review, ledger.log_,
                db.db_group, monitoring.crosscheck, monitoring.monitor, documents.notice, publicity.publicity, reports.report_group, publicity.templates_group,
                assess.policy, assess.init, check.template, impact.impact):
    main.add_command(command)

from dibao_cli.cli import applications, visits  # noqa: E402

for command in (applications.apply, applications.step, applications.record, applications.cases, visits.visit,
                visits.visits_group):
    main.add_command(command)

from dibao_cli.cli import assistance  # noqa: E402

main.add_command(assistance.assistance_group)
