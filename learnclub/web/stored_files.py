"""Answering with a file kept in the database (domain/files.py): a strong ETag (its sha256),
304 on If-None-Match, ranges (206) for PDF viewers. Cache-Control is public unless `public` is
False; security.py makes it private whenever a signed-in reader was answered."""
from io import BytesIO

from flask import abort, send_file

from learnclub.domain.files import Blob

MAX_AGE = 3600


def send_stored(blob: Blob | None, *, public=True, download_name=None):
    """The file, or 404 if there is none."""
    if blob is None:
        abort(404)
    response = send_file(BytesIO(blob.data), mimetype=blob.content_type, etag=blob.sha256,
                         conditional=True, max_age=MAX_AGE, download_name=download_name,
                         last_modified=None)
    response.cache_control.public = public or None
    response.cache_control.private = None if public else True
    return response
