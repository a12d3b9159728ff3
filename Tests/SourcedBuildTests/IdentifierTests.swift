import Foundation
import Testing

@testable import SourcedBuild

/// DOIs with or without a resolver or `doi:` prefix, PMIDs and PMCIDs normalised; the reference
/// index merges sources by any of them; two keys with one identifier and two titles are a warning.
@Suite struct IdentifierTests {
    static let page = """
        ---
        title: A
        review:
          status: draft
        references:
          - {id: one, title: Paper, doi: "https://doi.org/10.1000/ABC", pmcid: pmc42}
          - {id: two, title: "paper.", doi: "doi: 10.1000/abc"}
          - {id: three, title: Another paper, pmid: "PMID: 77", pmcid: "PMC42"}
          - {id: four, title: Four, doi: "http://dx.doi.org/10.1000/four", pmid: "78"}
        ---

        A [@one]. B [@two]. C [@three]. D [@four].
        """

    func site(_ page: String = Self.page) throws -> TempSite {
        try TempSite(["Content/site.yaml": "title: I\n", "Content/topics/a.md": page])
    }

    @Test func identifiersAreStoredNormalisedAndMergeTheIndex() throws {
        let site = try site()
        let result = try site.run(["build", "--templates", templatesPath])
        #expect(result.status == 0, "\(result.stderr)")
        let page = try #require(site.read("Public/topics/a/index.html"))
        #expect(page.contains(#"<a href="https://doi.org/10.1000/ABC" rel="external">doi:10.1000/ABC</a>"#))
        #expect(page.contains(#"<a href="https://doi.org/10.1000/four" rel="external">doi:10.1000/four</a>"#))
        #expect(page.contains(#"<a href="https://pubmed.ncbi.nlm.nih.gov/77/" rel="external">PubMed 77</a>"#))
        #expect(page.contains(#"<a href="https://pmc.ncbi.nlm.nih.gov/articles/PMC42/" rel="external">PMC42</a>"#))
        // one, two (the same DOI in another case) and three (one's PMCID) are one source.
        let index = try #require(site.read("Public/references/index.html"))
        #expect(index.components(separatedBy: #"<li id="source-"#).count - 1 == 2)
        let export = try #require(site.read("Public/references.json"))
        #expect(export.contains(#""PMCID":"PMC42""#))
    }

    @Test func oneIdentifierWithTwoTitlesIsAWarningAndAMalformedPMCIDAnError() throws {
        let result = try site().run(["check"])
        #expect(result.status == 0)
        #expect(
            result.stdout.contains(
                "Content/topics/a.md:8:5: warning: reference 'three' has the PMCID PMC42 of 'one' (Content/topics/a.md:6) but another title [duplicate-reference]"
            ), "\(result.stdout)")
        // A title written in another case, or with a full stop, is the same title.
        #expect(!result.stdout.contains("reference 'two'"))
        let bad = Self.page.replacingOccurrences(of: "pmcid: pmc42", with: "pmcid: PMC4x")
        let malformed = try site(bad).run(["check"])
        #expect(malformed.status == 1)
        #expect(
            malformed.stdout.contains(
                "Content/topics/a.md:6:72: error: reference 'one' has a malformed PMCID 'PMC4x' [invalid-reference]"),
            "\(malformed.stdout)")
    }
}
