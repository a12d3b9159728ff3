import Foundation
import SourcedCore
import SourcedMarkdown
import Testing

@testable import SourcedBuild

@Suite struct CitationMarkupTests {
    func citations(_ keys: [String]) -> PageCitations {
        let group = CitationGroup(
            items: keys.map { CitationItem(key: $0, locator: nil, position: .init(line: 1, column: 1)) },
            position: .init(line: 1, column: 1))
        let refs = keys.map {
            LocatedReference(reference: Reference(id: $0, title: $0), file: "p.md", position: .init(line: 1, column: 1))
        }
        return PageCitations(groups: [group], pageReferences: refs, bibliography: [:])
    }

    func group(_ items: [(String, String?)]) -> CitationGroup {
        CitationGroup(
            items: items.map { CitationItem(key: $0.0, locator: $0.1, position: .init(line: 1, column: 1)) },
            position: .init(line: 1, column: 1))
    }

    /// The visible text of a citation: tags dropped.
    func text(_ html: String) -> String {
        var out = ""
        var inTag = false
        for c in html {
            if c == "<" { inTag = true } else if c == ">" { inTag = false } else if !inTag { out.append(c) }
        }
        return out
    }

    @Test func runsOfThreeCollapseAndEverySourceKeepsALink() {
        let numbering = citations(["a", "b", "c", "d", "e"])
        let html = CitationMarkup.html(
            for: group([("e", nil), ("a", nil), ("b", nil), ("c", nil)]), index: 0, citations: numbering)
        #expect(text(html) == "1–3, 5")
        for key in ["a", "b", "c", "e"] { #expect(html.contains("href=\"#ref-\(key)\"")) }
        #expect(html.contains(#"<sup class="citation">"#))
    }

    @Test func pairsStaySeparateAndLocatorsBreakRuns() {
        let numbering = citations(["a", "b", "c"])
        #expect(
            text(CitationMarkup.html(for: group([("b", nil), ("a", nil)]), index: 0, citations: numbering)) == "1, 2")
        let withLocator = CitationMarkup.html(
            for: group([("a", nil), ("b", "p. 3"), ("c", nil)]), index: 0, citations: numbering)
        #expect(text(withLocator) == "1, 2(p. 3), 3")
    }

    @Test func numbersFollowFirstCitationAndUnknownKeysAreCollected() {
        let groups = [group([("b", nil)]), group([("a", nil), ("b", nil), ("zz", nil)])]
        let refs = ["a", "b"].map {
            LocatedReference(reference: Reference(id: $0, title: $0), file: "p.md", position: .init(line: 1, column: 1))
        }
        let shared = LocatedReference(
            reference: Reference(id: "zz", title: "Z"), file: "bib", position: .init(line: 1, column: 1))
        let numbering = PageCitations(groups: groups, pageReferences: refs, bibliography: [:])
        #expect(numbering.numberOfKey == ["b": 1, "a": 2])
        #expect(numbering.unknown.map(\.key) == ["zz"])
        #expect(numbering.sources[0].groups == [0, 1])
        let withBibliography = PageCitations(groups: groups, pageReferences: refs, bibliography: ["zz": shared])
        #expect(withBibliography.numberOfKey["zz"] == 3)
        #expect(withBibliography.sources[2].isPageReference == false)
    }
}

@Suite struct LinkResolutionTests {
    @Test func resolvesAgainstThePagesFolder() {
        let dir = ["topics", "kidney"]
        #expect(PageParser.resolve("other.md#x", from: dir) == .topic(path: "topics/kidney/other.md", fragment: "x"))
        #expect(PageParser.resolve("../a%20b.md", from: dir) == .topic(path: "topics/a b.md", fragment: nil))
        #expect(PageParser.resolve("./img/x.png?v=1", from: dir) == .file(path: "topics/kidney/img/x.png"))
        #expect(PageParser.resolve("../../../etc/passwd", from: dir) == .outside)
        #expect(PageParser.resolve("#treatment", from: dir) == .fragment("treatment"))
        #expect(PageParser.resolve("https://example.org/a.md", from: dir) == .external)
        #expect(PageParser.resolve("mailto:a@b.org", from: dir) == .external)
        #expect(PageParser.resolve("/absolute/x.md", from: dir) == .external)
    }
}

@Suite struct ReferenceIndexTests {
    func page(_ path: String, _ refs: [Reference]) -> SitePage {
        let located = refs.map { LocatedReference(reference: $0, file: path, position: .init(line: 1, column: 1)) }
        let groups = [
            CitationGroup(
                items: refs.map { CitationItem(key: $0.id, locator: nil, position: .init(line: 1, column: 1)) },
                position: .init(line: 1, column: 1))
        ]
        let markdown = RenderedMarkdown(html: "", headings: [], links: [], citationGroups: groups, claims: [])
        let metadata = TopicMetadata(title: path, review: .init(status: .approved), references: located)
        let result = PageResult(
            file: path, relativePath: path, metadata: metadata, markdown: markdown, links: [], diagnostics: [])
        return SitePage(
            result: result, metadata: metadata, markdown: markdown, slug: path,
            citations: PageCitations(groups: groups, pageReferences: located, bibliography: [:]), badge: .approved,
            isPublished: true, anchors: [])
    }

