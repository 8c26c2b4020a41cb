"""Command-line tools: flask --app wsgi create-admin / import-members (seed-demo: app/demo.py)."""
import click
from flask import current_app

from app.errors import DomainError
from app.extensions import db
from app.txn import write_transaction

from .memberships import sync_memberships
from .models import Branch, Member


def register(app):
    app.cli.add_command(create_admin)
    app.cli.add_command(import_members)


@click.command("create-admin")
@click.option("--name", required=True, help="姓名")
@click.option("--phone", required=True, help="手机号（登录名）")
@click.option("--branch", "branch_name", default=None, help="所在组织名称；空库时新建此机关党委")
@click.password_option(help="密码（至少8位，字母和数字混合）")
def create_admin(name, phone, branch_name, password):
    """Create the first administrator of a new installation."""
    from .normalize import is_valid_phone, normalize_phone
    from .passwords import set_own_password, validate_new_password

    phone = normalize_phone(phone)
    if not is_valid_phone(phone):
        raise click.ClickException("手机号格式不正确。")
    try:
        validate_new_password(password)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    branch_name = branch_name or current_app.config["ORG_NAME"]
    with write_transaction():
        if db.session.scalar(db.select(Member).filter_by(phone=phone)):
            raise click.ClickException(f"手机号 {phone} 已存在。")
        branch = db.session.scalar(db.select(Branch).filter_by(name=branch_name))
        if branch is None:
            branch = Branch(name=branch_name, kind="committee", path="")
            db.session.add(branch)
            db.session.flush()
            branch.path = f"/{branch.id}/"
        member = Member(name=name, phone=phone, branch=branch, role="admin",
                        political_status="01")
        set_own_password(member, password)
        db.session.add(member)
        db.session.flush()
        sync_memberships([member.id])
    click.echo(f"已创建管理员 {name}（{phone}），所在组织：{branch.name}。")


@click.command("import-members")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--commit", is_flag=True, help="检查无误后写入数据库（不加时只检查）")
@click.option("--actor-phone", default=None, help="记入操作日志的管理员手机号")
@click.option("--passwords", "passwords_path", type=click.Path(dir_okay=False),
              help="导入后把新增人员的初始密码写入此 .xlsx 文件")
def import_members(file, commit, actor_phone, passwords_path):
    """Check a roster (XLSX/CSV) row by row and, with --commit, import it in one transaction."""
    from pathlib import Path

    from .normalize import normalize_phone
    from .roster.batches import import_roster
    from .roster.checking import check_roster
    from .roster.files import passwords_xlsx
    from .roster.reading import read_roster

    actor = None
    if actor_phone:
        actor = db.session.scalar(db.select(Member).filter_by(phone=normalize_phone(actor_phone)))
        if actor is None or not actor.is_admin:
            raise click.ClickException(f"找不到手机号为 {actor_phone} 的管理员。")
    path = Path(file)
    try:
        table = read_roster(path.read_bytes(), path.name)
        check = check_roster(table)
        for problem in check.problems + check.warnings:
            click.echo(f"第{problem.row}行 {problem.column}：{problem.message}"
                       + (f"（原值：{problem.value}）" if problem.value else ""))
        counts = check.counts
        click.echo(f"共 {counts['rows']} 行：新增 {counts['new']}，更新 {counts['updated']}，"
                   f"重新启用 {counts['reactivated']}，未变化 {counts['unchanged']}，"
                   f"有问题 {counts['problem_rows']} 行。")
        if not check.ok:
            raise DomainError("import_has_errors", count=len(check.problems))
        if not commit:
            click.echo("检查通过，未写入任何数据。加 --commit 导入。")
            return
        result = import_roster(actor, table, path.name)
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    counts = result.counts
    click.echo(f"已导入：新增 {counts['new']}，更新 {counts['updated']}，"
               f"重新启用 {counts['reactivated']}，未变化 {counts['unchanged']}。")
    if passwords_path:
        Path(passwords_path).write_bytes(passwords_xlsx(result.new_member_ids))
        click.echo(f"新增人员的初始密码已写入 {passwords_path}，请妥善保管。")
    elif result.new_member_ids:
        click.echo("新增人员的初始密码可用 --passwords 文件.xlsx 导出"
                   + ("，或在「导入花名册」页的最近导入中查看。" if result.batch else "。"))
