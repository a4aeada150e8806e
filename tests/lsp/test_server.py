"""The language server, driven over stdio by a real LSP client (tests/lsp/client.py)."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from tests.lsp.client import Session, project, run

MATERIALS = "content/ml/материалы.md"
INTERVIEW = "content/ml/подготовка-к-интервью.md"
TRACKER = "content/ml/пробелы-в-покрытии.md"
TASK = "content/tasks/ml_001_routing.md"


def test_a_broken_anchor_is_reported_at_its_utf16_range_and_cleared_when_fixed(
    tmp_path: Path,
) -> None:
    root = project(tmp_path)

    async def scenario(s: Session) -> None:
        text = s.open(MATERIALS)
        line = 6  # "Гейт 😀 выбирает ... [агенты](#2-агентные-системы)."
        s.replace(MATERIALS, text.replace("#2-агентные-системы", "#2-агентные-систем"))
        await s.wait_codes(MATERIALS, lambda c: "XR002" in c, "XR002 on the materials page")
        (diag,) = [d for d in s.diagnostics[s.uri(MATERIALS)] if d.code == "XR002"]
        source = text.split("\n")[line]
        start = source.index("[агенты]")
        # the emoji before the link is two UTF-16 units: the column is not the code point one
        assert diag.range.start == types.Position(line, start + 1)
        link = "[агенты](#2-агентные-систем)"
        assert diag.range.end == types.Position(line, start + 1 + len(link))
        assert diag.severity == types.DiagnosticSeverity.Error
        assert "did you mean '#2-агентные-системы'" in diag.message
        s.replace(MATERIALS, text)
        await s.wait_codes(MATERIALS, lambda c: "XR002" not in c, "XR002 cleared")

    run(root, scenario)


def test_renaming_a_heading_republishes_the_pages_that_link_to_it(tmp_path: Path) -> None:
    root = project(tmp_path)

    async def scenario(s: Session) -> None:
        s.open(MATERIALS)
        line = 8
        assert (root / MATERIALS).read_text(encoding="utf-8").split("\n")[line].startswith("## 2.")
        s.edit(MATERIALS, line, 6, 14, "Мульти-агенты")  # "Агентные" → "Мульти-агенты"
        await s.wait_codes(INTERVIEW, lambda c: "XR002" in c, "XR002 on the interview page")
        (diag,) = [d for d in s.diagnostics[s.uri(INTERVIEW)] if d.code == "XR002"]
        assert diag.range.start.line == 4
        assert "2-мульти-агенты-системы" in diag.message
        # the file on disk was not touched: the finding comes from the unsaved buffer
        assert "Агентные системы" in (root / MATERIALS).read_text(encoding="utf-8")

    run(root, scenario)


def test_definition_of_a_task_id_is_its_task_file_and_of_a_link_its_heading(
    tmp_path: Path,
) -> None:
    root = project(tmp_path)

    async def scenario(s: Session) -> None:
        s.open(MATERIALS)
        where = s.position(MATERIALS, 10, "ml_001_routing", 3)
        found = await s.client.text_document_definition_async(
            types.DefinitionParams(types.TextDocumentIdentifier(s.uri(MATERIALS)), where)
        )
        assert isinstance(found, list)
        assert found[0].uri == s.uri(TASK)
        link = s.position(INTERVIEW, 4, "материалы.md", 2)
        found = await s.client.text_document_definition_async(
            types.DefinitionParams(types.TextDocumentIdentifier(s.uri(INTERVIEW)), link)
        )
        assert isinstance(found, list)
        assert found[0].uri == s.uri(MATERIALS)
        assert found[0].range.start.line == 8  # "## 2. Агентные системы"
        refs = await s.client.text_document_references_async(
            types.ReferenceParams(
                text_document=types.TextDocumentIdentifier(s.uri(MATERIALS)),
                position=types.Position(8, 3),
                context=types.ReferenceContext(include_declaration=False),
            )
        )
        assert refs is not None
        assert {r.uri for r in refs} == {s.uri(INTERVIEW), s.uri(MATERIALS)}

    run(root, scenario)


def test_completion_after_an_anchor_hash_offers_the_headings_of_this_page(
    tmp_path: Path,
) -> None:
    root = project(tmp_path)

    async def scenario(s: Session) -> None:
        text = s.open(MATERIALS)
        s.replace(MATERIALS, text + "\nСм. [тут](#")
        line = len(text.split("\n"))
        result = await s.client.text_document_completion_async(
            types.CompletionParams(
                types.TextDocumentIdentifier(s.uri(MATERIALS)),
                types.Position(line, len("См. [тут](#")),
            )
        )
        assert isinstance(result, types.CompletionList)
        labels = [i.label for i in result.items]
        assert labels == [
            "материалы-маленький-трек",
            "1-роутинг-в-moe-ml_001_routing",
            "2-агентные-системы",
        ]
        s.replace(MATERIALS, text + "\nСм. [тут](")
        result = await s.client.text_document_completion_async(
            types.CompletionParams(
                types.TextDocumentIdentifier(s.uri(MATERIALS)),
                types.Position(line, len("См. [тут](")),
            )
        )
        assert isinstance(result, types.CompletionList)
        assert "../tasks/ml_001_routing.md" in [i.label for i in result.items]

    run(root, scenario)


def test_hover_on_a_gap_shows_computed_and_declared_status(tmp_path: Path) -> None:
    root = project(tmp_path)

    async def scenario(s: Session) -> None:
        await s.wait_codes(TRACKER, lambda c: "GP003" in c, "GP003 on the tracker")
        s.open(TRACKER)
        found = await s.client.text_document_hover_async(
            types.HoverParams(types.TextDocumentIdentifier(s.uri(TRACKER)), types.Position(4, 8))
        )
        assert found is not None
        assert isinstance(found.contents, types.MarkupContent)
        value = found.contents.value
        assert "computed: **partial**" in value
        assert "declared: **covered**" in value
        assert "✗ **working_example**" in value
        actions = await s.client.text_document_code_action_async(
            types.CodeActionParams(
                types.TextDocumentIdentifier(s.uri(TRACKER)),
                types.Range(types.Position(4, 0), types.Position(4, 0)),
                types.CodeActionContext(diagnostics=[]),
            )
        )
        assert actions is not None
        titles = [a.title for a in actions if isinstance(a, types.CodeAction)]
        assert any("ЧАСТИЧНО ЗАПОЛНЕНО" in t for t in titles)

    run(root, scenario)


def test_a_broken_anchor_gets_its_did_you_mean_as_a_code_action(tmp_path: Path) -> None:
    root = project(tmp_path)

    async def scenario(s: Session) -> None:
        text = s.open(MATERIALS)
        s.replace(MATERIALS, text.replace("#2-агентные-системы", "#2-агентные-систем"))
        await s.wait_codes(MATERIALS, lambda c: "XR002" in c, "XR002")
        (diag,) = [d for d in s.diagnostics[s.uri(MATERIALS)] if d.code == "XR002"]
        actions = await s.client.text_document_code_action_async(
            types.CodeActionParams(
                types.TextDocumentIdentifier(s.uri(MATERIALS)),
                diag.range,
                types.CodeActionContext(diagnostics=[diag]),
            )
        )
        assert actions is not None
        (action,) = actions
        assert isinstance(action, types.CodeAction) and action.edit is not None
        assert action.edit.changes is not None
        (edit,) = action.edit.changes[s.uri(MATERIALS)]
        assert edit.new_text == "2-агентные-системы"
        line = text.split("\n")[6]
        start = len(line[: line.index("#2-") + 1].encode("utf-16-le")) // 2
        assert edit.range.start == types.Position(6, start)

    run(root, scenario)


def test_a_file_changed_on_disk_is_picked_up_from_watched_files(tmp_path: Path) -> None:
    root = project(tmp_path)

    async def scenario(s: Session) -> None:
        task = root / TASK
        task.unlink()
        s.client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                [types.FileEvent(task.as_uri(), types.FileChangeType.Deleted)]
            )
        )
        # a page created on disk that links to the deleted task file
        (root / "content/ml/новая.md").write_text(
            "# Новая\n\nСм. [задача](../tasks/ml_001_routing.md).\n", encoding="utf-8"
        )
        s.client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                [
                    types.FileEvent(
                        (root / "content/ml/новая.md").as_uri(), types.FileChangeType.Created
                    )
                ]
            )
        )
        await s.wait_codes("content/ml/новая.md", lambda c: "XR001" in c, "XR001 on the new page")
        task.write_text("---\nid: ml_001_routing\n---\n# Задача\n", encoding="utf-8")
        s.client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                [types.FileEvent(task.as_uri(), types.FileChangeType.Created)]
            )
        )
        await s.wait_codes("content/ml/новая.md", lambda c: "XR001" not in c, "XR001 cleared")

    run(root, scenario)


def test_bad_input_is_logged_in_one_line_and_the_server_keeps_serving(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "content/ml/битый.md").write_bytes(b"# \xff\xfe broken\n")

    async def scenario(s: Session) -> None:
        await s.wait_codes("content/ml/битый.md", lambda c: "IO002" in c, "IO002 on disk")
        # a change for a document that was never opened
        s.replace("content/ml/нет.md", "# x\n")
        await s.wait_log("not open")
        # versions going backwards
        text = s.open(MATERIALS)
        s.replace(MATERIALS, text, version=5)
        s.replace(MATERIALS, text.replace("#2-агентные-системы", "#нет"), version=3)
        await s.wait_log("version 3 after 5")
        await s.wait_codes(MATERIALS, lambda c: "XR002" in c, "XR002 still computed")
        # a 20 MB buffer
        s.replace(MATERIALS, "# big\n" + "слово " * 3_500_000)
        await s.wait_log("above the")
        # a request on a position past the end, and one for an unknown file
        found = await s.client.text_document_hover_async(
            types.HoverParams(
                types.TextDocumentIdentifier(s.uri(MATERIALS)), types.Position(10_000, 10_000)
            )
        )
        assert found is None
        found = await s.client.text_document_definition_async(
            types.DefinitionParams(
                types.TextDocumentIdentifier((root / "elsewhere.md").as_uri()),
                types.Position(0, 0),
            )
        )
        assert found is None
        code = await s.stop()
        assert code == 0

    run(root, scenario)


def test_a_workspace_without_markdown_is_served_and_shut_down(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()

    async def scenario(s: Session) -> None:
        await s.wait_log("no Markdown documents")
        assert await s.stop() == 0

    run(tmp_path / "empty", scenario, watched_files=False)


def test_tracker_findings_follow_an_edit_of_a_page_the_tracker_claims(tmp_path: Path) -> None:
    root = project(tmp_path)

    async def scenario(s: Session) -> None:
        text = s.open(INTERVIEW)
        killer = "Q: Почему MoE сложно обучать?\nA: Дисбаланс нагрузки между экспертами.\n"
        s.replace(INTERVIEW, text.replace(killer, ""))
        await s.wait_codes(TRACKER, lambda c: "GP002" in c, "GP002 on the tracker")
        (diag,) = [d for d in s.diagnostics[s.uri(TRACKER)] if d.code == "GP002"]
        assert diag.range.start.line == 10  # "- 3 Q&A (Basic/Medium/Killer)"
        assert "holds 2" in diag.message
        s.replace(INTERVIEW, text)
        await s.wait_codes(TRACKER, lambda c: "GP002" not in c, "GP002 cleared")

    run(root, scenario)
