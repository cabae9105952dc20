"""Jobs declared by the domain packages; the scheduler process runs them.

A package declares its jobs from its ``init_app``::

    register_job("apogee-sync", run_sync_job, cron_setting="SYNC_CRON",
                 description="Nightly sync of programmes, students and registrations from Apogée")

``func`` is called with the Flask app and must open its own app context; ``cron_setting`` names
the configuration key holding a five-field cron expression (empty = job disabled).
"""
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Job:
    id: str
    func: Callable
    cron_setting: str
    description: str


_jobs = {}


def register_job(id, func, cron_setting, description):
    _jobs[id] = Job(id, func, cron_setting, description)


def registered_jobs():
    return list(_jobs.values())
