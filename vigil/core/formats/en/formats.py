"""English dates and times: "13 December 2026, 19:00", the same order as the Russian ones
(day, month, year; a 24-hour clock).  Django's own English formats fill in the rest."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
FIRST_DAY_OF_WEEK = 1
