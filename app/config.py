"""Settings read from environment variables, with safe defaults.

APP_ENV selects the profile: ``development`` (default), ``production`` or
``testing``. Production refuses to start without SECRET_KEY; development
creates a random key once and keeps it under ``instance/``.
"""
import ipaddress
import os
import secrets
import socket
from pathlib import Path


class ConfigError(RuntimeError):
    pass


def _bool(value, default=False):
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _dev_secret_key(instance_path):
    """The development key in ``instance/secret_key``, made by whichever process starts first.

    Several processes may start at once (gunicorn workers without SECRET_KEY): each writes
    its candidate to a file of its own and links it into place, which only one can do; the
    others read the winner's, so all of them sign cookies with the same key."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    candidate = path.with_name(f".secret_key.{os.getpid()}.{secrets.token_hex(4)}")
    candidate.write_text(secrets.token_hex(32))
    candidate.chmod(0o600)
    try:
        os.link(candidate, path)  # atomic, and fails when another process got there first
    except FileExistsError:
        pass
    finally:
        candidate.unlink()
    return path.read_text().strip()


# Addresses a UDP socket "connects" to (nothing is sent) to learn which of the machine's
# own addresses faces the network: a private one first, as on an office intranet.
_PROBES = ("10.255.255.255", "192.168.255.255", "172.31.255.255", "8.8.8.8")
ALL_INTERFACES = ("0.0.0.0", "::", "")


def lan_address():
    """The machine's address on the local network (what phones on the office Wi-Fi
    reach), or 127.0.0.1 when it has none."""
    for probe in _PROBES:
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe_socket:
                probe_socket.connect((probe, 9))
                address = probe_socket.getsockname()[0]
        except OSError:
            continue
        if not ipaddress.ip_address(address).is_loopback and address != "0.0.0.0":
            return address
    return "127.0.0.1"


def server_address(env):
    """(host, port) the development server binds: HOST (default 127.0.0.1) and PORT
    (default 5000), as ``make run`` passes them."""
    host = (env.get("HOST") or "127.0.0.1").strip()
    port = (env.get("PORT") or "5000").strip()
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(f"PORT must be a port number (1-65535), not {port!r}")
    return host, int(port)


def default_public_url(host, port):
    """Where phones reach a server bound to ``host``:``port``: the machine's LAN address
    when it listens on every interface (HOST=0.0.0.0), else the host itself."""
    if host in ALL_INTERFACES:
        host = lan_address()
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    return f"http://{host}" + ("" if port == 80 else f":{port}")


def load_config(instance_path, env=None):
    """Build the Flask config dict from the environment."""
    env = os.environ if env is None else env
    app_env = env.get("APP_ENV", "development").strip().lower()
    if app_env not in {"development", "production", "testing"}:
        raise ConfigError(f"APP_ENV must be development, production or testing, not {app_env!r}")

    secret_key = env.get("SECRET_KEY")
    if not secret_key:
        if app_env == "production":
            raise ConfigError(
                "SECRET_KEY is not set. A production start needs a long random SECRET_KEY "
                "(for example: python -c 'import secrets; print(secrets.token_hex(32))')."
            )
        secret_key = _dev_secret_key(instance_path)

    default_db = "sqlite:///" + str(Path(instance_path) / "app.db")
    database_url = env.get("DATABASE_URL") or default_db
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgres://"):]
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://"):]

    production = app_env == "production"
    host, port = server_address(env)
    trusted_proxies = env.get("TRUSTED_PROXIES", "0").strip() or "0"
    if not (trusted_proxies.isascii() and trusted_proxies.isdigit()):
        raise ConfigError(f"TRUSTED_PROXIES must be a number of proxies (0, 1, ...), not {trusted_proxies!r}")
    return {
        "APP_ENV": app_env,
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "APP_TIMEZONE": env.get("APP_TIMEZONE", "Asia/Shanghai"),
        # QR codes and links: what phones reach; by default the server's own HOST and PORT.
        "PUBLIC_BASE_URL": (env.get("PUBLIC_BASE_URL")
                            or default_public_url(host, port)).rstrip("/"),
        "HOST": host,
        "PORT": port,
        "ORG_NAME": env.get("ORG_NAME", "机关党委"),
        # Uploads (roster files): a 20,000-row roster is about 1 MB as XLSX.
        "MAX_CONTENT_LENGTH": int(env.get("MAX_UPLOAD_MB", "10")) * 1024 * 1024,
        # Rate limits: memory by default, Redis (redis://127.0.0.1:6379/0) in production.
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": _bool(env.get("RATELIMIT_ENABLED"), default=app_env != "testing"),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Reverse proxies in front of the app whose X-Forwarded-For/-Proto are believed
        # (0: none, a client's own header is ignored); see app/security.py.
        "TRUSTED_PROXIES": int(trusted_proxies),
        # Login posts per phone from one client (its address, or its device once it has
        # logged in there): a whole office behind one address does not share a budget.
        "LOGIN_RATE_LIMIT": env.get("LOGIN_RATE_LIMIT", "10 per minute"),
        # Wrong passwords: for one phone from one client, and from one address in all.
        # Never the account everywhere: its owner still logs in on their own phone.
        "LOGIN_FAILURE_LIMIT": env.get("LOGIN_FAILURE_LIMIT", "5 per 15 minutes"),
        "LOGIN_ADDRESS_FAILURE_LIMIT": env.get("LOGIN_ADDRESS_FAILURE_LIMIT", "20 per 10 minutes"),
        # Member searches (name or phone), per searcher, shared by every search box; the
        # hourly cap makes guessing a hidden phone by its whole number take days.
        "SEARCH_RATE_LIMIT": env.get("SEARCH_RATE_LIMIT", "60 per minute"),
        "SEARCH_HOURLY_LIMIT": env.get("SEARCH_HOURLY_LIMIT", "300 per hour"),
        # The public certificate verification page, per client address.
        "VERIFY_RATE_LIMIT": env.get("VERIFY_RATE_LIMIT", "30 per minute"),
        # The yearly 学时 targets of a year staff have not set (app/stats/models.py HoursTarget):
        # members, and cadres (branch secretaries and branch committee members).
        "HOURS_TARGET_MEMBER": float(env.get("HOURS_TARGET_MEMBER", "32")),
        "HOURS_TARGET_CADRE": float(env.get("HOURS_TARGET_CADRE", "56")),
        # PostgreSQL work_mem for the statistics' aggregates (one transaction at a time).
        "STATS_WORK_MEM": env.get("STATS_WORK_MEM", "64MB"),
        # WeChat's in-app browser drops session cookies: keep members logged in
        # with Flask-Login's persistent remember cookie.
        "REMEMBER_COOKIE_DURATION": int(env.get("REMEMBER_DAYS", "30")) * 86400,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "WTF_CSRF_TIME_LIMIT": None,  # a form left open on a phone all morning still submits
        # Check-in opens this long before a session starts and closes this long after it ends.
        "CHECKIN_OPENS_MINUTES": int(env.get("CHECKIN_OPENS_MINUTES", "60")),
        "CHECKIN_CLOSES_MINUTES": int(env.get("CHECKIN_CLOSES_MINUTES", "60")),
        # Self check-in QR: a new code every this many seconds (the previous one still works).
        "SELF_CHECKIN_PERIOD": int(env.get("SELF_CHECKIN_PERIOD", "15")),
        "TESTING": app_env == "testing",
    }
