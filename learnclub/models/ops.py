"""The scheduler's own state: who runs the jobs (the lease) and what each job did last."""
from peewee import CharField, IntegerField, TextField

from learnclub.db import BaseModel
from learnclub.models.fields import UTCDateTimeField


class SchedulerLease(BaseModel):
    """One row per lease ("scheduler"): the process that may run the jobs until `expires_at`.

    The holder renews it every third of the lease; another process takes it only once it has
    expired (learnclub/leader.py). `heartbeat_at` is the holder's last renewal (/healthz)."""

    name = CharField(max_length=64, primary_key=True)
    #: "host:pid:random" of the process holding (or that last held) the lease
    holder = TextField(default="")
    expires_at = UTCDateTimeField()
    heartbeat_at = UTCDateTimeField()


class JobRun(BaseModel):
    """A job's heartbeat, written around every run (`jobs.run_job`)."""

    job = CharField(max_length=64, primary_key=True)
    #: how many runs have started, by any process
    runs = IntegerField(default=0)
    #: "host:pid:random" of the process that started the last run
    last_runner = TextField(default="")
    last_started_at = UTCDateTimeField(null=True)
    last_succeeded_at = UTCDateTimeField(null=True)
    #: how long the last run took, whether it succeeded or failed
    last_duration_ms = IntegerField(null=True)
    #: the last failure ("TypeName: message"), kept after later successes; see last_error_at
    last_error = TextField(default="")
    last_error_at = UTCDateTimeField(null=True)
