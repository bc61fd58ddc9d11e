"""A one-answer HTTPS server on 127.0.0.1 whose certificate only a test CA vouches for."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import AsyncIterator, Sequence

import h11
import trustme


@contextlib.asynccontextmanager
async def tls_server(
    ca: trustme.CA, status: int = 200, headers: Sequence[tuple[str, str]] = (), body: bytes = b""
) -> AsyncIterator[str]:
    """Serve every request with the same response; yields the base URL (`https://127.0.0.1:PORT`)."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        conn = h11.Connection(h11.SERVER)
        try:
            while conn.next_event() is h11.NEED_DATA:
                data = await reader.read(65536)
                if not data:
                    return
                conn.receive_data(data)
            head = [*headers, ("Connection", "close")]
            writer.write(conn.send(h11.Response(status_code=status, headers=head)) or b"")
            writer.write(conn.send(h11.Data(data=body)) or b"")
            writer.write(conn.send(h11.EndOfMessage()) or b"")
            await writer.drain()
        except (ssl.SSLError, ConnectionError):
            pass  # the client refused our certificate
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=context)
    try:
        yield f"https://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    finally:
        server.close()
