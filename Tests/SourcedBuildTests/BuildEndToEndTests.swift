import Foundation
import Testing

/// Runs the real binary on small sites in temporary folders.
@Suite struct BuildEndToEndTests {
    static let bibliography = """
        - id: shared
          type: guideline
          title: Shared guideline
          authors: [Smith J]
          container: J Test
          year: 2020
          doi: 10.1234/shared
        """

    func validSite() throws -> TempSite {
        try TempSite([
            "Content/site.yaml": "title: Test KB\nbase_url: https://kb.example.org/\n",
            "Content/bibliography.yaml": Self.bibliography,
            "Content/topics/a.md": page(
                title: "Topic A", body: "Claim [@shared]. See [B](b.md#treatment).\n"),
            "Content/topics/b.md": page(title: "Topic B", status: "draft", body: "## Treatment\n\nTreat [@shared].\n"),
            "Content/images/chart.png": "not really a png",
        ])
    }

    func build(_ site: TempSite, _ extra: [String] = []) throws -> (status: Int32, stdout: String, stderr: String) {
        try site.run(["build", "--templates", templatesPath, "--date", "2026-11-01"] + extra)
    }

    @Test func buildsEveryFileOfTheSite() throws {
        let site = try validSite()
        let result = try build(site)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("Built 2 of 2 pages, 1 sources, 0 warnings in "))
        for path in [
            "index.html", "topics/a/index.html", "topics/b/index.html", "references/index.html", "review/index.html",
            "search-index.json", "sitemap.xml", "feed.xml", "references.json", "assets/style.css",
            "images/chart.png",
        ] {
            #expect(site.exists("Public/" + path), "missing \(path)")
        }
        let a = try #require(site.read("Public/topics/a/index.html"))
        #expect(a.contains(##"<a href="/topics/b/#treatment">B</a>"##))
        #expect(a.contains(##"<sup class="citation"><a href="#ref-shared">1</a></sup>"##))
        #expect(a.contains(##"<li id="ref-shared""##))
        #expect(a.contains(##"href="/references/#source-shared""##))
        #expect(a.contains(#"href="https://doi.org/10.1234/shared""#))
        #expect(a.contains(#"data-review-status="approved""#))
        let b = try #require(site.read("Public/topics/b/index.html"))
        #expect(b.contains(#"data-review-status="draft""#))
        #expect(b.contains("Pending review"))
        #expect(!a.contains("Pending review"))
        let sitemap = try #require(site.read("Public/sitemap.xml"))
        #expect(sitemap.contains("<loc>https://kb.example.org/topics/a/</loc>"))
    }

    @Test func publishesOnlyTheConfiguredStatuses() throws {
        let site = try validSite()
        try site.write("Content/site.yaml", "title: Test KB\npublish:\n  statuses: [approved]\n")
        try site.write("Content/topics/a.md", page(title: "Topic A", body: "Claim [@shared].\n"))
        let result = try build(site)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(site.exists("Public/topics/a/index.html"))
        #expect(!site.exists("Public/topics/b/index.html"))
        #expect(site.read("Public/review/index.html")?.contains("(not published)") == true)
    }

    @Test func twoBuildsAreByteIdentical() throws {
        let site = try validSite()
        #expect(try build(site, ["--output", "One"]).status == 0)
        #expect(try build(site, ["--output", "Two"]).status == 0)
        let one = try site.snapshot("One")
        #expect(one.count > 10)
        #expect(one == (try site.snapshot("Two")))
    }

    @Test func contentErrorsAreAllReportedAndLeavePublicUntouched() throws {
        let site = try validSite()
        #expect(try build(site).status == 0)
        let before = try site.snapshot("Public")
        try site.write(
            "Content/topics/c.md", "---\nsummary: no title\nreview:\n  status: draft\n---\n\nText [@nope].\n")
        try site.write("Content/topics/d.md", page(extra: "slug: a\n", body: "Go [there](missing.md) [@shared].\n"))
        try site.write(
            "Content/topics/e.md", bytes: Array("---\ntitle: x\n".utf8) + [0xFF, 0xFE] + Array("\n---\n".utf8))
        try site.write("Content/topics/f.md", page(body: "Claim [@shraed].\n"))
        let result = try build(site)
        #expect(result.status == 1)
        let lines = result.stderr.split(separator: "\n").filter { !$0.hasPrefix("    hint:") }.map(String.init)
        #expect(
            lines == [
                "Content/topics/a.md:1:1: error: slug 'a' is also used by Content/topics/d.md [duplicate-slug]",
                "Content/topics/c.md:2:1: error: front matter is missing the required field 'title' [front-matter]",
                "Content/topics/d.md:3:7: error: slug 'a' is also used by Content/topics/a.md [duplicate-slug]",
                "Content/topics/d.md:9:12: error: link to 'missing.md': no such page [broken-link]",
                "Content/topics/e.md:3:1: error: the page is not valid UTF-8 [invalid-encoding]",
                "Content/topics/f.md:8:8: error: unknown citation key 'shraed' [unknown-citation]",
                "6 errors, 0 warnings in 6 pages; 'Public' left unchanged",
            ])
        #expect(result.stderr.contains("hint: did you mean 'shared'?"))
        #expect(try site.snapshot("Public") == before)
    }

    @Test func refusesToReplaceAFolderItDidNotWrite() throws {
        let site = try validSite()
        try site.write("Public/notes.txt", "mine")
        let result = try build(site)
        #expect(result.status != 0 && result.status != 1)
        #expect(result.stderr.contains("refusing to replace 'Public'"))
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(site.read("Public/notes.txt") == "mine")
        #expect(!site.exists("Public/index.html"))
    }

    @Test func replacesItsOwnOutputAndKeepsDotfiles() throws {
        let site = try validSite()
        try site.write("Public/.gitkeep", "")
        #expect(try build(site).status == 0)
        #expect(site.exists("Public/.gitkeep"))
        #expect(site.exists("Public/topics/b/index.html"))
        try FileManager.default.removeItem(at: site.root.appendingPathComponent("Content/topics/b.md"))
        try site.write("Content/topics/a.md", page(title: "Topic A", body: "Claim [@shared].\n"))
        #expect(try build(site).status == 0)
        #expect(!site.exists("Public/topics/b/index.html"))
        #expect(site.exists("Public/.gitkeep"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: site.root.path).filter {
            $0.contains("sourced-")
        }
        #expect(leftovers.sorted() == [".Public.sourced-spare", ".sourced-cache"])
        #expect(site.read(".Public.sourced-spare/.gitignore") == "*\n")
    }

    /// From the third build on, the build writes into the spare the last one left. What it
    /// ends with is byte for byte what a build into an empty folder writes, whatever the spare
    /// held: old pages, a stale dotfile, and symlinks (never followed) where files and folders go.
    /// (A file no build wrote is kept: `OutputSafetyTests`.)
    @Test func aBuildIntoTheSpareEqualsAFreshBuild() throws {
        let site = try validSite()
        let outside = try TempSite(["keep.txt": "outside", "dir/keep.txt": "outside"])
        #expect(try build(site).status == 0)
        #expect(try build(site).status == 0)
        let spare = site.root.appendingPathComponent(".Public.sourced-spare")
        #expect(site.exists(".Public.sourced-spare/topics/b/index.html"))
        try FileManager.default.removeItem(at: site.root.appendingPathComponent("Content/topics/b.md"))
        try site.write("Content/topics/a.md", page(title: "Topic A, again", body: "Claim [@shared].\n"))
        try site.write("Content/topics/c.md", page(title: "Topic C", body: "New [@shared].\n"))
        try site.write(".Public.sourced-spare/.stale", "old dotfile")
        try FileManager.default.removeItem(at: spare.appendingPathComponent("topics/a/index.html"))
        try FileManager.default.createSymbolicLink(
            at: spare.appendingPathComponent("topics/a/index.html"),
            withDestinationURL: outside.root.appendingPathComponent("keep.txt"))
        try FileManager.default.createSymbolicLink(
            at: spare.appendingPathComponent("topics/c"), withDestinationURL: outside.root.appendingPathComponent("dir")
        )

        let third = try build(site)
        #expect(third.status == 0, "\(third.stderr)")
        #expect(try build(site, ["--output", "Fresh"]).status == 0)
        let built = try site.snapshot("Public")
        #expect(built.keys.contains("topics/c/index.html") && !built.keys.contains("topics/b/index.html"))
        #expect(built == (try site.snapshot("Fresh")))
        for path in ["Public/topics/c", "Public/topics/a/index.html"] {
            let type = try FileManager.default.attributesOfItem(atPath: site.root.path + "/" + path)[.type]
            #expect(type as? FileAttributeType != .typeSymbolicLink, "\(path)")
        }
        #expect(outside.read("keep.txt") == "outside" && outside.read("dir/keep.txt") == "outside")
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.root.path + "/dir") == ["keep.txt"])
    }

    /// A file in the spare that already holds what the build makes is kept as it is (its
    /// modification time too); one that differs, even at the same length, is written again.
    @Test func unchangedFilesInTheSpareAreKept() throws {
        let site = try validSite()
        #expect(try build(site).status == 0)
        func modified(_ path: String) throws -> Date? {
            try FileManager.default.attributesOfItem(atPath: site.root.path + "/" + path)[.modificationDate] as? Date
        }
        let first = try modified("Public/topics/b/index.html")
        #expect(try build(site).status == 0)
        // The spare is the first build's output: change one of its pages without changing its length.
        let tampered = ".Public.sourced-spare/topics/a/index.html"
        let original = try #require(site.read(tampered))
        let altered = original.replacingOccurrences(of: "Topic A", with: "Topic Z")
        #expect(altered != original && altered.utf8.count == original.utf8.count)
        try site.write(tampered, altered)

        #expect(try build(site).status == 0)
        #expect(try modified("Public/topics/b/index.html") == first)
        #expect(site.read("Public/topics/a/index.html") == original)
        #expect(try build(site, ["--output", "Fresh"]).status == 0)
        #expect(try site.snapshot("Public") == site.snapshot("Fresh"))
    }

    @Test func hostileTextIsEscapedEverywhere() throws {
        let evil = "<script>alert(1)</script>"
        let site = try TempSite([
            "Content/site.yaml": "title: \"\(evil)\"\ndisclaimer: \"<img src=x onerror=alert(1)>\"\n",
            "Content/topics/x.md": """
            ---
            title: "\(evil)"
            summary: "\(evil) & <b> \\"\u{301} onmouseover=alert(6) x"
            question: "\\"><script>alert(2)</script>"
            tags: ["\(evil)", "a\\"b"]
            audience: "\(evil)"
            review:
              status: approved
              reviewed: 2026-10-01
              reviewers: ["\(evil)"]
            references:
              - id: r
                title: "\(evil)"
                authors: ["\(evil)"]
                container: "\(evil)"
                url: "https://example.org/\\"><script>alert(3)</script>"
            ---

            Raw <script>alert(4)</script> html [@r] and [x](javascript:alert(5)).
            """,
        ])
        let result = try site.run(["build", "--templates", templatesPath, "--date", "2026-11-01"])
        // The javascript: link is an error; check the rest after removing it.
        #expect(result.status == 1)
        #expect(result.stderr.contains("[unsafe-link]"))
        try site.write(
            "Content/topics/x.md",
            site.read("Content/topics/x.md")!.replacingOccurrences(of: " and [x](javascript:alert(5))", with: ""))
        let second = try site.run(["build", "--templates", templatesPath, "--date", "2026-11-01"])
        #expect(second.status == 0, "\(second.stderr)")
        for (path, data) in try site.snapshot("Public") where !path.hasPrefix("assets/") {
            let text = String(decoding: data, as: UTF8.self)
            #expect(!text.contains("<script>alert"), "unescaped script in \(path)")
            #expect(!text.contains("<img src=x"), "unescaped img in \(path)")
            #expect(!text.contains("<b>"), "unescaped tag in \(path)")
            // A quote followed by a combining mark is still a quote to a browser.
            if path.hasSuffix(".html") {
                #expect(
                    Array(text.utf8).firstRange(of: Array("\"\u{301} onmouseover".utf8)) == nil,
                    "unescaped quote in \(path)")
            }
        }
        let topic = try #require(site.read("Public/topics/x/index.html"))
        #expect(topic.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
    }

    @Test func failuresThatAreNotTheContentsExitWithTwo() throws {
        let site = try validSite()
        let noContent = try site.run(["build", "--content", "Nowhere", "--templates", templatesPath])
        #expect(noContent.status == 2)
        // Each names its stage and the path it was working on.
        #expect(noContent.stderr == "sourced: error: loading: content folder 'Nowhere' does not exist\n")
        let noTemplates = try site.run(["build", "--templates", "Nowhere"])
        #expect(noTemplates.status == 2)
        #expect(noTemplates.stderr == "sourced: error: rendering: cannot read templates folder 'Nowhere'\n")
        try site.write("Broken/layout.mustache", "{{#open}}")
        let badTemplate = try site.run(["build", "--templates", "Broken"])
        #expect(badTemplate.status == 2)
        #expect(
            badTemplate.stderr.hasPrefix(
                "sourced: error: rendering: template 'Broken/layout.mustache' does not compile"))
        #expect(badTemplate.stderr.split(separator: "\n").count == 1)
        let badOption = try site.run(["build", "--date", "2026-02-30"])
        #expect(badOption.status != 0 && badOption.status != 1)
        #expect(badOption.stderr.split(separator: "\n").count == 1)
        let unknown = try site.run(["check", "--formt", "json"])
        #expect(unknown.status != 0 && unknown.status != 1)
        #expect(unknown.stderr.hasPrefix("sourced: error: "))
        #expect(unknown.stderr.split(separator: "\n").count == 1)
    }

    @Test func sourceDateEpochSetsToday() throws {
        let site = try validSite()
        try site.write("Content/site.yaml", "title: T\nreview:\n  max_age_days: 10\n")
        // reviewed 2026-10-01 + 10 days: overdue on 2026-11-01 (1793491200), not on 2026-10-05.
        let late = try site.run(["check"], environment: ["SOURCE_DATE_EPOCH": "1793491200"])
        #expect(late.stdout.contains("[review-overdue]"))
        let early = try site.run(["check"], environment: ["SOURCE_DATE_EPOCH": "1791158400"])
        #expect(!early.stdout.contains("[review-overdue]"))
    }
}

