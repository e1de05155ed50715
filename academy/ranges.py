"""Serving a stored file with HTTP range requests (RFC 9110 §14), for audio and video.

Browsers fetch media in ranges (`Range: bytes=START-`) and can only seek within what the server
answers with `206 Partial Content`; Django's FileResponse and its static view always answer the
whole file with 200. `ranged_response` answers a single range with 206, an unsatisfiable one with
416, and no range (or several, which no media element asks for) with the whole file; it reads
through the storage API, so it works on the file system and on object storage alike.
"""

from __future__ import annotations

import re

from django.http import FileResponse, HttpResponse, StreamingHttpResponse

CHUNK = 64 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def parse_range(header: str, size: int) -> tuple[int, int] | None | bool:
    """(first, last) byte of a single satisfiable range; None without a usable Range header;
    False when the range cannot be satisfied (answer 416)."""
    match = _RANGE.match((header or "").strip())
    if not match or size <= 0:
        return None if not match else False
    first, last = match.groups()
    if first == "" and last == "":
        return None
    if first == "":  # the last N bytes
        length = int(last)
        if length == 0:
            return False
        return max(0, size - length), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if start >= size or end < start:
        return False
    return start, min(end, size - 1)


def _chunks(handle, remaining: int):
    try:
        while remaining > 0:
            data = handle.read(min(CHUNK, remaining))
            if not data:
                break
            remaining -= len(data)
            yield data
    finally:
        handle.close()


def ranged_response(request, field_file, content_type: str, *, cache_seconds: int = 3600):
    """The stored file `field_file` (a FieldFile), answering a Range header with 206."""
    size = field_file.size
    wanted = parse_range(request.headers.get("Range", ""), size)
    if wanted is False:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
    elif wanted is None:
        handle = field_file.storage.open(field_file.name, "rb")
        response = FileResponse(handle, content_type=content_type)
        response["Content-Length"] = str(size)
    else:
        first, last = wanted
        handle = field_file.storage.open(field_file.name, "rb")
        handle.seek(first)
        length = last - first + 1
        response = StreamingHttpResponse(
            _chunks(handle, length), status=206, content_type=content_type
        )
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
        response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    # Only the signed-in learner may fetch it: no shared cache keeps a copy.
    response["Cache-Control"] = f"private, max-age={cache_seconds}"
    return response
