"""Images that belong to a case: kept next to its Markdown file, or uploaded in the editor."""
import re
import secrets
import warnings
from io import BytesIO
from pathlib import Path
from urllib.parse import unquote

from PIL import Image, UnidentifiedImageError

from learnclub.db import write_transaction
from learnclub.domain import files
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
#: image references in Markdown: ![alt](path), <img src="path">, and [ref]: path
IMAGE_REFS = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)|<img\b[^>]*\bsrc\s*=\s*[\"']([^\"']+)"
                        r"|^[ ]{0,3}\[[^\]]+\]:\s*<?([^\s>]+)", re.MULTILINE)
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


def store_case_image(case, filename, data, *, now, tr=untranslated):
    """Check and keep an uploaded image; returns the CaseFile (its `name` goes in Markdown)."""
    if len(data) > MAX_IMAGE_BYTES:
        raise DomainError(tr("The image is larger than 5 MB; make it smaller."), field="image")
    kind = sniff_image(data)
    if kind is None:
        raise DomainError(tr("Upload a PNG, JPEG, GIF or WebP image."), field="image")
    content_type, ext = kind
    check_pixels(data, tr=tr)
    with write_transaction():
        name = _safe_name(filename, ext)
        if CaseFile.select().where((CaseFile.case == case) & (CaseFile.name == name)).exists():
            name = _safe_name(f"{Path(name).stem}-{secrets.token_hex(3)}", ext)
        sha = files.keep(data, content_type, now=now)
        return CaseFile.create(case=case, name=name, content_type=content_type,
                               size=len(data), stored_as=sha, created_at=now)


def referenced_names(*texts):
    """The relative paths the Markdown shows as images (![](x.png), <img src>, [ref]: x.png)."""
    names = []
    for text in texts:
        for match in IMAGE_REFS.finditer(text or ""):
            ref = unquote(next(g for g in match.groups() if g).split("#")[0].split("?")[0])
            if ref and ":" not in ref and not ref.startswith(("/", "\\")) and ref not in names:
                names.append(ref)
    return names


def _folder_image(folder, ref):
    """(name, bytes) of the image `ref` names inside `folder`, or None if it is not one."""
    root = Path(folder).resolve()
    target = (root / ref).resolve()
    if not target.is_relative_to(root) or not target.is_file() \
            or content_file_type(target.name) is None:
        return None
    return target.relative_to(root).as_posix(), target.read_bytes()


def import_folder_images(case, folder, *, now):
    """Store the images the case's Markdown shows from beside its file, as CaseFiles named by
    their path in the folder (as the page asks for them). Returns [(name, problem)]."""
    problems = []
    for ref in referenced_names(case.body_md, case.homework_prompt):
        found = _folder_image(folder, ref)
        if found is None:
            continue
        name, data = found
        kind = sniff_image(data)
        if len(data) > MAX_IMAGE_BYTES or kind is None:
            problems.append((name, "is not a PNG, JPEG, GIF or WebP image of at most 5 MB"))
            continue
        _keep_named(case, name, data, kind[0], now=now)
    return problems


def _keep_named(case, name, data, content_type, *, now):
    with write_transaction():
        row = CaseFile.get_or_none((CaseFile.case == case) & (CaseFile.name == name))
        sha = files.keep(data, content_type, now=now)
        if row is None:
            CaseFile.create(case=case, name=name, content_type=content_type, size=len(data),
                            stored_as=sha, created_at=now)
        elif row.stored_as != sha:
            old = row.stored_as
            CaseFile.update(stored_as=sha, size=len(data), content_type=content_type).where(
                CaseFile.id == row.id).execute()
            files.release(old)


def content_file_type(name):
    """The content type of a file next to a case's Markdown, if it is an image we serve."""
    return EXTENSIONS.get(Path(name).suffix.lower().lstrip("."))
