"""paymentaudit: readiness evidence for the payment platform's AWS environments."""

__version__ = "0.1.0"
