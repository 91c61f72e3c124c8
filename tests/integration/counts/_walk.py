"""The count scripts' second interface to common.py's walker: files() in name order,
emit() with the counts as keyword arguments, main_args() for the command line."""
import json
import sys

import common


def files(args):
    yield from common.entries(args, sort_members=True)


def emit(source, **counts):
    print(json.dumps(dict(source=source, **counts)))


def main_args():
    if len(sys.argv) < 2:
        sys.exit("usage: %s FILE|DIR..." % sys.argv[0])
    return sys.argv[1:]
