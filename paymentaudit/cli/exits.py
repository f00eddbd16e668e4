"""Exit codes of the command line, and the exception classes that map to them."""

from __future__ import annotations

from paymentaudit.errors import InputError, PaymentAuditError, SynthError

EXIT_READY = 0
EXIT_NOT_READY = 1
EXIT_USAGE = 2
EXIT_INCOMPLETE = 3
EXIT_INTERNAL = 4
EXIT_INTERRUPTED = 130

# Exception classes -> exit codes, most specific first.
EXIT_CODES: tuple[tuple[type[BaseException], int], ...] = (
    (InputError, EXIT_USAGE),
    (SynthError, EXIT_USAGE),
    (PaymentAuditError, EXIT_INTERNAL),
)
