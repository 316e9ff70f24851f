"""Search keys for Chinese names: script-insensitive, full pinyin and pinyin initials.

`zs`, `zhangsan`, `张三` and `張三` all find 張三.
"""

import re
from functools import lru_cache

import opencc
from pypinyin import Style, lazy_pinyin

_t2s = opencc.OpenCC("t2s")
_NON_WORD = re.compile(r"[\s·・.\-_,，]+")


@lru_cache(maxsize=50_000)
def name_key(name: str) -> str:
    """Simplified script, lower case, no spaces or separators.

    Cached: an import asks it twice a row (the key, then the pinyin of the key), and a
    colleague's name once a row."""
    return _NON_WORD.sub("", _t2s.convert(name or "")).lower()


def pinyin_keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials) of a name; Latin letters and digits are kept as they are."""
    return _pinyin_of_key(name_key(name))


@lru_cache(maxsize=50_000)
def _pinyin_of_key(key: str) -> tuple[str, str]:
    """Names repeat (张伟 is legion) and pypinyin's phrase matching is slow: once per key."""
    syllables = [s for s in lazy_pinyin(key, errors="default") if s.strip()]
    initials = lazy_pinyin(key, style=Style.FIRST_LETTER, errors="default")
    full = "".join(syllables).lower()
    return _NON_WORD.sub("", full), _NON_WORD.sub("", "".join(initials).lower())
