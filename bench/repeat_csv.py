#!/usr/bin/env python3
"""Repeats the rows of a CSV file until the output holds at least MB
megabytes (whole passes). The first column of pass N gets "-N" appended, so
that every row stays distinct (ad ids, keys).

Usage: bench/repeat_csv.py SRC DST MB
"""
import csv
import sys


def main():
    src, dst, mb = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(src, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    with open(dst, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        n = 0
        while f.tell() < mb * 1_000_000:
            for r in body:
                r = list(r)
                r[0] = f"{r[0]}-{n}"
                w.writerow(r)
            n += 1


if __name__ == "__main__":
    main()
