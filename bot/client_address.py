"""Who is on the other end of an HTTP request: the connection's peer, or, behind a reverse
proxy the centre trusts, the client that proxy names in X-Forwarded-For. The console counts
sign-in failures and the web chat counts messages under this address, so a client cannot
choose it by writing the header itself.
"""

from __future__ import annotations

import ipaddress
import os

from bot import texts

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def trusted_proxies(variable: str, raw: str | None = None) -> tuple[Network, ...]:
    """The reverse proxies (addresses or networks, comma-separated) named by the environment
    variable `variable` (or given as `raw`) whose X-Forwarded-For is believed; none by
    default. ValueError (Chinese) when unreadable."""
    raw = os.environ.get(variable, "") if raw is None else raw
    networks: list[Network] = []
    for part in raw.split(","):
        if not part.strip():
            continue
        try:
            networks.append(ipaddress.ip_network(part.strip(), strict=False))
        except ValueError as error:
            raise ValueError(texts.TRUSTED_PROXY_INVALID.format(variable=variable,
                                                                value=raw)) from error
    return tuple(networks)


def _ip(text: str) -> Address | None:
    try:
        found = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(found, ipaddress.IPv6Address) and found.ipv4_mapped is not None:
        return found.ipv4_mapped  # ::ffff:203.0.113.7 is 203.0.113.7
    return found


def _is_trusted(address: Address, trusted: tuple[Network, ...]) -> bool:
    return any(address in network for network in trusted)


def address_key(address: Address) -> str:
    """What a client is counted under: an IPv4 address, or an IPv6 address's /64 (one
    subscriber's network, which hands out more addresses than anyone could lock one by one)."""
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def client_address(remote: str | None, forwarded_for: list[str],
                   trusted: tuple[Network, ...]) -> str:
    """The client the server believes it is talking to: the connection's peer; when the peer
    is a trusted proxy, the nearest address in X-Forwarded-For (read right to left, as each
    proxy appends) that is not itself a trusted proxy. An entry that is not an address ends
    the reading: what lies left of it may be anything the client wrote."""
    peer = _ip(remote or "")
    if peer is None:
        return "unknown"
    client = peer
    if _is_trusted(peer, trusted):
        hops = [hop for header in forwarded_for for hop in header.split(",")]
        for hop in reversed(hops):
            address = _ip(hop)
            if address is None:
                break
            client = address
            if not _is_trusted(address, trusted):
                break
    return address_key(client)
