import Foundation
import SourcedCore
import Testing

@testable import SourcedBuild

@Suite struct FrontMatterEditorTests {
    func approve(_ text: String, reviewer: String = "Dr Lee") throws -> String {
        var editor = try FrontMatterEditor(Array(text.utf8))
        try editor.approve(reviewer: reviewer, date: Day("2026-11-24")!, fingerprint: "sha256:abc")
        return String(decoding: editor.bytes, as: UTF8.self)
    }

    @Test func blockListCommentsAndOrderStay() throws {
        let before = """
            ---
            # a comment that must stay
            title: "Quoted: title"   # and this one
            review:
              reviewers:
                - Board A   # first
              status: submitted # was submitted
              updated: 2026-01-02
            tags: [a, b]
            ---
            Body *stays* exactly.\u{20}\u{20}

            """
        let after = """
            ---
            # a comment that must stay
            title: "Quoted: title"   # and this one
            review:
              reviewers:
                - Board A   # first
                - Dr Lee
              status: approved # was submitted
              updated: 2026-01-02
              reviewed: 2026-11-24
              fingerprint: sha256:abc
            tags: [a, b]
            ---
            Body *stays* exactly.\u{20}\u{20}

            """
        #expect(try approve(before) == after)
    }

    @Test func flowListAndExistingFieldsAreRewrittenInPlace() throws {
        let before =
            "---\ntitle: T\nreview:\n  status: 'in-review'\n  reviewers: [A, \"B, C\"]  # two\n  reviewed: 2025-01-01\n  fingerprint: sha256:old\n---\nBody\n"
        let after =
            "---\ntitle: T\nreview:\n  status: approved\n  reviewers: [A, \"B, C\", Dr Lee]  # two\n  reviewed: 2026-11-24\n  fingerprint: sha256:abc\n---\nBody\n"
        #expect(try approve(before) == after)
    }

    @Test func crlfIsKeptAndMissingFieldsAreAdded() throws {
        let before = "---\r\ntitle: T\r\nreview:\r\n    status: draft\r\n---\r\nBody\r\n"
        let after =
            "---\r\ntitle: T\r\nreview:\r\n    status: approved\r\n    reviewed: 2026-11-24\r\n    fingerprint: sha256:abc\r\n    reviewers: [Dr Lee]\r\n---\r\nBody\r\n"
        #expect(try approve(before) == after)
    }

    @Test func aReviewerAlreadyListedIsNotAddedTwiceAndOddNamesAreQuoted() throws {
        let listed = try approve("---\ntitle: T\nreview:\n  status: draft\n  reviewers: [Dr Lee]\n---\n")
        #expect(listed.contains("reviewers: [Dr Lee]\n"))
        let odd = try approve("---\ntitle: T\nreview:\n  status: draft\n---\n", reviewer: "yes")
        #expect(odd.contains("reviewers: [\"yes\"]\n"))
    }

    @Test func flowReviewMappingIsRefused() {
        #expect(throws: FrontMatterEditor.Failure.self) {
            try approve("---\ntitle: T\nreview: {status: draft}\n---\n")
        }
    }
}

@Suite struct ApproveEndToEndTests {
    func site() throws -> TempSite {
        try TempSite([
            "Content/site.yaml": "title: T\n",
            "Content/bibliography.yaml": "- id: shared\n  title: Shared\n",
            "Content/a.md": "---\ntitle: A\nreview:\n  status: in-review  # keep\n---\n\nClaim [@shared].\n",
            "Content/bad.md": "---\ntitle: Bad\nreview:\n  status: draft\n---\n\nClaim [@nope].\n",
        ])
    }

    @Test func approvalTiesTheBadgeToTheContent() throws {
        let site = try site()
        let approve = try site.run(["approve", "Content/a.md", "--reviewer", "Dr Lee", "--date", "2026-11-24"])
        #expect(approve.status == 0, "\(approve.stderr)")
        let text = try #require(site.read("Content/a.md"))
        #expect(text.hasPrefix("---\ntitle: A\nreview:\n  status: approved  # keep\n  reviewed: 2026-11-24\n"))
        #expect(text.hasSuffix("---\n\nClaim [@shared].\n"))

        let clean = try site.run(["check", "--date", "2026-11-24", "Content/a.md"])
        #expect(clean.stdout == "0 errors, 0 warnings in 2 pages\n")

        // A changed shared source makes the approval stale.
        try site.write("Content/bibliography.yaml", "- id: shared\n  title: Shared, revised\n")
        let stale = try site.run(["check", "--date", "2026-11-24", "--strict", "Content/a.md"])
        #expect(stale.status == 1)
        #expect(stale.stdout.hasPrefix("Content/a.md:6:16: warning: "))
        #expect(stale.stdout.contains("[changed-since-approval]"))
        try site.write("Content/site.yaml", "title: T\npublish:\n  statuses: [approved, draft]\n")
        try FileManager.default.removeItem(at: site.root.appendingPathComponent("Content/bad.md"))
        let build = try site.run(["build", "--templates", templatesPath, "--date", "2026-11-24"])
        #expect(build.status == 0)
        #expect(site.read("Public/topics/a/index.html")?.contains(#"data-review-status="changed""#) == true)

        // Approving again clears it.
        #expect(try site.run(["approve", "Content/a.md", "--reviewer", "Dr Lee", "--date", "2026-11-25"]).status == 0)
        let again = try site.run(["check", "--date", "2026-11-25", "--strict"])
        #expect(again.status == 0, "\(again.stdout)")
        #expect(site.read("Content/a.md")?.components(separatedBy: "Dr Lee").count == 2)
    }

    @Test func aPageWithErrorsIsRefusedUntouched() throws {
        let site = try site()
        let before = try #require(site.read("Content/bad.md"))
        let result = try site.run(["approve", "Content/bad.md", "--reviewer", "Dr Lee"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("Content/bad.md:7:8: error: unknown citation key 'nope'"))
        #expect(site.read("Content/bad.md") == before)
        let missing = try site.run(["approve", "Content/none.md", "--reviewer", "Dr Lee"])
        #expect(missing.status == 2)
    }
}
