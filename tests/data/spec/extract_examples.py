"""Copy every JSON and XML example and every GET example URL of both spec editions into
examples/, verbatim (run by hand).

    python tests/data/spec/extract_examples.py ../shared/spec

A JSON example starts at a line "{" and ends where its braces balance; a member fragment (the
spec's time picker and OAuth2 examples show `"conversation": [...]` alone) starts at a line
`"name": [` or `"name": {` that follows prose and ends where its brackets balance; an XML example starts
at a line that opens "<?xml" or "<MESSAGES>" and ends at the line "</MESSAGES>"; a GET
example is a line that starts with a gateway.ashx URL and a query.
"""

import re
import sys
from pathlib import Path

here = Path(__file__).parent / "examples"


def json_blocks(lines: list[str]) -> list[tuple[int, list[str]]]:
    found, i = [], 0
    while i < len(lines):
        if lines[i].rstrip() == "{" and i > 0:
            depth, block = 0, []
            for j in range(i, len(lines)):
                block.append(lines[j])
                depth += lines[j].count("{") - lines[j].count("}")
                if depth <= 0:
                    break
            found.append((i, block))
            i = j
        i += 1
    return found


def member_blocks(lines: list[str]) -> list[tuple[int, list[str]]]:
    found, i = [], 0
    while i < len(lines):
        head = lines[i].strip()
        before = next((lines[k].strip() for k in range(i - 1, -1, -1) if lines[k].strip()), "")
        if re.fullmatch(r'"[A-Za-z]+": [\[{]', head) and not re.search(r'[{\[,"]$|^[}\]"]', before):
            depth, block = 0, []
            for j in range(i, len(lines)):
                block.append(lines[j])
                depth += sum(lines[j].count(c) for c in "{[") - sum(lines[j].count(c) for c in "}]")
                if depth <= 0:
                    break
            found.append((i, block))
            i = j
        i += 1
    return found


def xml_blocks(lines: list[str]) -> list[tuple[int, list[str]]]:
    found, i = [], 0
    while i < len(lines):
        if lines[i].startswith("<?xml") or lines[i].rstrip() == "<MESSAGES>":
            j = next(j for j in range(i, len(lines)) if lines[j].strip() == "</MESSAGES>")
            found.append((i, lines[i:j + 1]))
            i = j
        i += 1
    return found


def get_lines(lines: list[str]) -> list[tuple[int, list[str]]]:
    return [(i, [line]) for i, line in enumerate(lines) if line.startswith("https://") and "gateway.ashx?" in line]


for edition, name in (("current", "business-messaging-api.txt"), ("older", "business-messaging-api-older.txt")):
    lines = (Path(sys.argv[1]) / name).read_text(encoding="utf-8").splitlines()
    for finder, kind, ext in ((json_blocks, "", "json"), (member_blocks, "member", "json"), (xml_blocks, "xml", "xml"),
                              (get_lines, "get", "url")):
        blocks = finder(lines)
        for count, (i, block) in enumerate(blocks, 1):
            (here / f"{edition}-{kind}{count:02d}-line{i + 1}.{ext}").write_text("\n".join(block) + "\n",
                                                                                 encoding="utf-8")
        print(edition, ext, len(blocks))
