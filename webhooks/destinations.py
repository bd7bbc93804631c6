"""Where deliveries may go: webhook URLs must not reach this server's own network (SSRF).

An admin types the URL, so without a check a delivery could POST to the cloud metadata service
(169.254.169.254), a database admin page on localhost or any internal system. The same rule is applied when
the endpoint is saved (a form error) and when each delivery connects: DNS may have changed in between, or
answer differently on purpose (DNS rebinding), so the connection resolves the name once, checks every
address and connects only to an address it checked. settings.WEBHOOKS_ALLOW_PRIVATE_NETWORKS turns the
address rule off for on-premise installs that post to internal systems; the scheme rule always holds.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util import connection as urllib3_connection

ALLOWED_SCHEMES = ("http", "https")
SETTING_HINT = "set WEBHOOKS_ALLOW_PRIVATE_NETWORKS=true only if this install must post to internal systems"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UnsafeDestination(Exception):
    """The URL's scheme or one of the addresses its host resolves to is not allowed; says which and why."""


def private_networks_allowed() -> bool:
    return bool(getattr(settings, "WEBHOOKS_ALLOW_PRIVATE_NETWORKS", False))


def address_problem(address: IPAddress) -> str | None:
    """Why a delivery must not go to this address, or None for a public internet address."""
    # An IPv4 address written as IPv6 (::ffff:10.0.0.1, or 6to4) is judged as the IPv4 address it is.
    if isinstance(address, ipaddress.IPv6Address):
        address = address.ipv4_mapped or address.sixtofour or address
    if address.is_unspecified:
        return "the unspecified address"
    if address.is_loopback:
        return "a loopback address (this server itself)"
    if address.is_link_local:
        return "a link-local address (where cloud metadata services answer)"
    if address.is_multicast:
        return "a multicast address"
    if address.is_private:
        return "a private network address"
    if not address.is_global:
        return "a reserved address, not a public internet one"
    return None


def _scheme_and_host(url: str) -> tuple[str, int]:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise UnsafeDestination(f"The URL is not valid: {error}.") from None
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise UnsafeDestination("Use an http:// or https:// URL; deliveries are sent only over HTTP(S).")
    if not parts.hostname:
        raise UnsafeDestination("The URL has no host name.")
    return parts.hostname, port or (443 if parts.scheme.lower() == "https" else 80)


def resolve_checked(host: str, port: int) -> list[tuple[int, tuple]]:
    """Every (family, socket address) the host resolves to, if all of them are allowed.

    Raises UnsafeDestination naming the first address that is not, and socket.gaierror when the name does
    not resolve. One refused address refuses the host: which address a client picks is not ours to decide.
    """
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = []
    for family, _, _, _, sockaddr in infos:
        if family not in (socket.AF_INET, socket.AF_INET6):
            continue
        address = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])
        problem = None if private_networks_allowed() else address_problem(address)
        if problem:
            what = f"{address} is" if host == str(address) else f"{host} resolves to {address},"
            raise UnsafeDestination(
                f"Refused: {what} {problem}. Give the receiver's public address, or {SETTING_HINT}."
            )
        addresses.append((family, sockaddr))
    if not addresses:
        raise socket.gaierror(socket.EAI_NONAME, f"{host} has no IPv4 or IPv6 address")
    return addresses


def endpoint_url_check(url: str) -> None:
    """For the endpoint form: raises UnsafeDestination for a URL deliveries would be refused for.

    A name that does not resolve (yet) is accepted: it reaches nothing, and every delivery checks again.
    """
    host, port = _scheme_and_host(url)
    try:
        resolve_checked(host.strip("[]"), port)
    except (socket.gaierror, UnicodeError):
        return


def delivery_url_check(url: str) -> None:
    """Before sending: the scheme only; the addresses are checked by the connection itself."""
    _scheme_and_host(url)


class _CheckedConnectionMixin:
    """Connects only to an address resolve_checked allowed, from the one resolution it checked: the check
    and the connection cannot see different DNS answers. TLS still verifies the certificate against the
    host name, since the connection keeps it as its host."""

    def _new_conn(self) -> socket.socket:
        try:
            addresses = resolve_checked(self._dns_host, self.port)
        except socket.gaierror as error:
            raise NameResolutionError(self.host, self, error) from error
        last_error: OSError | None = None
        timed_out: ConnectTimeoutError | None = None
        for _family, sockaddr in addresses:
            try:
                return urllib3_connection.create_connection(
                    (sockaddr[0], self.port),
                    self.timeout,
                    source_address=self.source_address,
                    socket_options=self.socket_options,
                )
            except TimeoutError as error:
                last_error = error
                timed_out = ConnectTimeoutError(
                    self, f"Connection to {self.host} timed out. (connect timeout={self.timeout})"
                )
            except OSError as error:
                last_error, timed_out = error, None
        if timed_out is not None:
            raise timed_out from last_error
        raise NewConnectionError(self, f"Failed to establish a new connection: {last_error}") from last_error


class CheckedHTTPConnection(_CheckedConnectionMixin, HTTPConnection):
    pass


class CheckedHTTPSConnection(_CheckedConnectionMixin, HTTPSConnection):
    pass


class CheckedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = CheckedHTTPConnection


class CheckedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = CheckedHTTPSConnection


class CheckedAdapter(HTTPAdapter):
    """A requests adapter whose connections go only to checked addresses (see _CheckedConnectionMixin)."""

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": CheckedHTTPConnectionPool,
            "https": CheckedHTTPSConnectionPool,
        }


def checked_session() -> requests.Session:
    """A session whose connections go only to addresses resolve_checked allows, for every outbound POST to
    an admin-entered URL (webhook endpoints, on-call contacts' webhooks). Proxy variables are ignored:
    through a proxy, the address actually reached could not be checked."""
    session = requests.Session()
    session.trust_env = False
    for prefix in ("http://", "https://"):
        session.mount(prefix, CheckedAdapter())
    return session
