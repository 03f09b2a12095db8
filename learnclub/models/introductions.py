"""A member's 自我介绍 tags: what they can offer (我能提供) and what they are looking for
(我在寻找), short free tags stored normalised. The introduction's text is on User; the rules
are domain/accounts/introductions.py, the matching domain/accounts/matching.py."""
from enum import StrEnum

from peewee import CharField, ForeignKeyField, SmallIntegerField

from learnclub.db import BaseModel
from learnclub.models.people import User


class TagKind(StrEnum):
    OFFER = "offer"  #: 我能提供
    SEEK = "seek"  #: 我在寻找


class ProfileTag(BaseModel):
    user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    kind = CharField(max_length=8)  #: TagKind
    tag = CharField(max_length=20)  #: normalised (trimmed, spaces collapsed, case-folded)
    position = SmallIntegerField(default=0)  #: the order the member typed them in

    class Meta:
        table_name = "profile_tag"
        indexes = ((("user", "kind", "tag"), True),)
