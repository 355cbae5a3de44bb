#!/usr/bin/env python3
"""A generated campaign's bodies rewritten with Chinese text as varied as real text.

    python3 benches/diverse_text.py FROM TO

`../shared/bench/gen_campaign.py` writes bodies from a short word list: 10,000 entries hold only
2,805 distinct Han grams, where real text of that size holds hundreds of thousands of pairs.
The search index's cost depends on that number (each distinct gram is a posting list, a slot
and a record). This copies the campaign FROM to TO and replaces each Han character of each body
(headings kept, so every entry still passes `check`; lengths and punctuation kept) with a walk
over the pairs of the Chinese text in this repository and ../shared (a Markov chain of
neighbouring characters, with a jump to a character by its frequency one time in ten). Same
seed, same output.
"""
import bisect
import collections
import os
import random
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def han(c):
    return "\u4e00" <= c <= "\u9fff"


def model():
    runs = []
    for root in (os.path.join(HERE, ".."), os.path.join(HERE, "..", "..", "shared")):
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if d not in ("target", ".git", "node_modules")]
            for name in files:
                try:
                    text = open(os.path.join(folder, name), encoding="utf-8").read()
                except (UnicodeDecodeError, OSError):
                    continue
                runs += "".join(c if han(c) else " " for c in text).split()
    counts = collections.Counter()
    after = collections.defaultdict(list)
    for run in runs:
        for i, c in enumerate(run):
            counts[c] += 1
            if i + 1 < len(run):
                after[c].append(run[i + 1])
    chars = sorted(counts)
    total, cumulative = 0, []
    for c in chars:
        total += counts[c]
        cumulative.append(total)
    return chars, cumulative, total, after


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    source, target = sys.argv[1], sys.argv[2]
    if os.path.exists(target):
        sys.exit(f"{target} already exists: give a folder that does not")
    shutil.copytree(source, target)
    chars, cumulative, total, after = model()
    rng = random.Random(2017_61)
    state = {"prev": chars[0]}

    def next_char():
        prev = state["prev"]
        if rng.random() < 0.1 or not after[prev]:
            prev = chars[bisect.bisect(cumulative, rng.random() * total)]
        else:
            prev = rng.choice(after[prev])
        state["prev"] = prev
        return prev

    pairs = set()
    for folder, _, files in sorted(os.walk(os.path.join(target, "submissions"))):
        for name in sorted(files):
            if not name.endswith(".md"):
                continue
            path = os.path.join(folder, name)
            _, front, body = open(path, encoding="utf-8").read().split("---\n", 2)
            lines = [
                line if line.startswith("#") else "".join(next_char() if han(c) else c for c in line)
                for line in body.split("\n")
            ]
            body = "\n".join(lines)
            pairs.update(a + b for a, b in zip(body, body[1:]) if han(a) and han(b))
            with open(path, "w", encoding="utf-8") as out:
                out.write("---\n" + front + "---\n" + body)
    print(f"{target}: {len(pairs)} distinct pairs of Han characters in the bodies")


if __name__ == "__main__":
    main()
