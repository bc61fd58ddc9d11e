"""Specification of secret redaction: known secrets, bearer tokens, URL userinfo and token params."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobwatch.redact import Redactor, redact_headers, redact_url


def test_known_secret_is_masked_everywhere_it_occurs() -> None:
    redact = Redactor(["hunter2-secret"])
    assert redact("x hunter2-secret y hunter2-secret") == "x *** y ***"


def test_text_without_secrets_is_unchanged() -> None:
    assert Redactor(["hunter2-secret"])("connection reset by peer") == "connection reset by peer"


def test_bearer_value_masks_the_whole_value_as_one() -> None:
    redact = Redactor(["Bearer abc123xyz"])
    assert redact("sent Authorization: Bearer abc123xyz") == "sent Authorization: ***"


def test_bearer_value_also_masks_the_bare_token() -> None:
    redact = Redactor(["Bearer abc123xyz"])
    assert redact("token abc123xyz rejected") == "token *** rejected"


def test_overlapping_secrets_leak_no_suffix() -> None:
    redact = Redactor(["abcdef", "cdefgh"])
    assert redact("[abcdefgh]") == "[***]"


def test_secret_containing_another_is_masked_whole() -> None:
    redact = Redactor(["token-1234", "token-1234-extra"])
    assert redact("got token-1234-extra!") == "got ***!"


def test_empty_secret_is_ignored() -> None:
    redact = Redactor([""])
    assert redact("abc") == "abc"
    assert redact.secrets == frozenset()


def test_short_secret_does_not_blank_common_characters() -> None:
    assert Redactor(["a"])("a bad day at 3am") == "a bad day at 3am"


def test_short_secret_is_masked_as_a_whole_header_value() -> None:
    assert Redactor(["ab"])("header X-Key: ab") == "header X-Key: ***"


def test_short_secret_is_masked_as_a_value_in_a_header_dict() -> None:
    assert Redactor(["ab"])("{'X-Key': 'ab', 'Accept': 'x'}") == "{'X-Key': '***', 'Accept': 'x'}"


def test_short_secret_is_masked_when_it_is_the_whole_text() -> None:
    assert Redactor(["ab"])("ab") == "***"


def test_secrets_added_later_are_masked() -> None:
    redact = Redactor()
    redact.add("late-secret")
    assert redact("a late-secret") == "a ***"


def test_url_userinfo_is_masked() -> None:
    assert Redactor()("GET https://bob:pw123@ci.example/x failed") == "GET https://***@ci.example/x failed"


def test_url_userinfo_with_an_at_sign_in_the_password_is_masked_whole() -> None:
    assert redact_url("https://bob:p@ss@ci.example/x") == "https://***@ci.example/x"


def test_at_sign_outside_a_url_authority_is_left_alone() -> None:
    assert redact_url("https://ci.example/x bob@example.org") == "https://ci.example/x bob@example.org"


@pytest.mark.parametrize(
    "param", ["token", "access_token", "api_key", "key", "password", "secret", "sig", "signature"]
)
def test_token_query_parameters_are_masked(param: str) -> None:
    url = f"https://h/events?page=2&{param}=zz9&x=1#f"
    assert redact_url(url) == f"https://h/events?page=2&{param}=***&x=1#f"


def test_token_query_parameter_names_match_case_insensitively() -> None:
    assert redact_url("https://h/e?API_KEY=zz9") == "https://h/e?API_KEY=***"


def test_parameters_merely_ending_in_a_token_name_are_kept() -> None:
    assert redact_url("https://h/e?monkey=1&passkey=2") == "https://h/e?monkey=1&passkey=2"


def test_redactor_masks_token_query_parameters_in_free_text() -> None:
    assert Redactor()("502 from https://h/e?token=zz9 after 3s") == "502 from https://h/e?token=*** after 3s"


def test_redact_headers_masks_every_value_but_the_harmless_ones() -> None:
    headers = {
        "Authorization": "Bearer x",
        "X-Custom": "anything",
        "Accept": "text/event-stream",
        "cache-control": "no-cache",
        "Last-Event-ID": "42",
        "User-Agent": "jobwatch/0.1",
        "Content-Type": "text/plain",
    }
    assert redact_headers(headers) == {
        "Authorization": "***",
        "X-Custom": "***",
        "Accept": "text/event-stream",
        "cache-control": "no-cache",
        "Last-Event-ID": "42",
        "User-Agent": "jobwatch/0.1",
        "Content-Type": "text/plain",
    }


_ALNUM = st.text("abcdefghijklmnopqrstuvwxyz0123456789-", max_size=30)


@given(
    secrets=st.lists(st.text("abcdef0123", min_size=4, max_size=12), min_size=1, max_size=4),
    pieces=st.lists(_ALNUM, max_size=5),
)
def test_no_known_secret_survives_in_any_text(secrets: list[str], pieces: list[str]) -> None:
    text = "".join(p + s for p, s in zip(pieces, secrets * 5, strict=False)) + "".join(secrets)
    redacted = Redactor(secrets)(text)
    assert not any(secret in redacted for secret in secrets)
