"""`dibao db`: the ledger's upkeep (upgrade, roles, export, import-db, backup)."""

from __future__ import annotations

from pathlib import Path

import click

from dibao_cli.cli.common import (
    CONTEXT,
    DibaoCommand,
    DibaoSubGroup,
    db_option,
    force_option,
)
from dibao_cli.cli.console import say
from dibao_cli.cli.ledger import open_ledger


@click.group("db", cls=DibaoSubGroup, context_settings=CONTEXT)
def db_group():
    """台账的维护：建立或升级结构、备份、在 SQLite 文件和 PostgreSQL 之间搬迁。"""


@db_group.command("upgrade", cls=DibaoCommand, context_settings=CONTEXT)
@db_option
def db_upgrade(db):
    """建立或升级台账结构（SQLite 台账文件或共享的 PostgreSQL 台账）。

    共享台账：数据库管理员 createdb 建库后运行一次；dibao 升级版本后再运行一次。
    例：dibao db upgrade --db postgresql://dibao_admin@192.168.1.10/dibao_632521
    """
    from dibao_cli.ledger.store import Ledger, ledger_path

    target = ledger_path(db)
    ledger = Ledger(target, create=True, write=True, upgrade=True)
    try:
        before, now = ledger.upgrade()
        ledger.keep()
    finally:
        ledger.close()
    if before is None or before == 0:
        say(f"已建立台账结构（版本 {now}）：{ledger.path}")
    elif before == now:
        say(f"台账结构已是最新（版本 {now}）：{ledger.path}")
    else:
        say(f"已把台账结构从版本 {before} 升级到 {now}：{ledger.path}")


def _copy(source_target, into_target, verb: str) -> None:
    from dibao_cli.ledger.store import Ledger
    from dibao_cli.ledger.transfer import copy_ledger

    source = Ledger(source_target, create=False, write=False)
    try:
        target = Ledger(into_target, create=True, write=True, upgrade=True)
        try:
            counts = copy_ledger(source, target)
            target.keep()
        finally:
            target.close()
    finally:
        source.close()
    months = counts.get("imports", 0)
    say(f"已{verb}：{source.path} → {target.path}；{sum(counts.values())} 行"
        f"（{months} 次导入，{counts.get('households', 0)} 户·月，{counts.get('members', 0)} 人·月，"
        f"操作记录 {counts.get('audit', 0)} 条）。")


@db_group.command("export", cls=DibaoCommand, context_settings=CONTEXT)
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path), metavar="台账文件")
@db_option
def db_export(target, db):
    """把台账（如共享的 PostgreSQL 台账）整个导出为一个新的 SQLite 台账文件：每张表的每一行，编号不变。

    例：dibao db export 共和县-2026-12.db --db postgresql://dibao_admin@192.168.1.10/dibao_632521
    """
    from dibao_cli.errors import OutputRefused
    from dibao_cli.ledger.store import ledger_path

    if target.exists():
        raise OutputRefused(f"{target} 已存在，未覆盖。请给一个新的文件名。")
    _copy(ledger_path(db), target, "导出")


@db_group.command("import-db", cls=DibaoCommand, context_settings=CONTEXT)
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="台账文件")
@db_option
def db_import_db(source, db):
    """把一个县的 SQLite 台账文件整个导入到 --db 指定的空台账（如新建的 PostgreSQL 数据库）：每张表的每一行，编号不变。

    例：dibao db import-db dibao.db --db postgresql://dibao_admin@192.168.1.10/dibao_632521
    """
    from dibao_cli.ledger.store import ledger_path

    _copy(source, ledger_path(db), "导入")


@db_group.command("roles", cls=DibaoCommand, context_settings=CONTEXT)
@db_option
@click.option("--township-clerk", "township_clerks", multiple=True, metavar="用户=乡镇",
              help="乡镇经办人：只能查看本乡镇的户，登记本乡镇的申请和走访（可给多个）。")
@click.option("--county-clerk", "county", multiple=True, metavar="用户", help="县局经办人：全部乡镇，导入、出具通知书、审批。")
@click.option("--auditor", "auditors", multiple=True, metavar="用户", help="审计：只读，含操作记录。")
@click.option("--admin", "admins", multiple=True, metavar="用户", help="管理员：县局经办人的权限，另可升级结构、管理角色。")
def db_roles(db, township_clerks, county, auditors, admins):
    """在共享的 PostgreSQL 台账中建立角色和按乡镇的行级权限，并把已有的数据库用户加入角色（可重复运行）。

    由数据库管理员运行。数据库用户先用 SQL 建立，如 CREATE ROLE 卓玛 LOGIN PASSWORD '……'；
    乡镇经办人在数据库中也只能看到本乡镇的户，操作记录任何经办人都不能修改。
    例：dibao db roles --db postgresql://postgres@localhost/dibao_632521 --township-clerk zhuoma=恰卜恰镇 --county-clerk wangli
    """
    from dibao_cli.errors import UsageInvalid
    from dibao_cli.ledger.store import Ledger, ledger_path

    pairs = {}
    for item in township_clerks:
        user, sep, township = item.partition("=")
        if not sep or not user.strip() or not township.strip():
            raise UsageInvalid(f"--township-clerk “{item}”应写成 用户=乡镇，如 zhuoma=恰卜恰镇。")
        pairs[user.strip()] = township.strip()
    target = ledger_path(db)
    ledger = Ledger(target, create=False, write=True)
    try:
        if ledger.backend != "postgresql":
            raise UsageInvalid("角色和按乡镇的权限只用于共享的 PostgreSQL 台账（--db postgresql://...）；"
                               "SQLite 台账文件的权限由文件所在文件夹的权限决定。")
        ledger.set_up_roles(pairs, list(county), list(auditors), list(admins))
    finally:
        ledger.close()
    say(f"已建立角色和行级权限：{ledger.path}"
        + (f"；乡镇经办人 {len(pairs)} 人" if pairs else "")
        + (f"；县局经办人 {len(county)} 人" if county else "")
        + (f"；审计 {len(auditors)} 人" if auditors else "")
        + (f"；管理员 {len(admins)} 人" if admins else ""))


@db_group.command("backup", cls=DibaoCommand, context_settings=CONTEXT)
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path), metavar="备份文件")
@db_option
@force_option("备份文件已存在时覆盖。")
def db_backup(target, db, force):
    """在台账使用中也能做出一致的备份副本（备份文件夹不存在时自动建立）。

    例：dibao db backup 备份/dibao-2026-12.db
    """
    ledger = open_ledger(db, create=False)
    try:
        made = ledger.backup(target, force)
    finally:
        ledger.close()
    if made:
        say(f"已建立文件夹 {target.parent}")
    say(f"已备份台账 {ledger.path} 到 {target}")