    @Test func mergesByDOIOrPMIDAndSeparatesKeyClashes() {
        let pages = [
            page("a.md", [Reference(id: "x", title: "X", doi: "10.1000/ABC"), Reference(id: "k", title: "One")]),
            page("b.md", [Reference(id: "y", title: "X again", doi: "10.1000/abc"), Reference(id: "k", title: "Two")]),
            page(
                "c.md",
                [Reference(id: "z", title: "By PMID", pmid: "42"), Reference(id: "w", title: "Same", pmid: "42")]),
        ]
        let index = ReferenceIndex(pages: pages, bibliography: [])
        #expect(index.entries.count == 4)
        let x = index.entry(page: "a.md", key: "x")
        #expect(x != nil && x == index.entry(page: "b.md", key: "y"))
        #expect(index.entries[x!].citedBy == ["a.md", "b.md"])
        #expect(index.entry(page: "c.md", key: "z") == index.entry(page: "c.md", key: "w"))
        let one = index.entries[index.entry(page: "a.md", key: "k")!]
        let two = index.entries[index.entry(page: "b.md", key: "k")!]
        #expect(one.anchor == "source-k" && two.anchor == "source-k-2")
    }
}

@Suite struct DiagnosticReportTests {
    let diagnostics = [
        Diagnostic(
            file: "Content/a,b.md", position: .init(line: 12, column: 5), rule: .unknownCitation,
            message: "unknown citation key 'smith2020'"),
        Diagnostic(
            file: "Content/b.md", position: .init(line: 3, column: 1), rule: .unusedReference, message: "unused"),
    ]

    @Test func textAndGithubFormats() {
        let text = DiagnosticReport.render(diagnostics, pages: 14, format: .text)
        #expect(
            text == """
                Content/a,b.md:12:5: error: unknown citation key 'smith2020' [unknown-citation]
                Content/b.md:3:1: warning: unused [unused-reference]
                1 error, 1 warning in 14 pages

                """)
        let github = DiagnosticReport.render(diagnostics, pages: 14, format: .github)
        #expect(
            github.hasPrefix(
                "::error file=Content/a%2Cb.md,line=12,col=5,title=unknown-citation::unknown citation key 'smith2020'\n"
            ))
    }

    @Test func jsonAndSarifAreParseable() throws {
        let json = DiagnosticReport.render(diagnostics, pages: 14, format: .json)
        let object = try #require(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect((object["summary"] as? [String: Int]) == ["errors": 1, "warnings": 1, "pages": 14])
        let sarif = DiagnosticReport.render(diagnostics, pages: 14, format: .sarif)
        let log = try #require(JSONSerialization.jsonObject(with: Data(sarif.utf8)) as? [String: Any])
        #expect(log["version"] as? String == "2.1.0")
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        #expect(((run["results"] as? [Any])?.count) == 2)
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "sourced")
        #expect((driver["rules"] as? [Any])?.count == Rule.allCases.count)
    }
}

@Suite struct UnsafeLinkTests {
    func link(_ destination: String, image: Bool = false) -> Link {
        Link(destination: destination, isImage: image, position: .init(line: 1, column: 1))
    }

    @Test func schemesThatRunCodeAreUnsafe() {
        #expect(SiteChecks.isUnsafe(link("javascript:alert(1)")))
        #expect(SiteChecks.isUnsafe(link(" JavaScript:alert(1)")))
        #expect(SiteChecks.isUnsafe(link("java\tscript:alert(1)")))
        #expect(SiteChecks.isUnsafe(link("vbscript:msgbox")))
        #expect(SiteChecks.isUnsafe(link("data:text/html;base64,PHNjcmlwdD4=")))
        #expect(SiteChecks.isUnsafe(link("data:image/png;base64,iVBORw0KGgo=")))
    }

    @Test func imagesMayUseDataImageAndOrdinaryLinksAreFine() {
        #expect(!SiteChecks.isUnsafe(link("data:image/png;base64,iVBORw0KGgo=", image: true)))
        #expect(SiteChecks.isUnsafe(link("data:text/html,hi", image: true)))
        #expect(!SiteChecks.isUnsafe(link("https://example.org/javascript:thing")))
        #expect(!SiteChecks.isUnsafe(link("hypokalemia.md#treatment")))
    }
}
