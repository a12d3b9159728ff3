import Foundation
import Hummingbird
import SourcedBuild
import SourcedCore
import Testing

@testable import SourcedPreview

/// The preview server, run in-process on a loopback port and sent requests byte for byte.
@Suite struct PreviewServerTests {
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("sourced-preview-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("site"), withIntermediateDirectories: true)
        try Data("attachment bytes".utf8).write(to: folder.appendingPathComponent("site/leaflet.pdf"))
        try Data("TOP SECRET".utf8).write(to: folder.appendingPathComponent("secret.txt"))
    }

    func snapshot(diagnostics: [Diagnostic] = [], root: String = "/") -> SiteSnapshot {
        SiteSnapshot(
            files: [
                "index.html": .bytes(Array("<html><body><h1>Home</h1></body></html>".utf8)),
                "topics/a/index.html": .bytes(Array("<html><body>Topic A</body></html>".utf8)),
                "assets/style.css": .bytes(Array("body{}".utf8)),
                "search-index.json": .bytes(Array("[]".utf8)),
                "feed.xml": .bytes(Array("<feed/>".utf8)),
                "files/leaflet.pdf": .copy(folder.appendingPathComponent("site/leaflet.pdf").path),
            ],
            diagnostics: diagnostics, pageCount: 1, rootPath: root)
    }

    func withServer(_ state: PreviewState, _ test: @escaping @Sendable (LoopbackClient) async throws -> Void)
        async throws
    {
        try await withRunningServer({ PreviewServer.application(state: state, port: 0, onServerRunning: $0) }, test)
    }

    @Test func servesPagesWithTypesNoCachingAndTheReloadScript() async throws {
        try await withServer(PreviewState(snapshot())) { client in
            do {
                let response = try await client.get("/")
                #expect(response.status == 200)
                #expect(response.headers["content-type"] == "text/html; charset=utf-8")
                #expect(response.headers["cache-control"] == "no-store")
                let body = response.body
                #expect(body.contains("<h1>Home</h1><script src=\"/__sourced/reload.js\"></script></body>"))
            }
            for (path, type) in [
                ("/assets/style.css", "text/css; charset=utf-8"), ("/search-index.json", "application/json"),
                ("/feed.xml", "application/atom+xml"), ("/files/leaflet.pdf", "application/pdf"),
                ("/__sourced/reload.js", "text/javascript; charset=utf-8"),
            ] {
                do {
                    let response = try await client.get(path)
                    #expect(response.status == 200, "\(path)")
                    #expect(response.headers["content-type"] == type, "\(path)")
                }
            }
            do {
                let response = try await client.get("/files/leaflet.pdf")
                #expect(response.body == "attachment bytes")
            }
            do {
                let response = try await client.get("/topics/a")
                #expect(response.status == 301)
                #expect(response.headers["location"] == "/topics/a/")
            }
        }
    }

    @Test func unknownPathsGetARealNotFoundPage() async throws {
        try await withServer(PreviewState(snapshot())) { client in
            do {
                let response = try await client.get("/topics/nothing/")
                #expect(response.status == 404)
                #expect(response.headers["content-type"] == "text/html; charset=utf-8")
                #expect(response.body.contains("<h1>Not found</h1>"))
            }
        }
    }

    @Test(arguments: [
        "/../secret.txt", "/%2e%2e/secret.txt", "/files/..%2f..%2f..%2fsecret.txt", "/files/%2e%2e/%2e%2e/secret.txt",
        "/files/..\\..\\secret.txt", "/files/%5c..%5csecret.txt", "/files/leaflet.pdf%00.html", "//etc/passwd",
        "/files/./leaflet.pdf",
    ])
    func nothingOutsideTheSiteIsEverServed(_ path: String) async throws {
        try await withServer(PreviewState(snapshot())) { client in
            do {
                let response = try await client.get(path)
                #expect(response.status == 404)
                #expect(!response.body.contains("TOP SECRET"))
                #expect(!response.body.contains("attachment bytes"))
            }
        }
    }

