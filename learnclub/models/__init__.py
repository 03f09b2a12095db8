"""peewee models, one module per aggregate. ALL lists them in dependency order."""
from learnclub.models.activity import CohortEvent
from learnclub.models.announcements import (
    Announcement,
    AnnouncementRead,
    CohortRules,
    RulesAcknowledgment,
)
from learnclub.models.cases import Case, CaseFile, CaseRevision
from learnclub.models.chat import ChatHook
from learnclub.models.cohorts import (
    Application,
    ApplicationAnswer,
    ApplicationQuestion,
    ApplicationTag,
    Cohort,
    Invite,
    Membership,
    MembershipEvent,
)
from learnclub.models.content_sync import ContentSync, ContentSyncFile
from learnclub.models.deposits import Deposit
from learnclub.models.files import StoredFile, TalkSlides
from learnclub.models.homework import (
    Comment,
    Excuse,
    Like,
    Notification,
    PointEvent,
    Submission,
    SubmissionImage,
    SubmissionRevision,
)
from learnclub.models.inbox import InboxMessage
from learnclub.models.introductions import ProfileTag
from learnclub.models.mail import MailPreference, OutboxMessage
from learnclub.models.ops import JobRun, SchedulerLease
from learnclub.models.participation import Extension, LeaveRequest, Miss, SeatOffer
from learnclub.models.people import AccessToken, LoginAttempt, LoginSession, OneTimeToken, User
from learnclub.models.sharing import (
    ArchiveCounter,
    CalendarToken,
    ShareSlot,
    Talk,
    TalkPreference,
    TalkRevision,
)
from learnclub.models.talk_ratings import TalkNote, TalkRating

ALL = [
    User, LoginSession, LoginAttempt, OneTimeToken, AccessToken,
    Cohort, Membership, MembershipEvent, Application, ApplicationTag, Invite,
    ApplicationQuestion, ApplicationAnswer,
    ChatHook, OutboxMessage, MailPreference,
    Case, CaseRevision, CaseFile,
    Submission, SubmissionRevision, Like, Comment, Excuse, PointEvent, Notification,
    Miss, LeaveRequest, Extension, SeatOffer,
    ShareSlot, Talk, TalkPreference, TalkRevision, ArchiveCounter, CalendarToken,
    CohortEvent, StoredFile, TalkSlides,
    SchedulerLease, JobRun,
    ContentSync, ContentSyncFile,
    InboxMessage,
    TalkRating, TalkNote,
    ProfileTag,
    Deposit,
    SubmissionImage,
    Announcement, AnnouncementRead, CohortRules, RulesAcknowledgment,
]

__all__ = [m.__name__ for m in ALL] + ["ALL"]
