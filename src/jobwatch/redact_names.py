"""Which query parameter names carry credentials: the rule behind `redact_url` (README, "Redaction").

A name is split into words at `_`, `-`, `.`, any other punctuation and camelCase humps, compared
case-insensitively. It is a credential when its letters contain a strong word (token, secret, password,
signature, session, credential, jwt, assertion...), when one of its words is a short credential word (key,
sig, code, auth, pass, pwd, sid, otp...), or when a word glues a short credential word to a known
qualifier (apikey, accesskey, authcode, passcode, keyid). `keyboard`, `monkey`, `barcode` or `author` are not.
"""

from __future__ import annotations

import re
from functools import lru_cache

STRONG = (
    "token", "secret", "passw", "passphrase", "credential", "signature", "session", "sessid", "jwt",
    "assertion", "apikey", "saml",
)  # fmt: skip
"""Substrings of the lower-cased name without separators that always mean a credential."""

WORDS = frozenset({
    "key", "keys", "sig", "sign", "code", "auth", "authorization", "pass", "pwd", "pw", "otp", "totp",
    "hotp", "hmac", "sid", "ticket", "sas", "bearer", "pin", "verifier", "oauth", "cred", "creds",
})  # fmt: skip
"""Whole words that mean a credential."""

GLUED = ("key", "sig", "code", "auth", "pass", "pin", "otp")
"""Credential words that are also recognised glued to a qualifier."""
QUALIFIERS = (
    "api", "access", "auth", "private", "client", "app", "master", "shared", "user", "login", "device",
    "pass", "secret", "signing", "consumer", "account", "admin", "license",
)  # fmt: skip
"""What may precede a glued credential word (apikey, accesskey, passcode...)."""
SUFFIXES = ("id", "key", "code", "value", "hash")
"""What may follow a glued credential word (keyid, authkey, authcode...)."""

_SPLIT = re.compile(r"[^0-9A-Za-z]+|(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


@lru_cache(maxsize=1024)
def is_credential_name(name: str) -> bool:
    """Whether a query parameter (or path parameter) called `name` carries a credential."""
    words = [word.lower() for word in _SPLIT.split(name) if word]
    glued = "".join(words)
    if any(strong in glued for strong in STRONG):
        return True
    return any(word in WORDS or _is_glued(word) for word in words)


def _is_glued(word: str) -> bool:
    for short in GLUED:
        if word.endswith(short) and word[: -len(short)] in QUALIFIERS:
            return True
        if word.startswith(short) and word[len(short) :] in SUFFIXES:
            return True
    return False
