import Foundation
import SourcedCore
import Testing

@testable import SourcedBuild

/// `bibliography: [library.bib, zotero.json]`: sources from reference managers' BibTeX,
/// BibLaTeX and CSL-JSON files beside bibliography.yaml.
@Suite struct ReferenceManagerTests {
    static let bib = #"""
        @string{jasn = {J Am Soc Nephrol}}
        @comment{Exported by Better BibTeX}
        @article{adrogue2000,
          author = {Adrogu{\'e}, Horacio J. and Madias, Nicolaos E.},
          title = {{Hyponatremia}},
          journal = {N Engl J Med},
          year = 2000, volume = {342}, pages = {1581--1589}, month = may,
          doi = {https://doi.org/10.1056/NEJM200005253422107}
        }
        @article{spasovski2014,
          author = {Spasovski, Goce and {Hyponatraemia Guideline Development Group}},
          title = {Clinical practice guideline on diagnosis and treatment of hyponatraemia},
          journaltitle = jasn # { (Eur)},
          date = {2014-03-01}, type = {Guideline}, eprinttype = {pubmed}, eprint = {24569496}
        }
        @book{rose2001,
          author = {Rose, Burton D. and van der Post, T. W. and M\"{u}ller, J{\"u}rgen and Gar{\c c}on, Fran{\c{c}}ois},
          title = {Clinical Physiology of Acid--Base \& Electrolyte Disorders},
          publisher = {McGraw-Hill}, year = {2001}
        }
        @online{kdigo, title = {KDIGO Guidelines}, url = {https://kdigo.org/guidelines/}, year = 2024}
        """#

    func file(_ name: String, _ text: String) -> SourceFile {
        SourceFile(path: "Content/\(name)", relativePath: name, bytes: Array(text.utf8))
    }

    @Test func bibTeXEntriesBecomeSources() throws {
        let (references, diagnostics) = BibTeXReader.read(file("library.bib", Self.bib))
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        let byKey = Dictionary(uniqueKeysWithValues: references.map { ($0.reference.id, $0) })
        let adrogue = try #require(byKey["adrogue2000"])
        #expect(adrogue.reference.authors == ["Adrogué HJ", "Madias NE"])
        #expect(adrogue.reference.title == "Hyponatremia" && adrogue.reference.type == .research)
        #expect(adrogue.reference.container == "N Engl J Med" && adrogue.reference.year == "2000")
        #expect(adrogue.reference.volume == "342" && adrogue.reference.pages == "1581-1589")
        #expect(adrogue.reference.doi == "10.1056/NEJM200005253422107")
        #expect(adrogue.file == "Content/library.bib" && adrogue.position.line == 3)
        let guideline = try #require(byKey["spasovski2014"]).reference
        #expect(guideline.type == .guideline && guideline.pmid == "24569496" && guideline.year == "2014")
        #expect(guideline.container == "J Am Soc Nephrol (Eur)")
        #expect(guideline.authors == ["Spasovski G", "Hyponatraemia Guideline Development Group"])
        let book = try #require(byKey["rose2001"]).reference
        #expect(book.type == .book && book.container == "McGraw-Hill")
        #expect(book.authors == ["Rose BD", "van der Post TW", "Müller J", "Garçon F"])
        #expect(book.title == "Clinical Physiology of Acid–Base & Electrolyte Disorders")
        let web = try #require(byKey["kdigo"]).reference
        #expect(web.type == .web && web.url == "https://kdigo.org/guidelines/" && web.authors.isEmpty)
        // One file's @string macros are not another's.
        let (again, _) = BibTeXReader.read(file("other.bib", "@article{x, title = {T}, journal = jasn}\n"))
        #expect(again.first?.reference.container == nil)
    }

    @Test func texTextBecomesUnicode() {
        #expect(
            TeXText.plain(#"{\'E}tude na{\"\i}ve \v{C}ech \ss{} {\o}re 10\% \emph{in vivo} a--b---c x~y"#)
                == "Étude naïve Čech ß øre 10% in vivo a–b—c x y")
        #expect(TeXText.plain("plain text") == "plain text")
        #expect(TeXText.plain(#"\unknown{kept} \"a"#) == "kept ä")
        // Hostile nesting neither overflows the stack nor hangs.
        let deep = String(repeating: #"\'{"#, count: 100_000) + "e" + String(repeating: "}", count: 100_000)
        let plain = TeXText.plain(deep)
        let isPlain = plain.hasSuffix("e") && !plain.contains("{") && !plain.contains("}")
        #expect(isPlain)
    }

    @Test func aMalformedEntryIsReportedAtItsLineAndTheRestAreRead() throws {
        let text = """
            @article{good1, title = {One}, year = 2001}
            @article{bad, title = {Two, year = 2002}
            @article{bad2 title = {Three}}
            @article{good2, title = {Four}, doi = {not-a-doi}}
            @article{, title = {No key}}
            @article{notitle, year = 2003}
            """
        let (references, diagnostics) = BibTeXReader.read(file("library.bib", text))
        #expect(references.map(\.reference.id).contains("good1"))
        #expect(references.map(\.reference.id).contains("good2"))
        #expect(!references.map(\.reference.id).contains("bad"))
        #expect(diagnostics.allSatisfy { $0.file == "Content/library.bib" && $0.rule == .invalidReference })
        #expect(diagnostics.contains { $0.message.hasPrefix("BibTeX: syntax error") }, "\(diagnostics)")
        #expect(diagnostics.contains { $0.position.line == 4 && $0.message.contains("malformed DOI 'not-a-doi'") })
        #expect(diagnostics.contains { $0.position.line == 6 && $0.message.contains("'notitle' has no title") })
    }

    @Test func hostileBibTeXGivesDiagnosticsNotACrash() {
        let deep =
            "@article{deep, title = {" + String(repeating: "{", count: 100_000) + "x"
            + String(repeating: "}", count: 100_000) + "}}\n"
        let text =
            deep + "@article{q, title = \"unterminated\n" + String(repeating: "@", count: 1000)
            + "\n@article{ok, title={fine}}\n\u{1}\u{7F}"
        let (references, diagnostics) = BibTeXReader.read(file("hostile.bib", text))
        #expect(references.contains { $0.reference.id == "deep" && $0.reference.title == "x" })
        #expect(!diagnostics.isEmpty)
        let (none, nul) = BibTeXReader.read(file("nul.bib", "@article{a, title={A}}\u{0}"))
        #expect(none.isEmpty && nul.first?.message.contains("NUL") == true)
    }

    /// A file btparse gave up on before its end used to make the next file a fatal error that
    /// ended the process ("you can't interleave calls across different files").
    @Test func aFileAbandonedMidwayDoesNotStopTheNext() {
        let (_, first) = BibTeXReader.read(file("a.bib", "- {id: a, title: A}\n- {id: b, title: B}\n"))
        #expect(!first.isEmpty)
        let (references, _) = BibTeXReader.read(file("b.bib", "@article{b, title = {B}}\n"))
        #expect(references.map(\.reference.id) == ["b"])
    }

    @Test func cslJSONItemsBecomeSourcesWithTheirLines() throws {
        let text = """
            [
              {"id": "sterns2015", "type": "article-journal", "title": "Disorders of plasma sodium",
               "author": [{"family": "Sterns", "given": "Richard H."}, {"literal": "KDIGO Work Group"}],
               "container-title": "N Engl J Med", "issued": {"date-parts": [[2015, 1, 1]]},
               "volume": 372, "page": "55-65", "DOI": "10.1056/NEJMra1404489", "PMID": "25551526",
               "PMCID": "PMC123"},
              {"id": "g", "type": "article-journal", "genre": "Guideline", "title": "G", "issued": {"raw": "2014-03"}},
              {"id": "b", "type": "book", "title": "B", "publisher": "Elsevier",
               "author": [{"family": "Berg", "given": "J.-P.", "non-dropping-particle": "van den"}]},
              {"type": "webpage", "title": "no id"},
              {"id": "w", "type": "webpage", "title": "W", "URL": "ftp://example.org/"},
              "not an object"
            ]
            """
        let (references, diagnostics) = CSLJSONReader.read(file("zotero.json", text))
        let byKey = Dictionary(uniqueKeysWithValues: references.map { ($0.reference.id, $0.reference) })
        let sterns = try #require(byKey["sterns2015"])
        #expect(sterns.authors == ["Sterns RH", "KDIGO Work Group"] && sterns.type == .research)
        #expect(sterns.year == "2015" && sterns.volume == "372" && sterns.pages == "55-65")
        #expect(sterns.doi == "10.1056/NEJMra1404489" && sterns.pmid == "25551526" && sterns.pmcid == "PMC123")
        #expect(byKey["g"]?.type == .guideline && byKey["g"]?.year == "2014")
        #expect(byKey["b"]?.container == "Elsevier" && byKey["b"]?.authors == ["van den Berg JP"])
        #expect(byKey["w"]?.url == nil)
        #expect(diagnostics.contains { $0.position.line == 10 && $0.message.contains("has no id") }, "\(diagnostics)")
        #expect(diagnostics.contains { $0.position.line == 11 && $0.message.contains("not http or https") })
        #expect(diagnostics.contains { $0.position.line == 12 && $0.message.contains("must be an object") })
    }

    @Test func theSiteReadsTheFilesAndReportsTheSameKeyInTwo() throws {
        let site = try TempSite([
            "Content/site.yaml": "title: T\nbibliography:\n  - library.bib\n  - zotero.json\n  - missing.bib\n",
            "Content/library.bib": "@article{a, title = {A}, journal = {J}, year = 2001}\n",
            "Content/zotero.json":
                "[\n  {\"id\": \"z\", \"title\": \"Z\"},\n  {\"id\": \"a\", \"title\": \"A again\"}\n]\n",
            "Content/topics/t.md": "---\ntitle: T\nreview:\n  status: draft\n---\n\nClaim [@a; @z].\n",
        ])
        let check = try site.run(["check", "--templates", templatesPath, "--format", "json"])
        #expect(check.status == 1)
        #expect(
            check.stdout.contains(#""file":"Content/zotero.json","#)
                && check.stdout.contains("first in Content/library.bib:1"))
        #expect(check.stdout.contains("'missing.bib', which is not a file in the content folder"))
        #expect(!check.stderr.contains("syntax error"))
        try site.write("Content/site.yaml", "title: T\nbibliography: [library.bib, zotero.json]\n")
        try site.write("Content/zotero.json", "[{\"id\": \"z\", \"title\": \"Z\"}]")
        let build = try site.run(["build", "--templates", templatesPath])
        #expect(build.status == 0, "\(build.stderr)")
        let page = try #require(site.read("Public/topics/t/index.html"))
        // Both sources, one from each file, in the page's reference list.
        #expect(page.contains(#"<li id="ref-a" class="reference reference-research">"#))
        #expect(page.contains(#"<span class="reference-title">A.</span> <i>J.</i> 2001."#), "\(page)")
        #expect(page.contains(#"<li id="ref-z" class="reference"#))
        // The libraries are sources, not attachments to publish.
        #expect(!site.exists("Public/library.bib") && !site.exists("Public/zotero.json"))
    }

    /// `references.json`, read back as a bibliography, gives the sources it was written from.
    @Test func referencesJSONReadBackGivesTheSameSources() throws {
        let bibliography = """
            - {id: g, type: guideline, title: "Clinical practice guideline", authors: [Spasovski G, Vanholder R, Hyponatraemia Guideline Development Group], container: Nephrol Dial Transplant, year: "2014", volume: "29", pages: i1-i39, doi: 10.1093/ndt/gfu040, pmid: "24569496"}
            - {id: r, type: research, title: Trial, authors: [Adrogué HJ], container: N Engl J Med, year: "2000", pmcid: PMC123}
            - {id: v, type: review, title: Review, authors: [Sterns RH], container: BMJ, year: "2015"}
            - {id: b, type: book, title: Physiology, authors: [Rose BD], container: McGraw-Hill, year: "2001"}
            - {id: w, type: web, title: Page, url: "https://example.org/"}
            - {id: o, type: other, title: Leaflet}
            - {id: gw, type: guideline, title: WHO guidance, year: "2020"}
            """
        let site = try TempSite([
            "Content/site.yaml": "title: T\n",
            "Content/bibliography.yaml": bibliography,
            "Content/topics/t.md":
                "---\ntitle: T\nreview:\n  status: draft\n---\n\nClaim [@g; @r; @v; @b; @w; @o; @gw].\n",
        ])
        #expect(try site.run(["build", "--templates", templatesPath]).status == 0)
        let exported = try #require(site.read("Public/references.json"))
        let (written, _) = BibliographyDecoder.decode(file("bibliography.yaml", bibliography))
        let (read, diagnostics) = CSLJSONReader.read(file("references.json", exported))
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        let original = Dictionary(uniqueKeysWithValues: written.map { ($0.reference.id, $0.reference) })
        #expect(read.count == original.count)
        for located in read {
            #expect(located.reference == original[located.reference.id], "\(located.reference.id)")
        }
    }
}
