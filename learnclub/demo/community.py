"""`learnclub demo`: fill an empty database with a living community, through the domain rules.

Everything goes through the same functions the web pages call, so the audit log, the
outbox and the seat count look exactly as they would after a few weeks of real use.
"""
import secrets
from datetime import timedelta
from pathlib import Path

from learnclub.db import write_transaction
from learnclub.demo.activity import write_demo_homework
from learnclub.demo.sharing import PAST_GUESTS, UPCOMING_GUEST, write_demo_sharing
from learnclub.domain.accounts import profiles
from learnclub.domain.accounts.auth import add_account
from learnclub.domain.accounts.passwords import hash_password
from learnclub.domain.cases import sync as content_sync
from learnclub.domain.cohorts import admission
from learnclub.domain.cohorts import settings as cohorts

SLUG = "community-lab"
#: a reserved name email-validator still accepts (it refuses ".local" and ".test")
MAIL_DOMAIN = "demo.learnclub.example"
BASE_URL = "http://127.0.0.1:5000"
PROFILE_KEYS = ("city", "industry", "company_title", "offer", "looking_for", "intro_md")

NAME = "社群实验室 · 第3期"
DESCRIPTION = """\
社群实验室是一个不超过 40 人的小班学习社群,一起拆解真实的社群生意。

- **每 3–5 天一个案例**:群主发布一篇一线案例,附一个作业问题。
- **每人都写作业**:不在多而在分享,写下你自己的判断和经验,72 小时内提交。
- **不写就请出去**:没交作业也没请假,就会被请出社群。人少,才活。
- **每周日 20:00 嘉宾分享**:一位嘉宾讲一小时,文字稿收进往期分享。

适合正在做社群、私域、社区商业的人。聊天还在群里,案例和作业留在这里。
"""

#: login, name, then PROFILE_KEYS
HOST = ("host", "周明远", "上海", "社群运营", "社群实验室 · 群主",
        "十年社群运营经验,每期案例由我来写", "想认识愿意来分享的嘉宾",
        "做过三个百万用户的社区,现在只带 40 人的小班。**小而活**比大而冷有意思。")
ASSISTANT = ("assistant", "陆小鹿", "杭州", "社群运营", "社群实验室 · 助教",
             "作业点评、每期笔记整理、答疑", "想看到每个人的作业都被认真读过",
             "上一期的学员,这一期来当助教。有问题随时在群里 @ 我。")
