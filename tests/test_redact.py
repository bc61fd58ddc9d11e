"""Specification of secret redaction: known secrets, bearer tokens, URL userinfo and token params."""

from __future__ import annotations

import base64
from urllib.parse import quote, quote_plus, unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jobwatch.redact import Redactor, is_credential_name, redact_headers, redact_url, url_secrets


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


CREDENTIAL_PARAMS = [
    "token", "access_token", "refresh_token", "id_token", "private_token", "PRIVATE-TOKEN", "api_token",
    "circle-token", "authtoken", "AuthToken", "accessToken", "X-Amz-Security-Token", "oauth_token",
    "authenticity_token", "key", "api_key", "API_KEY", "apikey", "APIKEY", "api-key", "apiKey", "X-API-Key",
    "access_key", "AWSAccessKeyId", "Key-Pair-Id", "secret_key", "signing_key", "accesskey", "keyid",
    "secret", "client_secret", "webhook.secret", "sig", "Signature", "signature", "X-Amz-Signature",
    "X-Goog-Signature", "oauth_signature", "sign", "hmac", "X-Amz-Credential", "X-Goog-Credential",
    "credential", "credentials", "auth", "Auth", "authorization", "auth_code", "authcode", "password",
    "Password", "passwd", "pass", "pwd", "pw", "user_password", "passcode", "passphrase", "session",
    "sessionid", "session_id", "sessionId", "JSESSIONID", "PHPSESSID", "ASP.NET_SessionId", "sid", "code",
    "device_code", "code_verifier", "oauth_verifier", "jwt", "assertion", "client_assertion",
    "SAMLResponse", "ticket", "otp", "totp", "pin", "access%5Ftoken",
]
HARMLESS_PARAMS = [
    "page", "per_page", "after", "before", "limit", "offset", "cursor", "since", "sort", "order", "q",
    "keyboard", "keyword", "monkey", "turkey", "hockey", "hotkey", "barcode", "zipcode", "postcode",
    "codec", "encode", "author", "authors", "bypass", "compass", "passenger", "passthrough", "signal",
    "signup", "sidebar", "spin", "pinned", "client_id", "redirect_uri", "state", "scope", "response_type",
    "grant_type", "X-Amz-Algorithm", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders", "Expires",
    "Policy", "GoogleAccessId", "sv", "se", "sr", "sp", "last_event_id", "lastEventId", "format", "v",
]


@pytest.mark.parametrize("param", CREDENTIAL_PARAMS)
def test_credential_query_parameter_values_are_masked(param: str) -> None:
    url = f"https://h/events?page=2&{param}=zz9-Value_1&x=1#f"
    assert redact_url(url) == f"https://h/events?page=2&{param}=***&x=1#f"


@pytest.mark.parametrize("param", HARMLESS_PARAMS)
def test_harmless_query_parameter_values_are_kept(param: str) -> None:
    url = f"https://h/events?{param}=zz9&x=1"
    assert redact_url(url) == url


@pytest.mark.parametrize("param", CREDENTIAL_PARAMS)
def test_credential_parameters_are_recognised_by_name(param: str) -> None:
    assert is_credential_name(unquote(param))


@pytest.mark.parametrize("param", HARMLESS_PARAMS)
def test_harmless_parameters_are_not_taken_for_credentials(param: str) -> None:
    assert not is_credential_name(param)


def test_token_in_a_fragment_is_masked() -> None:
    assert redact_url("https://h/cb#access_token=zz9&state=s") == "https://h/cb#access_token=***&state=s"


def test_token_as_a_path_parameter_is_masked() -> None:
    assert redact_url("https://h/x;jsessionid=ABC123") == "https://h/x;jsessionid=***"


def test_token_query_parameter_names_match_case_insensitively() -> None:
    assert redact_url("https://h/e?API_KEY=zz9") == "https://h/e?API_KEY=***"


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


@pytest.mark.parametrize(
    "form",
    [
        quote("p@ss/w0rd+x y", safe=""),
        quote_plus("p@ss/w0rd+x y"),
        quote("p@ss/w0rd+x y", safe="").lower(),
        base64.b64encode(b"p@ss/w0rd+x y").decode(),
        base64.urlsafe_b64encode(b"p@ss/w0rd+x y").decode().rstrip("="),
    ],
)
def test_known_secret_is_masked_in_its_percent_encoded_and_base64_forms(form: str) -> None:
    redact = Redactor(["p@ss/w0rd+x y"])
    assert redact(f"sent [{form}] there") == "sent [***] there"


@pytest.mark.parametrize("offset", [0, 1, 2])
def test_known_secret_inside_a_longer_base64_text_leaves_no_whole_base64_digit_of_it(offset: int) -> None:
    secret = b"k3y-material-0042"
    before = b"u" * offset
    encoded = base64.b64encode(before + secret + b"!tail").decode()
    prefix, mask, suffix = Redactor([secret.decode()])(encoded).partition("***")
    assert mask and encoded.startswith(prefix) and encoded.endswith(suffix)
    secret_bits = (8 * len(before), 8 * (len(before) + len(secret)))
    visible_before, visible_after = 6 * len(prefix), 6 * (len(encoded) - len(suffix))
    assert visible_before - secret_bits[0] < 6 and secret_bits[1] - visible_after < 6


def test_basic_credentials_of_a_url_are_masked_in_their_authorization_form() -> None:
    redact = Redactor(url_secrets("https://bob:hunter22@ci.example/x"))
    basic = base64.b64encode(b"bob:hunter22").decode()
    assert redact(f"Authorization: Basic {basic}") == "Authorization: Basic ***"


def test_url_secrets_are_the_password_and_credential_parameter_values_raw_and_decoded() -> None:
    found = url_secrets("https://bob:p%40ss@h/e?page=2&private_token=a%2Bb&sig=zz#id_token=tt")
    assert {"p%40ss", "p@ss", "a%2Bb", "a+b", "zz", "tt"} <= set(found)
    assert "2" not in found and "bob" not in found


def test_url_secrets_take_a_lone_user_name_as_a_token() -> None:
    assert "ghp_abcdef" in url_secrets("https://ghp_abcdef@github.example/x")


def test_url_secrets_of_an_unparsable_url_are_empty() -> None:
    assert url_secrets("http://[not-ipv6/x") == []


@pytest.mark.timeout(60)  # linear work takes a second or two; the quadratic cases took hours
def test_redactor_work_stays_linear_on_huge_hostile_inputs() -> None:
    redact = Redactor([f"secret-number-{i:04d}" for i in range(50)])
    redact.add("x" * 1_000_000)
    hostile = ["a." * 500_000 + "@", "?a=" * 300_000, "http://" * 150_000, "x://a@" * 150_000, "&" * 10**6]
    shown = [redact(text) for text in hostile]
    assert shown[0] == hostile[0]
    assert redact("y" + "x" * 1_000_000 + "y") == "y***y"
