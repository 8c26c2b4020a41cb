"""The health check for the proxy and the monitor: anyone, no login."""
from . import Case

CASES = {
    "ops.healthz": [Case("/healthz", "200 200 200 200 200 200 200")],
}
