"""Files in the database (issue "Production on one box and on many", point 1).

- `stored_file`: the bytes of every uploaded photo, case image and talk's slides, keyed by
  their SHA-256 (the same bytes once), with size and type.
- `talk_slides`: which stored PDF is a talk's slides (before, `talks/<cohort>/<talk>/slides.pdf`
  under the uploads folder).

Existing files move in from `<instance>/uploads` (the app's instance folder, else
LEARNCLUB_INSTANCE_DIR, else ./instance): `case_file.stored_as` and `user.photo` change from a
path to the sha256; a file already missing leaves a case image's row as it was (it answered
404 and still does) and a photo forgotten. Images beside a synced case's Markdown file are
imported from the content folder, as every sync now does. URLs do not change. The files on
disk are left in place (delete `instance/uploads` once the upgrade is checked). Down writes
the files back under `uploads/` and drops both tables.
"""
import hashlib
import os
from datetime import UTC, datetime
from pathlib import Path

from peewee import BlobField, CharField, DateTimeField, ForeignKeyField, IntegerField, Model

PHOTO, PDF = "image/jpeg", "application/pdf"


def _models(db):
    class StoredFile(Model):
        sha256 = CharField(max_length=64, primary_key=True)
        size = IntegerField()
        content_type = CharField(max_length=50)
        data = BlobField()
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "stored_file"

    class Talk(Model):
        class Meta:
            database = db
            table_name = "talk"

    class TalkSlides(Model):
        talk = ForeignKeyField(Talk, unique=True, on_delete="CASCADE")
        sha256 = CharField(max_length=64, index=True)
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "talk_slides"

    return StoredFile, TalkSlides


def _instance_dir():
    try:
        from flask import current_app, has_app_context
        if has_app_context():
            return Path(current_app.instance_path), current_app.config.get("CONTENT_DIR")
    except ImportError:  # pragma: no cover - flask is a dependency
        pass
    instance = Path(os.environ.get("LEARNCLUB_INSTANCE_DIR", "instance"))
    return instance, os.environ.get("LEARNCLUB_CONTENT_DIR")


def _keep(stored_file, path, content_type, now):
    """The sha256 of the file at `path`, now stored; None if there is no such file."""
    if not path.is_file():
        return None
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    stored_file.insert(sha256=sha, size=len(data), content_type=content_type, data=data,
                       created_at=now).on_conflict_ignore().execute()
    return sha


def _move_case_files(db, stored_file, uploads, now):
    rows = db.execute_sql("SELECT id, stored_as, content_type FROM case_file").fetchall()
    for row_id, stored_as, content_type in rows:
        sha = _keep(stored_file, uploads / stored_as, content_type, now) if stored_as else None
        if sha:
            db.execute_sql(f"UPDATE case_file SET stored_as = {db.param} WHERE id = {db.param}",
                           (sha, row_id))


def _move_photos(db, stored_file, uploads, now):
    rows = db.execute_sql("SELECT id, photo FROM \"user\" WHERE photo <> ''").fetchall()
    for user_id, photo in rows:
        sha = _keep(stored_file, uploads / photo, PHOTO, now) or ""
        db.execute_sql(f"UPDATE \"user\" SET photo = {db.param} WHERE id = {db.param}",
                       (sha, user_id))


def _move_slides(db, stored_file, talk_slides, uploads, now):
    talks = {row[0] for row in db.execute_sql("SELECT id FROM talk").fetchall()}
    for path in sorted(uploads.glob("talks/*/*/slides.pdf")):
        talk_id = int(path.parent.name) if path.parent.name.isdigit() else None
        if talk_id in talks:
            sha = _keep(stored_file, path, PDF, now)
            talk_slides.insert(talk=talk_id, sha256=sha, created_at=now).execute()


def _import_content_images(content_dir, now):
    """Images beside synced cases' Markdown files, as `learnclub content sync` imports them."""
    from learnclub.domain.cases.images import import_folder_images
    from learnclub.models import Case, Cohort
    # only the columns this migration reads: later migrations add others to these tables,
    # and a database upgraded from before 0023 does not have them yet
    cases = (Case.select(Case.id, Case.body_md, Case.homework_prompt, Cohort.id, Cohort.slug)
             .join(Cohort).where(Case.source_path.is_null(False)))
    for case in cases:
        folder = Path(content_dir) / case.cohort.slug
        if folder.is_dir():
            import_folder_images(case, folder, now=now)


def up(migrator, db):
    stored_file, talk_slides = _models(db)
    db.create_tables([stored_file, talk_slides])
    instance, content_dir = _instance_dir()
    uploads, now = instance / "uploads", datetime.now(UTC).replace(tzinfo=None)
    if uploads.is_dir():
        _move_case_files(db, stored_file, uploads, now)
        _move_photos(db, stored_file, uploads, now)
        _move_slides(db, stored_file, talk_slides, uploads, now)
    if content_dir:
        _import_content_images(content_dir, now)


def _write_back(uploads, relative, data):
    target = uploads / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(bytes(data))
    return relative


def down(migrator, db):
    stored_file, talk_slides = _models(db)
    uploads = _instance_dir()[0] / "uploads"
    blobs = {row.sha256: row.data for row in stored_file.select()}
    for row_id, sha in db.execute_sql("SELECT id, stored_as FROM case_file").fetchall():
        if sha in blobs:
            path = _write_back(uploads, f"files/{sha}", blobs[sha])
            db.execute_sql(f"UPDATE case_file SET stored_as = {db.param} WHERE id = {db.param}",
                           (path, row_id))
    users = db.execute_sql("SELECT id, photo FROM \"user\" WHERE photo <> ''").fetchall()
    for user_id, sha in users:
        path = _write_back(uploads, f"photos/{user_id}/{sha}.jpg", blobs[sha]) \
            if sha in blobs else ""
        db.execute_sql(f"UPDATE \"user\" SET photo = {db.param} WHERE id = {db.param}",
                       (path, user_id))
    slides = db.execute_sql("SELECT s.talk_id, t.cohort_id, s.sha256 FROM talk_slides s "
                            "JOIN talk t ON t.id = s.talk_id").fetchall()
    for talk_id, cohort_id, sha in slides:
        if sha in blobs:
            _write_back(uploads, f"talks/{cohort_id}/{talk_id}/slides.pdf", blobs[sha])
    migrator.migrate(migrator.drop_table("talk_slides"), migrator.drop_table("stored_file"))
