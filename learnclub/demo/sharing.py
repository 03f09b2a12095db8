"""Guest sharing for the demo cohort: three past sessions in the archive (第1期–第3期), open
weeks ahead, and one upcoming talk the host has accepted.

Called by `learnclub demo` after the homework; everything goes through the same domain
functions as the web: the guests join by a guest invite link, propose, the host accepts and
tells them, they confirm, and after each session the host publishes the transcript (which
numbers it and gives the guest the guest_share points). The weekly slots come from the
cohort's rule, generated as the host would have when the cohort opened, then at `now`.
"""
from datetime import timedelta

from learnclub.domain.accounts import profiles
from learnclub.domain.accounts.auth import add_account
from learnclub.domain.cohorts import admission
from learnclub.domain.sharing import review as sharing_review
from learnclub.domain.sharing import talks as sharing
from learnclub.domain.sharing.archive import publish_transcript

#: login, name, city, industry, company_title, intro, topic, abstract, transcript paragraphs
PAST_GUESTS = (
    ("shao.hongmei", "邵红梅", "长沙", "社区团购", "某社区团购平台 · 金牌团长",
     "全职团长第四年,一个人带 8 个小区、1900 位邻居。",
     "一个人带 8 个小区:团长的信任账本",
     "团长不是卖货的,是邻居们愿意把钥匙交给你的那个人。讲讲**信任怎么一点点攒起来**。",
     ("我是从自己住的小区开始做团长的。第一个月群里只有 60 个人,大部分是我在电梯里、"
      "快递柜前加的邻居。那时候我每天晚上只做一件事:把第二天的菜单发出来,再把前一天"
      "大家的问题一个个回完。",
      "后来我发现,真正让群活下来的不是便宜,是售后。有一次一箱橙子坏了三个,我自己掏钱"
      "先赔了,再去找供应商。那位阿姨后来给我拉了 40 个新邻居进群。我把这个叫**信任账本**:"
      "每一次你先站在邻居这边,账本上就多一笔。",
      "到第三个小区的时候,我开始找帮手。我选帮手只看一条:她在群里有没有主动帮别人解答过"
      "问题。现在 8 个小区有 6 位小区长,她们拿一部分佣金,更重要的是,她们自己就是邻居。",
      "最后说一个教训:不要在群里同时卖太多东西。我们试过一天 30 个品,退货率翻了一倍。"
      "现在每天不超过 8 个品,大家反而买得更多。")),
    ("cheng.yizhou", "程一舟", "杭州", "出版", "城市书房读书会 · 发起人",
     "办了五年线下读书会,一共 260 场,最长的一位书友来了 190 次。",
     "读书会五年不散的三条规矩",
     "为什么大部分读书会三个月就散了?我们用五年时间试出来的**三条规矩**。",
     ("我们的读书会第一年其实差点散掉。来的人越来越多,每个人都想讲,结果两个小时里一半"
      "时间在听一个人讲自己的故事。后来我们定了第一条规矩:**每人发言不超过五分钟**,"
      "主持人手里有个沙漏。",
      "第二条规矩是每次都要有人\"带书\":提前一周认领,负责写一页导读。带书的人不一定"
      "读得最好,但一定读得最认真。五年下来,有 80 多位书友带过书,这是我们最骄傲的数字。",
      "第三条规矩最难:**不来要说一声**。听起来很小,但它让每个人知道自己的位置是被留着的。"
      "连续三次不来也不说,我们就会私下问一句,不是催,是关心。很多老书友说,正是这一句"
      "让他们留了下来。")),
    ("he.liqun", "贺立群", "上海", "零售", "某生鲜连锁 · 私域负责人",
     "负责 300 家门店、1200 个社群的私域运营,之前在快消做了八年渠道。",
     "三百家门店的群,怎么从发券变成聊天",
     "公司有 1200 个群、40 万会员,群里却只剩下发券。讲讲我们这一年**把群救回来**的尝试。",
     ("先说我们踩过的坑。两年前我们给每家店建群,店长每天按 SOP 发 6 条消息,5 条是券。"
      "半年后我们看数据:群消息打开率不到 3%,退群率每个月 8%。群还在,人心已经不在了。",
      "转折点是一家社区店的店长。她的群从来不按 SOP 发,每天早上拍一张刚到的菜,写两句"
      "今天什么好吃。她的群复购率是平均值的两倍半。我们就去她店里蹲了一周,把她的做法拆成"
      "了三件事:**真人、当天、能回话**。",
      "后来我们做的事情其实很简单:每天的券从 5 条砍到 1 条,其余时间留给店长说人话;"
      "每周四晚上店长在群里做 20 分钟的\"今日菜场\"直播;会员的问题 10 分钟内必须有人回。"
      "三个月后,试点的 40 家店退群率降到 2%,客单价也没有掉。",
      "我最大的体会是:私域不是一个渠道,是一段关系。工具可以帮你省力,但替代不了那个"
      "愿意在群里说话的人。")),
)
#: the guest of the upcoming week: login, name, city, industry, title, intro, topic, abstract
UPCOMING_GUEST = (
    "su.wanqing", "苏晚晴", "广州", "母婴", "某母婴品牌 · 会员运营总监",
    "带着 20 人的团队运营 3 万位妈妈会员。",
    "宝妈群的第一年:从晒单到互助",
    "孩子出生后的第一年,妈妈们最需要什么?讲讲我们的**会员陪伴**是怎么设计的。",
)


