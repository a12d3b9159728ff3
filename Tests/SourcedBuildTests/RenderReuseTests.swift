import Foundation
import SourcedCore
import Testing

@testable import SourcedBuild

/// A build with a cache keeps the topic pages whose inputs are unchanged since the build that
/// wrote its spare, and must give exactly the bytes of a build from scratch.
@Suite struct RenderReuseTests {
    static let bibliography = """
        - id: shared
          type: guideline
          title: A shared guideline
          year: 2020
          doi: 10.1234/shared.1
        """

    static func topic(_ title: String, extra: String = "", body: String) -> String {
        """
        ---
        title: \(title)
        \(extra)review:
          status: approved
          reviewed: 2026-10-01
        references:
          - id: own
            type: research
            title: Own paper of \(title)
            year: 2019
        ---

        \(body)
        """
    }

    /// a cites the shared source and links to c; b cites the shared source; c and d cite only
    /// their own.
    static let files: [String: String] = [
        "Content/site.yaml": "title: Reuse\nreview:\n  max_age_days: 60\n",
        "Content/bibliography.yaml": bibliography,
        "Content/topics/a.md": topic("A", body: "Shared [@shared] and own [@own]; see [C](c.md#sec).\n"),
        "Content/topics/b.md": topic("B", body: "Shared again [@shared; @own].\n"),
        "Content/topics/c.md": topic("C", extra: "slug: c\n", body: "## Sec\n\nC text [@own].\n"),
        "Content/topics/d.md": topic("D", body: "D text [@own].\n"),
    ]

    struct Fixture {
        let site: TempSite
        var today = Day("2026-11-01")!
        var content: String { site.root.appendingPathComponent("Content").path }
        var templates: String { site.root.appendingPathComponent("Theme").path }

        init() throws {
            site = try TempSite(RenderReuseTests.files)
            try FileManager.default.copyItem(atPath: templatesPath, toPath: templates)
        }

        /// Builds into `Public` with the cache; returns how many topic pages and how many
        /// site-wide files were kept, after checking the output against a build from scratch.
        @discardableResult
        func build() async throws -> (topics: Int, siteWide: Int) {
            let store = ResultStore(directory: site.root.appendingPathComponent("cache").path, program: "test")
            let outcome = try await Pipeline.build(
                content: content, templates: templates, output: site.root.appendingPathComponent("Public").path,
                today: today, store: store)
            #expect(outcome.wrote)
            let scratch = site.root.appendingPathComponent("Scratch")
            try? FileManager.default.removeItem(at: scratch)
            _ = try await Pipeline.build(content: content, templates: templates, output: scratch.path, today: today)
            let built = try site.snapshot("Public")
            let expected = try site.snapshot("Scratch")
            #expect(built.keys.sorted() == expected.keys.sorted())
            let differing = expected.keys.filter { built[$0] != expected[$0] }.sorted()
            #expect(differing.isEmpty, "differs from a build from scratch: \(differing)")
            return (outcome.keptCount, outcome.keptFileCount - outcome.keptCount)
        }

        /// Builds until the spare holds this state's pages: after two builds of one state, the
        /// third keeps every page.
        func settle() async throws {
            try await build()
            try await build()
            #expect(try await build() == (4, 4))
        }
    }

