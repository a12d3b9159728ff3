import Foundation
import SourcedCore
import Testing

@testable import SourcedBuild

@Suite struct FingerprintTests {
    /// Fingerprints already stored in content were made with Foundation's JSONEncoder; the
    /// direct writer must give the same bytes.
    @Test func canonicalJSONMatchesFoundationsEncoder() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let awkward = "a/b \"q\" \\ <tag> & é ✓ 😀 \u{7F}" + (0..<0x20).map { String(UnicodeScalar($0)!) }.joined()
        let references = [
            Reference(id: "min", title: "T"),
            Reference(
                id: "all", type: .guideline, title: awkward, authors: ["A, B", awkward], container: "J/K",
                year: "2024", volume: "3", pages: "1–9", doi: "10.1/x", pmid: "123", url: "https://e.org/a?b=c&d"),
        ]
        for reference in references {
            let expected = Array(try encoder.encode(reference))
            #expect(Fingerprint.canonicalJSON(reference) == expected)
        }
    }
}
