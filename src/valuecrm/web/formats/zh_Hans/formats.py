# Django's zh_Hans formats group no digits; amounts in Chinese business documents are
# written 1,234,567.50, so the pages group by three with a comma. Dates keep Django's
# Chinese formats (2026年11月23日).
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
DECIMAL_SEPARATOR = "."
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATE_FORMAT = "Y-m-d"
