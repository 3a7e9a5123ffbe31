"""A ZIP written as it is sent: never the whole archive in memory.

:func:`stream_zip` takes entries (a name and the file's content as an iterable of chunks, read
only when its turn comes) and yields the archive's bytes as the standard library's ``zipfile``
writes them to a stream that cannot seek (each entry then carries a data descriptor with its
sizes and CRC after its content). At most one chunk of one file, compressed, is held at a time.
A view sends it with ``StreamingHttpResponse``.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

CHUNK = 64 * 1024


class _Pipe:
    """A write-only, unseekable file: what ``zipfile`` writes waits here to be yielded."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


@dataclass(frozen=True)
class Entry:
    """One file of the archive: its name inside it and its content, chunk by chunk (a
    callable, so nothing is opened before the archive reaches it)."""

    name: str
    chunks: Callable[[], Iterable[bytes]]


def file_chunks(field_file, size: int = CHUNK) -> Callable[[], Iterator[bytes]]:
    """The content of a stored file (a ``FieldFile``), opened only when it is read."""

    def read() -> Iterator[bytes]:
        with field_file.open("rb") as handle:
            while chunk := handle.read(size):
                yield chunk

    return read


def stream_zip(entries: Iterable[Entry]) -> Iterator[bytes]:
    """The archive's bytes, entry after entry, then its central directory."""
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, mode="w", compression=zipfile.ZIP_DEFLATED) as archive:
        for entry in entries:
            with archive.open(entry.name, mode="w", force_zip64=True) as target:
                for chunk in entry.chunks():
                    target.write(chunk)
                    if data := pipe.take():
                        yield data
            if data := pipe.take():
                yield data
    if data := pipe.take():
        yield data
