CHECKIN_KINDS = ("entry", "exit")
CHECKIN_METHODS = ("ticket_scan", "self_scan", "manual", "backfill")
CHECKIN_RESULTS = ("ok", "duplicate", "refused")
OK, DUPLICATE, REFUSED = CHECKIN_RESULTS
# perform_checkin()'s codes, in the order they are checked: stored on refused and duplicate
# rows (result "duplicate" for the two already_* codes) and answered to the scanner.
CHECKIN_REFUSALS = ("unknown_ticket", "wrong_event", "event_cancelled", "not_confirmed",
                    "on_leave", "not_open", "closed", "already_checked_in",
                    "already_checked_out", "not_checked_in", "expired_code")

METHOD_LABELS = {
    "ticket_scan": "扫票签到",
    "self_scan": "扫码自助签到",
    "manual": "手工签到",
    "backfill": "补录",
}

# Ticket codes: no look-alikes (0/O, 1/I/L), upper case so they read aloud clearly.
TICKET_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TICKET_LENGTH = 10
