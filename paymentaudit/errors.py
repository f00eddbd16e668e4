"""Exception classes; the CLI maps each to an exit code (see cli.EXIT_CODES)."""


class PaymentAuditError(Exception):
    """Base class: every error the CLI reports as one line."""


class InputError(PaymentAuditError):
    """Bad usage or input: suffix, flags, credentials, endpoint, policy, snapshot (exit 2)."""


class PolicyError(InputError):
    """An invalid policy file: the message names the file, the key and the reason."""


class SnapshotFileError(InputError):
    """A snapshot file that is unreadable, corrupt or of another schema version."""


class NoResourcesError(InputError):
    """No resource was found for an environment."""


class OutputError(InputError):
    """The output directory cannot be created or written."""


class ReadOnlyViolation(PaymentAuditError):
    """An audit client was asked to call an operation that no collector declares."""


class SynthError(PaymentAuditError):
    """The CDKTF synth of the stack failed (exit 2)."""
