"""The address policy: public unicast only, by the URL's host and by what its name resolves to."""

from __future__ import annotations

import re

import pytest

from crawler.addresses import AddressRefused, check_url, forbidden_reason


def _resolves_to(*addresses: str):
    return lambda host, port: list(addresses)


@pytest.mark.parametrize("address, kind", [
    ("127.0.0.1", "loopback"), ("::1", "loopback"), ("10.1.2.3", "private"), ("192.168.0.10", "private"),
    ("172.16.5.4", "private"), ("169.254.169.254", "link-local"), ("fe80::1", "link-local"),
    ("224.0.0.1", "multicast"), ("0.0.0.0", "unspecified"), ("::ffff:127.0.0.1", "loopback"),
])
def test_forbidden_addresses(address, kind):
    assert kind in forbidden_reason(address)


def test_public_addresses_pass():
    assert forbidden_reason("93.184.216.34") is None
    assert forbidden_reason("2606:2800:220:1:248:1893:25c8:1946") is None
    check_url("https://news.example/a", resolve=_resolves_to("93.184.216.34"))


def test_public_name_pointing_to_the_metadata_service_is_refused():
    with pytest.raises(AddressRefused, match=r"metadata\.example resolves to 169\.254\.169\.254: a link-local"):
        check_url("http://metadata.example/latest/meta-data/", resolve=_resolves_to("169.254.169.254"))


def test_any_forbidden_address_among_several_is_refused():
    with pytest.raises(AddressRefused, match=r"10\.0\.0\.7"):
        check_url("http://mixed.example/", resolve=_resolves_to("93.184.216.34", "10.0.0.7"))


@pytest.mark.parametrize("url, message", [
    ("ftp://news.example/file", "only http and https"),
    ("file:///etc/passwd", "only http and https"),
    ("http://169.254.169.254/latest/", "link-local"),
    ("http://[::1]:8080/", "loopback"),
])
def test_refused_urls(url, message):
    with pytest.raises(AddressRefused, match=message):
        check_url(url, resolve=_resolves_to())


def test_exceptions_by_setting():
    check_url("http://10.0.0.5/", allow_private=True, resolve=_resolves_to())
    check_url("http://intranet.local:8080/", allowed_hosts={"intranet.local:8080"}, resolve=_resolves_to("10.0.0.5"))
    with pytest.raises(AddressRefused):
        check_url("http://intranet.local:9090/", allowed_hosts={"intranet.local:8080"},
                  resolve=_resolves_to("10.0.0.5"))


def test_unresolvable_name_is_left_to_the_download():
    check_url("http://no-such-name.example/", resolve=_resolves_to())


@pytest.mark.parametrize("url, message", [
    ("http://[::ffff:127.0.0.1]/", "loopback"),
    ("http://[::1]/", "loopback"),
    ("http://[fe80::1%25eth0]:8080/", "link-local"),
    ("http://[64:ff9b::a9fe:a9fe]/", "link-local"),  # NAT64 for 169.254.169.254
    ("http://2130706433/", "2130706433 resolves to 127.0.0.1: a loopback"),
    ("http://0x7f.1/", "0x7f.1 resolves to 127.0.0.1: a loopback"),
    ("http://0177.0.0.1/", "resolves to 127.0.0.1"),
    ("http://100.64.0.1/", "not a public address"),
])
def test_every_spelling_of_a_private_address_is_refused(url, message):
    with pytest.raises(AddressRefused, match=re.escape(message)):
        check_url(url, resolve=_resolves_to())
