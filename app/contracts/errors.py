"""Errors raised by the contract rules; views turn them into messages, never into a 500."""


class ContractError(Exception):
    """Base class: ``message`` is shown to the user as it is."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class NotAllowed(ContractError):
    """The user may not do this to this contract now."""


class Incomplete(ContractError):
    """Something is missing or wrong; ``problems`` is a list of (field, message); ``form``, when
    given, is the validated form holding the same messages beside its fields."""

    def __init__(self, problems, form=None):
        super().__init__("; ".join(str(m) for _, m in problems))
        self.problems = list(problems)
        self.form = form


class StaleContract(ContractError):
    """Someone saved the contract since this form was opened."""
