import SourcedCore
import Testing

@testable import SourcedMarkdown

@Suite struct MarkdownRendererTests {
    func render(_ markdown: String, lineOffset: Int = 0) -> RenderedMarkdown {
        MarkdownRenderer.render(body: Array(markdown.utf8), lineOffset: lineOffset) { url, _ in url }
    }

    @Test func headingsGetUniqueGitHubAnchors() {
        let result = render("# Treatment\n\n## Treatment\n\n## Signs & *symptoms*\n")
        #expect(result.headings.map(\.anchor) == ["treatment", "treatment-1", "signs--symptoms"])
        // cmark puts custom blocks on lines of their own; HTML ignores that whitespace.
        #expect(result.html.contains("<h1 id=\"treatment\">\nTreatment\n</h1>"))
        #expect(result.html.contains("<h2 id=\"signs--symptoms\">\nSigns &amp; <em>symptoms</em>\n</h2>"))
    }

    @Test func citationsBecomePlaceholdersWithPositions() {
        let result = render("Line one.\n\nLow Mg [@ayuk2014; @whang1986, p. 3] here [@x].\n", lineOffset: 5)
        #expect(result.citationGroups.count == 2)
        let first = result.citationGroups[0]
        #expect(first.items.map(\.key) == ["ayuk2014", "whang1986"])
        #expect(first.items[1].locator == "p. 3")
        #expect(first.position == TextPosition(line: 8, column: 8))
        #expect(first.items[0].position == TextPosition(line: 8, column: 9))
        #expect(first.items[1].position == TextPosition(line: 8, column: 20))
        #expect(result.citationGroups[1].position == TextPosition(line: 8, column: 43))
        let filled = CitationPlaceholder.fill(result.html) { "<C\($0)>" }
        #expect(filled.contains("Low Mg <C0> here <C1>."))
    }

    @Test func codeAndEscapesAndBareHandlesAreNotCitations() {
        let result = render("Use `[@code]` and \\[@escaped] and mail me @bob.\n\n    [@block]\n")
        #expect(result.citationGroups.isEmpty)
        #expect(result.claims.first?.isCited == false)
    }

    @Test func columnsCountCodePointsOnContinuationLines() {
        let result = render("Émile wrote\nthat é [@k].\n")
        #expect(result.citationGroups[0].items[0].position == TextPosition(line: 2, column: 9))
    }

    @Test func claimsCoverParagraphsItemsAndBodyRows() {
        let md = """
            Intro paragraph [@a].

            Causes include:

            - First cause [@b]
              - nested uncited
            - Second cause

            | Drug | Dose |
            | --- | --- |
            | Mg | 2 g [@c] |
            | K | 40 mmol |

            ## See also

            - [Other](other.md)
            """
        let claims = render(md).claims
        #expect(
            claims.map(\.kind) == [
                .paragraph, .paragraph, .listItem, .listItem, .listItem, .tableRow, .tableRow, .listItem,
            ])
        #expect(claims.map(\.isCited) == [true, false, true, false, false, true, false, false])
        #expect(claims[1].isLeadIn)
        #expect(claims[4].text == "Second cause")
        #expect(claims[4].position == TextPosition(line: 7, column: 3))
        #expect(claims[7].sections == ["See also"])
    }

    @Test func linksAreRecordedAndRewritten() {
        let result = MarkdownRenderer.render(
            body: Array("See [K](hypokalemia.md#treatment) and ![x](img/a.png).\n".utf8), lineOffset: 0
        ) {
            url, isImage in isImage ? "/img/a.png" : "sourced:link:0"
        }
        #expect(result.links.map(\.destination) == ["hypokalemia.md#treatment", "img/a.png"])
        #expect(result.links[0].position == TextPosition(line: 1, column: 9))
        #expect(result.html.contains(#"<a href="sourced:link:0">K</a>"#))
        #expect(result.html.contains(#"<img src="/img/a.png" alt="x" />"#))
    }

    @Test func rawHTMLIsOmittedAndUnsafeURLsBlanked() {
        let result = render("<script>alert(1)</script>\n\nHi <b>x</b> [y](javascript:alert(1))\n")
        #expect(!result.html.contains("<script"))
        #expect(!result.html.contains("<b>"))
        #expect(!result.html.contains("javascript:"))
    }

    @Test func authorTextCannotForgePlaceholders() {
        let result = render("Sneaky \u{E000}0\u{E001} text [@a].\n")
        let filled = CitationPlaceholder.fill(result.html) { _ in "CITE" }
        #expect(filled.split(separator: "CITE", omittingEmptySubsequences: false).count == 2)
    }

    @Test func extensionsWork() {
        let html = render("~~gone~~ www.example.org\n\n- [x] done\n\nNote[^1].\n\n[^1]: Footnote.\n").html
        #expect(html.contains("<del>gone</del>"))
        #expect(html.contains(#"<a href="http://www.example.org">"#))
        #expect(html.contains("checked"))
        #expect(html.contains("footnote"))
    }
}

