import Foundation
import Hummingbird
import HummingbirdTesting
import SourcedBuild
import SourcedCore
import Testing

@testable import SourcedPreview

/// The preview server, driven in-process through Hummingbird's test client.
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

    func withServer(_ state: PreviewState, _ test: @escaping @Sendable (any TestClientProtocol) async throws -> Void)
        async throws
    {
        let app = PreviewServer.application(state: state)
        try await app.test(.router, test)
    }

    @Test func servesPagesWithTypesNoCachingAndTheReloadScript() async throws {
        try await withServer(PreviewState(snapshot())) { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(response.headers[.cacheControl] == "no-store")
                let body = String(buffer: response.body)
                #expect(body.contains("<h1>Home</h1><script src=\"/__sourced/reload.js\"></script></body>"))
            }
            for (path, type) in [
                ("/assets/style.css", "text/css; charset=utf-8"), ("/search-index.json", "application/json"),
                ("/feed.xml", "application/atom+xml"), ("/files/leaflet.pdf", "application/pdf"),
                ("/__sourced/reload.js", "text/javascript; charset=utf-8"),
            ] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .ok, "\(path)")
                    #expect(response.headers[.contentType] == type, "\(path)")
                }
            }
            try await client.execute(uri: "/files/leaflet.pdf", method: .get) { response in
                #expect(String(buffer: response.body) == "attachment bytes")
            }
            try await client.execute(uri: "/topics/a", method: .get) { response in
                #expect(response.status == .movedPermanently)
                #expect(response.headers[.location] == "/topics/a/")
            }
        }
    }

    @Test func unknownPathsGetARealNotFoundPage() async throws {
        try await withServer(PreviewState(snapshot())) { client in
            try await client.execute(uri: "/topics/nothing/", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(String(buffer: response.body).contains("<h1>Not found</h1>"))
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
            try await client.execute(uri: path, method: .get) { response in
                #expect(response.status == .notFound)
                #expect(!String(buffer: response.body).contains("TOP SECRET"))
                #expect(!String(buffer: response.body).contains("attachment bytes"))
            }
        }
    }

    @Test func aRootPathFromBaseURLIsHonoured() async throws {
        try await withServer(PreviewState(snapshot(root: "/docs/"))) { client in
            try await client.execute(uri: "/docs/topics/a/", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/topics/a/", method: .get) { #expect($0.status == .notFound) }
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
            try await client.execute(uri: "/topics/a/", method: .get) { response in
                let body = String(buffer: response.body)
                #expect(body.contains("id=\"sourced-error-overlay\""))
                #expect(body.contains("\(page.path):5:6"))
                #expect(body.contains("unknown citation key &#39;nope&#39;"))
                #expect(body.contains("<pre>See [@nope] here.\n     ^</pre>"))
                #expect(body.contains("/__sourced/reload.js"))
                #expect(!body.contains("Topic A"))
            }
            // Assets still load; fixing the content brings the page back.
            try await client.execute(uri: "/assets/style.css", method: .get) { #expect($0.status == .ok) }
            await state.update(snapshot())
            try await client.execute(uri: "/topics/a/", method: .get) { response in
                #expect(String(buffer: response.body).contains("Topic A"))
            }
        }
    }

    @Test func everyRebuildSendsAReloadEvent() async throws {
        let state = PreviewState(snapshot())
        try await withServer(state) { client in
            async let events = client.execute(uri: "/__sourced/events", method: .get) { response in
                (response.headers[.contentType], String(buffer: response.body))
            }
            while await state.listenerCount == 0 { try await Task.sleep(for: .milliseconds(5)) }
            await state.update(snapshot())
            while await state.generation < 1 { try await Task.sleep(for: .milliseconds(5)) }
            try await Task.sleep(for: .milliseconds(20))
            await state.close()
            let (type, body) = try await events
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
