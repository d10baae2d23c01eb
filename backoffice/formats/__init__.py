"""Date and time formats of every page Django renders (`FORMAT_MODULE_PATH`): a time carries its zone.

The backoffice shows times in UTC (`TIME_ZONE`), and says so on each one ("2026-12-02 07:12 UTC"),
so a moderator comparing a creator's report with the audit log never guesses the zone.
"""
