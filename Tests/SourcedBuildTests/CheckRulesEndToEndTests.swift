import Foundation
import SourcedCore
import Testing

/// One end-to-end case per rule id: a page with exactly one defect, and the same page mended.
struct RuleCase: Sendable, CustomTestStringConvertible {
    var rule: String
    var page: [UInt8]
    var mended: [UInt8]
    /// Diagnostics expected from the defective page: file, line, column, severity.
    var expected: [(file: String, line: Int, column: Int, severity: String)]
    var extraFiles: [String: String] = [:]

    var testDescription: String { rule }

    init(
        _ rule: String, _ page: String, mended: String, at expected: [(String, Int, Int, String)],
        extraFiles: [String: String] = [:]
    ) {
        self.init(rule, bytes: Array(page.utf8), mended: mended, at: expected, extraFiles: extraFiles)
    }

    init(
        _ rule: String, bytes: [UInt8], mended: String, at expected: [(String, Int, Int, String)],
        extraFiles: [String: String] = [:]
    ) {
        self.rule = rule
        self.page = bytes
        self.mended = Array(mended.utf8)
        self.expected = expected.map { (file: $0.0, line: $0.1, column: $0.2, severity: $0.3) }
        self.extraFiles = extraFiles
    }
}

let casePath = "Content/topics/case.md"

