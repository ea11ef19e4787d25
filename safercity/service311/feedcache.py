"""Recent Open311 request-list responses, kept in each process and reused while the feed is
unchanged: a page of 1,000 requests costs a millisecond instead of tens.

The key holds the feed's version token (set by database triggers on every write to what the
feed shows, so no write path can forget it), the minute (the default 90-day window ends now,
so a page may keep a request for up to a minute after it ages out), and everything in the
request that the answer depends on: scheme and host (media links are absolute), path (format)
and every query parameter.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Hashable

from django.http import HttpRequest, HttpResponse

from safercity.service311.models import FeedVersion

ENTRIES = 32
LARGEST = 2_000_000  # bytes; bigger answers are not kept

_lock = threading.Lock()
_kept: OrderedDict[Hashable, tuple[bytes, str]] = OrderedDict()


def feed_key(request: HttpRequest) -> Hashable | None:
    token = FeedVersion.objects.filter(pk=1).values_list("token", flat=True).first()
    if token is None:
        return None  # the row is gone (a flushed database): answer without keeping anything
    query = tuple(sorted((name, tuple(values)) for name, values in request.GET.lists()))
    minute = int(time.time() // 60)
    return (token, minute, request.scheme, request.get_host(), request.path, query)


def cached(key: Hashable | None) -> HttpResponse | None:
    if key is None:
        return None
    with _lock:
        found = _kept.get(key)
        if found is None:
            return None
        _kept.move_to_end(key)
    content, kind = found
    return HttpResponse(content, content_type=kind)


def keep(key: Hashable | None, response: HttpResponse) -> None:
    if key is None or response.status_code != 200 or len(response.content) > LARGEST:
        return
    with _lock:
        _kept[key] = (response.content, response["Content-Type"])
        _kept.move_to_end(key)
        while len(_kept) > ENTRIES:
            _kept.popitem(last=False)


def forget() -> None:
    """Empty this process's kept answers (benchmarks measure the first answer with it)."""
    with _lock:
        _kept.clear()