    /// Each step changes one input and says how many topic pages and how many of the four
    /// site-wide files that can be kept (home page, dashboard, reference index page,
    /// `references.json`) it keeps.
    @Test func unchangedPagesAreKeptAndEveryInputIsSeen() async throws {
        var fixture = try Fixture()
        // The first two builds have no spare.
        #expect(try await fixture.build() == (0, 0))
        #expect(try await fixture.build() == (0, 0))
        #expect(try await fixture.build() == (4, 4))

        // A page's own text: that page only.
        try fixture.site.write(
            "Content/topics/b.md", Self.topic("B", body: "Shared again, reworded [@shared; @own].\n"))
        #expect(try await fixture.build() == (3, 4))
        try await fixture.settle()

        // A warning: the dashboard, which lists it. The page shows none of it, so its view, and
        // with it its key, stays the same.
        try fixture.site.write(
            "Content/topics/b.md",
            Self.topic("B", extra: "colour: blue\n", body: "Shared again, reworded [@shared; @own].\n"))
        #expect(try await fixture.build() == (4, 3))
        try await fixture.settle()

        // A shared source: every page that cites it, and the reference index's two files.
        try fixture.site.write(
            "Content/bibliography.yaml", Self.bibliography.replacingOccurrences(of: "2020", with: "2021"))
        #expect(try await fixture.build() == (2, 2))
        try await fixture.settle()

        // A page's URL: the page, the page that links to it, and the three pages that list it.
        try fixture.site.write(
            "Content/topics/c.md", Self.topic("C", extra: "slug: c-moved\n", body: "## Sec\n\nC text [@own].\n"))
        #expect(try await fixture.build() == (2, 1))
        try await fixture.settle()

        // A page's title: the page and the three pages that name it.
        let original = try #require(fixture.site.read("Content/topics/d.md"))
        try fixture.site.write(
            "Content/topics/d.md", original.replacingOccurrences(of: "title: D\n", with: "title: D2\n"))
        #expect(try await fixture.build() == (3, 1))
        try await fixture.settle()

        // Tags: the page, and the home page, which groups pages by them.
        var d = try #require(fixture.site.read("Content/topics/d.md"))
        d = d.replacingOccurrences(of: "title: D2\n", with: "title: D2\ntags: [renal]\n")
        try fixture.site.write("Content/topics/d.md", d)
        #expect(try await fixture.build() == (3, 3))
        try await fixture.settle()

        // A summary: the page, the home page and the dashboard.
        d = d.replacingOccurrences(of: "tags: [renal]\n", with: "tags: [renal]\nsummary: Short.\n")
        try fixture.site.write("Content/topics/d.md", d)
        #expect(try await fixture.build() == (3, 2))
        try await fixture.settle()

        // Reviewers: the page's badge and the dashboard.
        d = d.replacingOccurrences(of: "  status: approved\n", with: "  status: approved\n  reviewers: [Board]\n")
        try fixture.site.write("Content/topics/d.md", d)
        #expect(try await fixture.build() == (3, 3))
        try await fixture.settle()

        // Another key for a source the index lists: that entry gains an alias anchor. The page
        // lists it without citing it, so its own view is the same; only the reference index
        // page and the dashboard (for the warning that it is not cited) change.
        let listed = try #require(fixture.site.read("Content/topics/d.md"))
        try fixture.site.write(
            "Content/topics/d.md",
            listed.replacingOccurrences(
                of: "references:\n",
                with: "references:\n  - id: alias\n    type: guideline\n    title: Alias\n    doi: 10.1234/shared.1\n"))
        #expect(try await fixture.build() == (4, 2))
        try await fixture.settle()

        // Where the reference index lists a source: each page's own `own` is another source,
        // so the index numbers their anchors in page order (`source-own`, `source-own-2`, …). A
        // page that sorts first moves every other page's anchor, and nothing else of theirs.
        try fixture.site.write("Content/topics/0-first.md", Self.topic("First", body: "First [@own].\n"))
        #expect(try await fixture.build() == (0, 0))
        try FileManager.default.removeItem(atPath: fixture.content + "/topics/0-first.md")
        try await fixture.settle()

        // The day (badges age with it), the theme and the settings: everything.
        fixture.today = Day("2027-03-01")!
        #expect(try await fixture.build() == (0, 0))
        try await fixture.settle()
        let topicTemplate = fixture.templates + "/topic.mustache"
        let text = try String(contentsOfFile: topicTemplate, encoding: .utf8)
        try (text + "<!-- edited -->\n").write(toFile: topicTemplate, atomically: true, encoding: .utf8)
        #expect(try await fixture.build() == (0, 0))
        try await fixture.settle()
        try fixture.site.write("Content/site.yaml", "title: Reuse renamed\nreview:\n  max_age_days: 60\n")
        #expect(try await fixture.build() == (0, 0))
        try await fixture.settle()
    }

    @Test func aPageAlteredInTheSpareIsRenderedAgain() async throws {
        let fixture = try Fixture()
        for _ in 0..<3 { try await fixture.build() }
        // The next build writes into the spare; a page there changed since its build wrote it
        // (same length, so only its stamp tells) must not be kept.
        let spare = fixture.site.root.appendingPathComponent(".Public.sourced-spare/topics/d/index.html")
        let original = try Data(contentsOf: spare)
        var altered = original
        altered[altered.count - 2] = UInt8(ascii: "X")
        try altered.write(to: spare)
        #expect(try await fixture.build().topics == 3)
        // A manifest that is not one is no manifest: nothing is kept, nothing differs.
        try Data("not a manifest".utf8).write(
            to: fixture.site.root.appendingPathComponent("cache/\(OutputManifest.fileName)"))
        #expect(try await fixture.build().topics == 0)
        #expect(try await fixture.build().topics == 0)
        #expect(try await fixture.build().topics == 4)
    }

    @Test func aFolderABuildWithoutTheCacheWroteIsNotKnown() async throws {
        let fixture = try Fixture()
        for _ in 0..<3 { try await fixture.build() }
        // Written into the spare with a new marker, which the manifest does not know.
        _ = try await Pipeline.build(
            content: fixture.content, templates: fixture.templates,
            output: fixture.site.root.appendingPathComponent("Public").path, today: fixture.today)
        try fixture.site.write("Content/topics/d.md", Self.topic("D", body: "D text, edited [@own].\n"))
        // The spare is now the last cached build's folder, which the manifest describes.
        #expect(try await fixture.build().topics == 3)
        // Then the folder the build without the cache wrote.
        #expect(try await fixture.build().topics == 0)
        #expect(try await fixture.build().topics == 4)
    }
}
