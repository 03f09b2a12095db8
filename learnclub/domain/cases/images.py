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
                        r"|^[ ]{0,3}\[([^\]]+)\]:\s*<?([^\s>]+)", re.MULTILINE)
#: images shown through a reference: ![alt][label], ![label][] and ![label]
IMAGE_USES = re.compile(r"!\[([^\]]*)\](?:\[([^\]]*)\])?")
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


def _relative_ref(match):
    """The relative path an IMAGE_REFS match names, or None for a remote or absolute one."""
    target = match.group(1) or match.group(2) or match.group(4)
    ref = unquote(target.split("#")[0].split("?")[0])
    return ref if ref and ":" not in ref and not ref.startswith(("/", "\\")) else None


def referenced_names(*texts):
    """The relative paths the Markdown shows as images (![](x.png), <img src>, [ref]: x.png)."""
    names = []
    for text in texts:
        for match in IMAGE_REFS.finditer(text or ""):
            ref = _relative_ref(match)
            if ref and ref not in names:
                names.append(ref)
    return names


class FolderImageProblem(Exception):
    """An image a case file shows that the page cannot show: `code` and `params` word it on
    the web (in the reader's language), `message` and `hint` on the command line."""

    def __init__(self, ref, code, message, hint, **params):
        super().__init__(f"{ref}: {message}")
        self.ref, self.code, self.message, self.hint = ref, code, message, hint
        self.params = {"image": ref, **params}


def folder_image(folder, ref):
    """(name in the folder, bytes, content type) of the image `ref` names beside a case's
    file, checked by the rules of uploaded images; raises FolderImageProblem otherwise."""
    root = Path(folder).resolve()
    try:
        target = (root / ref).resolve()
        found = target.is_relative_to(root) and target.is_file()
    except (OSError, ValueError):  # a name no file system takes (NUL, far too long)
        target, found = None, False
    if target is not None and not target.is_relative_to(root):
        raise FolderImageProblem(ref, "image_outside", "is outside the cohort's folder.",
                                 "Move the image into the folder, next to the file.")
    if not found:
        raise FolderImageProblem(ref, "image_missing", "is not in the folder: the case page "
                                 "shows a broken image.", "Add the image or correct its path.")
    data = target.read_bytes() if target.stat().st_size <= MAX_IMAGE_BYTES else None
    if data is None:
        raise FolderImageProblem(ref, "image_too_big", "is larger than 5 MB.",
                                 "Make it smaller.", mb=MAX_IMAGE_BYTES // 1024 // 1024)
    kind = sniff_image(data)
    if kind is None or content_file_type(target.name) is None:
        raise FolderImageProblem(ref, "image_type", "is not a PNG, JPEG, GIF or WebP image.",
                                 "Save it as one of these (SVG is not allowed).")
    try:
        check_pixels(data)
    except DomainError as exc:
        code = "image_unreadable" if image_size(data) is None else "image_pixels"
        raise FolderImageProblem(ref, code, exc.message, "Save it again, smaller.",
                                 mp=MAX_PIXELS // 1_000_000) from exc
    return target.relative_to(root).as_posix(), data, kind[0]


def shown_images(*texts):
    """The relative paths the Markdown shows as images: like referenced_names, but a
    reference definition ([ref]: x.png) counts only if an image uses it (![alt][ref])."""
    used = set()
    for text in texts:
        for alt, label in IMAGE_USES.findall(text or ""):
            used.add((label or alt).strip().lower())
    names = []
    for text in texts:
        for match in IMAGE_REFS.finditer(text or ""):
            if match.group(3) and match.group(3).strip().lower() not in used:
                continue  # a link's reference ([slides]: slides.pdf), not an image's
            ref = _relative_ref(match)
            if ref and ref not in names:
                names.append(ref)
    return names


def import_folder_images(case, folder, *, now):
    """Store the images the case's Markdown shows from beside its file, as CaseFiles named by
    their path in the folder (as the page asks for them). Returns the FolderImageProblems of
    the images it shows that are missing or refused."""
    problems = []
    shown = shown_images(case.body_md, case.homework_prompt)
    for ref in referenced_names(case.body_md, case.homework_prompt):
        try:
            name, data, content_type = folder_image(folder, ref)
        except FolderImageProblem as problem:
            if ref in shown:
                problems.append(problem)
            continue
        _keep_named(case, name, data, content_type, now=now)
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
