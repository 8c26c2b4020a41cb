"""What features above registration add to its staff pages, without an upward import.

The registrant list (报名名单) and its export belong to registration, which sits below
checkin: they may not import attendance. Instead a feature above offers an ``Addon`` when
its blueprint is registered (``offer(app, addon)`` from a ``record_once`` callback), and
the registrant page and its export ask the current app for them:

- ``columns(event, registration_ids)`` -> None (nothing to add yet), or ``(headers,
  values)``: headers as ``(text, kind)`` (kind as app.exports.Column), values as
  ``{registration_id: tuple}``; ``registration_ids`` None means all of the event. checkin
  adds 已签到场次, 请假场次 and 学时 once a session has started.
- ``links(event)`` -> ``[(label, url)]``: tabs beside 报名名单 (checkin: 出勤情况).

An app without the feature above simply has no addons: the pages stay as they were.
"""
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app

KEY = "registrant_addons"


@dataclass(frozen=True)
class Addon:
    columns: Callable | None = None
    links: Callable | None = None


def offer(app, addon):
    app.extensions.setdefault(KEY, []).append(addon)


def _addons():
    return current_app.extensions.get(KEY, [])


@dataclass(frozen=True)
class ExtraColumns:
    """The addons' columns for a set of registrations: ``headers`` ((text, kind), ...) and
    ``row(registration_id)`` (a value or None under each header)."""
    parts: tuple = ()  # ((headers, {registration_id: values}), ...)

    @property
    def headers(self):
        return tuple(header for headers, _ in self.parts for header in headers)

    def row(self, registration_id):
        return tuple(value for headers, values in self.parts
                     for value in values.get(registration_id, (None,) * len(headers)))

    def cells(self, registration_id):
        """((text, kind), value) pairs of one registration, for a page."""
        return list(zip(self.headers, self.row(registration_id), strict=True))


def extra_columns(event, registration_ids=None):
    """The columns the addons add for these registrations (all of the event when None)."""
    return ExtraColumns(tuple(found for addon in _addons() if addon.columns
                              if (found := addon.columns(event, registration_ids))))


def extra_links(event):
    return [link for addon in _addons() if addon.links for link in addon.links(event)]
