import Foundation
import Testing

/// What editors really write: each input gets the right diagnostics at the right
/// positions, and nothing crashes.
@Suite struct EditorInputTests {
    static let base = [
        "Content/site.yaml": "title: Inputs\n",
        "Content/bibliography.yaml": "- id: a\n  title: A\n- id: b\n  title: B\n",
    ]
    static let head = "---\ntitle: T\nreview:\n  status: draft\n---\n\n"  // the body starts on line 7

    /// `line:column rule` of each diagnostic `check` reports for one page.
    func diagnostics(_ page: [UInt8]) throws -> [String] {
        let site = try TempSite(Self.base)
        try site.write("Content/p.md", bytes: page)
        let result = try site.run(["check", "--format", "json", "--date", "2026-11-01"])
        #expect(result.stderr.isEmpty)
        let object = try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        return (object["diagnostics"] as? [[String: Any]] ?? []).map {
            "\($0["line"]!):\($0["column"]!) \($0["rule"]!)"
        }
    }

    func diagnostics(body: String) throws -> [String] {
        try diagnostics(Array((Self.head + body).utf8))
    }

    @Test func citationsInsideEmphasisLinksTablesAndFootnotes() throws {
        let body = """
            *Emphasised [@a]* and **strong [@zz]**.

            A [linked [@b]](https://example.org) claim.

            | x | y |
            | - | - |
            | 1 | cell [@a] |

            Note.[^n] [@a]

            [^n]: Footnote text [@b].
            """
        #expect(try diagnostics(body: body) == ["7:33 unknown-citation"])
    }

    @Test func escapedBracketsAndCodeAreNotCitations() throws {
        #expect(try diagnostics(body: "Not a citation \\[@a].\n") == ["7:1 uncited-claim"])
        #expect(try diagnostics(body: "Code `[@a]` only.\n\n```\n[@b]\n```\n") == ["7:1 uncited-claim"])
    }

    @Test func setextHeadingsNestedListsAndComments() throws {
        let body = """
            Causes:

            1. First [@a]
               - nested, uncited
            2. Second [@b]

            <!-- an editor's note, not a claim -->

            See also
            --------

            - [Home](https://example.org)
            """
        #expect(try diagnostics(body: body) == ["10:6 uncited-claim"])
    }

    @Test func crlfBomAndTabsKeepPositions() throws {
        let crlf = (Self.head + "Line one [@a].\n\nTwo\t[@zz].\n").replacingOccurrences(of: "\n", with: "\r\n")
        #expect(try diagnostics(Array(crlf.utf8)) == ["9:6 unknown-citation"])
        let bom = [0xEF, 0xBB, 0xBF] + Array((Self.head + "É [@zz].\n").utf8)
        #expect(try diagnostics(bom) == ["7:4 unknown-citation"])
    }

    @Test func frontMatterOnlyAndEmptyPages() throws {
        #expect(try diagnostics(Array("---\ntitle: T\nreview:\n  status: draft\n---\n".utf8)) == [])
        #expect(try diagnostics([]) == ["1:1 front-matter"])
        #expect(try diagnostics(Array("# Just a heading\n".utf8)) == ["1:1 front-matter"])
    }

    @Test func aFiveMegabytePage() throws {
        var body = ""
        let paragraph = "A cited paragraph about electrolytes, long enough to be realistic [@a; @b].\n\n"
        while body.utf8.count < 5_000_000 { body += paragraph }
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false).count
        body += "Last one [@missing].\n"
        #expect(try diagnostics(body: body) == ["\(6 + lines):11 unknown-citation"])
    }

    @Test func aFiveMegabyteSingleLine() throws {
        let body = String(repeating: "claim [@a] ", count: 450_000) + "end [@zz].\n"
        #expect(try diagnostics(body: body) == ["7:\(11 * 450_000 + 6) unknown-citation"])
    }
}

/// The generated corpus with defects injected reports exactly the listed defects.
/// It needs `../shared/bench/gen_corpus.py`, which sits beside the repository here and in CI.
let corpusGenerator = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/bench/gen_corpus.py")

@Suite(.enabled(if: FileManager.default.fileExists(atPath: corpusGenerator.path)))
struct InjectedCorpusTests {
    static let generator = corpusGenerator

    @Test func reportsExactlyTheInjectedDefects() throws {
        let site = try TempSite([:])
        let corpus = site.root.appendingPathComponent("corpus")
        let generate = Process()
        generate.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        generate.arguments = [
            "python3", Self.generator.path, "--pages", "300", "--out", corpus.path, "--inject-errors", "30",
        ]
        generate.standardOutput = FileHandle.nullDevice
        generate.standardError = FileHandle.nullDevice
        try generate.run()
        generate.waitUntilExit()
        try #require(generate.terminationStatus == 0)

        let corpusSite = TempSite(existing: corpus)
        let result = try corpusSite.run(["check", "--content", "Content", "--format", "json", "--date", "2026-11-01"])
        let object = try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let found = (object["diagnostics"] as? [[String: Any]] ?? []).map {
            "\($0["file"]!):\($0["line"]!) \($0["rule"]!)"
        }
        let expectedData = try Data(contentsOf: corpus.appendingPathComponent("expected-errors.json"))
        let expected = try #require(JSONSerialization.jsonObject(with: expectedData) as? [[String: Any]])
        #expect(expected.count == 30)
        #expect(found.sorted() == expected.map { "\($0["file"]!):\($0["line"]!) \($0["rule"]!)" }.sorted())
        #expect(result.status == 1)
    }
}

@Suite struct SiteSettingsEndToEndTests {
    @Test func unknownAndMistypedSettingsAreReported() throws {
        let site = try TempSite([
            "Content/site.yaml":
                "title: T\ntitel: typo\nreview:\n  max_age_days: soon\ncitations:\n  uncited_claims: sometimes\n",
            "Content/a.md": "---\ntitle: A\nreview:\n  status: draft\n---\n\nUncited.\n",
        ])
        let result = try site.run(["check", "--date", "2026-11-01"])
        #expect(result.status == 1)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("Content/site.yaml:2:1: warning: unknown key 'titel' in site.yaml [front-matter]"))
        #expect(lines.contains { $0.hasPrefix("    hint: did you mean 'title'? allowed keys: title, base_url") })
        #expect(
            lines.contains(
                "Content/site.yaml:4:17: error: 'max_age_days' must be a whole number from 0 to 36525, not 'soon' [front-matter]"
            ))
        #expect(lines.contains("Content/site.yaml:6:19: error: unknown uncited_claims 'sometimes' [front-matter]"))
        #expect(lines.contains("Content/a.md:7:1: error: paragraph has no citation: 'Uncited.' [uncited-claim]"))
    }

    @Test func uncitedClaimsCanBeWarningsOrOff() throws {
        let site = try TempSite([
            "Content/site.yaml": "title: T\ncitations:\n  uncited_claims: warning\n",
            "Content/a.md": "---\ntitle: A\nreview:\n  status: draft\n---\n\nUncited.\n",
        ])
        let warning = try site.run(["check", "--date", "2026-11-01"])
        #expect(warning.status == 0)
        #expect(warning.stdout.contains("Content/a.md:7:1: warning: paragraph has no citation"))
        try site.write("Content/site.yaml", "title: T\ncitations:\n  uncited_claims: off\n")
        let off = try site.run(["check", "--date", "2026-11-01", "--strict"])
        #expect(off.stdout == "0 errors, 0 warnings in 1 page\n")
    }
}
