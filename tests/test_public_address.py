"""The address phones use (issue 8, item 12): PUBLIC_BASE_URL defaults from HOST and
PORT, `make run` passes them on and prints the address for phones, and the README shows
how to try it on the office Wi-Fi."""
import ipaddress
import os
import shutil
import subprocess

import pytest

from app import config, create_app

from .conftest import TEST_CONFIG

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def public_url(tmp_path, **env):
    return config.load_config(tmp_path, {"SECRET_KEY": "x", **env})["PUBLIC_BASE_URL"]


@pytest.fixture
def office_lan(monkeypatch):
    """The machine's address on the office network, as lan_address() would find it."""
    monkeypatch.setattr(config, "lan_address", lambda: "192.168.1.23")
    return "192.168.1.23"


def test_the_public_address_follows_host_and_port(tmp_path, office_lan):
    assert public_url(tmp_path) == "http://127.0.0.1:5000"
    assert public_url(tmp_path, PORT="8000") == "http://127.0.0.1:8000"
    # listening on every interface: phones use the machine's LAN address
    assert public_url(tmp_path, HOST="0.0.0.0", PORT="8123") == "http://192.168.1.23:8123"
    assert public_url(tmp_path, HOST="0.0.0.0", PORT="80") == "http://192.168.1.23"
    assert public_url(tmp_path, HOST="10.1.2.3") == "http://10.1.2.3:5000"
    assert public_url(tmp_path, HOST="::") == "http://192.168.1.23:5000"
    assert public_url(tmp_path, HOST="fd00::5") == "http://[fd00::5]:5000"
    # set explicitly (production, behind a proxy), it wins
    assert public_url(tmp_path, HOST="0.0.0.0", PORT="8123",
                      PUBLIC_BASE_URL="https://dangjian.example.gov.cn/") == (
        "https://dangjian.example.gov.cn")
    with pytest.raises(config.ConfigError, match="PORT must be a port number"):
        public_url(tmp_path, PORT="eighty")


def test_the_lan_address_is_this_machines_own():
    address = ipaddress.ip_address(config.lan_address())
    assert address.version == 4 and (not address.is_loopback or str(address) == "127.0.0.1")


def test_show_address_prints_where_phones_open_the_site(app, office_lan):
    def shown(**settings):
        """show-address of an app started with these environment settings."""
        base = {k: v for k, v in TEST_CONFIG.items() if k != "PUBLIC_BASE_URL"}
        made = create_app({**base, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                           **settings})
        return made.test_cli_runner().invoke(args=["show-address"]).output

    office = shown(HOST="0.0.0.0", PORT="8123")
    assert "本机浏览器打开：http://127.0.0.1:8123" in office
    assert "手机打开（二维码和链接用的地址）：http://192.168.1.23:8123" in office
    assert "只有本机" not in office
    alone = shown(HOST="127.0.0.1", PORT="5000")
    assert "手机打开（二维码和链接用的地址）：http://127.0.0.1:5000" in alone
    assert "要让同一 Wi-Fi 下的手机试用，请运行：HOST=0.0.0.0 make run" in alone


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_hands_host_and_port_to_the_app_and_prints_the_address():
    steps = subprocess.run(["make", "-n", "run", "HOST=0.0.0.0", "PORT=8123"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.splitlines()
    shows = [n for n, line in enumerate(steps) if line.endswith("flask --app wsgi show-address")]
    serves = [n for n, line in enumerate(steps) if "flask --app wsgi run " in line]
    assert shows and serves and shows[0] < serves[0]
    assert steps[shows[0]].startswith("HOST=0.0.0.0 PORT=8123 ")
    assert steps[serves[0]].startswith("HOST=0.0.0.0 PORT=8123 ")
    assert steps[serves[0]].endswith("run --host 0.0.0.0 --port 8123")


def test_the_readme_shows_a_trial_on_the_office_wifi():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as readme:
        start = readme.read().split("## Start here", 1)[1].split("\n## ", 1)[0]
    assert "HOST=0.0.0.0 make run" in start
