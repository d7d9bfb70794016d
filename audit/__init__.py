"""contact-audit: can WhatsApp upload third parties' phone numbers from an Android phone's address book?

The package is a straight pipeline; each stage is importable and testable on its own:
collect (one ADB round trip per phone) -> parse (text to frozen facts) -> classify (numbers
against the policy) -> assess (verdicts) -> report (table, CSV, JSON).
"""

__version__ = "0.1.0"
