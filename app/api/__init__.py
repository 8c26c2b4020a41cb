"""JSON API v1, used by the scanner page and the live board; documented at /api/v1/openapi.json."""
