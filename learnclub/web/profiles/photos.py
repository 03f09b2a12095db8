"""The profile photo: upload (re-encoded in domain/photos.py), removal, and serving it to
whoever may see the profile."""
from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from learnclub import clock
from learnclub.domain.accounts import photos
from learnclub.domain.errors import DomainError
from learnclub.web.cohorts.forms import PlainForm
from learnclub.web.common import tr
from learnclub.web.profiles import bp
from learnclub.web.profiles.forms import PhotoForm
from learnclub.web.profiles.routes import profile_or_404
from learnclub.web.stored_files import send_stored


@bp.post("/profile/photo")
@login_required
def upload_photo():
    """Replace one's photo with the uploaded image, re-encoded."""
    form = PhotoForm()
    upload = form.photo.data
    if not (form.validate_on_submit() and upload and getattr(upload, "filename", "")):
        flash(_("Choose a photo to upload."), "error")
        return redirect(url_for("profiles.edit"))
    try:
        photos.set_photo(current_user, upload.read(photos.MAX_PHOTO_BYTES + 1),
                         now=clock.now(), tr=tr)
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        flash(_("Photo saved."), "success")
    return redirect(url_for("profiles.edit"))


@bp.post("/profile/photo/remove")
@login_required
def remove_photo():
    """Remove one's photo (its bytes are deleted unless someone else uses the same)."""
    if PlainForm().validate_on_submit():
        photos.remove_photo(current_user)
        flash(_("Photo removed."), "success")
    return redirect(url_for("profiles.edit"))


def send_photo(user, *, public):
    """The user's photo as JPEG, or 404; `public` photos may sit in shared caches."""
    return send_stored(photos.photo_of(user), public=public)


@bp.get("/u/<int:user_id>/photo.jpg")
@login_required
def photo(user_id):
    """A member's photo, for whoever may open their profile (profiles.show's rule)."""
    return send_photo(profile_or_404(user_id), public=False)
