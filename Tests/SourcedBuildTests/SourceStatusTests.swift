import Foundation
import Testing

@testable import SourcedBuild

/// A source's `status` (retracted, superseded, corrected, expression-of-concern): reported at
/// every citation of it, shown on the citing page and in the reference entries, ranked first
/// in the reference index and the dashboard, and part of the approval fingerprint.
@Suite struct SourceStatusTests {
    static let bibliography = """
        - id: old
          type: guideline
          title: Old guideline
          status: superseded
          superseded_by: new
          status_date: 2025-05-01
        - id: new
          type: guideline
          title: New guideline
        - id: bad
          type: research
          title: Fabricated <trial>
          doi: 10.1000/bad
          status: retracted
          status_date: 2026-03-09
          status_note: data fabrication & <script>
          notice_url: https://example.org/notice?a=1&b=2
        - id: doubt
          type: research
          title: Doubtful study
          status: expression-of-concern
        """

    static let page = """
        ---
        title: A
        review:
          status: approved
          reviewed: 2026-10-01
        references:
          - {id: fixed, type: research, title: Fixed paper, status: corrected, status_date: 2026-01-02}
        ---

        Claim one [@old; @new].

        Claim two [@bad].

        Claim three [@fixed], and again [@bad, p. 2].

        Claim four [@doubt].
        """

    static let clean = """
        ---
        title: B
        review:
          status: approved
          reviewed: 2026-10-01
        ---

        Claim [@new].
        """

    func site(settings: String = "title: S\nbase_url: https://kb.example.org/\n", page: String = Self.page)
        throws -> TempSite
    {
        try TempSite([
            "Content/site.yaml": settings, "Content/bibliography.yaml": Self.bibliography,
            "Content/topics/a.md": page, "Content/topics/b.md": Self.clean,
        ])
    }

    func run(_ site: TempSite, _ command: String) throws -> (status: Int32, stdout: String, stderr: String) {
        try site.run([command, "--templates", templatesPath, "--date", "2026-11-01"])
    }

