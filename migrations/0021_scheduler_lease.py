"""One scheduler, visibly alive (issue "Production on one box and on many", point 2).

- `scheduler_lease`: which scheduler process may run the jobs, until when, and when it last
  renewed its lease (learnclub/leader.py).
- `job_run`: every job's heartbeat: runs, last start, success, error and duration.

Two new tables and nothing else, so both backends build them from frozen models
(UTCDateTimeField frozen as the DateTimeField it is in the schema), as 0011 does.
"""
from peewee import CharField, DateTimeField, IntegerField, Model, TextField


def up(migrator, db):
    class SchedulerLease(Model):
        name = CharField(max_length=64, primary_key=True)
        holder = TextField(default="")
        expires_at = DateTimeField()
        heartbeat_at = DateTimeField()

        class Meta:
            database = db
            table_name = "scheduler_lease"

    class JobRun(Model):
        job = CharField(max_length=64, primary_key=True)
        runs = IntegerField(default=0)
        last_runner = TextField(default="")
        last_started_at = DateTimeField(null=True)
        last_succeeded_at = DateTimeField(null=True)
        last_duration_ms = IntegerField(null=True)
        last_error = TextField(default="")
        last_error_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "job_run"

    db.create_tables([SchedulerLease, JobRun])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("job_run"), migrator.drop_table("scheduler_lease"))
