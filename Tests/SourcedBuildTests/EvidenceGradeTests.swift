import Foundation
import Testing

@testable import SourcedBuild

/// `site.yaml`'s `evidence:` and a claim's `[grade: 1A]`: rendered as a focusable grade with
/// its meaning, a legend on each page that uses grades, `invalid-grade` for an unknown grade or a
/// second one, `ungraded-recommendation` for a recommendation without one.
@Suite struct EvidenceGradeTests {
    static let settings = """
        title: G
        evidence:
          scheme: GRADE
          grades:
            1A: Strong recommendation, high-quality evidence
            1D: Strong recommendation, very low-quality evidence
            2C: Weak recommendation, <low> & "quoted"
          require_for: [recommend, recommended, should be]
          ungraded: warning
        """

    static let page = """
        ---
        title: A
        review:
          status: draft
        references:
          - {id: s, title: S}
        ---

        We recommend 3% saline for severe symptoms [@s] [grade: 1D].

        Correction should be limited [@s].

        The recommendation is not graded here [@s].

        Code `[grade: 1A]` is code [@s], and \\[grade: 1A] is escaped.

        | Drug | Advice |
        | --- | --- |
        | Saline | Recommended in severe cases [@s] [grade: 2C] |

        ## See also

        - Recommended reading.
        """

    func site(settings: String = Self.settings, page: String = Self.page) throws -> TempSite {
        try TempSite(["Content/site.yaml": settings, "Content/topics/a.md": page])
    }

    func run(_ site: TempSite, _ command: String) throws -> (status: Int32, stdout: String, stderr: String) {
        try site.run([command, "--templates", templatesPath, "--date", "2026-11-01"])
    }

    @Test func gradesRenderWithTheirMeaningAndALegend() throws {
        let site = try site()
        let result = try run(site, "build")
        #expect(result.status == 0, "\(result.stderr)")
        let page = try #require(site.read("Public/topics/a/index.html"))
        #expect(
            page.contains(
                #"<span class="evidence-grade" data-grade="1D" tabindex="0" role="note" aria-label="Grade 1D: Strong recommendation, very low-quality evidence"><span class="grade-name" aria-hidden="true">1D</span><span class="grade-meaning" aria-hidden="true">Strong recommendation, very low-quality evidence</span></span>.</p>"#
            ))
        // In a table cell too; the meaning escaped.
        #expect(
            page.contains(
                #"<span class="grade-meaning" aria-hidden="true">Weak recommendation, &lt;low&gt; &amp; &quot;quoted&quot;</span>"#
            ))
        // Code is code, and an escaped tag is text.
        #expect(page.contains("<code>[grade: 1A]</code>"))
        #expect(page.contains(", and [grade: 1A] is escaped."))
        // The legend: the grades the page uses, in the scheme's order.
        #expect(page.contains(#"<h2 id="grade-legend-heading">GRADE grades on this page</h2>"#))
        let legend = try #require(page.range(of: "grade-legend-heading")).lowerBound
        let d = try #require(page.range(of: #"data-grade="1D">1D</span></dt>"#, range: legend..<page.endIndex))
        let c = try #require(page.range(of: #"data-grade="2C">2C</span></dt>"#, range: legend..<page.endIndex))
        #expect(d.lowerBound < c.lowerBound)
        #expect(page.range(of: #"data-grade="1A">1A</span></dt>"#, range: legend..<page.endIndex) == nil)
    }

    @Test func aRecommendationWithoutAGradeIsReported() throws {
        let result = try run(try site(), "check")
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n").filter { !$0.hasPrefix(" ") }
        #expect(
            lines == [
                "Content/topics/a.md:11:1: warning: paragraph says 'should be' but has no grade [ungraded-recommendation]",
                "0 errors, 1 warning in 1 page",
            ], "whole words only ('recommendation' is not 'recommend'), and See also is exempt: \(result.stdout)")
        let strict = try site(
            settings: Self.settings.replacingOccurrences(of: "ungraded: warning", with: "ungraded: error"))
        #expect(try run(strict, "check").stdout.contains("11:1: error: paragraph says 'should be'"))
        let off = try site(settings: Self.settings.replacingOccurrences(of: "ungraded: warning", with: "ungraded: off"))
        #expect(try run(off, "check").stdout.hasPrefix("0 errors, 0 warnings"))
    }

    @Test func anUnknownOrSecondGradeIsAnError() throws {
        let page = Self.page.replacingOccurrences(
            of: "The recommendation is not graded here [@s].",
            with: "Two grades [@s] [grade: 1A] [grade: 2C], and an unknown one in [@s] [grade: 1X].")
        let result = try run(try site(page: page), "check")
        #expect(result.status == 1)
        #expect(
            result.stdout.contains(
                "Content/topics/a.md:13:29: error: a claim carries one grade; this is its grade number 2 [invalid-grade]"
            ),
            "\(result.stdout)")
        #expect(
            result.stdout.contains(
                "Content/topics/a.md:13:69: error: a claim carries one grade; this is its grade number 3"))
        // Without a scheme, a tag is reported too.
        let bare = try run(try site(settings: "title: G\n"), "check")
        #expect(
            bare.stdout.contains(
                "Content/topics/a.md:9:49: error: '[grade: 1D]' grades a claim, but site.yaml defines no evidence grades [invalid-grade]"
            ), "\(bare.stdout)")
        let unknown = try run(
            try site(page: Self.page.replacingOccurrences(of: "[grade: 1D]", with: "[grade: 1X]")), "check")
        #expect(unknown.stdout.contains("Content/topics/a.md:9:49: error: unknown GRADE grade '1X' [invalid-grade]"))
        #expect(unknown.stdout.contains("site.yaml's grades: 1A, 1D, 2C"))
    }
}
