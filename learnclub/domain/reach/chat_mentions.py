"""How a chat-group robot @-mentions a member: the one rule. A robot with "mention members"
on pings, on WeCom and DingTalk, by the member's mobile number and, on Feishu, by their Feishu
user id, when the member ticked the consent on their profile and gave one; everyone else, and
every robot with it off (and generic webhooks, which never get a number), gets "@" + the
group nickname as plain text, as the pasted 未交名单 has it.
"""
from learnclub.domain.participation.missing_list import group_name
from learnclub.outbound.chat_formats import Mention

#: robot kind -> the member's field its platform pings by
PING_BY = {"wecom": "mention_phone", "dingtalk": "mention_phone", "feishu": "feishu_user_id"}
MENTION_KINDS = tuple(PING_BY)  #: the kinds whose robots can mention members
MAINLAND = "+86"  #: WeCom and DingTalk know mainland China numbers without it


def pings_by(hook):
    """The member field robot `hook` pings by, or None when it mentions in plain text. Robots
    with the same answer get the same message."""
    if hook is None or not hook.mention_members:
        return None
    return PING_BY.get(hook.kind)


def mention(user, hook=None):
    """How robot `hook` (None: no robot, plain text) @-mentions member `user`: "@" + their
    group nickname, pinging them by number or Feishu user id if the robot mentions members
    and the member consented and gave one. Returns a chat_formats.Mention."""
    name = group_name(user)
    field = pings_by(hook)
    address = getattr(user, field) if field and user.mention_consent_at is not None else ""
    if field == "mention_phone" and address.startswith(MAINLAND):
        address = address.removeprefix(MAINLAND)
    return Mention("@" + name, address=address, name=name)
