"""The form staff record a member's deposit with (docs/rules.md "Deposit")."""
from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired

from learnclub.web.cohorts.forms import YuanField, options
from learnclub.web.forms import Form

METHODS = options(("wechat", _l("WeChat transfer")), ("alipay", _l("Alipay")),
                  ("cash", _l("Cash")), ("other", _l("Other")))


class DepositForm(Form):
    amount = YuanField(_l("Amount received (yuan)"),
                       validators=[InputRequired(message=_l("Enter the amount received."))])
    received_on = DateField(_l("Received on"), validators=[
        InputRequired(message=_l("Enter the day it was received."))])
    method = SelectField(_l("Paid by"), choices=METHODS, validate_choice=False)
    method_other = StringField(_l("Other method (if “Other”)"))
    note = TextAreaField(_l("Note (staff only)"))

    def values(self):
        return {"amount_fen": self.amount.data, "received_on": self.received_on.data,
                "method": self.method.data, "method_other": self.method_other.data or "",
                "note": self.note.data or ""}
