"""Images that belong to a case: kept next to its Markdown file, or uploaded in the editor."""
import re
import secrets
import warnings
from io import BytesIO
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from learnclub.domain.errors import DomainError, untranslated
from learnclub.models import CaseFile

MAX_IMAGE_BYTES = 5 * 1024 * 1024
#: magic bytes -> (content type, extension); SVG is refused: it can carry script
SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"GIF87a", "image/gif", "gif"),
    (b"GIF89a", "image/gif", "gif"),
)
#: the most pixels an image may have: every reader's browser decodes it (read from the header;
#: the server never decodes a case image)
MAX_PIXELS = 40_000_000
EXTENSIONS = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg",
              "gif": "image/gif", "webp": "image/webp"}


def sniff_image(data):
    """(content type, extension) from the file's first bytes, or None if not an image we take."""
    for magic, content_type, ext in SIGNATURES:
        if data.startswith(magic):
            return content_type, ext
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp", "webp"
    return None


def image_size(data):
    """(width, height) from the image's header, without decoding it; None if unreadable.
    Raises Image.DecompressionBombError for a header claiming a giant image."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data)) as image:
                return image.size
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return None


def check_pixels(data, *, tr=untranslated, field="image"):
    """Refuse an image whose header cannot be read or that has more than MAX_PIXELS."""
    message = tr("The image has too many pixels; use one of at most %(n)d megapixels.") % {
        "n": MAX_PIXELS // 1_000_000}
    try:
        size = image_size(data)
    except Image.DecompressionBombError as exc:
        raise DomainError(message, field=field) from exc
    if size is None:
        raise DomainError(tr("This image could not be read; try another file."), field=field)
    if size[0] * size[1] > MAX_PIXELS:
        raise DomainError(message, field=field)
    return size


def _safe_name(filename, ext):
    stem = re.sub(r"[^\w.-]+", "-", Path(filename or "").stem, flags=re.UNICODE).strip("-.")
    return f"{(stem or 'image')[:80]}.{ext}"


def store_case_image(case, filename, data, *, uploads_dir, now, tr=untranslated):
    """Check and keep an uploaded image; returns the CaseFile (its `name` goes in Markdown)."""
    if len(data) > MAX_IMAGE_BYTES:
        raise DomainError(tr("The image is larger than 5 MB; make it smaller."), field="image")
    kind = sniff_image(data)
    if kind is None:
        raise DomainError(tr("Upload a PNG, JPEG, GIF or WebP image."), field="image")
    content_type, ext = kind
    check_pixels(data, tr=tr)
    name = _safe_name(filename, ext)
    if CaseFile.select().where((CaseFile.case == case) & (CaseFile.name == name)).exists():
        name = _safe_name(f"{Path(name).stem}-{secrets.token_hex(3)}", ext)
    stored = Path(str(case.cohort_id)) / str(case.id) / f"{secrets.token_hex(16)}.{ext}"
    target = Path(uploads_dir) / stored
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return CaseFile.create(case=case, name=name, content_type=content_type, size=len(data),
                           stored_as=str(stored), created_at=now)


def content_file_type(name):
    """The content type of a file next to a case's Markdown, if it is an image we serve."""
    return EXTENSIONS.get(Path(name).suffix.lower().lstrip("."))