let ruleCases: [RuleCase] = [
    RuleCase(
        "front-matter",
        "---\ntitle: Bad status\nreview:\n  status: aproved\n---\n\nClaim [@shared].\n",
        mended: "---\ntitle: Bad status\nreview:\n  status: draft\n---\n\nClaim [@shared].\n",
        at: [(casePath, 4, 11, "error")]),
    RuleCase(
        "invalid-encoding",
        bytes: Array("---\ntitle: T\nreview:\n  status: draft\n---\n\nClaim ".utf8) + [0xFF]
            + Array(" [@shared].\n".utf8),
        mended: "---\ntitle: T\nreview:\n  status: draft\n---\n\nClaim [@shared].\n",
        at: [(casePath, 7, 7, "error")]),
    RuleCase(
        "unknown-citation",
        "---\ntitle: T\nreview:\n  status: draft\n---\n\nClaim [@shraed].\n",
        mended: "---\ntitle: T\nreview:\n  status: draft\n---\n\nClaim [@shared].\n",
        at: [(casePath, 7, 8, "error")]),
    RuleCase(
        "uncited-claim",
        "---\ntitle: T\nreview:\n  status: draft\n---\n\nClaim [@shared].\n\nUncited claim.\n",
        mended: "---\ntitle: T\nreview:\n  status: draft\n---\n\nClaim [@shared].\n\nA lead-in:\n\n- cited [@shared]\n",
        at: [(casePath, 9, 1, "error")]),
    RuleCase(
        "unused-reference",
        "---\ntitle: T\nreview:\n  status: draft\nreferences:\n  - id: extra\n    title: Extra\n---\n\nClaim [@shared].\n",
        mended:
            "---\ntitle: T\nreview:\n  status: draft\nreferences:\n  - id: extra\n    title: Extra\n---\n\nClaim [@shared; @extra].\n",
        at: [(casePath, 6, 5, "warning")]),
    RuleCase(
        "duplicate-reference",
        "---\ntitle: T\nreview:\n  status: draft\nreferences:\n  - id: shared\n    title: Different\n---\n\nClaim [@shared].\n",
        mended:
            "---\ntitle: T\nreview:\n  status: draft\nreferences:\n  - id: local\n    title: Different\n---\n\nClaim [@local].\n",
        at: [(casePath, 6, 5, "error")]),
    RuleCase(
        "invalid-reference",
        "---\ntitle: T\nreview:\n  status: draft\nreferences:\n  - id: extra\n    title: Extra\n    doi: 1234/x\n---\n\nClaim [@extra].\n",
        mended:
            "---\ntitle: T\nreview:\n  status: draft\nreferences:\n  - id: extra\n    title: Extra\n    doi: 10.1234/x\n---\n\nClaim [@extra].\n",
        at: [(casePath, 8, 10, "error")]),
    RuleCase(
        "broken-link",
        "---\ntitle: T\nreview:\n  status: draft\n---\n\nSee [x](nothere.md) [@shared].\n",
        mended: "---\ntitle: T\nreview:\n  status: draft\n---\n\nSee [x](other.md) [@shared].\n",
        at: [(casePath, 7, 9, "error")]),
    RuleCase(
        "broken-anchor",
        "---\ntitle: T\nreview:\n  status: draft\n---\n\nSee [x](other.md#nope) [@shared].\n",
        mended: "---\ntitle: T\nreview:\n  status: draft\n---\n\nSee [x](other.md#treatment) [@shared].\n",
        at: [(casePath, 7, 9, "error")]),
    RuleCase(
        "unsafe-link",
        "---\ntitle: T\nreview:\n  status: draft\n---\n\nSee [x](javascript:alert(1)) [@shared].\n",
        mended: "---\ntitle: T\nreview:\n  status: draft\n---\n\nSee [x](https://example.org/) [@shared].\n",
        at: [(casePath, 7, 9, "error")]),
    RuleCase(
        "duplicate-slug",
        "---\ntitle: T\nslug: other\nreview:\n  status: draft\n---\n\nClaim [@shared].\n",
        mended: "---\ntitle: T\nslug: another\nreview:\n  status: draft\n---\n\nClaim [@shared].\n",
        at: [(casePath, 3, 7, "error"), ("Content/topics/other.md", 1, 1, "error")]),
    RuleCase(
        "review-overdue",
        "---\ntitle: T\nreview:\n  status: approved\n  reviewed: 2020-01-01\n---\n\nClaim [@shared].\n",
        mended: "---\ntitle: T\nreview:\n  status: approved\n  reviewed: 2026-10-01\n---\n\nClaim [@shared].\n",
        at: [(casePath, 5, 13, "warning")]),
    RuleCase(
        "invalid-audience",
        "---\ntitle: T\naudiences: [clinician, patient]\nreview:\n  status: draft\n---\n\n::: patinet\n\nFor patients [@shared].\n\n:::\n",
        mended:
            "---\ntitle: T\naudiences: [clinician, patient]\nreview:\n  status: draft\n---\n\n::: patient\n\nFor patients [@shared].\n\n:::\n",
        at: [(casePath, 8, 1, "error")]),
    RuleCase(
        "retracted-source",
        "---\ntitle: T\nreview:\n  status: draft\nreferences:\n  - {id: r, title: R, status: retracted}\n---\n\nClaim [@r].\n",
        mended: "---\ntitle: T\nreview:\n  status: draft\nreferences:\n  - {id: r, title: R}\n---\n\nClaim [@r].\n",
        at: [(casePath, 9, 8, "error")]),
    RuleCase(
        "superseded-source",
        "---\ntitle: T\nreview:\n  status: draft\nreferences:\n  - {id: r, title: R, superseded_by: shared}\n---\n\nClaim [@r].\n",
        mended: "---\ntitle: T\nreview:\n  status: draft\n---\n\nClaim [@shared].\n",
        at: [(casePath, 9, 8, "warning")]),
    RuleCase(
        "corrected-source",
        "---\ntitle: T\nreview:\n  status: draft\nreferences:\n  - {id: r, title: R, status: corrected}\n---\n\nClaim [@r].\n",
        mended: "---\ntitle: T\nreview:\n  status: draft\nreferences:\n  - {id: r, title: R}\n---\n\nClaim [@r].\n",
        at: [(casePath, 9, 8, "warning")]),
    RuleCase(
        "source-concern",
        "---\ntitle: T\nreview:\n  status: draft\nreferences:\n  - {id: r, title: R, status: expression-of-concern}\n---\n\nClaim [@r].\n",
        mended: "---\ntitle: T\nreview:\n  status: draft\nreferences:\n  - {id: r, title: R}\n---\n\nClaim [@r].\n",
        at: [(casePath, 9, 8, "warning")]),
    RuleCase(
        "invalid-grade",
        "---\ntitle: T\nreview:\n  status: draft\n---\n\nClaim [@shared] [grade: 1Z].\n",
        mended: "---\ntitle: T\nreview:\n  status: draft\n---\n\nClaim [@shared] [grade: 1A].\n",
        at: [(casePath, 7, 17, "error")],
        extraFiles: [
            "Content/site.yaml": "title: Rules\nevidence:\n  grades: {1A: Strong}\n  require_for: [recommend]\n"
        ]),
    RuleCase(
        "ungraded-recommendation",
        "---\ntitle: T\nreview:\n  status: draft\n---\n\nWe recommend it [@shared].\n",
        mended: "---\ntitle: T\nreview:\n  status: draft\n---\n\nWe recommend it [@shared] [grade: 1A].\n",
        at: [(casePath, 7, 1, "warning")],
        extraFiles: [
            "Content/site.yaml": "title: Rules\nevidence:\n  grades: {1A: Strong}\n  require_for: [recommend]\n"
        ]),
]

@Suite struct CheckRulesEndToEndTests {
    static let baseFiles = [
        "Content/site.yaml": "title: Rules\n",
        "Content/bibliography.yaml": "- id: shared\n  title: Shared\n  authors: [Smith J]\n",
        "Content/topics/other.md":
            "---\ntitle: Other\nreview:\n  status: draft\n---\n\n## Treatment\n\nText [@shared].\n",
    ]

