"""Migration 0023 (files in the database): case images, photos and slides kept under an old
`instance/uploads` folder, and images beside synced cases' Markdown files, move into
`stored_file`; the rows point at their sha256, so the same URLs serve them from the database.
Down writes them back under `uploads/`."""
import hashlib
from datetime import UTC, datetime

from learnclub import schema
from tests.test_migrations import empty_database  # noqa: F401 - a fixture, on both backends

T0 = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
THIS = "0023_files_in_database"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0" + b"\x01" * 40
PDF = b"%PDF-1.4\n" + b"\x02" * 40
#: a real 1×1 GIF: importing content images reads their header, as uploads do
DIAGRAM = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00"
           b"\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")


def _photo_of(user):
    """Only the column this migration knows: later migrations add others to the table."""
    from learnclub.models import User
    return User.select(User.photo).where(User.id == user.id).scalar()


def sha(data):
    return hashlib.sha256(data).hexdigest()


def old_files(instance, cohort, case, user, talk):
    """The files as learnclub kept them on disk before 0023; returns the paths rows held."""
    paths = {f"{cohort.id}/{case.id}/abc.png": PNG, f"photos/{user.id}/def.jpg": JPEG,
             f"talks/{cohort.id}/{talk.id}/slides.pdf": PDF}
    for relative, data in paths.items():
        (instance / "uploads" / relative).parent.mkdir(parents=True, exist_ok=True)
        (instance / "uploads" / relative).write_bytes(data)
    folder = instance / "content" / cohort.slug / "images"
    folder.mkdir(parents=True)
    (folder / "diagram.gif").write_bytes(DIAGRAM)
    return list(paths)


def test_0023_moves_old_uploads_and_content_images_into_the_database(
        empty_database, tmp_path, monkeypatch):  # noqa: F811
    from learnclub.models import Case, CaseFile, StoredFile, Talk, TalkSlides
    from tests.factories import make_case, make_cohort, make_member
    monkeypatch.setenv("LEARNCLUB_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("LEARNCLUB_CONTENT_DIR", str(tmp_path / "content"))
    database = empty_database()
    with database.connection_context():
        schema.upgrade()
        cohort = make_cohort()
        case, user = make_case(cohort), make_member(cohort)
        synced = make_case(cohort, title="同步的",
                           body_md="![图](images/diagram.gif) ![远](https://x.example/y.png)")
        Case.update(source_path="01-a.md").where(Case.id == synced.id).execute()
        talk = Talk.create(cohort=cohort, guest=user, topic="分享", created_at=T0,
                           updated_at=T0)
        schema.runner().down(target=THIS)
        image, photo, _slides = old_files(tmp_path, cohort, case, user, talk)
        database.execute_sql(
            "INSERT INTO case_file (case_id, name, content_type, size, stored_as, created_at) "
            f"VALUES ({', '.join([database.param] * 6)})",
            (case.id, "map.png", "image/png", len(PNG), image, T0.replace(tzinfo=None)))
        database.execute_sql(f'UPDATE "user" SET photo = {database.param} '
                             f"WHERE id = {database.param}", (photo, user.id))
        schema.runner().up(target=THIS)
        moved = ({f.sha256: bytes(f.data) for f in StoredFile.select()},
                 [(f.case_id, f.name, f.stored_as) for f in
                  CaseFile.select().order_by(CaseFile.case, CaseFile.name)],
                 _photo_of(user), [(s.talk_id, s.sha256) for s in
                                                 TalkSlides.select()])
        assert Case.select(Case.source_path).where(Case.id == synced.id).scalar() == "01-a.md"

    assert moved == (
        {sha(PNG): PNG, sha(JPEG): JPEG, sha(PDF): PDF, sha(DIAGRAM): DIAGRAM},
        [(case.id, "map.png", sha(PNG)), (synced.id, "images/diagram.gif", sha(DIAGRAM))],
        sha(JPEG), [(talk.id, sha(PDF))])


def test_0023_down_writes_the_files_back_under_uploads(empty_database, tmp_path,  # noqa: F811
                                                       monkeypatch):
    from learnclub.domain.accounts.photos import set_photo
    from learnclub.models import StoredFile
    from tests.factories import make_user
    from tests.web.test_files_in_database import image_bytes
    monkeypatch.setenv("LEARNCLUB_INSTANCE_DIR", str(tmp_path))
    database = empty_database()
    with database.connection_context():
        schema.upgrade()
        user = make_user()
        digest = set_photo(user, image_bytes("JPEG"), now=T0)
        kept = bytes(StoredFile.get_by_id(digest).data)
        schema.runner().down(target=THIS)
        path = _photo_of(user)
        schema.runner().up(target=THIS)
        again = _photo_of(user)

    assert (path, (tmp_path / "uploads" / path).read_bytes(), again) == (
        f"photos/{user.id}/{digest}.jpg", kept, digest)
