"""Signals of the contract: transitions, sent after they are committed (mail, digests and in-app
notifications subscribe to them), and reads (the read log of app.privacy subscribes).

Each receives the contract as sender; ``contracts_read`` the contracts' ids, or a ``select(Contract)``.
"""
from blinker import Namespace

_signals = Namespace()

contract_started = _signals.signal("contract-started")
contract_submitted = _signals.signal("contract-submitted")
contract_signed = _signals.signal("contract-signed")
contract_returned = _signals.signal("contract-returned")
# A contract was shown (its page, a ZIP of PDFs, an Excel extraction), with ``channel`` (one of
# app.privacy.models' channels). Senders need not know who records it, and contracts need not import
# the privacy package that reads contracts.
contract_read = _signals.signal("contract-read")
contracts_read = _signals.signal("contracts-read")
