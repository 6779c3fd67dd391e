#!/usr/bin/env python3
"""Regenerates common-passwords.txt from the two npm packages named in its header.

Usage (in an empty folder):
    npm pack @zxcvbn-ts/language-common@4.1.3 @zxcvbn-ts/language-fr@4.1.2
    for f in *.tgz; do mkdir -p "${f%.tgz}"; tar xzf "$f" -C "${f%.tgz}"; done
    python3 generate.py . > /path/to/crates/auth/data/common-passwords.txt.body
The header of common-passwords.txt is kept by hand; this prints the list only.
"""
import json
import sys

root = sys.argv[1] if len(sys.argv) > 1 else "."
passwords = json.load(open(f"{root}/zxcvbn-ts-language-common-4.1.3/package/src/passwords.json"))
french = json.load(open(f"{root}/zxcvbn-ts-language-fr-4.1.2/package/src/commonWords.json"))
out, seen = [], set()


def add(word):
    word = word.strip().lower()
    if word and word not in seen and " " not in word:
        seen.add(word)
        out.append(word)


for w in passwords:
    add(w)
n = 0
for w in french:
    if len(w) >= 6 and w.isalpha():
        add(w)
        n += 1
        if n >= 3000:
            break
print("\n".join(out))
