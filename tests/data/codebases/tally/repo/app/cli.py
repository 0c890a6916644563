"""`python -m app.cli total|mean N...`: prints the result as JSON."""

import json
import sys

from app.stats import mean, total


def main(argv):
    command, *numbers = argv
    values = [float(n) for n in numbers]
    result = {"total": total, "mean": mean}[command](values)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
