"""`dibao publicity` (the village publicity list) and `dibao templates copy`."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import click

from dibao_cli.cli.check import load_roster
from dibao_cli.cli.common import (
    CONTEXT,
    DibaoCommand,
    DibaoSubGroup,
    date_option,
    force_option,
    input_options,
    issuer_options,
    output_file_option,
    policy_options,
    resolve,
    rosters_argument,
)
from dibao_cli.cli.console import progress_bar, say
from dibao_cli.cli.documents import warn_left_out


@click.group("templates", cls=DibaoSubGroup, context_settings=CONTEXT)
def templates_group():
    """通知书、公示、报表模板的管理。"""


@templates_group.command("copy", cls=DibaoCommand, context_settings=CONTEXT)
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), metavar="文件夹")
@force_option("文件夹中已有同名文件时覆盖。")
def templates_copy(folder, force):
    """把自带模板复制到一个文件夹，供本局修改；以后用 --templates 文件夹（或放在工作文件夹的 templates/ 下）即可生效。
    同时复制示例：县级政策文件 632521-共和县.toml 和年终复核脚本 year-end-review.sh。

    例：dibao templates copy 本局模板
    """
    from dibao_cli.documents.issue import write_failed
    from dibao_cli.documents.templating import shipped_examples, shipped_templates
    from dibao_cli.errors import OutputRefused

    source = shipped_templates()
    files = [p for p in sorted(source.iterdir()) if p.is_file() and p.suffix in (".j2", ".docx")]
    examples = shipped_examples()
    files += [examples / name for name in EXAMPLE_FILES if (examples / name).is_file()]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_failed(folder, exc) from None
    clashes = [p.name for p in files if (folder / p.name).exists()]
    if clashes and not force:
        raise OutputRefused(f"{folder} 中已有 {'、'.join(clashes)}，未覆盖。加 --force 覆盖。")
    from dibao_cli.reports.files import atomic_write

    for path in files:  # atomic: a full disk leaves no empty or half-copied file
        atomic_write(folder / path.name, path.read_bytes(), True)
    say(f"已复制 {len(files)} 个文件到 {folder}：{'、'.join(p.name for p in files)}")
    if (folder / "year-end-review.sh").exists():
        say(f"年终复核脚本：bash {folder / 'year-end-review.sh'} 名册文件夹 [年份] [输出文件夹]")


EXAMPLE_FILES = ("year-end-review.sh", "632521-共和县.toml")


@click.command(cls=DibaoCommand, context_settings=CONTEXT)
@rosters_argument()
@output_file_option("公示文件：.html（每村一页，打印张贴）或 .xlsx（每村一张表）。")
@date_option("公示开始日期（公示 7 天），默认今天。", "--from", "start")
@click.option("--all", "include_all", is_flag=True, help="公示全部保障对象（默认只公示本次新纳入的）。")
@input_options
@policy_options
@issuer_options
@date_option("核算日期，默认今天。")
@force_option("文件已存在时覆盖。")
def publicity(rosters, output, start, include_all, sheet, all_sheets, encoding, policies, region, templates, bureau,
              doc_prefix, review_body, phone, on_date, force):
    """生成村（社区）公示名单：只有姓名、保障人数、月保障金和公示期，不含身份证号、住址、收入、疾病和残疾情况。

    例：dibao publicity 名册.xlsx --region 632521 --from 2026-12-01 --phone 0974-8512345 -o 公示.html
    """
    from dibao_cli.documents import publicity as pub
    from dibao_cli.documents.issue import default_issuer
    from dibao_cli.documents.notices import cn_date
    from dibao_cli.documents.templating import render
    from dibao_cli.reports.files import atomic_write, write_xlsx

    day = on_date or _dt.date.today()
    start = start or day
    policy = resolve(region, policies, day)
    roster = load_roster(rosters, sheet, all_sheets, encoding, day)
    with progress_bar("核算", total=len(roster.households), unit="户") as advance:
        assessment, items = pub.entries_from_roster(roster, policy, day, include_all, progress=advance)
    del roster
    issuer = default_issuer(policy.policy.region, day, bureau, review_body, doc_prefix, phone)
    suffix = output.suffix.lower()
    if suffix == ".xlsx":
        write_xlsx(output, pub.xlsx_sheets(items, start, issuer.phone, issuer.bureau, cn_date(day)), force)
    elif suffix in (".html", ".htm"):
        first, last = pub.period(start)
        villages = [{"township": t, "village": v, "entries": group} for (t, v), group in pub.by_village(items).items()]
        html = render("publicity.html.j2", templates, autoescape=True, records=len(items), villages=villages,
                      first=first, last=last,
                      phone=issuer.phone, bureau=issuer.bureau, issued_on=cn_date(day))
        atomic_write(output, html.encode("utf-8"), force)
    else:
        raise click.UsageError("公示文件请用 .html 或 .xlsx 结尾。")
    say(f"已写入 {output}：{len(pub.by_village(items))} 个村（社区），{len(items)} 户（人）。")
    warn_left_out(assessment)
