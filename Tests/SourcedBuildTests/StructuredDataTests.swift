import Foundation
import Testing

@testable import SourcedBuild

/// Each topic page carries its schema.org `MedicalWebPage` as JSON-LD that a real JSON parser
/// reads, and no value in it can end its script element.
@Suite struct StructuredDataTests {
    static func topic(title: String, summary: String, audience: String, reviewers: [String], source: String) -> String {
        func yaml(_ text: String) -> String {
            "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        return """
            ---
            title: \(yaml(title))
            summary: \(yaml(summary))
            audience: \(yaml(audience))
            review:
              status: approved
              reviewed: 2026-10-01
              updated: 2026-09-30
              reviewers: [\(reviewers.map(yaml).joined(separator: ", "))]
            references:
              - id: k
                type: research
                title: \(yaml(source))
                authors: [\(yaml(source)), Minisola S]
                container: \(yaml(source))
                year: 2015
                doi: 10.1136/bmj.h2723
                pmid: "26013541"
            ---

            A claim [@k].
            """
    }

    func build(_ files: [String: String]) throws -> TempSite {
        let site = try TempSite(
            files.merging(["Content/site.yaml": "title: KB\nbase_url: https://kb.example.org/\n"]) { a, _ in a })
        let result = try site.run(["build", "--templates", templatesPath, "--date", "2026-11-01"])
        #expect(result.status == 0, "\(result.stderr)")
        return site
    }

    /// The page's one JSON-LD object, parsed by Foundation's JSON parser.
    func structuredData(_ page: String) throws -> [String: Any] {
        let parts = page.components(separatedBy: #"<script type="application/ld+json">"#)
        #expect(parts.count == 2, "one JSON-LD element")
        let json = try #require(parts.last?.components(separatedBy: "</script>").first)
        return try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    @Test func theFieldsSayWhatThePageIs() throws {
        let site = try build([
            "Content/topics/x.md": Self.topic(
                title: "Hypercalcemia", summary: "In short.", audience: "clinician",
                reviewers: ["Dr P. Moreau", "Medical Advisory Board"], source: "The diagnosis of hypercalcaemia")
        ])
        let data = try structuredData(try #require(site.read("Public/topics/x/index.html")))
        #expect(data["@context"] as? String == "https://schema.org")
        #expect(data["@type"] as? String == "MedicalWebPage")
        #expect(data["name"] as? String == "Hypercalcemia")
        #expect(data["description"] as? String == "In short.")
        #expect(data["url"] as? String == "https://kb.example.org/topics/x/")
        #expect(data["inLanguage"] as? String == "en")
        #expect(data["lastReviewed"] as? String == "2026-10-01")
        #expect(data["dateModified"] as? String == "2026-09-30")
        let reviewers = try #require(data["reviewedBy"] as? [[String: String]])
        #expect(
            reviewers == [
                ["@type": "Person", "name": "Dr P. Moreau"],
                ["@type": "Organization", "name": "Medical Advisory Board"],
            ])
        let audience = try #require(data["audience"] as? [String: String])
        #expect(audience == ["@type": "MedicalAudience", "audienceType": "clinician"])
        let citations = try #require(data["citation"] as? [[String: Any]])
        #expect(citations.count == 1)
        let article = try #require(citations.first)
        #expect(article["@type"] as? String == "ScholarlyArticle")
        #expect(article["name"] as? String == "The diagnosis of hypercalcaemia")
        #expect(article["datePublished"] as? String == "2015")
        #expect(article["url"] as? String == "https://doi.org/10.1136/bmj.h2723")
        #expect((article["isPartOf"] as? [String: String])?["name"] == "The diagnosis of hypercalcaemia")
        #expect(article["author"] == nil, "authors are in the reference list, not the JSON-LD")
        let identifiers = try #require(article["identifier"] as? [[String: String]])
        #expect(
            identifiers == [
                ["@type": "PropertyValue", "propertyID": "DOI", "value": "10.1136/bmj.h2723"],
                ["@type": "PropertyValue", "propertyID": "PMID", "value": "26013541"],
            ])
    }

    @Test func noValueCanEndTheScriptElement() throws {
        let hostile = "</script><script>alert(1)</script> & <!-- \"q\" \\ </SCRIPT >"
        let site = try build([
            "Content/topics/x.md": Self.topic(
                title: hostile, summary: hostile, audience: hostile, reviewers: [hostile, "Dr " + hostile],
                source: hostile)
        ])
        let page = try #require(site.read("Public/topics/x/index.html"))
        // Every `</script>` on the page closes a script element the theme or engine opened.
        let lowered = page.lowercased()
        #expect(lowered.components(separatedBy: "</script").count == lowered.components(separatedBy: "<script").count)
        #expect(!page.contains("<script>alert(1)"))
        let data = try structuredData(page)
        #expect(data["name"] as? String == hostile)
        #expect(data["description"] as? String == hostile)
        #expect((data["audience"] as? [String: String])?["audienceType"] == hostile)
        #expect((data["reviewedBy"] as? [[String: String]])?.map { $0["name"] } == [hostile, "Dr " + hostile])
        let article = try #require((data["citation"] as? [[String: Any]])?.first)
        #expect(article["name"] as? String == hostile)
        #expect((article["isPartOf"] as? [String: String])?["name"] == hostile)
    }

    @Test(arguments: [
        ("Dr P. Moreau", "Person"), ("Minisola S", "Person"), ("Hansen B-A", "Person"), ("da Silva JSV", "Person"),
        ("Medical Advisory Board", "Organization"), ("UK Kidney Association", "Organization"),
        ("KDIGO", "Organization"), ("Emergency Medicine", "Organization"), ("Oncology", "Organization"),
    ])
    func reviewersArePeopleOrBodies(_ name: String, _ type: String) {
        #expect(StructuredDataView.agentType(name) == type)
    }
}
