import Foundation
import SourcedCore
import Testing

@testable import SourcedBuild

/// A rebuild that reuses cached pages must give the same bytes as one from scratch.
@Suite(.enabled(if: FileManager.default.fileExists(atPath: corpusGenerator.path)))
struct IncrementalTests {
    func files(_ snapshot: SiteSnapshot, _ paths: [String]) -> [String: [UInt8]] {
        var out: [String: [UInt8]] = [:]
        for path in paths {
            switch snapshot.file(path) {
            case .bytes(let bytes): out[path] = bytes
            case .copy(let source): out[path] = FileManager.default.contents(atPath: source).map(Array.init)
            case nil: break
            }
        }
        return out
    }

    @Test func cachedRebuildsMatchFullRebuildsAfterRandomEdits() async throws {
        let site = try TempSite([:])
        let corpus = site.root.appendingPathComponent("corpus")
        let generate = Process()
        generate.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        generate.arguments = ["python3", corpusGenerator.path, "--pages", "60", "--out", corpus.path]
        generate.standardOutput = FileHandle.nullDevice
        try generate.run()
        generate.waitUntilExit()
        let content = corpus.appendingPathComponent("Content").path
        let today = Day("2026-11-01")!
        var cache = PreviewCache()
        _ = await Pipeline.preview(content: content, templates: templatesPath, today: today, cache: &cache)

        var generator = SystemRandomNumberGenerator()
        var topics = try FileManager.default.contentsOfDirectory(atPath: content + "/topics").sorted()
        // Pages-only rounds reuse every other page, its checks and its links; the others change
        // what every page depends on: a shared source, or the headings and pages links can reach.
        for round in 0..<4 {
            // Paths written this round: even rounds tell the rebuild, as the file watcher does.
            var edited: Set<String> = []
            // Edit a few pages: reword a body, retitle one, and change a shared source.
            for name in topics.shuffled(using: &generator).prefix(3) {
                let path = content + "/topics/" + name
                edited.insert(path)
                var text = try String(contentsOfFile: path, encoding: .utf8)
                text = text.replacingOccurrences(
                    of: "\n\n", with: "\n\nEdited in round \(round) [@\(try firstKey(text))].\n\n", options: [],
                    range: text.range(of: "\n---\n").map { $0.upperBound..<text.endIndex })
                try text.write(toFile: path, atomically: true, encoding: .utf8)
            }
            if round == 1 {
                let bibliography = content + "/bibliography.yaml"
                let bib = try String(contentsOfFile: bibliography, encoding: .utf8)
                try bib.replacingOccurrences(
                    of: "title: ", with: "title: R\(round) ", options: [], range: bib.range(of: "title: ")
                )
                .write(toFile: bibliography, atomically: true, encoding: .utf8)
                edited.insert(bibliography)
            }
            if round == 2 {
                let headed = content + "/topics/" + topics[0]
                let text = try String(contentsOfFile: headed, encoding: .utf8)
                try (text + "\n## Added heading\n\nMore text [@\(try firstKey(text))].\n")
                    .write(toFile: headed, atomically: true, encoding: .utf8)
                let removed = content + "/topics/" + topics.removeLast()
                try FileManager.default.removeItem(atPath: removed)
                try Data("attached".utf8).write(to: URL(fileURLWithPath: content + "/topics/new-attachment.txt"))
                edited.formUnion([headed, removed, content + "/topics/new-attachment.txt", content + "/.hidden"])
            }

            let incremental = await Pipeline.preview(
                content: content, templates: templatesPath, today: today, cache: &cache,
                changed: round.isMultiple(of: 2) ? edited : nil)
            let full = await Pipeline.preview(content: content, templates: templatesPath, today: today)
            #expect(incremental.hasErrors == full.hasErrors)
            let (_, checked) = try await Pipeline.assembleAndCheck(content: content, today: today)
            #expect(incremental.diagnostics == checked.diagnostics)
            #expect(incremental.diagnostics == full.diagnostics)
            let paths =
                [
                    "index.html", "references/index.html", "review/index.html", "search-index.json", "references.json",
                    "feed.xml", "sitemap.xml",
                ]
                + topics.map { "topics/\($0.dropLast(3))/index.html" }
                + (round >= 2 ? ["topics/new-attachment.txt"] : [])
            let a = files(incremental, paths)
            let b = files(full, paths)
            #expect(a.count == paths.count)
            let differing = paths.filter { a[$0] != b[$0] }
            #expect(differing.isEmpty, "round \(round): \(differing)")
        }
    }

