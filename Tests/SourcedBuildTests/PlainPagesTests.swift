import Foundation
import Testing

@testable import SourcedBuild

/// `kind: page` (about, editorial policy, contact): a page of the site that is not a clinical
/// answer. No claim rule, no review, not among the topics; in the sitemap, the search index and,
/// with `nav: true`, the top navigation.
@Suite struct PlainPagesTests {
    static let topic = """
        ---
        title: Hypokalemia
        tags: [potassium]
        review:
          status: approved
          reviewed: 2026-10-01
        references:
          - id: g
            type: guideline
            title: G
        ---

        A claim [@g].
        """

    static let about = """
        ---
        title: About this site
        kind: page
        nav: true
        ---

        We write one page per clinical question. Every claim cites its source.
        """

    func site(_ extra: [String: String] = [:]) throws -> TempSite {
        try TempSite(
            [
                "Content/site.yaml": "title: KB\nbase_url: https://kb.example.org/\neditorial_policy: about.md\n",
                "Content/topics/hypokalemia.md": Self.topic,
                "Content/about.md": Self.about,
            ].merging(extra) { $1 })
    }

    func run(_ site: TempSite, _ command: String = "build") throws -> (status: Int32, stdout: String, stderr: String) {
        try site.run([command, "--templates", templatesPath, "--date", "2026-11-01"])
    }

    @Test func aPlainPageNeedsNoReviewAndNoCitations() throws {
        let site = try site()
        let result = try run(site)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stderr.contains("uncited-claim"))
        let page = try #require(site.read("Public/topics/about/index.html"))
        #expect(page.contains("We write one page per clinical question."))
        #expect(!page.contains("review-badge"), "no badge")
        #expect(!page.contains("application/ld+json"), "no MedicalWebPage data")
        // The topic links to it as its editorial policy, and both carry it in the navigation.
        let topic = try #require(site.read("Public/topics/hypokalemia/index.html"))
        #expect(topic.contains(#"<a href="/topics/about/">View editorial policy</a>"#))
        #expect(topic.contains(#"<a href="/topics/about/">About this site</a></li>"#))
        #expect(page.contains(#"<a href="/topics/about/" aria-current="page">About this site</a></li>"#))
    }

    @Test func itIsInTheSitemapAndSearchButNotAmongTheTopics() throws {
        let site = try site()
        #expect(try run(site).status == 0)
        #expect(site.read("Public/sitemap.xml")?.contains("https://kb.example.org/topics/about/") == true)
        let search = try #require(site.read("Public/search-index.json"))
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(search.utf8)) as? [[String: Any]])
        let about = try #require(entries.first { $0["title"] as? String == "About this site" })
        #expect(about["status"] == nil, "a plain page has no review status")
        #expect(entries.first { $0["title"] as? String == "Hypokalemia" }?["status"] as? String == "approved")
        let home = try #require(site.read("Public/index.html"))
        #expect(home.contains("Hypokalemia"))
        #expect(!home.contains(#"class="topic-link" href="/topics/about/""#))
        #expect(home.contains("1 topics"))
        // The dashboard has no row for it (its navigation links to it, as every page's does).
        #expect(site.read("Public/review/index.html")?.contains("Content/about.md") == false)
        #expect(site.read("Public/feed.xml")?.contains("About this site") == false)
    }

    @Test func aPlainPageIsNotApproved() throws {
        let site = try site()
        let result = try site.run(["approve", "Content/about.md", "--reviewer", "Dr A", "--date", "2026-11-01"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("is a plain page (kind: page)"), "\(result.stderr)")
        #expect(site.read("Content/about.md") == Self.about)
    }

    @Test func anUnknownKindIsAFrontMatterError() throws {
        let site = try site(["Content/about.md": Self.about.replacingOccurrences(of: "kind: page", with: "kind: pgae")])
        let result = try run(site, "check")
        let output = result.stdout + result.stderr
        #expect(result.status == 1)
        #expect(output.contains("Content/about.md:3:7: error: "), "\(output)")
        #expect(output.contains("[front-matter]"))
    }
}
