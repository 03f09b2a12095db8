"""The public help page: setting up a group robot on each platform, the generic webhook's
body and signature, the events, and the JSON API with a personal access token."""
from flask import current_app, render_template, url_for
from flask_babel import get_locale

from learnclub.domain.reach import chat_hooks
from learnclub.web.common import base_url
from learnclub.web.integrations import bp
from learnclub.web.integrations.words import EVENT_WORDS

TOKENS_PATH = "/me/tokens"  #: the profile's "API tokens" page


def tokens_link():
    """The API tokens page, by its endpoint when the app has one at that address."""
    for rule in current_app.url_map.iter_rules():
        if rule.rule == TOKENS_PATH and "GET" in (rule.methods or ()):
            return url_for(rule.endpoint)
    return TOKENS_PATH


@bp.get("/help/integrations")
def help_page():
    """How to connect chat groups and scripts to learnclub, in the reader's language."""
    language = "zh" if str(get_locale()).startswith("zh") else "en"
    events = [(event, *EVENT_WORDS[event]) for event in chat_hooks.EVENTS]
    return render_template(f"integrations/help_{language}.html", base=base_url(),
                           events=events, tokens_link=tokens_link())
