"""Certificates (证书): who qualifies, issuing with serials and a snapshot, the wording per
event, PDFs one by one or a whole event streamed, public verification. See
docs/ARCHITECTURE.md, "Certificates"."""
