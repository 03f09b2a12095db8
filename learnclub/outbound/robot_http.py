"""One HTTP POST to a chat robot, bounded by a wall-clock deadline and kept out of the private
network (outbound/chat.py signs the post and reads the answer).

The deadline covers the whole exchange: looking up the name, connecting, the TLS handshake,
sending and every read of the answer. Each socket operation gets only the time left, so an
endpoint that drips its headers a byte at a time is cut off at the deadline, not kept alive by
each byte. The name is resolved once; every address is checked, then the connection goes to a
checked address (the Host header and TLS keep the name), so an answer that changes between the
check and the connection (DNS rebinding) is never used. Redirects are not followed.
"""
import http.client
import io
import ipaddress
import socket
import ssl
import time
from urllib.parse import urlsplit

ANSWER_MAX = 64 * 1024  #: bytes of an answer read at most


class Refused(Exception):
    """The address is in a private network and the operator has not allowed that."""


class CouldNotConnect(Exception):
    """No connection came about (unknown name, nobody listening, TLS refused); the message
    is the kind of failure."""


def is_private_ip(text):
    """True for any address a public robot never has: loopback, private, link-local,
    multicast, reserved, unspecified, shared (100.64/10) and the like, also as IPv4 inside
    IPv6 (::ffff:127.0.0.1). Raises ValueError if `text` is no IP address."""
    ip = ipaddress.ip_address(text.split("%", 1)[0])  # an IPv6 zone (fe80::1%eth0) aside
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
            or ip.is_reserved or ip.is_unspecified or not ip.is_global)


def is_private_host(host):
    """True if the host as written (no DNS) is localhost or a private IP address: what can
    be refused when a robot is saved. The check at send time also covers names."""
    host = (host or "").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return is_private_ip(host)
    except ValueError:
        return False


class _Deadline:
    def __init__(self, seconds):
        self.at = time.monotonic() + seconds

    def left(self):
        """Seconds left; TimeoutError once there are none."""
        left = self.at - time.monotonic()
        if left <= 0:
            raise TimeoutError("deadline passed")
        return left


class _DeadlineSocket:
    """A connected socket whose every send and read ends by the deadline."""

    def __init__(self, sock, deadline):
        self._sock, self._deadline = sock, deadline

    def sendall(self, data):
        self._sock.settimeout(self._deadline.left())  # sendall: a total, since Python 3.5
        self._sock.sendall(data)

    def recv_into(self, buffer, nbytes=0):
        self._sock.settimeout(self._deadline.left())
        return self._sock.recv_into(buffer, nbytes)

    def makefile(self, mode="rb", *args, **kwargs):
        return io.BufferedReader(_Reader(self))

    def close(self):
        """Nothing yet: http.client closes the connection while its answer is still being
        read (a real socket waits for its files); post() closes the socket at the end."""


class _Reader(io.RawIOBase):
    def __init__(self, sock):
        super().__init__()
        self._sock = sock

    def readable(self):
        return True

    def readinto(self, buffer):
        return self._sock.recv_into(buffer)


def _addresses(host, port, deadline, allow_private):
    """The checked socket addresses for host:port; Refused if any is private."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    deadline.left()
    found = list(dict.fromkeys((family, sockaddr) for family, _t, _p, _c, sockaddr in infos))
    if not allow_private and any(is_private_ip(sockaddr[0]) for _f, sockaddr in found):
        raise Refused(host)
    return found


def _connect(found, deadline):
    """A socket connected to the first checked address that answers."""
    error = OSError("no address")
    for family, sockaddr in found:
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.settimeout(deadline.left())
            sock.connect(sockaddr)
            return sock
        except OSError as exc:
            sock.close()
            error = exc
            if isinstance(exc, TimeoutError):
                break
    raise error


class _Connection(http.client.HTTPConnection):
    """http.client over a checked address, with the deadline on every socket operation."""

    def __init__(self, parts, deadline, allow_private):
        port = parts.port or (443 if parts.scheme == "https" else 80)
        super().__init__(parts.hostname, port)
        self._tls, self._deadline, self._allow = parts.scheme == "https", deadline, allow_private
        self.raw = None  #: the connected socket, closed by post()

    def connect(self):
        found = _addresses(self.host, self.port, self._deadline, self._allow)
        sock = self.raw = _connect(found, self._deadline)
        if self._tls:
            sock.settimeout(self._deadline.left())  # the handshake: one total, too
            sock = self.raw = ssl.create_default_context().wrap_socket(
                sock, server_hostname=self.host)
        self.sock = _DeadlineSocket(sock, self._deadline)


def post(url, body, headers, *, seconds, allow_private):
    """POST `body` to `url`; (status, at most ANSWER_MAX bytes of the answer). Raises
    Refused, CouldNotConnect, TimeoutError (the deadline passed), or OSError or
    http.client.HTTPException (the exchange broke off or made no sense)."""
    deadline = _Deadline(seconds)
    parts = urlsplit(url)
    if not parts.hostname:
        raise CouldNotConnect("no host")
    connection = _Connection(parts, deadline, allow_private)
    try:
        try:
            connection.connect()
        except (TimeoutError, Refused):
            raise
        except (OSError, UnicodeError) as exc:  # UnicodeError: a name IDNA cannot encode
            raise CouldNotConnect(type(exc).__name__) from None
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request("POST", target, body=body, headers=headers)
        response = connection.getresponse()
        raw = response.read(ANSWER_MAX)
        return response.status, raw
    finally:
        connection.close()
        if connection.raw is not None:
            connection.raw.close()
