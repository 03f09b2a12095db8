"""An announcement (公告) going out: one mail to each active member but its author (the
"announcements" preference decides right away, daily or off), one message in each one's
messages, and one post per chat robot that picked the "announcement" event. Each is keyed by
the announcement and the member (or robot), so posting can never send twice."""
from markupsafe import Markup

from learnclub.domain.reach import chat_posts, inbox, mail_templates
from learnclub.domain.reach.outbox import cohort_headers, enqueue_mail
from learnclub.domain.rendering import render_markdown
from learnclub.models import Membership, User
from learnclub.models.cohorts import MembershipStatus

MAIL_KIND = "announcements"  #: the preference kind (domain/reach/preferences.py)


def announcement_link(announcement, base_url):
    return f"{base_url}/c/{announcement.cohort.slug}/announcements/{announcement.id}"


def _audience(announcement, author):
    """(membership id, user) of the cohort's active members but the author: one query."""
    rows = (Membership.select(Membership.id, User)
            .join(User, on=(Membership.user == User.id))
            .where((Membership.cohort == announcement.cohort_id)
                   & (Membership.status == MembershipStatus.ACTIVE)
                   & (Membership.user != author.id))
            .order_by(Membership.id))
    return [(row.id, row.user) for row in rows]


def announce(announcement, *, author, now, base_url):
    """Queue the mails, record the messages and queue the chat posts of a new announcement.
    Rendered once per language; returns how many members it went to."""
    cohort = announcement.cohort
    link = announcement_link(announcement, base_url)
    members = _audience(announcement, author)
    headers = cohort_headers(cohort, reply_to_host=False)
    body_html = Markup(render_markdown(announcement.body_md,
                                       anchor_prefix=f"a{announcement.id}:"))
    rendered = {}
    for _membership_id, user in members:
        if user.locale not in rendered:
            rendered[user.locale] = mail_templates.render_mail(
                "announcement", user.locale, cohort=cohort.name, title=announcement.title,
                author=author.display_name, body=announcement.body_md, body_html=body_html,
                link=link)
        subject, text, html = rendered[user.locale]
        enqueue_mail(f"announcement:{announcement.id}:member:{user.id}", to_addr=user.email,
                     user=user, subject=subject, body=text, html=html, now=now,
                     kind=MAIL_KIND, headers=headers)
    inbox.record_for_members([m for m, _user in members], inbox.Kind.ANNOUNCEMENT,
                             key_prefix=f"announcement:{announcement.id}:membership:",
                             key_suffix="", cohort=cohort, now=now, link=link,
                             title=announcement.title, actor=author.display_name)
    chat_posts.post_announcement(announcement, now=now, base_url=base_url)
    return len(members)
