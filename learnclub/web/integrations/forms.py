"""The chat-group robot form: platform, label, address, signing secret, events.
What each value may be is decided in domain/reach/chat_hooks.py."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.widgets import PasswordInput

from learnclub.web.forms import Form
from learnclub.web.integrations.words import event_choices, kind_choices


class HookForm(Form):
    kind = SelectField(_l("Platform"), choices=[], validate_choice=False)
    label = StringField(_l("Group name"))
    url = StringField(_l("Webhook address"))
    # shown again only in the answer to the host's own post (a refused form keeps what was
    # typed); never filled from the stored hook
    secret = PasswordField(_l("Signing secret (optional)"), widget=PasswordInput(hide_value=False))
    remove_secret = BooleanField(_l("Remove the stored secret"))
    events = SelectMultipleField(_l("What to post"), choices=[], validate_choice=False)
    mention_members = BooleanField(_l("@-mention members so the chat app notifies them"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = kind_choices()
        self.events.choices = event_choices()

    def secret_value(self, *, editing):
        """The secret for the domain: typed text; on edit, None (keep) when left empty, or ""
        when "remove" is ticked."""
        typed = self.secret.data or ""
        if editing and self.remove_secret.data:
            return ""
        if editing and not typed:
            return None
        return typed

    def values(self, *, editing=False):
        return {"kind": self.kind.data or "", "label": self.label.data or "",
                "url": self.url.data or "", "secret": self.secret_value(editing=editing),
                "events": list(self.events.data or []),
                "mention_members": bool(self.mention_members.data)}
