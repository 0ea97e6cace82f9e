"""docs/security.md cannot rot: every test it cites as proof exists.

The page cites tests as `tests/<path>.py::<test>` or `tests/<path>.py::<Class>::<test>`, and
code as `<path>.py`. Each cited test file is parsed (not imported, so citing costs nothing)
and must define the class and the test function named; each cited source file must exist.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "security.md"
TEST_CITATION = re.compile(r"(tests/[\w/]+\.py)::([\w:]+)")
FILE_CITATION = re.compile(
    r"`((?:config|core|register|notifications|mappa|victims|accounts|mfa|partners|imports)/[\w/]+\.py)"
)


def _definitions(path: Path) -> set[str]:
    """'Class::test' and 'test' for every test of the file (methods and module functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            names.add(node.name)
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    names.add(f"{node.name}::{item.name}")
    return names


def citations() -> list[tuple[str, str]]:
    return TEST_CITATION.findall(DOC.read_text(encoding="utf-8"))


def test_the_page_cites_tests() -> None:
    # A page that cites nothing proves nothing: at least one test per area it covers.
    assert len({path for path, _ in citations()}) >= 8


def test_every_cited_test_exists() -> None:
    missing = []
    for path, name in citations():
        file = ROOT / path
        if not file.is_file():
            missing.append(f"{path} (no such file)")
        elif name not in _definitions(file):
            missing.append(f"{path}::{name}")
    assert not missing, "docs/security.md cites tests that do not exist:\n" + "\n".join(missing)


def test_every_cited_source_file_exists() -> None:
    cited = FILE_CITATION.findall(DOC.read_text(encoding="utf-8"))
    assert cited
    missing = sorted({path for path in cited if not (ROOT / path).is_file()})
    assert not missing, f"docs/security.md cites files that do not exist: {missing}"


def test_the_checker_finds_a_test_that_is_not_there() -> None:
    # The check itself can fail: a made-up name is not among a real file's definitions.
    names = _definitions(Path(__file__))
    assert "test_every_cited_test_exists" in names
    assert "test_that_was_never_written" not in names
