"""What every page's menus show: the cohort menu (who sees which links, the 管理 badge) and
the phone's bottom tab bar (首页 / 案例 / 日历 / 消息 / 我的). Computed when a template asks,
once per request; the domain decides (domain/cohorts/todo.py, access.py)."""
from dataclasses import dataclass, field

from flask import current_app, g, request, url_for
from flask_login import current_user

from learnclub.domain.cohorts import access, todo
from learnclub.domain.cohorts import queries as cohort_queries
from learnclub.web.cohorts import bp
from learnclub.web.i18n import later, word

#: the blueprint (or endpoint) of a page -> the bottom tab it belongs to
TAB_OF = {"cohorts.home": "home", "cohorts.page": "home", "cases": "cases",
          "homework.mine": "me", "homework": "cases", "calendar": "calendar",
          "sharing.archive": "calendar", "sharing.session": "calendar",
          "messages": "messages", "cohorts.me": "me", "profiles": "me",
          "notifications": "me", "tokens": "me", "sharing.mine": "me",
          "auth.change_password": "me"}


@dataclass
class CohortMenu:
    role: str | None  #: the viewer's active role in the cohort, else None
    counts: dict = field(default_factory=dict)  #: todo.menu_counts

    @property
    def staff(self):
        """Hosts and assistants: the only ones with a 管理 count."""
        return "manage" in self.counts

    @property
    def learner(self):
        return self.role == "learner"


@dataclass(frozen=True)
class Tab:
    """A link of the cohort menu: where it goes, what it says, whether the page is there
    (aria-current), what waits behind it (a badge; 0: none)."""
    url: str
    label: str
    current: bool
    count: int = 0


#: the cohort menu's links: endpoint, label, the endpoints that also make it current, and
#: who sees it (None: everyone; "role": active members; "learner"; "points": the
#: cohort counts points); its 管理 links below, seen by staff, with their badges' keys
MENU_ROW = (
    ("cases.index", later("Cases"), ("cases.show",), None),
    ("announcements.index", later("Announcements"), ("announcements.show", "announcements.new"),
     "role"),
    ("announcements.page", later("Rules"), ("announcements.edit", "announcements.acknowledge"),
     "role"),
    ("homework.mine", later("My homework"), (), "learner"),
    ("cohorts.members", later("Members"), (), None),
    ("tracking.best", later("Best of"), (), None),
    ("calendar.page", later("Sharing calendar"), (), None),
    ("sharing.archive", later("Archive"), ("sharing.session",), None),
    ("sharing.mine", later("My talks"), (), "role"),
    ("tracking.leaderboard", later("Leaderboard"), (), "points"),
)
MENU_MANAGE = (
    ("cases.schedule", later("Schedule"), (), None),
    ("admission.review", later("Applications"),
     ("admission.questions_page", "admission.edit_question"), "applications"),
    ("cohorts.invites", later("Invites"), (), None),
    ("tracking.heatmap", later("Tracking"), ("tracking.case_report", "tracking.history"), None),
    ("sharing.review", later("Talks"), (), "talks_to_decide"),
    ("participation.page", later("Participation"), ("participation.audit",), None),
    ("deposits.page", later("Deposits"), ("deposits.record",), None),
    ("cohorts.settings", later("Settings"), (), None),
    ("integrations.index", later("Chat groups"), (), None),
)


def menu_tabs(cohort, menu):
    """(the row's tabs, the 管理 menu's tabs) the viewer sees in the cohort menu: built here
    once a page, each a url_for and a word, not a macro call each in the template."""
    here = request.endpoint
    shown = {None: True, "role": bool(menu.role), "learner": menu.learner,
             "points": bool(cohort.points_enabled)}

    def tab(endpoint, label, also, count=0):
        return Tab(url_for(endpoint, slug=cohort.slug), word(label),
                   here == endpoint or here in also, count)
    row = [tab(e, label, also) for e, label, also, who in MENU_ROW if shown[who]]
    manage = [tab(e, label, also, menu.counts.get(badge, 0) if badge else 0)
              for e, label, also, badge in MENU_MANAGE] if menu.staff else []
    return row, manage


@bp.app_context_processor
def _menus():
    return {"cohort_menu": cohort_menu, "menu_tabs": menu_tabs, "tab_bar": tab_bar}


def viewer_membership(cohort, membership):
    """Tell the menus the viewer's membership (or None) in the cohort, as the view read it
    this request: the menu then does not read it again."""
    g.setdefault("viewer_memberships", {})[cohort.id] = membership


def cohort_menu(cohort):
    """The cohort menu for the signed-in viewer (cached for the request)."""
    cache = g.setdefault("cohort_menus", {})
    if cohort.id not in cache:
        known = g.get("viewer_memberships", {})
        membership = known[cohort.id] if cohort.id in known \
            else access.membership_of(current_user, cohort)
        active = membership is not None and membership.status == "active"
        cache[cohort.id] = CohortMenu(
            membership.role if active else None,
            todo.menu_counts(cohort, current_user, membership=membership) if active else {})
    return cache[cohort.id]


def tab_bar(cohort=None):
    """The bottom tab bar of a signed-in page, [(key, Tab)] in order: 案例 and 日历 lead to
    the page's cohort if the viewer is in it, else their newest active cohort (the home
    page without one); the page's own tab is current; 消息 while the messages pages are
    there."""
    if cohort is None or cohort_menu(cohort).role is None:
        mine = sorted(cohort_queries.active_memberships_of(current_user),
                      key=lambda m: (m.joined_at, m.id), reverse=True)
        cohort = mine[0].cohort if mine else None
    endpoint = request.endpoint or ""
    active = TAB_OF.get(endpoint) or TAB_OF.get(endpoint.partition(".")[0], "")
    home, messages = url_for("cohorts.home"), messages_url()
    links = [("home", home, word("Home")),
             ("cases", url_for("cases.index", slug=cohort.slug) if cohort else home,
              word("Cases")),
             ("calendar", url_for("calendar.page", slug=cohort.slug) if cohort else home,
              word("Calendar"))]
    links += [("messages", messages, word("Messages"))] if messages else []
    links.append(("me", url_for("cohorts.me"), word("Me")))
    return [(key, Tab(url, label, key == active)) for key, url, label in links]


def messages_url():
    """The messages page, or None while that area is not there (its unread count comes
    from the messages area's own `unread_messages`)."""
    return url_for("messages.index") if "messages.index" in current_app.view_functions \
        else None
