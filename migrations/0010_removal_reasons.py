"""Removal reasons as fields, not a mini-language: a membership's `removed_kind` and
`removed_case_ids`, a membership event's `reason_kind` and `case_ids` (models.cohorts
RemovalKind). The reason in words (`removed_reason`, `reason`) stays as it was.

Columns generated with playhouse.migrations.template() from the models against a database at
0009; by hand: rows the sweep wrote as "strikes: <case titles>" get the kind "strikes" and
the ids of those cases (matched by title within the cohort, longest title first, so a title
with ", " in it stays whole; a title no case has any more is left out, its words remain).
"""
import json

from peewee import *

STRIKES = 'strikes'


def _case_ids(detail, titles, missed):
    """Ids of the cases "案例一, 案例二" names; of two cases with one title, one missed."""
    ids, rest = [], detail
    ordered = sorted(titles, key=len, reverse=True)
    while rest:
        title = next((t for t in ordered if rest == t or rest.startswith(t + ', ')), None)
        if title is None:  # a case since renamed or deleted
            _head, _sep, rest = rest.partition(', ')
            continue
        candidates = titles[title]
        ids.append(next((i for i in candidates if i in missed), candidates[0]))
        rest = rest[len(title) + 2:]
    return ids


def _convert(rows, text_of, cases_of, misses_of):
    """[(row, case ids)] for the rows whose reason the sweep wrote."""
    converted = []
    for row in rows:
        text = text_of(row)
        if text == STRIKES or text.startswith(STRIKES + ': '):
            detail = text[len(STRIKES) + 2:]
            converted.append((row, _case_ids(detail, cases_of(row.cohort_id),
                                             misses_of(row.cohort_id, row.user_id))))
    return converted


def up(migrator, db):
    class Case(Model):
        cohort_id = IntegerField()
        title = CharField(max_length=300)
        class Meta:
            database = db
            table_name = 'case_study'

    class Miss(Model):
        cohort_id = IntegerField()
        user_id = IntegerField()
        case_id = IntegerField()
        class Meta:
            database = db
            table_name = 'miss'

    class Membership(Model):
        cohort_id = IntegerField()
        user_id = IntegerField()
        removed_reason = TextField(default='')
        removed_kind = CharField(max_length=16, default='')
        removed_case_ids = TextField(default='[]')
        class Meta:
            database = db
            table_name = 'membership'

    class MembershipEvent(Model):
        cohort_id = IntegerField()
        user_id = IntegerField()
        action = CharField(max_length=32)
        reason = TextField(default='')
        reason_kind = CharField(max_length=16, default='')
        case_ids = TextField(default='[]')
        class Meta:
            database = db
            table_name = 'membership_event'

    migrator.migrate(migrator.add_column('membership', 'removed_kind', CharField(max_length=16, default='')))
    migrator.migrate(migrator.add_column('membership', 'removed_case_ids', TextField(default='[]')))
    migrator.migrate(migrator.add_column('membership_event', 'reason_kind', CharField(max_length=16, default='')))
    migrator.migrate(migrator.add_column('membership_event', 'case_ids', TextField(default='[]')))

    titles, missed = {}, {}

    def cases_of(cohort_id):
        if cohort_id not in titles:
            titles[cohort_id] = {}
            for case in Case.select().where(Case.cohort_id == cohort_id).order_by(Case.id):
                titles[cohort_id].setdefault(case.title, []).append(case.id)
        return titles[cohort_id]

    def misses_of(cohort_id, user_id):
        if (cohort_id, user_id) not in missed:
            missed[cohort_id, user_id] = {m.case_id for m in Miss.select().where(
                (Miss.cohort_id == cohort_id) & (Miss.user_id == user_id))}
        return missed[cohort_id, user_id]

    members = Membership.select().where(Membership.removed_reason != '')
    for row, ids in _convert(members, lambda m: m.removed_reason, cases_of, misses_of):
        Membership.update(removed_kind=STRIKES, removed_case_ids=json.dumps(ids)).where(
            Membership.id == row.id).execute()
    events = MembershipEvent.select().where(MembershipEvent.action == 'removed')
    for row, ids in _convert(events, lambda e: e.reason, cases_of, misses_of):
        MembershipEvent.update(reason_kind=STRIKES, case_ids=json.dumps(ids)).where(
            MembershipEvent.id == row.id).execute()


def down(migrator, db):
    migrator.migrate(migrator.drop_column('membership_event', 'case_ids'))
    migrator.migrate(migrator.drop_column('membership_event', 'reason_kind'))
    migrator.migrate(migrator.drop_column('membership', 'removed_case_ids'))
    migrator.migrate(migrator.drop_column('membership', 'removed_kind'))
