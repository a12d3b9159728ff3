import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Input an attacker or a careless editor writes: every YAML file read the same way, text that
/// cannot be published refused at its field, every XML and JSON file well-formed to a real
/// parser, and diagnostics that stay one line each whatever the content holds.
@Suite struct AttackedInputTests {
    static let settings = """
        title: Electrolytes
        base_url: https://kb.example.org/
        review:
          max_age_days: 10
        publish:
          statuses: [approved]

        """

    func site(_ files: [String: String]) throws -> TempSite {
        var all = [
            "Content/site.yaml": Self.settings,
            "Content/topics/a.md": page(title: "Topic A", references: Self.source, body: "Claim [@s].\n"),
        ]
        all.merge(files) { _, new in new }
        return try TempSite(all)
    }

    static let source = "references:\n  - id: s\n    title: A source\n"

    /// `site.yaml` saved with a byte-order mark (Windows Notepad) read as without one, like
    /// pages and `bibliography.yaml`.
    @Test func aByteOrderMarkIsIgnoredInEveryYAMLFile() throws {
        let site = try site([
            "Content/bibliography.yaml": "\u{FEFF}- id: shared\n  title: Shared\n",
            "Content/topics/b.md": "\u{FEFF}" + page(title: "Topic B", status: "draft", body: "Text [@shared].\n"),
        ])
        try site.write("Content/site.yaml", bytes: [0xEF, 0xBB, 0xBF] + Array(Self.settings.utf8))
        let result = try site.run(["check", "--date", "2026-11-01"])
        // The settings are read: the page reviewed 2026-10-01 is overdue after 10 days.
        #expect(result.stdout.contains("[review-overdue]"), "\(result.stdout)")
        #expect(!result.stdout.contains("[front-matter]"))
        #expect(result.status == 0)
    }

