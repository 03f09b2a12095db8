"""The profile photo: upload (re-encoded in domain/photos.py), removal, and serving it to
whoever may see the profile."""
from flask import abort, flash, redirect, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from learnclub.domain.accounts import photos
from learnclub.domain.errors import DomainError
from learnclub.web.cohorts.forms import PlainForm
from learnclub.web.common import tr
from learnclub.web.profiles import bp
from learnclub.web.profiles.forms import PhotoForm
from learnclub.web.profiles.routes import profile_or_404
from learnclub.web.sharing.review import uploads_dir


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
                         uploads_dir=uploads_dir(), tr=tr)
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        flash(_("Photo saved."), "success")
    return redirect(url_for("profiles.edit"))


@bp.post("/profile/photo/remove")
@login_required
def remove_photo():
    """Remove one's photo (the file is deleted)."""
    if PlainForm().validate_on_submit():
        photos.remove_photo(current_user, uploads_dir=uploads_dir())
        flash(_("Photo removed."), "success")
    return redirect(url_for("profiles.edit"))


def send_photo(user, *, public):
    """The user's photo as JPEG, or 404; `public` photos may sit in shared caches."""
    path = photos.photo_file(user, uploads_dir())
    if path is None:
        abort(404)
    response = send_file(path, mimetype="image/jpeg", max_age=3600, conditional=True)
    response.cache_control.public = public
    response.cache_control.private = not public
    return response


@bp.get("/u/<int:user_id>/photo.jpg")
@login_required
def photo(user_id):
    """A member's photo, for whoever may open their profile (profiles.show's rule)."""
    return send_photo(profile_or_404(user_id), public=False)
