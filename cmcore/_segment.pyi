"""Stub of the compiled kernel; the pure-Python twin _segment_py.py has the same shape."""

from array import array

def count(
    text: str,
    force_ucs2: bool,
    gsm_single: int,
    gsm_multi: int,
    ucs2_single: int,
    ucs2_multi: int,
) -> tuple[bool, int, int]: ...
def count_many(
    texts: object,
    force_ucs2: bool,
    gsm_single: int,
    gsm_multi: int,
    ucs2_single: int,
    ucs2_multi: int,
) -> tuple[bytes, array[int], array[int]]: ...
def cuts(text: str, gsm7: bool, capacity: int) -> list[int]: ...
