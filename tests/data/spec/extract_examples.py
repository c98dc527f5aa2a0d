"""Copy every JSON example of both spec editions into examples/, verbatim (run by hand).

    python tests/data/spec/extract_examples.py ../shared/spec
"""

import sys
from pathlib import Path

here = Path(__file__).parent / "examples"
for edition, name in (("current", "business-messaging-api.txt"), ("older", "business-messaging-api-older.txt")):
    lines = (Path(sys.argv[1]) / name).read_text(encoding="utf-8").splitlines()
    count = 0
    i = 0
    while i < len(lines):
        if lines[i].rstrip() == "{" and i > 0:
            depth, block = 0, []
            for j in range(i, len(lines)):
                block.append(lines[j])
                depth += lines[j].count("{") - lines[j].count("}")
                if depth <= 0:
                    break
            count += 1
            (here / f"{edition}-{count:02d}-line{i + 1}.json").write_text("\n".join(block) + "\n", encoding="utf-8")
            i = j
        i += 1
    print(edition, count)