    func site(_ page: [UInt8], _ extra: [String: String]) throws -> TempSite {
        let site = try TempSite(Self.baseFiles.merging(extra) { $1 })
        try site.write(casePath, bytes: page)
        return site
    }

    func check(_ site: TempSite, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try site.run(["check", "--date", "2026-11-01"] + arguments)
    }

    /// Every rule id has its case here, but the two whose cases need more than one page
    /// (a render limit, an approval that the page then outgrew), which have tests of their own.
    @Test func everyRuleHasACase() {
        let covered = Set(ruleCases.map(\.rule))
        let elsewhere: Set = ["render-limit", "changed-since-approval"]
        #expect(Set(Rule.allCases.map(\.rawValue)).subtracting(elsewhere) == covered)
    }

    @Test(arguments: ruleCases)
    func reportsTheDefectInEveryFormat(_ c: RuleCase) throws {
        let site = try site(c.page, c.extraFiles)
        let hasError = c.expected.contains { $0.severity == "error" }

        // JSON: exact file, line, column, severity and rule of every diagnostic.
        let json = try check(site, ["--format", "json"])
        #expect(json.status == (hasError ? 1 : 0))
        let object = try #require(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let diagnostics = try #require(object["diagnostics"] as? [[String: Any]])
        let found = diagnostics.map {
            "\($0["file"]!):\($0["line"]!):\($0["column"]!) \($0["severity"]!) \($0["rule"]!)"
        }
        #expect(found == c.expected.map { "\($0.file):\($0.line):\($0.column) \($0.severity) \(c.rule)" })

        // Text: one line per diagnostic in the SPEC's shape, then the summary.
        let text = try check(site, [])
        let lines = text.stdout.split(separator: "\n").filter { !$0.hasPrefix("    ") }
        for (line, e) in zip(lines, c.expected) {
            #expect(line.hasPrefix("\(e.file):\(e.line):\(e.column): \(e.severity): "))
            #expect(line.hasSuffix(" [\(c.rule)]"))
        }
        #expect(lines.last?.hasSuffix("in 2 pages") == true)

        // GitHub annotations.
        let github = try check(site, ["--format", "github"])
        let annotations = github.stdout.split(separator: "\n")
        #expect(annotations.count == c.expected.count)
        for (annotation, e) in zip(annotations, c.expected) {
            #expect(
                annotation.hasPrefix(
                    "::\(e.severity) file=\(e.file),line=\(e.line),col=\(e.column),title=\(c.rule)::"))
        }

        // SARIF: one result per diagnostic with its physical location.
        let sarif = try check(site, ["--format", "sarif"])
        let log = try #require(JSONSerialization.jsonObject(with: Data(sarif.stdout.utf8)) as? [String: Any])
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == c.expected.count)
        for (result, e) in zip(results, c.expected) {
            #expect(result["ruleId"] as? String == c.rule)
            #expect(result["level"] as? String == e.severity)
            let location = (result["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any]
            #expect((location?["artifactLocation"] as? [String: Any])?["uri"] as? String == e.file)
            let region = location?["region"] as? [String: Int]
            #expect(region == ["startLine": e.line, "startColumn": e.column])
        }

        // Warnings pass unless --strict.
        let strict = try check(site, ["--strict"])
        #expect(strict.status == 1)

        // check writes nothing at all.
        #expect(try FileManager.default.contentsOfDirectory(atPath: site.root.path) == ["Content"])
    }

    @Test(arguments: ruleCases)
    func theMendedPageIsClean(_ c: RuleCase) throws {
        let site = try site(c.mended, c.extraFiles)
        let result = try check(site, ["--strict"])
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout == "0 errors, 0 warnings in 2 pages\n")
    }

    @Test func namedPagesLimitTheReportButNotTheCheck() throws {
        let site = try site(ruleCases.first { $0.rule == "duplicate-slug" }!.page, [:])
        let one = try check(site, ["./Content/topics/other.md"])
        #expect(one.status == 1)
        #expect(one.stdout.hasPrefix("Content/topics/other.md:1:1: error: slug 'other' is also used by"))
        #expect(!one.stdout.contains("case.md:"))
        try site.write(casePath, "---\ntitle: T\nreview:\n  status: draft\n---\n\nClaim [@shared].\n")
        try site.write("Content/topics/other.md", "---\ntitle: Other\nreview:\n  status: draft\n---\n\nUncited.\n")
        let clean = try check(site, ["Content/topics/case.md"])
        #expect(clean.status == 0)
    }
}
