"""ReDoc's bundle, served from our origin without its one call home.

The sidecar's `redoc.standalone.js` renders an "API docs by Redocly" link whose logo is an image
from `cdn.redoc.ly`, unconditionally: every docs visitor's browser would ask a third party for it
(and the Content-Security-Policy would report the blocked request). This view serves the sidecar's
file with that address replaced by an empty inline SVG; everything else is byte-for-byte the
sidecar's. Read and gzipped once per process (1,078 KiB become 320 KiB; compressing takes about
0.2 s, too long to repeat per request), served with an ETag and a day of caching.
"""

from __future__ import annotations

import gzip
import hashlib
from functools import lru_cache

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified

from creatorvault.views import read_only_endpoint

SIDECAR_BUNDLE = "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"
THIRD_PARTY_LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"
EMPTY_SVG = b"data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E"


@lru_cache(maxsize=1)
def redoc_bundle_bytes() -> tuple[bytes, bytes, str]:
    """The patched bundle, its gzip encoding and its ETag."""
    path = finders.find(SIDECAR_BUNDLE)
    if not isinstance(path, str):
        raise FileNotFoundError(SIDECAR_BUNDLE)
    with open(path, "rb") as bundle:
        content = bundle.read().replace(THIRD_PARTY_LOGO, EMPTY_SVG)
    return content, gzip.compress(content, mtime=0), '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


@read_only_endpoint
def redoc_bundle(request: HttpRequest) -> HttpResponse:
    """`/redoc/bundle.js`: the sidecar's ReDoc, with no address outside our origin."""
    content, compressed, etag = redoc_bundle_bytes()
    if request.headers.get("If-None-Match") == etag:
        response: HttpResponse = HttpResponseNotModified()
    elif "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(compressed, content_type="text/javascript; charset=utf-8")
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(content, content_type="text/javascript; charset=utf-8")
    response["ETag"] = etag
    response["Vary"] = "Accept-Encoding"
    response["Cache-Control"] = "public, max-age=86400"
    return response
