"""The reach area's questions: a cohort's chat-group robots and what was posted through them."""
from learnclub.domain.reach.outbox import MAX_ATTEMPTS
from learnclub.models import ChatHook, OutboxMessage


def hooks_of(cohort):
    """The cohort's robots, oldest first."""
    return list(ChatHook.select().where(ChatHook.cohort == cohort).order_by(ChatHook.id))


def hook_of(cohort, hook_id):
    """The cohort's robot with this id, or None (another cohort's robot is not there)."""
    return ChatHook.get_or_none((ChatHook.id == hook_id) & (ChatHook.cohort == cohort))


def deliveries_of(cohort, *, limit=50):
    """Posts to the cohort's robots, newest first, each with its hook: one query."""
    return list(OutboxMessage.select(OutboxMessage, ChatHook)
                .join(ChatHook, on=(OutboxMessage.hook == ChatHook.id))
                .where(ChatHook.cohort == cohort)
                .order_by(OutboxMessage.id.desc()).limit(limit))


def delivery_state(message):
    """"sent", "pending", "retrying" (tried, not sent yet) or "failed" (given up)."""
    if message.sent_at is not None:
        return "sent"
    if message.attempts >= MAX_ATTEMPTS:
        return "failed"
    return "retrying" if message.attempts > 0 else "pending"


def latest_mails(*, limit=200):
    """The newest outbox rows (mails and posts), newest first: the administrators' mail log."""
    return list(OutboxMessage.select().order_by(OutboxMessage.id.desc()).limit(limit))
