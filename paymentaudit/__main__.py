"""`python -m paymentaudit`: the command-line entry point."""

from paymentaudit import cli

if __name__ == "__main__":
    cli.main()
