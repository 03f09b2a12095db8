"""Chat-group robots (WeCom, Feishu, DingTalk, generic JSON) a cohort posts its news to."""
from peewee import BooleanField, CharField, ForeignKeyField, TextField

from learnclub.db import BaseModel
from learnclub.models.cohorts import Cohort
from learnclub.models.fields import UTCDateTimeField
from learnclub.models.people import User


class ChatHook(BaseModel):
    cohort = ForeignKeyField(Cohort, backref="chat_hooks", on_delete="CASCADE")
    kind = CharField(max_length=16)  #: "wecom", "feishu", "dingtalk" or "generic"
    label = CharField(max_length=100)  #: the group's name as the host knows it
    url = TextField()  #: the robot's webhook address, a secret in itself
    #: Feishu/DingTalk signing secret, or the generic hook's HMAC key ("" = unsigned)
    secret = CharField(max_length=200, default="")
    #: the events this group gets, comma-separated (see domain.chat_hooks.EVENTS)
    events = CharField(max_length=200, default="")
    #: ping the members a post names by their phone number (WeCom, DingTalk) or Feishu user
    #: id, where they consented and gave one (domain/reach/chat_mentions.py); else "@nickname"
    mention_members = BooleanField(default=False)
    created_by = ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = UTCDateTimeField()

    @property
    def event_list(self):
        return [e for e in self.events.split(",") if e]