    /// Lines of a block scalar that begin with `*` or `&` are text, and nothing else of the
    /// file is dropped; a real anchor or alias is still refused where it is.
    @Test func onlyRealAnchorsAndAliasesAreRefused() throws {
        let site = try site([
            "Content/site.yaml": """
            title: Electrolytes
            disclaimer: >
              **Bold** text, *emphasis* and
              &amp; an entity.
            review:
              max_age_days: 10

            """,
            "Content/topics/a.md": page(
                title: "Topic A", extra: "summary: |\n  *One* & two\n  &three\n", references: Self.source,
                body: "Claim [@s].\n"),
        ])
        let fine = try site.run(["build", "--templates", templatesPath, "--date", "2026-11-01"])
        #expect(fine.status == 0, "\(fine.stderr)")
        #expect(fine.stderr.contains("[review-overdue]"))
        let topic = try #require(site.read("Public/topics/a/index.html"))
        #expect(topic.contains("<strong>Bold</strong> text"))

        try site.write("Content/site.yaml", "title: Electrolytes\nbase: &b 1\nother: *b\n")
        let refused = try site.run(["check", "--date", "2026-11-01"])
        #expect(refused.status == 1)
        #expect(
            refused.stdout.contains(
                "Content/site.yaml:2:7: error: YAML anchors (&name) and aliases (*name) are not allowed in front matter [front-matter]"
            ), "\(refused.stdout)")
    }

    /// A control character in front-matter text is an error at the field; nothing is written.
    @Test func controlCharactersInTextAreRefusedAtTheField() throws {
        for (escape, code) in [("\\x01", "0001"), ("\\x0B", "000B"), ("\\x1F", "001F"), ("\\x7F", "007F")] {
            let site = try site([
                "Content/topics/a.md": page(
                    title: "\"Topic \(escape) A\"", references: Self.source, body: "Claim [@s].\n")
            ])
            let result = try site.run(["build", "--templates", templatesPath, "--date", "2026-11-01"])
            #expect(result.status == 1)
            #expect(
                result.stderr.contains(
                    "Content/topics/a.md:2:8: error: 'title' holds the control character U+\(code), which no web page, feed or sitemap may carry [front-matter]"
                ), "\(result.stderr)")
            #expect(!site.exists("Public"))
        }
        let settings = try site(["Content/site.yaml": "title: \"KB\\u0001\"\n"])
        let result = try settings.run(["check", "--date", "2026-11-01"])
        #expect(result.stdout.contains("Content/site.yaml:1:8: error: 'title' holds the control character U+0001"))
    }

    /// Every XML and JSON file a build writes, read back by a real parser, from a site whose
    /// text has every character these formats escape, and a file name holding a control
    /// character that no front-matter check sees.
    @Test func everyXMLAndJSONFileIsWellFormed() throws {
        // As a YAML single-quoted scalar: '' is a quote.
        let hostile = "'Fish & chips <b>\"quoted\"</b> ''single'' é ü 日本 \\ \t tab'"
        let site = try site([
            "Content/site.yaml": "title: \(hostile)\nbase_url: https://kb.example.org/\n",
            "Content/topics/a.md": page(
                title: hostile, extra: "summary: \(hostile)\ntags: [\(hostile)]\n",
                references: "references:\n  - id: s\n    title: \(hostile)\n    authors: [\(hostile)]\n",
                body: "Claim [@s].\n"),
            "Content/topics/odd\u{1}name.md": page(title: "Odd", references: Self.source, body: "Odd [@s].\n"),
        ])
        let result = try site.run(["build", "--templates", templatesPath, "--date", "2026-11-01"])
        #expect(result.status == 0, "\(result.stderr)")
        for path in ["sitemap.xml", "feed.xml"] {
            let data = try #require(FileManager.default.contents(atPath: site.root.path + "/Public/" + path))
            let parser = XMLParser(data: data)
            #expect(parser.parse(), "\(path): \(String(describing: parser.parserError))")
        }
        for path in ["search-index.json", "references.json"] {
            let data = try #require(FileManager.default.contents(atPath: site.root.path + "/Public/" + path))
            #expect(throws: Never.self, "\(path)") { try JSONSerialization.jsonObject(with: data) }
        }
        let feed = try #require(site.read("Public/feed.xml"))
        #expect(feed.contains("Fish &amp; chips &lt;b&gt;"))
    }

    /// Text from the content that holds line breaks (a YAML key, a reference id, a file name)
    /// cannot start a line of its own in any report format: GitHub Actions would run
    /// `::add-mask::` or `::error` lines as workflow commands.
    @Test(arguments: ["text", "github", "sarif", "json"])
    func diagnosticsStayOneLineWhateverTheContentHolds(_ format: String) throws {
        // YAML's escapes: a line feed, a carriage return and U+2028 in a key.
        let injected = #"x\n::add-mask::secret\r\n::error file=a::owned\u2028y"#
        let site = try site([
            "Content/topics/a.md": page(
                title: "Topic A", extra: "\"\(injected)\": 1\n",
                references: "references:\n  - id: \"bad\\n::warning::id\"\n    title: T\n",
                body: "Claim [@s].\n"),
            "Content/topics/b\n::add-mask::file.md": page(title: "B", body: "Uncited claim.\n"),
        ])
        let result = try site.run(["check", "--format", format, "--date", "2026-11-01"])
        #expect(result.status == 1)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        switch format {
        case "text":
            for line in lines where !line.isEmpty {
                #expect(
                    line.hasPrefix("Content/") || line.hasPrefix("    hint: ") || line.hasSuffix(" pages"), "\(line)")
            }
            #expect(result.stdout.contains("\\n::add-mask::secret\\r\\n::error file=a::owned\\u{2028}y"))
            #expect(result.stdout.contains("Content/topics/b\\n::add-mask::file.md:8:1: error: "))
        case "github":
            for line in lines where !line.isEmpty {
                #expect(line.hasPrefix("::error file=") || line.hasPrefix("::warning file="), "\(line)")
            }
            #expect(result.stdout.contains("file=Content/topics/b\\n%3A%3Aadd-mask%3A%3Afile.md,"))
        default:
            // One JSON document on one line, its messages free of control characters.
            #expect(lines.count == 2 && lines[1].isEmpty)
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            #expect(!"\(object)".contains("\n::add-mask"))
            #expect(result.stdout.contains("\\\\n::add-mask::secret"))
            #expect(result.stdout.contains("b\\\\n::add-mask::file.md"))
        }
    }
}