LEARNERS = (
    ("lin.xiaoyu", "林晓雨", "上海", "社区团购", "邻里鲜 · 团长运营负责人",
     "带过 120 个小区团长,熟悉冷启动和复购", "想学怎么把团长变成长期合伙人",
     "做了三年社区团购,从一个小区群做到一个区。相信**信任比补贴更长久**。"),
    ("chen.hao", "陈浩", "北京", "教育培训", "启明少儿编程 · 校区校长",
     "家长社群的续费打法,去年续费率 78%", "想找做线下活动和内容的伙伴",
     "前公立学校信息老师,现在带一个 600 人的家长群。"),
    ("zhou.yiran", "周怡然", "杭州", "SaaS", "电商 SaaS 公司 · 客户成功经理",
     "客户分层、健康度模型、流失预警", "想看看别人怎么在社群里做产品共创",
     "每天和几十个商家老板打交道,最关心的是:**他们为什么留下来**。"),
    ("he.jun", "何军", "成都", "咖啡零售", "巷口咖啡 · 主理人",
     "一家店如何靠 3 个微信群撑起四成营业额", "想学开第二家店时怎么复制熟客关系",
     "开了一家社区咖啡店,熟客比菜单重要。周末在店里办读书会,欢迎来坐坐。"),
    ("wang.lu", "王璐", "深圳", "内容创作", "公众号「慢慢变富」· 主笔",
     "写作和选题,可以帮大家改作业里的表达", "想把读者变成付费社群",
     "理财类作者,写了五年。10 万+ 写过几篇,更在意那些一直留下来的读者。"),
    ("li.na", "李娜", "广州", "母婴", "小豆丁母婴店 · 店长",
     "宝妈群的日常:晒单、拼团、育儿讲座", "想学会员体系怎么搭",
     "两个孩子的妈妈。店在老城区,顾客几乎都是街坊。"),
    ("zhao.peng", "赵鹏", "武汉", "健身", "燃刻健身 · 私教主管",
     "训练营设计、打卡机制、21 天减脂营实操", "想知道怎么让老会员自己带新人",
     "前体育老师,现在带 12 个教练。\n\n> 打卡群做得好不好,看第三周。"),
    ("sun.qian", "孙倩", "南京", "出版", "出版社 · 童书策划编辑",
     "选题策划、读书会组织、作者资源", "想学图书社群的新玩法",
     "做了八年童书编辑,最近在试着把读者群做成共读营。"),
    ("kevin.lim", "Kevin Lim", "Singapore", "跨境电商", "Shopee 店铺 · 创始人",
     "东南亚市场,本地华人社群的经验", "想学国内私域的精细化运营",
     "Born in Penang, 在新加坡做跨境电商。中文读写没问题,打字慢一点 :)"),
    ("emma.zhang", "Emma Zhang", "上海", "品牌咨询", "独立品牌顾问",
     "品牌定位、消费者访谈的方法", "想找一起做案例研究的伙伴",
     "在 4A 做了七年策略,现在独立接项目。喜欢听一线的真实故事。"),
    ("liu.yang", "刘洋", "西安", "文旅", "长安夜游 · 运营总监",
     "文旅项目的社群引流和活动策划", "想学会员社群怎么熬过淡季",
     "做夜游和城市漫步。旺季忙死,淡季闲死,想找到中间那条路。"),
    ("xu.man", "徐曼", "杭州", "电商直播", "服饰品牌 · 直播运营",
     "直播间留存、粉丝群承接", "想学不靠发券也能让粉丝群活跃的办法",
     "每天都在想一个问题:下播以后,粉丝去哪了?"),
    ("guo.tao", "郭涛", "北京", "SaaS", "协作工具创业公司 · 联合创始人",
     "To B 产品增长,用户社区从 0 到 1", "想找懂社区运营的顾问",
     "技术出身,第二次创业。产品有个 3000 人的用户群,还没想清楚怎么用好。"),
    ("ma.xiaolei", "马晓蕾", "深圳", "社区团购", "独立团长",
     "小区团长的一手经验:选品、售后、催单", "想学更系统的运营方法",
     "全职妈妈转团长,两年做了 5 个小区。**没有团队,只有我和一部手机。**"),
    ("huang.zhiqiang", "黄志强", "广州", "餐饮", "粤味小馆 · 老板",
     "餐饮门店的会员群和储值卡", "想学怎么让老客带新客",
     "两家店,三十个员工。生意靠街坊,也想试试线上。"),
    ("yang.fan", "杨帆", "成都", "内容创作", "B 站 UP 主 · 知识区",
     "短视频脚本、选题、剪辑工具", "想学怎么搭一个粉丝学习群",
     "在 B 站讲商业案例,8 万粉丝。视频能讲清楚,群却总是冷的。"),
    ("leo.wang", "Leo Wang", "上海", "投资", "早期基金 · 投资经理",
     "融资建议,商业模式拆解", "想近距离看一线的社群生意",
     "看过很多社群项目的 BP,这次想自己下场写作业,换个角度。"),
    ("deng.jing", "邓静", "武汉", "教育培训", "考研机构 · 班主任",
     "学习打卡群的督学经验", "想学高客单价社群怎么运营",
     "带过两千多个考研学生。督学是体力活,也是门手艺。"),
    ("feng.bao", "冯宝宝", "上海", "自由职业", "暂时无业,正在找方向",
     "时间多,可以帮大家整理每期笔记", "想找到下一件愿意做十年的事",
     "上海-无业游民-冯宝宝。之前在大厂做用户运营,gap 中。"),
    ("song.wei", "宋伟", "杭州", "咖啡零售", "连锁咖啡品牌 · 区域经理",
     "连锁门店的企业微信和社群 SOP", "想学小店的温度怎么规模化",
     "管 18 家店。SOP 越写越厚,顾客却越来越像陌生人。"),
    ("tang.xin", "唐欣", "北京", "母婴", "母婴 App · 用户运营",
     "妈妈社群的内容日历,KOC 培养", "想交流线下活动的经验",
     "做了四年用户运营,手上有两百多个妈妈群。"),
    ("grace.tan", "Grace Tan", "Singapore", "教育培训", "华文补习中心 · 创办人",
     "新加坡家长社群,双语教育", "想学国内家长群的运营和转介绍",
     "I run a Chinese tuition centre. 想看看国内同行怎么做家长社群。"),
    ("cao.yu", "曹宇", "南京", "健身", "瑜伽馆 · 主理人",
     "小班课和会员活动设计", "想学怎么降低会员流失",
     "开了一家两百平的瑜伽馆,三百个会员,希望每个人都能练下去。"),
    ("ye.ting", "叶婷", "深圳", "SaaS", "私域工具公司 · 产品经理",
     "企微工具、自动化 SOP 的产品视角", "想多听用户真实的用法",
     "做私域工具的产品经理。工具只是工具,想搞懂用工具的人。"),
    ("pan.lei", "潘磊", "西安", "农产品", "秦岭山货 · 创始人",
     "农产品溯源、产地直发", "想学复购和口碑",
     "从互联网公司回老家卖猕猴桃,第三年了。\n\n- 9 月:猕猴桃\n- 12 月:核桃和蜂蜜"),
    ("lu.yao", "陆瑶", "上海", "出版", "弄堂书店 · 店长",
     "读书会、作者见面会的组织", "想学书店会员社群的运营",
     "书店开在弄堂里,每周一场读书会,来的人越来越固定。"),
    ("jiang.bo", "蒋波", "成都", "社区团购", "团购平台 · 城市经理",
     "平台视角:团长招募、培训、考核", "想学怎么留住好团长",
     "管着四百多个团长,最怕好团长被挖走。"),
    ("wu.sisi", "吴思思", "广州", "内容创作", "小红书博主 · 家居",
     "小红书笔记、封面和选题", "想学把粉丝沉淀成社群",
     "5 万粉的家居博主,想从流量走向关系。"),
    ("qian.ming", "钱明", "北京", "企业培训", "咨询公司 · 培训师",
     "引导技术、工作坊设计", "想学线上社群的参与设计",
     "做了十年企业内训,习惯线下的场,正在学线上的场。"),
    ("li.sufei", "李素菲", "杭州", "跨境电商", "独立站品牌 · 海外运营",
     "海外用户社区:Discord、Facebook Group", "想学国内社群的打法做对照",
     "在海外做过品牌 community,回国才发现社群是另一回事。"),
)
#: login, name, city, industry, company_title, motivation, background
WAITING = (
    ("gao.yuan", "高远", "上海", "社区团购", "生鲜连锁 · 私域负责人",
     "公司三百家店、上千个群,群里只剩发券。想看看小社群怎么真正活起来,"
     "也愿意把我们踩过的坑写进作业。", "做了两年生鲜私域,之前在快消做渠道。"),
    ("luo.xi", "罗茜", "杭州", "教育培训", "在线英语 · 学习顾问",
     "我们的学员群开课第二周就冷了,想学怎么设计作业和反馈,让大家愿意持续分享。",
     "学习顾问,带过五十多期 21 天打卡营。"),
    ("xie.wen", "谢文", "深圳", "智能硬件", "智能家居创业公司 · 市场经理",
     "准备建用户共创群,团队里没人做过社群。每个案例我都会认真写,不会缺交。",
     "五年硬件市场经验,负责过两次众筹。"),
    ("han.xue", "韩雪", "南京", "母婴", "月子会所 · 客户经理",
     "宝妈出了会所就断了联系,想学怎么用社群陪她们走过第一年。",
     "做了三年客户经理,手上有四百多位宝妈客户。"),
    ("bai.lin", "白林", "北京", "公益", "社区公益组织 · 项目官员",
     "我们在老旧小区做邻里互助,想借鉴商业社群的方法,让志愿者群不再靠我一个人推。",
     "公益行业六年,之前在报社做记者。"),
    ("fang.zhou", "方舟", "成都", "咖啡零售", "精品咖啡烘焙 · 合伙人",
     "听巷口咖啡的何军说起这个社群。我们在做咖啡豆订阅,复购全靠社群,想一起学。",
     "烘焙师转合伙人,负责线上渠道。"),
)
WAITLISTED = (
    ("yin.hui", "殷慧", "武汉", "健身", "团课教练",
     "想学训练营的作业设计,每期都会按时交。", "持证团课教练,带操课四年。"),
    ("shi.lei", "石磊", "广州", "SaaS", "CRM 公司 · 销售总监",
     "销售团队想用社群维护老客户,想系统学一学。", "做 To B 销售十年。"),
)
WAITLIST_NOTE = "这一期先为上一期的老学员留了几个位子,一有空位就第一时间通知你。"


