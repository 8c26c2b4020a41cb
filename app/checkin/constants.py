CHECKIN_KINDS = ("entry", "exit")
CHECKIN_METHODS = ("ticket_scan", "self_scan", "manual", "backfill")
CHECKIN_RESULTS = ("ok", "duplicate", "refused")

METHOD_LABELS = {
    "ticket_scan": "扫票签到",
    "self_scan": "扫码自助签到",
    "manual": "手工签到",
    "backfill": "补录",
}

# Ticket codes: no look-alikes (0/O, 1/I/L), upper case so they read aloud clearly.
TICKET_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TICKET_LENGTH = 10