def _guest(row, password_hash, invite, *, at, email):
    """A guest account with its profile, joined by the cohort's guest invite link."""
    login, name, city, industry, title, intro = row[:6]
    user = add_account(email(login), password_hash=password_hash, display_name=name, now=at)
    profiles.update_profile(user, {"city": city, "industry": industry,
                                   "company_title": title, "intro_md": intro})
    admission.join_by_invite(invite.token, user, now=at)
    return user


def _past_slots(cohort, host, *, start, now):
    """Three weekly sessions that have started before `now`, generated when the cohort
    opened; if the demo runs right at a session's start, an earlier one-off makes up."""
    slots = [s for s in sharing.generate_slots(cohort, now=start) if s.starts_at < now]
    past = slots[-3:]
    while len(past) < 3:
        when = (past[0].starts_at if past else now) - timedelta(days=7)
        past.insert(0, sharing.add_one_off_slot(cohort, when, actor=host,
                                                now=when - timedelta(days=1)))
    return past


def write_demo_sharing(cohort, host, password_hash, *, now, start, link, email):
    """Past sessions with transcripts, open weeks ahead, one accepted upcoming talk. The
    guests' addresses are `email(login)`. Returns the archived talks, oldest first."""
    invite = admission.create_invite(cohort, actor=host, now=start, days_valid=30, max_uses=10,
                                     role="guest")
    archived = []
    for row, slot in zip(PAST_GUESTS, _past_slots(cohort, host, start=start, now=now),
                         strict=True):
        base = min(start, slot.created_at)
        span = (slot.starts_at - base) / 5  # join, propose, accept, confirm: in that order
        guest = _guest(row, password_hash, invite, at=base + span, email=email)
        talk = sharing_review.propose_with_receipt(
            cohort, guest, topic=row[6], abstract=row[7], preferred_slots=[slot], link=link,
            now=base + span * 2)
        sharing.accept_talk(talk, slot, actor=host, now=base + span * 3)
        sharing_review.notify_decision(talk, link=link, now=base + span * 3)
        sharing.confirm_talk(talk, guest=guest, now=base + span * 4)
        published = min(slot.starts_at + timedelta(days=1), now - timedelta(minutes=1))
        archived.append(publish_transcript(talk, "\n\n".join(row[8]), actor=host,
                                           now=max(published, slot.starts_at)))
    sharing.generate_slots(cohort, now=now)
    weeks = sharing_review.open_weeks(cohort, now=now)[:2]
    guest = _guest(UPCOMING_GUEST, password_hash, invite, at=now - timedelta(days=3),
                   email=email)
    talk = sharing_review.propose_with_receipt(
        cohort, guest, topic=UPCOMING_GUEST[6], abstract=UPCOMING_GUEST[7], link=link,
        preferred_slots=weeks, now=now - timedelta(days=2))
    sharing.accept_talk(talk, weeks[0], actor=host, now=now - timedelta(days=1))
    sharing_review.notify_decision(talk, link=link, now=now - timedelta(days=1))
    return archived
