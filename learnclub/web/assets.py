"""Static files as a fleet serves them: every file's address carries the hash of its bytes.

At start every file under the static folder is read once: its hash (sha256, first 12 hex
digits), its bytes and, for text, the same compressed with brotli and with gzip
(deterministically: boxes with the same brotli, which requirements.lock pins, send the same
bytes). Compressing is done once per file content in a process (brotli's best level takes a
while), not once per app. `url_for('static', filename=...)` gets `?v=<hash>` by itself, so
templates need nothing of their own. A reader that takes brotli gets it, else gzip if it
takes that, else the file as it is. An answer carries a strong ETag made from the bytes and
the encoding (`"<hash>"`, `"<hash>.br"`, `"<hash>.gz"`: the same on every box), `Vary:
Accept-Encoding` and never `Vary: Cookie` (no session is read or written for it); asked with
the current hash it may be kept a year (`immutable`), asked without (or with another box's
hash, while a deploy rolls) it is checked again on every use.

A file added or changed while the app runs is seen at the next start.
"""
import functools
import gzip
import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path

import brotli
from flask import abort, current_app, request
from flask.sessions import SessionInterface

FOREVER = "public, max-age=31536000, immutable"
REVALIDATE = "public, no-cache"
#: files worth compressing (images such as PNG are compressed already)
COMPRESSIBLE = {".css", ".js", ".svg", ".json", ".txt", ".html", ".map"}
MIN_GZIP = 256
#: the encodings a file may be sent in, the better first: (name, ETag suffix, Asset field)
ENCODINGS = (("br", ".br", "brotli"), ("gzip", ".gz", "gzipped"))


@dataclass(frozen=True)
class Asset:
    body: bytes
    gzipped: bytes | None
    digest: str
    mimetype: str
    brotli: bytes | None = None


@functools.lru_cache(maxsize=256)
def _compressed(body):
    """(brotli, gzip) of `body`, each None where it would not be smaller; worked out once
    per content in this process, however many apps load the same files."""
    packed = (brotli.compress(body, mode=brotli.MODE_TEXT, quality=11),
              gzip.compress(body, compresslevel=9, mtime=0))
    return tuple(data if len(data) < len(body) else None for data in packed)


def load(folder):
    """{relative name: Asset} of every file under `folder` (posix names)."""
    root = Path(folder)
    assets = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        body = path.read_bytes()
        packed = (None, None)
        if path.suffix in COMPRESSIBLE and len(body) >= MIN_GZIP:
            packed = _compressed(body)
        mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        assets[path.relative_to(root).as_posix()] = Asset(
            body, packed[1], hashlib.sha256(body).hexdigest()[:12], mimetype, packed[0])
    return assets


def init_app(app):
    """Read the static files, version their addresses and serve them from memory."""
    app.extensions["assets"] = load(app.static_folder) if app.static_folder else {}
    app.view_functions["static"] = serve
    app.url_defaults(_add_version)
    app.session_interface = _NoSessionForStatic(app.session_interface)


def version(name):
    """The hash of static file `name`, or None for a file that is not there."""
    asset = current_app.extensions["assets"].get(name)
    return asset.digest if asset else None


def _add_version(endpoint, values):
    if endpoint == "static" and "v" not in values:
        digest = version(values.get("filename", ""))
        if digest:
            values["v"] = digest


def _encoding(asset, accepted):
    """(name, ETag suffix, bytes) of the encoding the reader prefers among those it takes
    (q > 0), brotli before gzip when it likes both as well; (None, "", the plain bytes) when
    none fits."""
    offered = [(accepted[name], -rank, name, suffix, getattr(asset, field))
               for rank, (name, suffix, field) in enumerate(ENCODINGS)
               if getattr(asset, field) is not None and accepted[name] > 0]
    if not offered:
        return None, "", asset.body
    _quality, _rank, name, suffix, data = max(offered)
    return name, suffix, data


def serve(filename):
    """One static file: brotli or gzip if the reader takes it, 304 if they have it already."""
    asset = current_app.extensions["assets"].get(filename)
    if asset is None:
        abort(404)
    encoding, suffix, data = _encoding(asset, request.accept_encodings)
    response = current_app.response_class(data, mimetype=asset.mimetype)
    if encoding:
        response.headers["Content-Encoding"] = encoding
    response.set_etag(asset.digest + suffix)
    response.headers["Cache-Control"] = (FOREVER if request.args.get("v") == asset.digest
                                         else REVALIDATE)
    response.vary.add("Accept-Encoding")
    return response.make_conditional(request)


class _NoSessionForStatic(SessionInterface):
    """The app's session interface, except that a static file's answer saves no session
    (no cookie, no `Vary: Cookie`): what a hook read of the session does not change a file."""

    def __init__(self, inner):
        self.inner = inner

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def open_session(self, app, request):
        return self.inner.open_session(app, request)

    def make_null_session(self, app):
        return self.inner.make_null_session(app)

    def is_null_session(self, obj):
        return self.inner.is_null_session(obj)

    def save_session(self, app, session, response):
        if request.endpoint == "static":
            return None
        return self.inner.save_session(app, session, response)
