"""Profile photos: the upload is checked by its bytes, decoded and re-encoded as a small JPEG,
so what we keep and serve is only pixels: no EXIF (location!), no script, no bomb."""
from io import BytesIO

from PIL import Image, ImageOps, UnidentifiedImageError

from learnclub.db import lock_row, write_transaction
from learnclub.domain import files
from learnclub.domain.cases.images import sniff_image
from learnclub.domain.errors import DomainError, untranslated
from learnclub.models import User

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_SIDE = 512
#: the most pixels we decode: a 50-megapixel phone photo passes, a tiny file claiming
#: 100 000 × 100 000 pixels (a decompression bomb) does not
MAX_PIXELS = 50_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
#: PNG and WebP cannot be decoded at a reduced size (a JPEG can, see _open): their limit
#: keeps one upload's decoding near 100 ms of CPU. Checked from the header, before decoding.
MAX_PIXELS_FULL_DECODE = 8_000_000
#: what we take, by magic bytes (GIF is not a photo; SVG can carry script)
PHOTO_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}


def _open(data, kind, tr, side=MAX_SIDE, field="photo"):
    """The image, its size read from the header only; a JPEG set to decode at 1/2 to 1/8 of
    its size (draft), so no upload costs more than about 100 ms of CPU."""
    image = Image.open(BytesIO(data), formats=[PHOTO_TYPES[kind]])
    pixels = image.width * image.height
    if pixels > MAX_PIXELS:
        raise Image.DecompressionBombError(f"{image.width}×{image.height}")
    if kind == "image/jpeg":
        image.draft("RGB", (side * 2, side * 2))
    elif pixels > MAX_PIXELS_FULL_DECODE:
        raise DomainError(tr("The photo has too many pixels for a PNG or WebP; use a JPEG, or "
                             "one of at most %(n)d megapixels.")
                          % {"n": MAX_PIXELS_FULL_DECODE // 1_000_000}, field=field)
    image.load()
    return ImageOps.exif_transpose(image)


def _decode(data, tr, side=MAX_SIDE, field="photo"):
    """The upload as an RGB image, upright; DomainError if it is not a photo we take."""
    if len(data) > MAX_PHOTO_BYTES:
        raise DomainError(tr("The photo is larger than 5 MB; make it smaller."), field=field)
    kind = sniff_image(data)
    if kind is None or kind[0] not in PHOTO_TYPES:
        raise DomainError(tr("Upload a JPEG, PNG or WebP photo."), field=field)
    try:
        image = _open(data, kind[0], tr, side, field)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise DomainError(tr("The photo has too many pixels; use one of at most 50 "
                             "megapixels."), field=field) from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise DomainError(tr("This photo could not be read; try another file."),
                          field=field) from exc
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        image = image.convert("RGBA")
        flat = Image.new("RGB", image.size, "white")
        flat.paste(image, mask=image.getchannel("A"))
        return flat
    return image.convert("RGB")


def reencode_photo(data, *, tr=untranslated):
    """The upload as JPEG bytes at most MAX_SIDE pixels a side, without metadata."""
    return reencode_image(data, side=MAX_SIDE, tr=tr)[0]


def reencode_image(data, *, side, field="photo", tr=untranslated):
    """(JPEG bytes at most `side` pixels a side without metadata, width, height): the same
    checks and decoding as a profile photo (homework pictures use it too)."""
    image = _decode(data, tr, side, field)
    image.thumbnail((side, side), Image.Resampling.LANCZOS, reducing_gap=2.0)
    out = BytesIO()
    image.save(out, "JPEG", quality=85, optimize=True)  # no exif=, no icc_profile=: none kept
    return out.getvalue(), image.width, image.height


def photo_of(user):
    """The user's photo as a stored Blob (domain/files.py), or None if they have none."""
    return files.read(user.photo) if user.photo else None


def _locked_photo(user):
    return lock_row(User.select(User.photo).where(User.id == user.id)).get().photo


def has_photo(user):
    return files.exists(user.photo)


def set_photo(user, data, *, now, tr=untranslated):
    """Re-encode and store the user's new photo, letting the old one go. Returns its sha256."""
    jpeg = reencode_photo(data, tr=tr)
    with write_transaction():
        old = _locked_photo(user)
        user.photo = files.keep(jpeg, "image/jpeg", now=now)
        user.save(only=[User.photo])
        if old != user.photo:
            files.release(old)
    return user.photo


def remove_photo(user):
    """Forget the user's photo (its bytes go if nothing else uses them). True if there was one."""
    with write_transaction():
        old = _locked_photo(user)
        user.photo = ""
        user.save(only=[User.photo])
        files.release(old)
    return bool(old)
