"""Signals sent after a contract transition has been committed (mail, digests subscribe to them).

Each receives the contract as sender.
"""
from blinker import Namespace

_signals = Namespace()

contract_started = _signals.signal("contract-started")
contract_submitted = _signals.signal("contract-submitted")
contract_signed = _signals.signal("contract-signed")
contract_returned = _signals.signal("contract-returned")
