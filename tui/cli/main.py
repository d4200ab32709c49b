import sys


def main(argv: list[str] | None = None) -> int:
    print("afi: not yet", file=sys.stderr)
    return 1
