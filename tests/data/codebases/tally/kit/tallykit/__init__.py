"""What hidden tests of tally fixtures share: run the command as its own process, read its answer."""

import json

import gradekit


def tally(command, *numbers):
    done = gradekit.run(["python", "-m", "app.cli", command, *map(str, numbers)])
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])
