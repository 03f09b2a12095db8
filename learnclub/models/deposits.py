"""A member's deposit (押金) as staff recorded receiving it: learnclub moves no money, it
keeps the record and tells who earns the refund (domain/participation/deposit.py)."""
from enum import StrEnum

from peewee import CharField, Check, DateField, ForeignKeyField, IntegerField, TextField

from learnclub.db import BaseModel
from learnclub.models.cohorts import Cohort
from learnclub.models.fields import UTCDateTimeField
from learnclub.models.people import User


class DepositMethod(StrEnum):
    """How the deposit was paid; stored as its value."""

    WECHAT = "wechat"  #: 微信转账
    ALIPAY = "alipay"  #: 支付宝
    CASH = "cash"  #: 现金
    OTHER = "other"  #: in words: `method_other`


class Deposit(BaseModel):
    """One member's deposit in one cohort: at most one (the unique index); a correction
    changes it in place and the cohort log keeps what it was."""

    cohort = ForeignKeyField(Cohort, backref="+", on_delete="CASCADE")
    user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    amount_fen = IntegerField(constraints=[Check("amount_fen >= 0")])  #: in fen (分)
    received_on = DateField()  #: the day staff got it, in the cohort's zone
    method = CharField(max_length=16)  #: a DepositMethod
    method_other = CharField(max_length=100, default="")  #: the method, if OTHER
    note = TextField(default="")
    recorded_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    recorded_at = UTCDateTimeField()  #: first recorded
    updated_at = UTCDateTimeField()  #: last recorded or corrected
    refunded_at = UTCDateTimeField(null=True)  #: when staff marked the refund paid
    refunded_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")

    class Meta:
        table_name = "deposit"
        indexes = ((("cohort", "user"), True),)
