"""What a new password must be: long enough, of more than one kind of character, and not one
an attacker tries first (a common password, the user name or the product's own name, with or
without digits and punctuation around it).

Checked wherever a password is set (a new account, a one-time password's replacement, a
self-service change); `archive.users.generate_password` makes passwords that always pass.
The refusal names its reason, in the user's language, and never echoes the password.
"""

from __future__ import annotations

import functools
import string
import unicodedata
from pathlib import Path

from archive.errors import ValidationError
from archive.i18n import t

MIN_LENGTH = 10
COMMON_LIST = Path(__file__).with_name("common_passwords.txt")

# Words an attacker of this system tries first, beside the shipped list: its own name, the
# bureau's, and the usual pinyin (档案, 人社, 社保, 密码, 我爱你).
LOCAL_WORDS = frozenset({
    "archive", "archives", "archivist", "dangan", "dangans", "danganguan", "renshe", "renshiju", "shebao",
    "shebaoju", "mima", "woaini", "admin", "administrator", "root", "system", "sysadmin", "secadmin",
    "auditor", "password", "passwort", "welcome", "letmein", "changeme", "qwerty", "zhongguo", "china",
})
# Keyboard rows and runs: a password inside one of them is a walk, not a secret.
RUNS = ("abcdefghijklmnopqrstuvwxyz", "qwertyuiopasdfghjklzxcvbnm", "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
        "zaq1xsw2cde3vfr4bgt5nhy6mju7,ki8.lo9/;p0", "01234567890", "09876543210")
LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"})
DECORATION = string.digits + string.punctuation + " "


class WeakPassword(ValidationError):
    """A new password the rules refuse; `reason` is one of too_short, one_class, common, personal."""

    def __init__(self, reason: str, *, min_length: int = MIN_LENGTH):
        self.reason, self.min_length = reason, min_length
        super().__init__(t(f"password.{reason}", n=min_length))


def check(password: str, username: str = "") -> None:
    """Raise WeakPassword if `password` may not be chosen (by `username`)."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword("too_short")
    if len(_classes(password)) < 2:
        raise WeakPassword("one_class")
    if _personal(password, username):
        raise WeakPassword("personal")
    if _common(password):
        raise WeakPassword("common")


def _classes(password: str) -> set[str]:
    """Lower case, upper case, digits, and everything else (punctuation, spaces, Chinese)."""
    return {"lower" if c.islower() else "upper" if c.isupper() else "digit" if c.isdigit() else "other"
            for c in password}


def _cores(password: str) -> set[str]:
    """The password as an attacker's rules would derive it from a word: lower-cased, without the
    digits and punctuation around it, with and without separators and look-alike digits."""
    lowered = unicodedata.normalize("NFKC", password).lower()
    core = lowered.strip(DECORATION)
    joined = "".join(c for c in core if c not in DECORATION)
    return {lowered, core, joined, core.translate(LEET), joined.translate(LEET),
            lowered.translate(LEET).strip(DECORATION)}


def _personal(password: str, username: str) -> bool:
    name = unicodedata.normalize("NFKC", username).lower()
    if not name:
        return False
    return bool(_cores(password) & {name, name[::-1]})


def _common(password: str) -> bool:
    cores = _cores(password)
    if "" in cores or any(_repeats(core) for core in cores):
        return True  # nothing but digits and punctuation, or one short unit repeated
    if any(len(core) >= 3 and any(core in run for run in RUNS) for core in cores):
        return True
    return bool(cores & (LOCAL_WORDS | common_passwords()))


def _repeats(text: str) -> bool:
    """'aaaaaa', 'abcabcabc', 'Aa1Aa1Aa1': one unit of at most four characters, repeated."""
    return any(len(text) >= 2 * n and text == text[:n] * (len(text) // n) + text[: len(text) % n]
               for n in range(1, 5))


@functools.cache
def common_passwords() -> frozenset[str]:
    with COMMON_LIST.open(encoding="utf-8") as fh:
        return frozenset(line.strip() for line in fh if line.strip() and not line.startswith("#"))