def _email(login):
    return f"{login}@{MAIL_DOMAIN}"


def _settings():
    """Every cohort setting at its default, plus the demo's name and description."""
    settings = cohorts.default_settings()
    settings.update(name=NAME, description_md=DESCRIPTION)
    return settings


def _make_user(login, name, profile, password_hash, *, at, admin=False):
    """An account with its profile filled in through the profile rules."""
    user = add_account(_email(login), password_hash=password_hash, display_name=name, now=at,
                       admin=admin)
    profiles.update_profile(user, profile)
    return user


def _person(row, password_hash, *, at, admin=False):
    """A host, assistant or learner from a (login, name, *PROFILE_KEYS) row."""
    login, name, *values = row
    return _make_user(login, name, dict(zip(PROFILE_KEYS, values, strict=True)), password_hash,
                      at=at, admin=admin)


def _applicant(row, password_hash, cohort, *, at):
    """An applicant from a WAITING row: the account and a submitted application."""
    login, name, city, industry, title, motivation, background = row
    profile = {"city": city, "industry": industry, "company_title": title}
    user = _make_user(login, name, profile, password_hash, at=at)
    return admission.submit_application(cohort, user, motivation=motivation,
                                        background=background, now=at)


def _add_assistant(cohort, host, password_hash, *, now):
    """The assistant joins by a single-use invite link for the assistant role."""
    assistant = _person(ASSISTANT, password_hash, at=now)
    invite = admission.create_invite(cohort, actor=host, now=now, days_valid=1, max_uses=1,
                                     role="assistant")
    admission.join_by_invite(invite.token, assistant, now=now)
    return assistant


