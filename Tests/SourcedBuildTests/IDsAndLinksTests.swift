import Foundation
import Testing

/// Every id a page holds is unique and every link leads where it says, whatever headings,
/// keys and tags the content uses; citations never break the markup around them.
@Suite struct IDsAndLinksTests {
    func build(_ site: TempSite, _ extra: [String] = []) throws -> (status: Int32, stdout: String, stderr: String) {
        try site.run(["build", "--templates", templatesPath, "--date", "2026-11-01"] + extra)
    }

    /// The ids of an HTML file, in order.
    func ids(_ html: String) -> [String] {
        html.matches(of: /\sid="([^"]*)"/).map { String($0.output.1) }
    }

    @Test func everyIdOnEveryPageIsUnique() throws {
        let site = try TempSite([
            "Content/site.yaml": "title: IDs\nbase_url: https://kb.example.org/\n",
            "Content/topics/a.md": page(
                title: "Topic A", extra: "tags: [a b, a-b, Main]\n",
                references: "references:\n  - id: k\n    title: Source of A\n  - id: k-2\n    title: Another source\n",
                body: """
                    ## Cite 1

                    Claim [@k] and [@k-2].

                    ## Ref k

                    More [@k].[^n]

                    ## Main

                    Text [@k].

                    [^n]: A note [@k].

                    """),
            "Content/topics/b.md": page(
                title: "Topic B", extra: "tags: [a-b]\n",
                references: "references:\n  - id: k\n    title: Source of B\n", body: "Claim [@k].\n"),
        ])
        let result = try build(site)
        #expect(result.status == 0, "\(result.stderr)")
        for (path, data) in try site.snapshot("Public") where path.hasSuffix(".html") {
            let all = ids(String(decoding: data, as: UTF8.self))
            #expect(all.count == Set(all).count, "\(path) repeats \(all.filter { id in all.count { $0 == id } > 1 })")
        }
        let a = try #require(site.read("Public/topics/a/index.html"))
        #expect(a.contains(#"<h2 id="section-cite-1">"#))
        #expect(a.contains(#"<h2 id="section-ref-k">"#))
        #expect(a.contains(#"<h2 id="section-main">"#))
        // Each page's reference entry links to its own source in the index.
        let index = try #require(site.read("Public/references/index.html"))
        func entry(_ anchor: String) -> String? {
            index.firstRange(of: "<li id=\"\(anchor)\"").map { String(index[$0.lowerBound...].prefix(400)) }
        }
        let b = try #require(site.read("Public/topics/b/index.html"))
        for (topic, title) in [(a, "Source of A"), (b, "Source of B")] {
            let link = try #require(topic.firstMatch(of: /href="\/references\/#(source-k(?:-\d)?)"/)?.output.1)
            #expect(entry(String(link))?.contains(title) == true, "\(link) should be \(title)")
        }
        let home = try #require(site.read("Public/index.html"))
        #expect(home.contains(#"id="tag-a-b""#) && home.contains(#"id="tag-a-b-2""#))
    }

    @Test func citationsKeepTheMarkupAroundThemWhole() throws {
        let site = try TempSite([
            "Content/site.yaml": "title: Markup\nbase_url: https://kb.example.org/\n",
            "Content/pic.png": "png",
            "Content/topics/a.md": page(
                title: "Topic A", references: "references:\n  - id: s\n    title: S\n",
                body: """
                    ## Treatment [@s]

                    See ![a chart [@s]](../pic.png) [@s].

                    Read [the guideline [@s]](https://example.org/g) first.

                    | drug | dose |
                    | - | - |
                    | a | b [@s] |

                    """),
        ])
        let result = try build(site)
        #expect(result.status == 0, "\(result.stderr)")
        let html = try #require(site.read("Public/topics/a/index.html"))
        #expect(html.contains(#"<h2 id="treatment">"#))
        #expect(html.contains(#"alt="a chart [@s]""#))
        #expect(!html.contains("alt=\"a chart <"))
        #expect(html.contains(#"<a href="https://example.org/g">the guideline </a><span class="citation-anchor""#))
        // No `<a` opens before the one open is closed.
        var open = false
        for tag in html.matches(of: /<(\/?)a[ >]/) {
            let closing = !tag.output.1.isEmpty
            #expect(closing == open, "a link inside a link, or a stray </a>")
            open = !closing
        }
        let search = try #require(site.read("Public/search-index.json"))
        #expect(search.contains(#""headings":["Treatment"]"#))
    }

    @Test func linksToUnpublishedPagesAreBrokenAndEncodedAnchorsAreFound() throws {
        let site = try TempSite([
            "Content/site.yaml": "title: L\nbase_url: https://kb.example.org/\npublish:\n  statuses: [approved]\n",
            "Content/topics/a.md": page(
                title: "A", references: "references:\n  - id: s\n    title: S\n",
                body: "See [B](b.md) [@s] and [café](c.md#caf%C3%A9) [@s].\n"),
            "Content/topics/b.md": page(title: "B", status: "draft", body: "Draft text.\n"),
            "Content/topics/c.md": page(
                title: "C", references: "references:\n  - id: s\n    title: S\n", body: "## Café\n\nText [@s].\n"),
        ])
        let result = try site.run(["check", "--date", "2026-11-01"])
        #expect(result.status == 1)
        #expect(
            result.stdout.contains(
                "Content/topics/a.md:11:9: error: link to 'b.md': that page is draft, which this site does not publish, so the link would lead nowhere [broken-link]"
            ), "\(result.stdout)")
        #expect(!result.stdout.contains("broken-anchor"))
        // A draft linking to a draft is not published: nothing to report.
        try site.write("Content/topics/a.md", page(title: "A", status: "draft", body: "See [B](b.md).\n"))
        #expect(!(try site.run(["check", "--date", "2026-11-01"]).stdout.contains("broken-link")))
    }

    @Test func smallThingsSaidRight() throws {
        let typ = page(title: "Typ", references: "references:\n  - id: s\n    title: S\n", body: "Text [@s].\n")
            .replacingOccurrences(of: "reviewed: 2026-10-01", with: "reviewed: 2026-10-05")
        let site = try TempSite([
            "Content/site.yaml": "title: Small\nreview:\n  max_age_days: 10\n",
            "Content/topics/a.md": page(
                title: "A", references: "references:\n  - id: s\n    title: S\n",
                body: "| x | y |\n| - | - |\n| first | second |\n\nSee [me](a-.md) [@s].\n"),
            "Content/topics/a-typ.md": typ,
        ])
        let checked = try site.run(["check", "--date", "2026-10-03"])
        #expect(checked.stdout.contains("table row has no citation: 'first second'"), "\(checked.stdout)")
        // The nearest page is the linking page itself; the hint names the next nearest.
        #expect(checked.stdout.contains("hint: did you mean 'topics/a-typ.md'?"), "\(checked.stdout)")
        #expect(
            checked.stdout.contains(
                "Content/topics/a-typ.md:5:13: warning: 'reviewed' is 2026-10-05, after today (2026-10-03) [front-matter]"
            ),
            "\(checked.stdout)")

        try site.write(
            "Content/topics/a.md",
            page(title: "A", references: "references:\n  - id: s\n    title: S\n", body: "Text [@s].\n"))
        let built = try site.run(["build", "--templates", templatesPath, "--date", "2026-10-05"])
        #expect(built.status == 0, "\(built.stderr)")
        #expect(built.stdout.contains(", 0 warnings in "), "\(built.stdout)")
        #expect(built.stderr.contains("sourced: warning: site.yaml sets no absolute base_url"))
        let overdue = try site.run(["build", "--templates", templatesPath, "--date", "2026-10-12"])
        #expect(overdue.stdout.contains(", 1 warning in "), "\(overdue.stdout)")
    }

    /// The disclaimer's links are checked and rewritten as a page's, reported at the field;
    /// a page kept from an earlier build follows where they lead now.
    @Test func disclaimerLinksAreCheckedAndRewritten() throws {
        let settings = """
            title: D
            base_url: https://kb.example.org/
            disclaimer: >
              Read the [policy](topics/policy.md#scope), not [this](javascript:alert(1))
              or [that](topics/gone.md).

            """
        let site = try TempSite([
            "Content/site.yaml": settings,
            "Content/topics/a.md": page(
                title: "A", references: "references:\n  - id: s\n    title: S\n", body: "Text [@s].\n"),
            "Content/topics/policy.md": page(
                title: "Policy", references: "references:\n  - id: s\n    title: S\n",
                body: "## Scope\n\nText [@s].\n"),
        ])
        let refused = try site.run(["check", "--date", "2026-11-01"])
        #expect(refused.status == 1)
        #expect(
            refused.stdout.contains(
                "Content/site.yaml:3:13: error: unsafe URL scheme in 'javascript:alert(1)' [unsafe-link]"))
        #expect(
            refused.stdout.contains(
                "Content/site.yaml:3:13: error: link to 'topics/gone.md': no such page [broken-link]"))

        try site.write("Content/site.yaml", "title: D\ndisclaimer: Read the [policy](topics/policy.md#scope).\n")
        #expect(try build(site).status == 0)
        #expect(try build(site).status == 0)
        #expect(
            site.read("Public/topics/a/index.html")?.contains(#"<a href="/topics/policy/#scope">policy</a>"#) == true)
        try site.write(
            "Content/topics/policy.md",
            page(
                title: "Policy", extra: "slug: editorial-policy\n",
                references: "references:\n  - id: s\n    title: S\n",
                body: "## Scope\n\nText [@s].\n"))
        #expect(try build(site).status == 0)
        let a = try #require(site.read("Public/topics/a/index.html"))
        #expect(a.contains(#"<a href="/topics/editorial-policy/#scope">policy</a>"#), "a kept page shows the old link")
    }
}
