import SourcedCore
import Testing

@testable import SourcedBuild

@Suite struct FrontMatterTests {
    func split(_ text: String) -> Result<FrontMatter, FrontMatter.Failure> {
        FrontMatter.split(Array(text.utf8))
    }

    @Test func splitsAndCountsBodyOffset() throws {
        let fm = try split("---\ntitle: A\n---\nBody\n").get()
        #expect(fm.yaml == "title: A\n")
        #expect(fm.bodyLineOffset == 3)
        #expect(String(decoding: fm.body, as: UTF8.self) == "Body\n")
    }

    @Test func handlesCRLFAndBOM() throws {
        let fm = try FrontMatter.split([0xEF, 0xBB, 0xBF] + Array("---\r\ntitle: A\r\n---\r\nBody\r\n".utf8)).get()
        #expect(fm.bodyLineOffset == 3)
        #expect(fm.yaml.hasPrefix("title: A"))
    }

    @Test func frontMatterOnlyAndEmptyFiles() throws {
        #expect(try split("---\ntitle: A\n---").get().body.isEmpty)
        #expect(throws: FrontMatter.Failure.missing) { try split("").get() }
        #expect(throws: FrontMatter.Failure.missing) { try split("# Title\n---\n").get() }
        #expect(throws: FrontMatter.Failure.unterminated) { try split("---\ntitle: A\nBody\n").get() }
    }
}

@Suite struct TopicDecoderTests {
    func decode(_ yaml: String) -> (TopicMetadata?, [Diagnostic]) {
        TopicDecoder.decode(yaml, file: "p.md", lineOffset: 1)
    }

    @Test func keepsValuesAsWritten() throws {
        let (metadata, diagnostics) = decode(
            """
            title: no
            summary: 1.10
            tags: [yes, 2024]
            review:
              status: approved
              reviewed: 2025-09-15
            """)
        #expect(diagnostics.isEmpty)
        let m = try #require(metadata)
        #expect(m.title == "no")
        #expect(m.summary == "1.10")
        #expect(m.tags == ["yes", "2024"])
        #expect(m.review.reviewed == Day("2025-09-15"))
    }

    @Test func reportsEachProblemAtItsNode() {
        let (metadata, diagnostics) = decode(
            """
            titel: Typo
            review:
              status: aproved
              reviewed: 2023-02-30
            """)
        #expect(metadata == nil)
        let found = diagnostics.sorted().map {
            "\($0.position.line):\($0.position.column) \($0.severity.rawValue) \($0.message)"
        }
        #expect(
            found == [
                "2:1 error front matter is missing the required field 'title'",
                "2:1 warning unknown key 'titel' in front matter",
                "4:11 error unknown review status 'aproved'",
                "5:13 error 'reviewed' must be a date written YYYY-MM-DD, not '2023-02-30'",
            ])
        #expect(diagnostics.first { $0.severity == .warning }?.hint?.contains("did you mean 'title'?") == true)
        #expect(
            diagnostics.first { $0.message.contains("aproved") }?.hint
                == "use one of: draft, submitted, in-review, approved")
    }

    @Test func refusesAnchorsAndAliasesBeforeYamsExpandsThem() {
        let bomb = """
            title: x
            a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
            b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
            c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
            """
        let (metadata, diagnostics) = decode(bomb)
        #expect(metadata == nil)
        #expect(diagnostics.count == 1)
        #expect(diagnostics[0].message == "YAML anchors (&name) and aliases (*name) are not allowed in front matter")
        #expect(diagnostics[0].position == TextPosition(line: 3, column: 4))
    }

    @Test func refusesDeepNestingBeforeYamsRecurses() {
        let deep =
            "title: x\nreview: " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let (metadata, diagnostics) = decode(deep)
        #expect(metadata == nil)
        #expect(diagnostics.map(\.message) == ["front matter is nested more than 32 levels deep"])
        let (_, unclosed) = decode("title: x\nreview: " + String(repeating: "[", count: 100_000))
        #expect(unclosed.map(\.message) == ["front matter is nested more than 32 levels deep"])
        // Deep indentation inside a block scalar is text, not nesting.
        let (indented, none) = decode(
            "title: x\nsummary: |\n" + String(repeating: " ", count: 60) + "deep text\nreview: {status: draft}\n")
        #expect(none.isEmpty)
        #expect(indented?.summary == "deep text\n")
        let blocks = (0..<40).map { String(repeating: "  ", count: $0) + "k\($0):" }.joined(separator: "\n")
        let (_, nested) = decode("title: x\n" + blocks + " v\n")
        #expect(nested.map(\.message) == ["front matter is nested more than 32 levels deep"])
    }

    @Test func plainTextWithAmpersandsAndAsterisksIsFine() {
        let (metadata, diagnostics) = decode(
            """
            title: Fluids & electrolytes * 2
            review: {status: draft}
            """)
        #expect(diagnostics.isEmpty)
        #expect(metadata?.title == "Fluids & electrolytes * 2")
    }

    @Test func syntaxErrorsHaveAPosition() {
        let (_, diagnostics) = decode("title: [unclosed\nreview: x\n")
        #expect(diagnostics.count == 1)
        #expect(diagnostics[0].rule == .frontMatter)
        #expect(diagnostics[0].message.hasPrefix("YAML syntax error"))
        #expect(diagnostics[0].position.line >= 2)
    }

    @Test func validatesReferenceIdentifiers() {
        let (_, diagnostics) = decode(
            """
            title: T
            review: {status: draft}
            references:
              - id: a
                title: A
                doi: 1234/abc
              - id: b
                title: B
                pmid: "PMID 1"
              - id: c
                url: ftp://example.org/x
              - id: a
                title: Again
            """)
        let found = diagnostics.sorted().map { "\($0.position.line) \($0.rule.rawValue)" }
        #expect(
            found == [
                "7 invalid-reference", "10 invalid-reference", "11 invalid-reference", "12 invalid-reference",
                "13 duplicate-reference",
            ])
    }
}

