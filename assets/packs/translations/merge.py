#!/usr/bin/env python3
"""Builds assets/packs/multilingual.json from the default pack and one translation file per
added language (translations/<code>.json), so that the sample pack follows the default pack.

A translation file holds the language's entry of "languages" and a text for every localizable
string of the default pack, keyed by its place: "strings.home.title",
"journeys[feedback].pages[p1].elements[comment].title", "catalogs.services[REHAB].text" (a list
item is named by its id, name or value, else its index). The merge fails, naming the place, when
a text is missing, is left over from a string the default pack no longer has, or has not the
placeholders ({n}, {total}, ...) of the English text (or of the Simplified Chinese one, whose
dates are "{m}月{d}日" where English has "{d} {mon}").

    merge.py            write multilingual.json
    merge.py --check    exit 1 when multilingual.json is not what the merge writes
    merge.py --extract  print every place with its English and Simplified Chinese texts
"""
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PACKS = os.path.dirname(HERE)
LANGS = ["ug", "bo", "zh-tw"]  # added after the default pack's languages, in this order
PLACEHOLDER = re.compile(r"\{[A-Za-z_.]+\}")


def is_lstr(o):
    return isinstance(o, dict) and "default" in o and all(isinstance(v, str) for v in o.values())


def item_name(item, i):
    if isinstance(item, dict):
        for k in ("id", "name", "value"):
            if k in item:
                return str(item[k])
    return str(i)


def localizable(o, place=""):
    """Yields (place, the localizable dict) for every localizable string under o."""
    if is_lstr(o):
        yield place, o
    elif isinstance(o, dict):
        for k, v in o.items():
            yield from localizable(v, f"{place}.{k}" if place else k)
    elif isinstance(o, list):
        for i, v in enumerate(o):
            yield from localizable(v, f"{place}[{item_name(v, i)}]")


def merge():
    with open(os.path.join(PACKS, "default.json"), encoding="utf-8") as f:
        pack = json.load(f)
    errors = []
    places = list(localizable(pack))
    for code in LANGS:
        with open(os.path.join(HERE, code + ".json"), encoding="utf-8") as f:
            tr = json.load(f)
        pack["languages"].append(tr["language"])
        texts = tr["texts"]
        for place, lstr in places:
            text = texts.get(place)
            if not isinstance(text, str) or not text.strip():
                errors.append(f"{code}.json: no text for {place}")
                continue
            # The English text's placeholders, or those of another language of the default
            # pack (a date is "{m}月{d}日" in Chinese, "{d} {mon}" in English).
            allowed = [sorted(PLACEHOLDER.findall(lstr[k])) for k in lstr if k not in LANGS]
            if sorted(PLACEHOLDER.findall(text)) not in allowed:
                errors.append(f"{code}.json: {place}: placeholders {allowed[0]} expected")
            lstr[code] = text
        known = {p for p, _ in places}
        errors += [f"{code}.json: {p}: no such string in default.json" for p in texts
                   if p not in known]
    pack["id"] = "multilingual"
    return pack, errors


def main():
    if "--extract" in sys.argv:
        with open(os.path.join(PACKS, "default.json"), encoding="utf-8") as f:
            pack = json.load(f)
        out = {p: {"en": l["default"], "zh-cn": l.get("zh-cn")} for p, l in localizable(pack)}
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return 0
    pack, errors = merge()
    for e in errors:
        print(e, file=sys.stderr)
    if errors:
        return 1
    text = json.dumps(pack, ensure_ascii=False, indent=2) + "\n"
    target = os.path.join(PACKS, "multilingual.json")
    if "--check" in sys.argv:
        with open(target, encoding="utf-8") as f:
            if f.read() != text:
                print(f"{target} is out of date: run {sys.argv[0]}", file=sys.stderr)
                return 1
        return 0
    with open(target, "w", encoding="utf-8") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
