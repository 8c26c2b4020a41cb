"""On-site check-in: tickets, perform_checkin(), rotating self check-in codes,
scanner links, summaries for the scanner and the live board."""
