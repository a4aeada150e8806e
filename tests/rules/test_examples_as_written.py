"""EX001 on examples as docs people write them: top-level await, indented excerpts, includes."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import analyse_tree, keys

PAGE = "content/llm/материалы.md"

TEXT = """# Примеры

```python
import asyncio
result = await asyncio.sleep(0, "готово")
print(result)
```

```python
    def excerpt(self):
        return self.value
```

```python
--8<-- "examples/rag.py"
```

```python
{!> ../../docs_src/app.py !}
```

```python
{* ../../docs_src/first_steps/tutorial001.py hl[3] *}
```

```python
import json
--8<--
examples/a.py
examples/b.py
--8<--
print(json.dumps({}))
```

```python
def handler():
    --8<-- "body.py"
```

```python
    x = 1
    y = (
```
"""


def test_examples_as_written_compile_and_includes_are_notes(tmp_path: Path) -> None:
    (tmp_path / "content" / "llm").mkdir(parents=True)
    (tmp_path / PAGE).write_text(TEXT, encoding="utf-8")
    analysis = analyse_tree(tmp_path)
    lines = TEXT.split("\n")
    broken = lines.index("    y = (") + 1
    includes = [
        number
        for number, line in enumerate(lines, start=1)
        if "8<" in line or line.startswith("{") or line.startswith("examples/")
    ]
    assert keys(analysis.findings) == sorted(
        [("EX001", PAGE, broken, 9)]  # at the "(" itself
        + [("EX007", PAGE, line, 1) for line in includes]
    )
    notes = [(f.severity.value, f.message) for f in analysis.findings if f.code == "EX007"]
    assert notes[0] == (
        "info",
        "include placeholder '--8<-- \"examples/rag.py\"': the included code is not checked",
    )
    assert [message.split("'")[1] for _, message in notes] == [
        lines[line - 1].strip() for line in includes
    ]
    error = next(f for f in analysis.findings if f.code == "EX001")
    assert (error.severity.value, error.message) == (
        "error",
        "example does not compile: '(' was never closed",
    )
