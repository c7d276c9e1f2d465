"""Russian dates and times: "13 декабря 2026 г., 19:00".  Django's own Russian formats fill in
the rest (input formats, numbers).  vigil/core/dates.py is the one place that formats in Python."""

DATE_FORMAT = "j E Y г."
DATETIME_FORMAT = "j E Y г., H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y г."
MONTH_DAY_FORMAT = "j E"