    /// DNS rebinding: a page on another site that points its name at 127.0.0.1 reads nothing.
    @Test func onlyRequestsForTheLoopbackNameAreAnswered() async throws {
        try await withServer(PreviewState(snapshot())) { client in
            for host in ["attacker.example", "attacker.example:\(client.port)", "127.0.0.1.attacker.example", ""] {
                let response = try await client.get("/topics/a/", host: host)
                #expect(response.status == 421, "\(host)")
                #expect(!response.body.contains("Topic A"), "\(host)")
            }
            for host in ["127.0.0.1:\(client.port)", "localhost:\(client.port)", "LOCALHOST", "[::1]:\(client.port)"] {
                #expect(try await client.get("/topics/a/", host: host).status == 200, "\(host)")
            }
        }
    }

    @Test func aRootPathFromBaseURLIsHonoured() async throws {
        try await withServer(PreviewState(snapshot(root: "/docs/"))) { client in
            try #expect(await client.get("/docs/topics/a/").status == 200)
            try #expect(await client.get("/topics/a/").status == 404)
        }
    }

    @Test func errorsReplaceStaleContentWithAnOverlay() async throws {
        let page = folder.appendingPathComponent("page.md")
        try Data("---\ntitle: T\n---\n\nSee [@nope] here.\n".utf8).write(to: page)
        let error = Diagnostic(
            file: page.path, position: .init(line: 5, column: 6), rule: .unknownCitation,
            message: "unknown citation key 'nope'", hint: "did you mean 'hope'?")
        let state = PreviewState(snapshot(diagnostics: [error]))
        try await withServer(state) { client in
            do {
                let response = try await client.get("/topics/a/")
                let body = response.body
                #expect(body.contains("id=\"sourced-error-overlay\""))
                #expect(body.contains("\(page.path):5:6"))
                #expect(body.contains("unknown citation key &#39;nope&#39;"))
                #expect(body.contains("<pre tabindex=\"0\">See [@nope] here.\n     ^</pre>"))
                // The excerpt scrolls by keyboard; the heading, not the whole page, is announced.
                #expect(body.contains("<main id=\"sourced-error-overlay\">") && body.contains("<h1 role=\"alert\">"))
                #expect(body.contains("/__sourced/reload.js"))
                #expect(!body.contains("Topic A"))
            }
            // Assets still load; fixing the content brings the page back.
            try #expect(await client.get("/assets/style.css").status == 200)
            await state.update(snapshot())
            do {
                let response = try await client.get("/topics/a/")
                #expect(response.body.contains("Topic A"))
            }
        }
    }

    @Test func everyRebuildSendsAReloadEvent() async throws {
        let state = PreviewState(snapshot())
        try await withServer(state) { client in
            async let events = client.get("/__sourced/events")
            while await state.listenerCount == 0 { try await Task.sleep(for: .milliseconds(5)) }
            await state.update(snapshot())
            while await state.generation < 1 { try await Task.sleep(for: .milliseconds(5)) }
            try await Task.sleep(for: .milliseconds(20))
            await state.close()
            let response = try await events
            let (type, body) = (response.headers["content-type"], response.body)
            #expect(type == "text/event-stream")
            #expect(body.hasPrefix(": connected\n\n"))
            #expect(body.contains("event: reload\ndata: 1\n\n"))
        }
    }
}

@Suite struct PreviewBuildTests {
    @Test func previewShowsPagesThatBuildWouldLeaveOut() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("sourced-pv-\(UUID().uuidString)")
        let content = root.appendingPathComponent("Content")
        try FileManager.default.createDirectory(at: content, withIntermediateDirectories: true)
        try Data("title: T\npublish:\n  statuses: [approved]\n".utf8).write(
            to: content.appendingPathComponent("site.yaml"))
        try Data(
            "---\ntitle: Draft page\nreview:\n  status: draft\nreferences:\n  - id: r\n    title: R\n---\n\nText [@r].\n"
                .utf8
        ).write(to: content.appendingPathComponent("d.md"))
        let templates = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Templates")
        let snapshot = await Pipeline.preview(
            content: content.path, templates: templates.path, today: Day("2026-11-01")!)
        #expect(snapshot.failure == nil)
        guard case .bytes(let bytes) = snapshot.file("topics/d/index.html") else {
            Issue.record("the draft page is not in the preview")
            return
        }
        #expect(String(decoding: bytes, as: UTF8.self).contains("Not published"))
        let broken = await Pipeline.preview(content: content.path, templates: "/nonexistent", today: Day("2026-11-01")!)
        #expect(broken.failure?.contains("templates") == true)
        #expect(broken.hasErrors)
    }
}