/// The identifier rules decide ASCII text byte by byte and anything else by `Character`s;
/// both ways must agree.
@Suite struct IdentifierRuleTests {
    /// Every one- and two-character ASCII variation at each position of a few real identifiers.
    static func variations(_ seeds: [String]) -> [String] {
        let alphabet = (0..<128).map { String(UnicodeScalar(UInt8($0))) } + ["\r\n"]
        var out = seeds
        for seed in seeds {
            let characters = Array(seed)
            for i in 0...characters.count {
                for c in alphabet {
                    out.append(String(characters[..<i]) + c + String(characters[i...]))
                    if i < characters.count {
                        out.append(String(characters[..<i]) + c + String(characters[(i + 1)...]))
                    }
                }
            }
        }
        return out
    }

    @Test func doisAreJudgedTheSameBothWays() {
        for doi in Self.variations(["10.1056/NEJMra1407000", "10.1000.10/x", "10.123/a", ""]) {
            #expect(
                ReferenceDecoder.isValidDOI(doi) == ReferenceDecoder.isValidDOI(characters: doi),
                "\(doi.debugDescription)")
        }
        #expect(ReferenceDecoder.isValidDOI("10.1056/NEJMra1407000"))
        #expect(!ReferenceDecoder.isValidDOI("10.1056/NEJM ra"))
        #expect(!ReferenceDecoder.isValidDOI("10.1056/"))
        #expect(!ReferenceDecoder.isValidDOI("10.105/x"))
    }

    @Test func urlsAreJudgedTheSameBothWays() {
        for url in Self.variations(["https://kdigo.org/x", "HTTP://a", "http://"]) {
            #expect(
                ReferenceDecoder.isValidWebURL(url) == ReferenceDecoder.isValidWebURL(characters: url),
                "\(url.debugDescription)")
        }
        #expect(ReferenceDecoder.isValidWebURL("HTTPS://kdigo.org"))
        #expect(!ReferenceDecoder.isValidWebURL("http\u{1A}//kdigo.org"))
        #expect(!ReferenceDecoder.isValidWebURL("ftp://kdigo.org"))
    }

    @Test func keysAndPMIDsKeepTheirRules() {
        #expect(ReferenceDecoder.isValidKey("kdigo2024:ckd/4.1-a_b"))
        #expect(ReferenceDecoder.isValidKey("müller2020"))
        #expect(!ReferenceDecoder.isValidKey("a b"))
        #expect(!ReferenceDecoder.isValidKey("müller 2020"))
        #expect(!ReferenceDecoder.isValidKey(""))
        #expect(!ReferenceDecoder.isValidKey("a@b"))
        #expect(ReferenceDecoder.isValidPMID("31234567"))
        #expect(!ReferenceDecoder.isValidPMID("3123456a"))
        #expect(!ReferenceDecoder.isValidPMID("١٢٣"))
        #expect(!ReferenceDecoder.isValidPMID(""))
    }
}
