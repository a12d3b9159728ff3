import Foundation
import Testing

@testable import SourcedBuild

/// "Cite this page": a formatted line and CSL-JSON and BibTeX downloads of the page itself, from
/// the site's title, the page's title, its reviewers, its last update and its URL.
@Suite struct CiteThisPageTests {
    static let page = """
        ---
        title: "Low {sodium} & 100% water_intake"
        review:
          status: approved
          reviewed: 2026-10-01
          updated: 2026-10-03
          reviewers: [Medical Advisory Board, Dr A. Smith]
        references:
          - {id: s, title: S}
        ---

        Claim [@s].
        """

    /// The text of the `href="data:…"` after `download="NAME"`.
    func download(_ html: String, _ name: String) throws -> String {
        let start = try #require(html.range(of: "download=\"\(name)\" href=\""))
        let end = try #require(html.range(of: "\"", range: start.upperBound..<html.endIndex))
        let url = String(html[start.upperBound..<end.lowerBound])
        let comma = try #require(url.firstIndex(of: ","))
        return try #require(String(url[url.index(after: comma)...]).removingPercentEncoding)
    }

    @Test func eachTopicOffersItsOwnCitation() throws {
        let site = try TempSite([
            "Content/site.yaml": "title: KB & Co\nbase_url: https://kb.example.org/\n",
            "Content/topics/na.md": Self.page,
        ])
        #expect(try site.run(["build", "--templates", templatesPath, "--date", "2026-11-01"]).status == 0)
        let html = try #require(site.read("Public/topics/na/index.html"))
        #expect(
            html.contains(
                "<p class=\"cite-text\">Medical Advisory Board, Dr A. Smith. Low {sodium} &amp; 100% water_intake. KB &amp; Co. Updated 2026-10-03. https://kb.example.org/topics/na/</p>"
            ))
        let csl = try download(html, "na.json")
        let items = try #require(try JSONSerialization.jsonObject(with: Data(csl.utf8)) as? [[String: Any]])
        let item = try #require(items.first)
        #expect(item["type"] as? String == "webpage" && item["id"] as? String == "na")
        #expect(item["title"] as? String == "Low {sodium} & 100% water_intake")
        #expect(item["container-title"] as? String == "KB & Co")
        #expect(item["URL"] as? String == "https://kb.example.org/topics/na/")
        #expect(
            (item["author"] as? [[String: String]])?.map { $0["literal"] } == ["Medical Advisory Board", "Dr A. Smith"])
        #expect((item["issued"] as? [String: [[Int]]])?["date-parts"] == [[2026, 10, 3]])
        let bib = try download(html, "na.bib")
        #expect(
            bib == """
                @online{na,
                  title = {Low \\{sodium\\} \\& 100\\% water\\_intake},
                  organization = {KB \\& Co},
                  author = {{Medical Advisory Board} and {Dr A. Smith}},
                  date = {2026-10-03},
                  year = {2026},
                  url = {https://kb.example.org/topics/na/}
                }

                """, "\(bib)")
    }

    @Test func aPlainPageOffersNone() throws {
        let site = try TempSite(["Content/about.md": "---\ntitle: About\nkind: page\n---\n\nAbout us.\n"])
        #expect(try site.run(["build", "--templates", templatesPath]).status == 0)
        #expect(site.read("Public/topics/about/index.html")?.contains("cite-page") == false)
    }
}
