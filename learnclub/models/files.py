"""Files kept in the database: uploaded photos, case images and talk slides, stored once per
content (keyed by the SHA-256 of their bytes), so one backup of the database holds them all."""
from peewee import BlobField, CharField, ForeignKeyField, IntegerField

from learnclub.db import BaseModel
from learnclub.models.fields import UTCDateTimeField
from learnclub.models.sharing import Talk


class StoredFile(BaseModel):
    """The bytes of one file. Rows pointing at it: CaseFile.stored_as, User.photo,
    TalkSlides.sha256; it is deleted when the last of them lets go (domain/files.py)."""

    sha256 = CharField(max_length=64, primary_key=True)  #: hex digest of `data`
    size = IntegerField()
    content_type = CharField(max_length=50)
    data = BlobField()
    created_at = UTCDateTimeField()

    class Meta:
        table_name = "stored_file"


class TalkSlides(BaseModel):
    """A talk's slides (one PDF per talk)."""

    talk = ForeignKeyField(Talk, unique=True, on_delete="CASCADE")
    sha256 = CharField(max_length=64, index=True)
    created_at = UTCDateTimeField()

    class Meta:
        table_name = "talk_slides"
