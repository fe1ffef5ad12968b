# "3月5日 14:30": no leading zero in the month, as Chinese dates are usually written.
MONTH_DAY_FORMAT = "n月j日"
SHORT_DATETIME_FORMAT = "n月j日 H:i"
# Django's Chinese formats group by nothing; prices and token counts read better as 1,234,567.
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