def _admit_learners(cohort, host, password_hash, *, start, link):
    """Each learner applies, a few hours apart; the host admits each a day later."""
    for i, row in enumerate(LEARNERS):
        applied = start + timedelta(hours=5 * i)
        user = _person(row, password_hash, at=applied)
        # the group convention 姓名-城市, as most WeChat groups ask newcomers to rename
        profiles.update_profile(user, {"group_nickname": f"{row[1]}-{row[2]}"})
        application = admission.submit_application(
            cohort, user, motivation=f"{row[6]}。我能分享的:{row[5]}。",
            background=f"{row[2]} · {row[4]}", now=applied)
        admission.decide_application(application, "admitted", actor=host,
                                     now=applied + timedelta(days=1), link=link)


def _add_applicants(cohort, host, password_hash, *, now):
    """Applications still waiting for review, and a few on the waitlist."""
    for i, row in enumerate(WAITING):
        _applicant(row, password_hash, cohort, at=now - timedelta(hours=9 * (i + 1)))
    for i, row in enumerate(WAITLISTED):
        application = _applicant(row, password_hash, cohort, at=now - timedelta(days=5, hours=i))
        admission.decide_application(application, "waitlisted", actor=host,
                                     now=now - timedelta(days=4), message=WAITLIST_NOTE)


def create_demo(*, now, base_url=BASE_URL, content_dir=None):
    """Create a host, a cohort, its assistant, learners and applicants; returns the logins.

    With `content_dir`, the cohort's cases are imported from content/community-lab/ as if
    the host had dropped them in a week ago: two are out, the rest are coming; and guest
    sharing is under way: three sessions in the archive (第1期–第3期), open weeks ahead, one
    upcoming talk accepted (demo_sharing.py).

    Passwords are random on every run: the host and the assistant each have their own,
    learners, applicants and guests share one. Mails (admissions, waitlist) go to the outbox.
    """
    host_pw, assistant_pw, learner_pw = (secrets.token_urlsafe(9) for _ in range(3))
    learner_hash = hash_password(learner_pw)
    start = now - timedelta(days=21)
    with write_transaction():
        host = _person(HOST, hash_password(host_pw), at=start - timedelta(days=7), admin=True)
        cohort = cohorts.create_cohort(SLUG, _settings(), actor=host, now=start)
        _add_assistant(cohort, host, hash_password(assistant_pw), now=start + timedelta(hours=1))
        _admit_learners(cohort, host, learner_hash, start=start + timedelta(hours=2),
                        link=f"{base_url}/c/{SLUG}")
        _add_applicants(cohort, host, learner_hash, now=now)
    if content_dir is not None:
        content_sync.sync_cohort(cohort, Path(content_dir) / SLUG, now=now - timedelta(days=7))
        with write_transaction():
            write_demo_homework(cohort, host, now=now)
            write_demo_sharing(cohort, host, learner_hash, now=now, start=start, email=_email,
                               link=f"{base_url}/c/{SLUG}/talks/mine")
    accounts = [("host", _email(HOST[0]), host_pw),
                ("assistant", _email(ASSISTANT[0]), assistant_pw)]
    accounts += [("learner", _email(row[0]), learner_pw) for row in LEARNERS[:3]]
    accounts.append(("applicant", _email(WAITING[0][0]), learner_pw))
    if content_dir is not None:  # guests share the learners' password
        accounts += [("guest", _email(UPCOMING_GUEST[0]), learner_pw),
                     ("guest", _email(PAST_GUESTS[-1][0]), learner_pw)]
    return {"cohort": SLUG, "accounts": accounts}