@Suite struct HeadingAnchorsTests {
    @Test func slugs() {
        #expect(HeadingAnchors.slug("Hypo-Kalemia: Causes (2024)") == "hypo-kalemia-causes-2024")
        #expect(HeadingAnchors.slug("Über Natrium") == "über-natrium")
        var anchors = HeadingAnchors()
        #expect(["a", "a", "a-1", "a"].map { anchors.anchor(for: $0) } == ["a", "a-1", "a-1-1", "a-2"])
    }

    /// ASCII text takes a byte-by-byte path; it must slug every ASCII character as the
    /// Unicode rule does.
    @Test func theASCIIPathAgreesWithTheUnicodeRule() {
        let every = String(decoding: (0..<128).map { UInt8($0) }, as: UTF8.self)
        #expect(HeadingAnchors.slug(every) == HeadingAnchors.unicodeSlug(every))
        #expect(HeadingAnchors.slug(every).count == 26 + 10 + 26 + 3)
        for text in ["Signs & Symptoms", "  ", "K+ < 3.5 mmol/L", "IV_vs_PO-dosing", "Étapes 2"] {
            #expect(HeadingAnchors.slug(text) == HeadingAnchors.unicodeSlug(text), "\(text)")
        }
    }

    // MARK: Audience blocks

    func render(_ markdown: String, audiences: [String]) -> RenderedMarkdown {
        MarkdownRenderer.render(body: Array(markdown.utf8), lineOffset: 2, audiences: audiences) { url, _ in url }
    }

    @Test func fencesAreParagraphsOfTheirOwnAndCodeIsCode() {
        #expect(AudienceFences.fence("::: patient") == .open("patient"))
        #expect(AudienceFences.fence(":::: patient  ") == .open("patient"))
        #expect(AudienceFences.fence(":::") == .close)
        #expect(AudienceFences.fence("::") == nil)
        #expect(AudienceFences.fence("::: two words") == nil)
        let md = "Shared [@a].\n\n::: patient\n\nFor patients [@b].\n\n:::\n\n```\n::: patient\n```\n"
        let result = render(md, audiences: ["clinician", "patient"])
        #expect(result.audienceProblems.isEmpty)
        #expect(result.audienceBlocks == [AudienceBlock(audience: "patient", lines: 5...9)])
        #expect(!result.html.contains("For patients"), "the clinician variant leaves the patient block out")
        #expect(result.html.contains("<code>::: patient\n</code>"), "a fence in code is code")
        #expect(result.variantHTML.count == 1)
        #expect(result.variantHTML[0].contains("For patients"))
        #expect(result.variantHTML[0].contains("Shared"))
        // The facts cover every block: the checks see all of the page once.
        #expect(result.citationGroups.map { $0.items[0].key } == ["a", "b"])
        #expect(result.claims.count == 2)
        #expect(result.isShown(line: 7, to: "patient") && !result.isShown(line: 7, to: "clinician"))
        #expect(result.isShown(line: 3, to: "clinician"))
    }

    @Test func aPageWithoutFencesRendersOnce() {
        let result = render("Text [@a].\n", audiences: ["clinician", "patient"])
        #expect(result.audienceBlocks.isEmpty && result.variantHTML.isEmpty)
        #expect(result.html.contains("<p>Text"))
    }

    @Test func badFencesAreReportedAtTheirLines() {
        let md = "::: patient\n\n::: patient\nglued\n\n:::\n\n:::\n\n> ::: patient\n\n::: other\n"
        let problems = render(md, audiences: ["patient"]).audienceProblems
        #expect(
            problems.map(\.position.line) == [5, 10, 14, 14, 12],
            "\(problems.map { "\($0.position.line): \($0.message)" })")
        #expect(problems[0].message == "an audience fence must be a paragraph of its own")
        #expect(problems[1].message == "':::' closes no audience block")
        #expect(problems[2].message == "audience 'other' is not one of this page's audiences")
        #expect(problems[3].message == "audience block '::: other' is not closed")
        #expect(problems[4].message.hasPrefix("an audience fence must stand at the top level"))
    }

    @Test func aFootnoteInABlockIsThatAudiences() {
        let md = "Shared.\n\n::: patient\n\nSee note[^n].\n\n[^n]: Patients only.\n\n:::\n"
        let result = render(md, audiences: ["clinician", "patient"])
        #expect(!result.html.contains("Patients only"))
        #expect(result.variantHTML[0].contains("Patients only"))
    }
}
