"""Homework for the demo cohort: what a few weeks of a living group look like.

Called by `learnclub demo` after the cases are imported; everything goes through the same
domain functions as the web (submissions, comments, likes, featured picks, a leave).
"""
from datetime import timedelta

from learnclub.domain.cases.editing import schedule_of
from learnclub.domain.cases.queries import is_out_at
from learnclub.domain.cohorts.queries import active_learners
from learnclub.domain.homework import feedback
from learnclub.domain.homework.submission import submit_homework
from learnclub.domain.participation import leave

OPENINGS = (
    "我在{industry}做了几年，读完这个案例最有感触的是：规则要先于规模。",
    "如果换成我来做，第一周我会先把人数控制住，再定一个每天都能完成的小动作。",
    "这个案例让我想到自己在{city}的群：热闹的时候没人写，安静的时候反而有人认真分享。",
    "我的判断是，关键不在内容多好，而在每个人有没有一个“必须出现”的理由。",
    "说一个不同意见：门槛太高会把新手挡在外面，我会给第一次的人留一个更低的台阶。",
)
DETAILS = (
    "\n\n1. 先找出最活跃的三个人，请他们当小组长\n2. 固定一个每周都不变的时间点"
    "\n3. 每次活动后写一段复盘",
    "\n\n我们之前试过每天打卡，两周后就只剩三分之一的人。后来改成每周一次深度分享，留存反而更好。",
    "\n\n> 不在多而在分享。\n\n这句话我准备贴在自己群的公告里。",
)
COMMENTS = ("写得很具体，第二点我准备直接抄作业。", "同感！我们群也遇到过一模一样的情况。",
            "想请教一下，你们的小组长是怎么选出来的？")


def write_demo_homework(cohort, host, *, now):
    """Learners write on every case that is out; one takes leave, one misses. Returns count."""
    learners = active_learners(cohort)
    written = 0
    for n, slot in enumerate(s for s in schedule_of(cohort) if is_out_at(s, now)):
        submissions = []
        for i, learner in enumerate(learners):
            if i == len(learners) - 1:  # the one who never writes: the sweep will show why
                continue
            if i == len(learners) - 2 and n == 0:
                leave.excuse_learner(slot.case, learner, actor=host, reason="出差一周",
                                     now=slot.publish_at + timedelta(hours=2))
                continue
            at = slot.publish_at + timedelta(hours=3 + (i * 7) % 70)
            if i % 9 == 4:  # a few hand in during grace
                at = slot.due_at + timedelta(hours=2)
            if at >= now:  # nobody writes in the future
                continue
            text = OPENINGS[(i + n) % len(OPENINGS)].format(
                industry=learner.industry or "社群", city=learner.city or "本地")
            text += DETAILS[(i * 3 + n) % len(DETAILS)]
            submissions.append(submit_homework(slot.case, learner, text, now=at)[0])
            written += 1
        _converse(submissions, learners, host,
                  now=min(slot.publish_at + timedelta(hours=80), now))
    return written


def _converse(submissions, learners, host, *, now):
    """A featured pick, some likes and a few comments on a case's homework."""
    if not submissions:
        return
    feedback.toggle_featured(submissions[0], actor=host, now=now)
    feedback.add_comment(submissions[0], host, "这一份把规则和节奏讲得很清楚，大家可以参考。",
                         now=now)
    for i, submission in enumerate(submissions[1:8]):
        reader = learners[(i + 5) % len(learners)]
        if reader.id != submission.user_id:
            feedback.toggle_like(submission, reader, now=now)
            feedback.add_comment(submission, reader, COMMENTS[i % len(COMMENTS)], now=now)
