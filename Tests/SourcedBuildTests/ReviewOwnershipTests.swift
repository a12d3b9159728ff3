import Foundation
import SourcedCore
import Testing

@testable import SourcedBuild

/// `review.owner`, `review.interval_days` and `review.literature_through`; the dashboard's
/// groups (overdue, due soon, changed since approval, citing a retracted source) and owner
/// filter; `review/pages.json` for reminder bots.
@Suite struct ReviewOwnershipTests {
    static func page(_ title: String, _ review: String, cites key: String = "s") -> String {
        "---\ntitle: \(title)\nreview:\n\(review)---\n\nClaim [@\(key)].\n"
    }

    func site() throws -> TempSite {
        try TempSite([
            "Content/site.yaml":
                "title: S\nreview:\n  max_age_days: 365\n  due_soon_days: 30\nsources:\n  retracted: warning\n",
            "Content/bibliography.yaml": "- {id: s, title: S}\n- {id: gone, title: Gone, status: retracted}\n",
            "Content/topics/a.md": Self.page(
                "Overdue page",
                "  status: approved\n  reviewed: 2025-01-01\n  owner: Renal team\n  literature_through: 2024-12-01\n"),
            "Content/topics/b.md": Self.page(
                "Due soon page", "  status: approved\n  reviewed: 2026-10-01\n  interval_days: 60\n  owner: Dr Smith\n"),
            "Content/topics/c.md": Self.page(
                "Retracted page", "  status: in-review\n  owner: Renal team\n", cites: "gone"),
            "Content/topics/d.md": Self.page("Fine page", "  status: approved\n  reviewed: 2026-10-01\n"),
        ])
    }

    func build(_ site: TempSite) throws -> (status: Int32, stdout: String, stderr: String) {
        try site.run(["build", "--templates", templatesPath, "--date", "2026-11-20"])
    }

    @Test func theTopicPageShowsItsOwnerAndLiteratureDate() throws {
        let site = try site()
        #expect(try build(site).status == 0)
        let page = try #require(site.read("Public/topics/a/index.html"))
        #expect(page.contains("<div><dt>Review owner</dt><dd>Renal team</dd></div>"))
        #expect(
            page.contains(
                #"<div><dt>Literature review current through</dt><dd><time datetime="2024-12-01">2024-12-01</time></dd></div>"#
            ))
        // interval_days replaces max_age_days for its page: reviewed 2026-10-01, due 60 days on.
        let b = try #require(site.read("Public/topics/b/index.html"))
        #expect(b.contains(#"<dt>Next review due</dt><dd><time datetime="2026-11-30">"#))
    }

    @Test func anIntervalMakesAPageOverdueSooner() throws {
        let site = try site()
        let result = try site.run(["check", "--date", "2026-12-05"])
        #expect(
            result.stdout.contains(
                "Content/topics/b.md:5:13: warning: approved page last reviewed 2026-10-01, more than 60 days before 2026-12-05 [review-overdue]"
            ), "\(result.stdout)")
        #expect(!result.stdout.contains("Content/topics/d.md"), "the site's 365 days still hold for the others")
    }

    @Test func theDashboardGroupsThePagesThatNeedAttentionAndFiltersByOwner() throws {
        let site = try site()
        #expect(try build(site).status == 0)
        let dashboard = try #require(site.read("Public/review/index.html"))
        #expect(dashboard.contains(#"<h2 id="attention-overdue">Review overdue (1)</h2>"#))
        #expect(dashboard.contains(#"<h2 id="attention-due-soon">Review due soon (1)</h2>"#))
        #expect(dashboard.contains(#"<h2 id="attention-cites-retracted">Cites a retracted source (1)</h2>"#))
        #expect(!dashboard.contains("attention-changed"), "an empty group is left out")
        #expect(dashboard.contains(#"<a href="/topics/b/">Due soon page</a> <span class="owner">· Dr Smith</span>"#))
        #expect(
            dashboard.contains(
                #"<option value="Dr Smith">Dr Smith</option><option value="Renal team">Renal team</option>"#))
        #expect(dashboard.contains(#"data-owner="Renal team""#))
        #expect(dashboard.contains(#"data-owner="""#), "a page without an owner matches only 'Anyone'")
    }

    @Test func pagesJSONListsEveryPageForReminderBots() throws {
        let site = try site()
        #expect(try build(site).status == 0)
        let data = Data(try #require(site.read("Public/review/pages.json")).utf8)
        let pages = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        #expect(pages.map { $0["file"] as? String } == ["a", "b", "c", "d"].map { "Content/topics/\($0).md" })
        let a = pages[0], b = pages[1], c = pages[2], d = pages[3]
        #expect(a["status"] as? String == "overdue" && a["overdue"] as? Bool == true)
        #expect(a["owner"] as? String == "Renal team" && a["next_due"] as? String == "2026-01-01")
        #expect(b["due_soon"] as? Bool == true && b["overdue"] as? Bool == false)
        #expect(c["cites_retracted"] as? Bool == true && c["next_due"] == nil)
        #expect(d["owner"] == nil && d["due_soon"] as? Bool == false && d["changed"] as? Bool == false)
        #expect(pages.allSatisfy { ($0["blocking"] as? [String])?.isEmpty == true })
        #expect(a["url"] as? String == "/topics/a/" && a["reviewed"] as? String == "2025-01-01")
    }

    @Test func theErrorsThatBlockApprovalAreListedInThePreview() async throws {
        let site = try site()
        try site.write(
            "Content/topics/d.md", Self.page("Fine page", "  status: approved\n  reviewed: 2026-10-01\n", cites: "nope")
        )
        let content = site.root.appendingPathComponent("Content").path
        let (built, checked) = try await Pipeline.assembleAndCheck(content: content, today: Day("2026-11-20")!)
        let outputs = try SiteOutputs(
            site: built, diagnostics: checked.diagnostics, templates: TemplateSet(directory: templatesPath),
            contentDirectory: content, includeUnpublished: true)
        let file = try #require(try outputs.file("review/pages.json"))
        guard case .bytes(let bytes) = file.content else {
            Issue.record("pages.json is not made as bytes")
            return
        }
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains(#""blocking":["unknown-citation"]"#), "\(text)")
    }

    @Test func malformedFieldsAreReportedAtTheirLines() throws {
        let site = try TempSite([
            "Content/topics/a.md": Self.page(
                "A", "  status: draft\n  interval_days: 0\n  literature_through: 2024-13-01\n  owner: [a, b]\n"),
            "Content/site.yaml": "title: S\nreview:\n  due_soon_days: soon\n",
        ])
        let result = try site.run(["check"])
        #expect(result.status == 1)
        for expected in [
            "Content/topics/a.md:5:18: error: 'interval_days' must be a whole number from 1 to 36525, not '0' [front-matter]",
            "Content/topics/a.md:6:23: error: 'literature_through' must be a date written YYYY-MM-DD, not '2024-13-01' [front-matter]",
            "Content/topics/a.md:7:10: error: 'owner' must be text [front-matter]",
            "Content/site.yaml:3:18: error: 'due_soon_days' must be a whole number from 0 to 36525, not 'soon' [front-matter]",
        ] {
            #expect(result.stdout.contains(expected), "\(expected)\n\(result.stdout)")
        }
    }
}
