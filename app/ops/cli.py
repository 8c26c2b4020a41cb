"""flask --app wsgi backup PATH / restore PATH (app/ops/backup.py does the work)."""
import click
from flask import current_app
from flask_migrate import upgrade

from app.errors import DomainError

from . import backup as backups


def register(app):
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)


def _database_url():
    return current_app.config["SQLALCHEMY_DATABASE_URI"]


def _postgres_help(error, path):
    dump, restore = backups.postgres_commands(_database_url(), path)
    return f"{error.message}\n  备份：{dump}\n  恢复：{restore}"


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--overwrite", is_flag=True, help="PATH 已存在时覆盖它")
def backup_command(path, overwrite):
    """Copy the SQLite database to PATH while the app keeps serving (PostgreSQL: pg_dump)."""
    try:
        copy = backups.backup(_database_url(), path, overwrite=overwrite)
    except DomainError as error:
        if error.code == "backup_use_pg_dump":
            raise click.ClickException(_postgres_help(error, path)) from None
        raise click.ClickException(error.message) from None
    click.echo(f"已备份到 {copy.path}（{copy.size / 1024 / 1024:.1f} MB，"
               f"迁移版本 {', '.join(copy.revisions)}）。")


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--yes", is_flag=True, help="不再询问，直接恢复")
def restore_command(path, yes):
    """Put the SQLite backup PATH back as the database (PostgreSQL: pg_restore)."""
    url = _database_url()
    try:
        if backups.sqlite_file(url) is not None and not yes:
            click.confirm(f"用 {path} 替换当前数据库？备份之后写入的数据将不再存在"
                          "（当前数据库会先另存一份）。", abort=True)
        restored = backups.restore(url, path)
    except DomainError as error:
        if error.code == "backup_use_pg_restore":
            raise click.ClickException(_postgres_help(error, path)) from None
        raise click.ClickException(error.message) from None
    if restored.replaced:
        click.echo(f"原数据库已另存为 {restored.replaced}。")
    upgrade()  # a backup made by older code gets this code's schema
    click.echo(f"已从 {path} 恢复（迁移版本 {', '.join(restored.source.revisions)}），"
               "数据库结构已更新到当前版本。")
