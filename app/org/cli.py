"""Command-line tools: flask --app wsgi create-admin / seed-demo / import-members."""
import click
from flask import current_app

from app.errors import DomainError
from app.extensions import db

from .models import Branch, Member


def register(app):
    app.cli.add_command(create_admin)
    app.cli.add_command(seed_demo)


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
    if db.session.scalar(db.select(Member).filter_by(phone=phone)):
        raise click.ClickException(f"手机号 {phone} 已存在。")
    branch_name = branch_name or current_app.config["ORG_NAME"]
    branch = db.session.scalar(db.select(Branch).filter_by(name=branch_name))
    if branch is None:
        branch = Branch(name=branch_name, kind="committee", path="")
        db.session.add(branch)
        db.session.flush()
        branch.path = f"/{branch.id}/"
    member = Member(name=name, phone=phone, branch=branch, role="admin", political_status="01")
    set_own_password(member, password)
    db.session.add(member)
    db.session.commit()
    click.echo(f"已创建管理员 {name}（{phone}），所在组织：{branch.name}。")


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="只在数据库中还没有人员时填充")
def seed_demo(if_empty):
    """Fill an empty database with a realistic demo organisation."""
    from .demo import seed

    if db.session.scalar(db.select(Member.id).limit(1)) is not None:
        if if_empty:
            click.echo("数据库中已有数据，跳过演示数据。")
            return
        raise click.ClickException("数据库中已有人员，演示数据只能填入空库。")
    counts = seed()
    click.echo(
        f"演示数据已生成：{counts['branches']} 个组织，{counts['members']} 名人员。"
        "演示账号见 README.md。"
    )