    @Test func everyCitationOfASourceWithAStatusIsReportedAtTheCitation() throws {
        let result = try run(try site(), "check")
        #expect(result.status == 1)
        let lines = result.stdout.split(separator: "\n").filter { !$0.hasPrefix(" ") }
        #expect(
            lines == [
                "Content/topics/a.md:10:12: warning: 'old' is superseded by 'new' on 2025-05-01 [superseded-source]",
                "Content/topics/a.md:12:12: error: 'bad' was retracted on 2026-03-09: data fabrication & <script> [retracted-source]",
                "Content/topics/a.md:14:14: warning: 'fixed' was corrected on 2026-01-02 [corrected-source]",
                "Content/topics/a.md:14:34: error: 'bad' was retracted on 2026-03-09: data fabrication & <script> [retracted-source]",
                "Content/topics/a.md:16:13: warning: 'doubt' has an expression of concern [source-concern]",
                "2 errors, 3 warnings in 2 pages",
            ], "\(result.stdout)")
        #expect(result.stdout.contains("hint: cite [@new] instead"))
        #expect(result.stdout.contains("the notice: https://example.org/notice?a=1&b=2"))
    }

    @Test func aRetractionCanBeMadeAWarning() throws {
        let site = try site(settings: "title: S\nbase_url: https://kb.example.org/\nsources:\n  retracted: warning\n")
        let result = try run(site, "build")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("12:12: warning: 'bad' was retracted"))
    }

    @Test func theCitingPageTheEntriesTheIndexAndTheDashboardShowIt() throws {
        let site = try site(settings: "title: S\nbase_url: https://kb.example.org/\nsources:\n  retracted: warning\n")
        #expect(try run(site, "build").status == 0)
        let page = try #require(site.read("Public/topics/a/index.html"))
        // The banner, retracted sources first, each linked to its entry.
        #expect(page.contains(#"<aside class="source-alert source-alert-retracted" role="note""#))
        #expect(page.contains("<strong>This page cites a retracted source.</strong>"))
        #expect(
            page.contains(
                ##"<li data-source-status="retracted"><a href="#ref-bad">3</a> Fabricated &lt;trial&gt;: <strong>Retracted</strong>"##
            ))
        let banner = try #require(page.range(of: "source-alert-retracted")).lowerBound
        let order = ["#ref-bad\">3", "#ref-old\">1", "#ref-fixed\">4", "#ref-doubt\">5"].map {
            page.range(of: $0, range: banner..<page.endIndex)?.lowerBound
        }
        #expect(
            order.allSatisfy { $0 != nil } && order == order.sorted { $0! < $1! }, "retracted first, then by number")
        // Each entry says what happened, when, and links the notice; all of it escaped.
        #expect(
            page.contains(#"<li id="ref-bad" class="reference reference-research" data-source-status="retracted">"#))
        #expect(
            page.contains(
                #"<span class="reference-status"><strong>Retracted</strong> (<time datetime="2026-03-09">2026-03-09</time>): data fabrication &amp; &lt;script&gt; <a href="https://example.org/notice?a=1&amp;b=2" rel="external">Notice</a></span>"#
            ))
        #expect(
            page.contains(
                #"<strong>Superseded</strong> by <a href="/references/#source-new">New guideline</a> (<time datetime="2025-05-01">2025-05-01</time>)"#
            ))
        #expect(!page.contains("<script>"))
        // A page citing nothing with a notice has no banner.
        #expect(site.read("Public/topics/b/index.html")?.contains("source-alert") == false)

        let index = try #require(site.read("Public/references/index.html"))
        let anchors = ["source-bad", "source-doubt", "source-old", "source-fixed", "source-new"].map {
            index.range(of: "<li id=\"\($0)\"")?.lowerBound
        }
        #expect(anchors.allSatisfy { $0 != nil } && anchors == anchors.sorted { $0! < $1! }, "the worst notices first")
        let dashboard = try #require(site.read("Public/review/index.html"))
        let a = try #require(dashboard.range(of: "Content/topics/a.md")).lowerBound
        let b = try #require(dashboard.range(of: "Content/topics/b.md")).lowerBound
        #expect(a < b, "the page citing a retracted source first")
    }

    @Test func aSourceThatBecomesRetractedChangesTheApproval() throws {
        let bibliography = "- id: s\n  type: research\n  title: S\n  doi: 10.1000/s\n"
        let site = try TempSite([
            "Content/site.yaml": "title: S\n", "Content/bibliography.yaml": bibliography,
            "Content/topics/b.md": Self.clean.replacingOccurrences(of: "[@new]", with: "[@s]"),
        ])
        let approve = try site.run(["approve", "Content/topics/b.md", "--reviewer", "Dr A", "--date", "2026-11-01"])
        #expect(approve.status == 0, "\(approve.stderr)")
        #expect(try run(site, "check").status == 0)
        try site.write("Content/bibliography.yaml", bibliography + "  status: retracted\n")
        let after = try run(site, "check")
        #expect(after.stdout.contains("[changed-since-approval]"), "\(after.stdout)")
        #expect(after.stdout.contains("[retracted-source]"))
    }

    @Test func malformedStatusFieldsAreReportedAtTheirLines() throws {
        let page = """
            ---
            title: A
            review:
              status: draft
            references:
              - id: x
                title: X
                status: retractd
              - id: y
                title: Y
                status_date: 2026-13-01
                notice_url: ftp://example.org/n
              - id: z
                title: Z
                status: corrected
                superseded_by: y
              - id: w
                title: W
                superseded_by: missing
            ---

            Cites [@x; @y; @z; @w].
            """
        let result = try run(try site(page: page), "check")
        #expect(result.status == 1)
        for expected in [
            "Content/topics/a.md:8:13: error: reference 'x' has an unknown status 'retractd' [invalid-reference]",
            "Content/topics/a.md:11:18: error: 'status_date' must be a date written YYYY-MM-DD, not '2026-13-01' [front-matter]",
            "Content/topics/a.md:12:17: error: reference 'y' has a notice_url that is not http or https: 'ftp://example.org/n' [invalid-reference]",
            "Content/topics/a.md:16:20: error: reference 'z' names a replacement ('y') but its status is 'corrected' [invalid-reference]",
            "Content/topics/a.md:17:5: error: reference 'w' is superseded by 'missing', which no source has [invalid-reference]",
        ] {
            #expect(result.stdout.contains(expected), "\(expected)\n\(result.stdout)")
        }
        #expect(
            result.stdout.contains("Content/topics/a.md:11:18: error: reference 'y' has 'status_date' but no 'status'"))
    }
}
