"""English date formats with the timezone on every time; ISO-like order so lists line up.

Only what differs from Django's English formats is here; every other format (input formats
included) falls through to `django.conf.locale.en.formats`.
"""

DATETIME_FORMAT = "Y-m-d H:i T"
SHORT_DATETIME_FORMAT = "Y-m-d H:i T"
DATE_FORMAT = "Y-m-d"
SHORT_DATE_FORMAT = "Y-m-d"
