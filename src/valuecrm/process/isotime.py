"""Many ISO 8601 timestamps with a UTC offset read at once, without a datetime per value.

Exported event logs write every timestamp in one layout (`2025-03-01T09:30:00.123+08:00`,
`... 09:30:00Z`). The strings are laid out as a numpy array of code points; each group of
equal length is checked character by character against the layout of its first value
(digits where digits belong, the separators, the offset sign) and the calendar ranges,
then converted with integer arithmetic, so the result is exact to the microsecond.
Anything else (naive times, other layouts, impossible dates) is left to the caller's
one-at-a-time parser, which also words the errors; together they accept exactly what
`datetime.fromisoformat` does for these layouts.
"""

import numpy as np

ZERO, NINE = ord("0"), ord("9")
DATE_TIME = 19  # YYYY-MM-DDTHH:MM:SS
SEPARATORS = {4: "-", 7: "-", 13: ":", 16: ":"}
DATE_TIME_DIGITS = (0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18)
DAYS_IN_MONTH = np.array([0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def iso_micros(values: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Microseconds since the epoch for the values this fast path reads, and the indexes
    of those it leaves to the caller (their slots in the first array are 0)."""
    text = np.array(values, dtype=str)
    width = text.dtype.itemsize // 4
    chars = text.view(np.uint32).reshape(len(values), width)
    # numpy pads with NUL; a NUL inside a value gives a wrong length, which the layout
    # check then rejects.
    return chars_micros(chars, np.count_nonzero(chars, axis=1))


def chars_micros(chars: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`iso_micros` of values given as a matrix of character codes (one value per row,
    padded) and their lengths."""
    count = len(chars)
    micros = np.zeros(count, dtype=np.int64)
    done = np.zeros(count, dtype=bool)
    if count and chars.shape[1] >= DATE_TIME:
        for length in np.unique(lengths):
            rows = np.flatnonzero(lengths == length)
            parsed, ok = _read_layout(chars[rows, :length].astype(np.int64))
            micros[rows[ok]] = parsed[ok]
            done[rows[ok]] = True
    return micros, np.flatnonzero(~done)


def _layout(first: np.ndarray) -> tuple[int, int, str] | None:
    """(fraction digits, where the offset starts, offset form) of a value, from its
    first row; None for a layout left to the slow path."""
    length = len(first)
    if length < DATE_TIME + 1:
        return None  # no offset: a naive time, read in the installation's zone
    position, fraction = DATE_TIME, 0
    if first[position] == ord("."):
        while position + 1 < length and ZERO <= first[position + 1] <= NINE:
            position += 1
            fraction += 1
        position += 1
        if not 1 <= fraction <= 6:
            return None
    rest = length - position
    if rest == 1 and first[position] == ord("Z"):
        return fraction, position, "Z"
    if rest in (5, 6) and first[position] in (ord("+"), ord("-")):
        return fraction, position, "+HH:MM" if rest == 6 else "+HHMM"
    return None


def _number(chars: np.ndarray, start: int, digits: int) -> np.ndarray:
    value = np.zeros(len(chars), dtype=np.int64)
    for position in range(start, start + digits):
        value = value * 10 + (chars[:, position] - ZERO)
    return value


def _read_layout(chars: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    count = len(chars)
    layout = _layout(chars[0])
    if layout is None:
        return np.zeros(count, dtype=np.int64), np.zeros(count, dtype=bool)
    fraction, zone, form = layout
    digits = list(DATE_TIME_DIGITS) + list(range(DATE_TIME + 1, DATE_TIME + 1 + fraction))
    if form != "Z":
        digits += [zone + 1, zone + 2] + ([zone + 4, zone + 5] if form == "+HH:MM"
                                          else [zone + 3, zone + 4])
    picked = chars[:, digits]
    ok = ((picked >= ZERO) & (picked <= NINE)).all(axis=1)
    ok &= (chars[:, 10] == ord("T")) | (chars[:, 10] == ord(" "))
    for position, separator in SEPARATORS.items():
        ok &= chars[:, position] == ord(separator)
    if fraction:
        ok &= chars[:, DATE_TIME] == ord(".")
    if form == "Z":
        offset = np.zeros(count, dtype=np.int64)
    else:
        sign = np.where(chars[:, zone] == ord("-"), -1, 1)
        ok &= (chars[:, zone] == ord("+")) | (chars[:, zone] == ord("-"))
        if form == "+HH:MM":
            ok &= chars[:, zone + 3] == ord(":")
        minutes_at = zone + (4 if form == "+HH:MM" else 3)
        zone_hours, zone_minutes = _number(chars, zone + 1, 2), _number(chars, minutes_at, 2)
        ok &= (zone_hours <= 23) & (zone_minutes <= 59)
        offset = sign * (zone_hours * 3600 + zone_minutes * 60)
    year, month, day = _number(chars, 0, 4), _number(chars, 5, 2), _number(chars, 8, 2)
    hour, minute, second = _number(chars, 11, 2), _number(chars, 14, 2), _number(chars, 17, 2)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    month_days = DAYS_IN_MONTH[np.clip(month, 0, 12)] - ((month == 2) & ~leap)
    ok &= (year >= 1) & (month >= 1) & (month <= 12) & (day >= 1) & (day <= month_days)
    ok &= (hour <= 23) & (minute <= 59) & (second <= 59)
    seconds = (_epoch_days(year, month, day) * 86400 + hour * 3600 + minute * 60 + second
               - offset)
    micros = seconds * 1_000_000
    if fraction:
        micros += _number(chars, DATE_TIME + 1, fraction) * 10 ** (6 - fraction)
    return micros, ok


def _epoch_days(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of proleptic Gregorian dates (H. Hinnant's days_from_civil)."""
    year = year - (month <= 2)
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * np.where(month > 2, month - 3, month + 9) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468