    /// The first citation key on a page, to keep an added paragraph cited.
    func firstKey(_ text: String) throws -> String {
        let start = try #require(text.range(of: "[@"))
        return String(text[start.upperBound...].prefix { $0 != "]" && $0 != ";" && $0 != "," })
    }
}

/// Bringing a loaded tree up to date from the paths a watcher names.
@Suite struct ContentUpdateTests {
    @Test func followsWatcherPathsEvenWithATrailingSlash() throws {
        let site = try TempSite([
            "Content/site.yaml": "title: T\n",
            "Content/a.md": "old a\n",
            "Content/gone.md": "gone\n",
        ])
        // The folder as a user may type it; the watcher then names `Content//a.md`.
        let content = site.root.appendingPathComponent("Content").path + "/"
        var cache = PageCache()
        let before = try cache.load(directory: content)
        try site.write("Content/a.md", "new a\n")
        try site.write("Content/b.md", "b\n")
        try site.write("Content/_drafts.md", "skipped\n")
        try site.write("Content/figure.png", "an attachment, copied on build and never read here\n")
        try FileManager.default.removeItem(at: site.root.appendingPathComponent("Content/gone.md"))
        let changed = Set(["a.md", "b.md", "_drafts.md", "figure.png", "gone.md"].map { content + "/" + $0 })

        let updated = try #require(
            try cache.update(before, directory: content, changed: changed))
        var fresh = PageCache()
        let full = try fresh.load(directory: content)
        #expect(updated.pages.map(\.relativePath) == ["a.md", "b.md"])
        #expect(updated.pages.map(\.path) == full.pages.map(\.path))
        #expect(updated.pages.map(\.bytes) == full.pages.map(\.bytes))
        #expect(updated.attachments == full.attachments)
        #expect(updated.attachments == ["figure.png"])
        #expect(Set(cache.files.keys) == Set(fresh.files.keys))
        #expect(full.pages.map(\.bytes) == (try ContentLoader.load(directory: content)).pages.map(\.bytes))

        // A folder that appears cannot be followed path by path.
        try site.write("Content/new/c.md", "c\n")
        #expect(
            try cache.update(updated, directory: content, changed: [content + "/new"]) == nil)
    }
}

/// The preview compiles the theme again only when a template or the assets folder changed.
@Suite struct PreviewTemplateTests {
    @Test func aTemplateEditShowsInTheNextRebuildAndAnUnchangedThemeIsKept() async throws {
        let site = try TempSite([
            "Content/site.yaml": "title: T\n",
            "Content/topics/a.md": "---\ntitle: A\nreview:\n  status: draft\n---\n\nText.\n",
        ])
        let theme = site.root.appendingPathComponent("Theme")
        try FileManager.default.copyItem(atPath: templatesPath, toPath: theme.path)
        let content = site.root.appendingPathComponent("Content").path
        var cache = PreviewCache()
        func page() async -> String {
            let snapshot = await Pipeline.preview(
                content: content, templates: theme.path, today: Day("2026-11-01")!, cache: &cache)
            guard case .bytes(let bytes) = snapshot.file("topics/a/index.html") else { return "" }
            return String(decoding: bytes, as: UTF8.self)
        }
        #expect(await page().contains("<h1>A</h1>"))
        let first = try #require(cache.templates?.set.skeletons)
        #expect(await page().contains("<h1>A</h1>"))
        #expect(cache.templates?.set.skeletons === first)

        let topic = theme.appendingPathComponent("topic.mustache")
        let text = try String(contentsOf: topic, encoding: .utf8)
        try text.replacingOccurrences(of: "<h1>{{title}}</h1>", with: "<h1 class=\"edited\">{{title}}</h1>")
            .write(to: topic, atomically: true, encoding: .utf8)
        #expect(await page().contains("<h1 class=\"edited\">A</h1>"))
        #expect(cache.templates?.set.skeletons !== first)

        try FileManager.default.removeItem(at: theme.appendingPathComponent("assets"))
        let withoutAssets = await Pipeline.preview(
            content: content, templates: theme.path, today: Day("2026-11-01")!, cache: &cache)
        #expect(withoutAssets.file("assets/style.css") == nil)
    }
}
