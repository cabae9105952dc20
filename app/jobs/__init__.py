"""Scheduled jobs, run by one dedicated scheduler process (never inside web workers)."""
