"""Static files as a fleet serves them: every file's address carries the hash of its bytes.

At start every file under the static folder is read once: its hash (sha256, first 12 hex
digits), its bytes and, for text, the same gzipped (deterministically, so every box sends
the same bytes). `url_for('static', filename=...)` gets `?v=<hash>` by itself, so templates
need nothing of their own. An answer carries a strong ETag made from the bytes (the same on
every box), `Vary: Accept-Encoding` and never `Vary: Cookie` (no session is read or written
for it); asked with the current hash it may be kept a year (`immutable`), asked without (or
with another box's hash, while a deploy rolls) it is checked again on every use.

A file added or changed while the app runs is seen at the next start.
"""
import gzip
import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from flask import abort, current_app, request
from flask.sessions import SessionInterface

FOREVER = "public, max-age=31536000, immutable"
REVALIDATE = "public, no-cache"
#: files worth gzipping (images such as PNG are compressed already)
COMPRESSIBLE = {".css", ".js", ".svg", ".json", ".txt", ".html", ".map"}
MIN_GZIP = 256


@dataclass(frozen=True)
class Asset:
    body: bytes
    gzipped: bytes | None
    digest: str
    mimetype: str


def load(folder):
    """{relative name: Asset} of every file under `folder` (posix names)."""
    root = Path(folder)
    assets = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        body = path.read_bytes()
        zipped = None
        if path.suffix in COMPRESSIBLE and len(body) >= MIN_GZIP:
            zipped = gzip.compress(body, compresslevel=9, mtime=0)
            zipped = zipped if len(zipped) < len(body) else None
        mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        assets[path.relative_to(root).as_posix()] = Asset(
            body, zipped, hashlib.sha256(body).hexdigest()[:12], mimetype)
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


def serve(filename):
    """One static file: gzipped if the reader takes it, 304 if they have it already."""
    asset = current_app.extensions["assets"].get(filename)
    if asset is None:
        abort(404)
    zipped = asset.gzipped is not None and "gzip" in request.accept_encodings
    response = current_app.response_class(asset.gzipped if zipped else asset.body,
                                          mimetype=asset.mimetype)
    if zipped:
        response.headers["Content-Encoding"] = "gzip"
    response.set_etag(asset.digest + (".gz" if zipped else ""))
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
