import Foundation
import Testing

@testable import SourcedBuild

/// What tells a reader the page can be trusted: who reviews it, the editorial policy, where to
/// suggest an edit, and what kind of source each reference is.
@Suite struct TrustElementsTests {
    static func page(_ title: String, type: String = "guideline") -> String {
        """
        ---
        title: \(title)
        review:
          status: approved
          reviewed: 2026-10-01
        references:
          - id: g
            type: \(type)
            title: G
        ---

        A claim [@g].
        """
    }

    func site(_ settings: String) throws -> TempSite {
        try TempSite([
            "Content/site.yaml": "title: KB\nbase_url: https://kb.example.org/\n" + settings,
            "Content/topics/x y/a.md": Self.page("A"),
            "Content/about/policy.md": Self.page("Editorial policy", type: "other"),
        ])
    }

    func build(_ site: TempSite) throws -> (status: Int32, stdout: String, stderr: String) {
        try site.run(["build", "--templates", templatesPath, "--date", "2026-11-01"])
    }

    @Test func everyTopicShowsTheBoardThePolicyAndTheEditLink() throws {
        let site = try site(
            """
            editorial_policy: about/policy.md
            review_board: "Reviewed by our <b>Board</b> & friends"
            edit_url: "https://git.example.org/kb/edit/main/Content/{path}"
            """)
        let result = try build(site)
        #expect(result.status == 0, "\(result.stderr)")
        let page = try #require(site.read("Public/topics/a/index.html"))
        #expect(page.contains(#"<p class="review-board">Reviewed by our &lt;b&gt;Board&lt;/b&gt; &amp; friends</p>"#))
        #expect(
            page.contains(#"<div class="editorial-policy"><p><a href="/topics/policy/">View editorial policy</a></p>"#))
        #expect(
            page.contains(
                #"<a href="https://git.example.org/kb/edit/main/Content/topics/x%20y/a.md" rel="nofollow">Suggest an edit</a>"#
            ))
        #expect(page.contains(#"<span class="reference-type">Guideline</span>"#))
        // A source of type `other` has no label.
        let policy = try #require(site.read("Public/topics/policy/index.html"))
        #expect(!policy.contains(#"class="reference-type""#))
        let index = try #require(site.read("Public/references/index.html"))
        #expect(index.contains(#"<span class="reference-type">Guideline</span>"#))
    }

    @Test func withoutThemTheFooterHoldsOnlyThePagesCitation() throws {
        let site = try site("")
        #expect(try build(site).status == 0)
        let page = try #require(site.read("Public/topics/a/index.html"))
        // "Cite this page" is on every topic, so the footer is too; the rest is not.
        #expect(page.contains(#"<footer class="topic-trust">"#) && page.contains(#"<details class="cite-page">"#))
        for absent in ["review-board", "editorial-policy", "edit-link"] { #expect(!page.contains(absent), "\(absent)") }
    }

    @Test func aPolicyThatIsNoPageIsABrokenLinkAtItsField() throws {
        let site = try site("editorial_policy: about/missing.md\n")
        let result = try build(site)
        #expect(result.status == 1)
        #expect(
            result.stderr.contains(
                "Content/site.yaml:3:19: error: link to 'about/missing.md': no such page [broken-link]"))
        #expect(!site.exists("Public/topics"))
    }

    @Test(arguments: [
        ("edit_url: https://git.example.org/kb/edit/main/Content/\n", "3:11"),
        ("edit_url: \"javascript:alert(1)/{path}\"\n", "3:11"),
        ("editorial_policy: \"a>b.md\"\n", "3:19"),
    ])
    func badTrustSettingsAreReportedAtTheirField(_ line: String, _ position: String) throws {
        let site = try site(line)
        let result = try build(site)
        #expect(result.status == 1)
        #expect(result.stderr.contains("Content/site.yaml:\(position): error: "), "\(result.stderr)")
        #expect(result.stderr.contains("[front-matter]"))
        #expect(!site.exists("Public/topics"))
    }
}