/// Every number a user gives (settings, options, the environment) is bounded: a clear message,
/// never an overflow trap or a runaway.
@Suite struct NumbersFromUsersTests {
    func site() throws -> TempSite {
        try TempSite([
            "Content/site.yaml": "title: Numbers\n",
            "Content/a.md": page(
                title: "A", references: "references:\n  - id: s\n    title: S\n", body: "Text [@s].\n"),
        ])
    }

    @Test func hugeNumbersAreRefusedNotTrapped() throws {
        let site = try site()
        for value in ["9223372036854775807", "99999999999999999", "99999999999999999999", "-1"] {
            try site.write("Content/site.yaml", "title: Numbers\nreview:\n  max_age_days: \(value)\n")
            let result = try site.run(["check", "--date", "2026-11-01"])
            #expect(result.status == 1, "\(value): \(result.stderr)")
            #expect(
                result.stdout.contains(
                    "Content/site.yaml:3:17: error: 'max_age_days' must be a whole number from 0 to 36525, not '\(value)' [front-matter]"
                ), "\(result.stdout)")
        }
        try site.write("Content/site.yaml", "title: Numbers\nreview:\n  max_age_days: 36525\n")
        #expect(try site.run(["check", "--date", "2026-11-01"]).status == 0)

        let memory = try site.run(["check", "--worker-memory", "99999999999999"])
        #expect(memory.status == 64)
        #expect(memory.stderr.hasPrefix("sourced: error: --worker-memory must be from 64 to 1048576 (MiB)"))
        for epoch in ["9223372036854775807", "-9223372036854775808"] {
            let result = try site.run(["check"], environment: ["SOURCE_DATE_EPOCH": epoch])
            #expect(result.status == 64)
            #expect(result.stderr.hasPrefix("sourced: error: SOURCE_DATE_EPOCH must be a time in the years 1 to 9999"))
        }
    }

    /// `--jobs 100000` started thousands of workers before parsing anything.
    @Test func manyJobsStartNoMoreWorkersThanPages() throws {
        let site = try site()
        let start = ContinuousClock.now
        let result = try site.run(["check", "--jobs", "100000", "--date", "2026-11-01"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "0 errors, 0 warnings in 1 page\n")
        // A guard against thousands of processes, not a timing.
        #expect(ContinuousClock.now - start < .seconds(30))
    }
}
