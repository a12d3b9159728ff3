import Foundation
import Testing

/// Pins the rendered HTML of a small site: citations, ranges, locators, reference lists,
/// badges, heading anchors, rewritten links and a page's pair of audience variants. Re-record with SOURCED_RECORD_GOLDEN=1;
/// a recording run fails, so it can never pass silently.
@Suite struct GoldenTests {
    static let golden = packageRoot.appendingPathComponent("Tests/SourcedBuildTests/Golden")
    static let files = [
        "topics/alpha/index.html", "topics/beta-renamed/index.html", "topics/gamma/index.html",
        "topics/delta/index.html", "topics/delta/patient/index.html", "index.html",
        "references/index.html", "review/index.html", "references.json", "search-index.json", "sitemap.xml",
        "feed.xml",
    ]

    @Test func renderedSiteMatchesGoldenFiles() throws {
        // Paths in the output are as given on the command line, so build from a copy with a
        // relative --content, wherever the repository is checked out.
        let site = try TempSite([:])
        try FileManager.default.copyItem(
            at: Self.golden.appendingPathComponent("Content"), to: site.root.appendingPathComponent("Content"))
        let result = try site.run([
            "build", "--templates", templatesPath, "--output", "Out", "--date", "2026-11-01",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("Content/topics/gamma.md:5:13: warning: approved page last reviewed 2025-01-01"))
        #expect(site.exists("Out/files/leaflet.pdf"))
        let record = ProcessInfo.processInfo.environment["SOURCED_RECORD_GOLDEN"] == "1"
        for file in Self.files {
            let actual = try #require(site.read("Out/" + file), "missing \(file)")
            let expectedURL = Self.golden.appendingPathComponent("expected/" + file)
            if record {
                try FileManager.default.createDirectory(
                    at: expectedURL.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(actual.utf8).write(to: expectedURL)
                Issue.record("recorded \(file); run again without SOURCED_RECORD_GOLDEN")
                continue
            }
            let expected = try String(contentsOf: expectedURL, encoding: .utf8)
            #expect(actual == expected, "\(file) differs from its golden file")
        }
    }
}
