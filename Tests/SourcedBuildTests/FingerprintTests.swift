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
                year: "2024", volume: "3", pages: "1–9", doi: "10.1/x", pmid: "123", pmcid: "PMC9",
                url: "https://e.org/a?b=c&d"),
            Reference(
                id: "retracted", title: "R",
                status: SourceStatus(
                    kind: .retracted, date: Day("2026-03-09"), note: awkward, noticeURL: "https://e.org/n",
                    supersededBy: "newer")),
            Reference(id: "superseded", title: "S", status: SourceStatus(kind: .superseded)),
        ]
        for reference in references {
            let expected = Array(try encoder.encode(reference))
            #expect(Fingerprint.canonicalJSON(reference) == expected)
        }
        // A current source encodes as one did before sources had a status: stored fingerprints
        // stay valid.
        let current = Reference(id: "min", title: "T", status: SourceStatus(kind: .current))
        #expect(current.status == nil)
        #expect(
            Fingerprint.canonicalJSON(current) == Array(#"{"authors":[],"id":"min","title":"T","type":"other"}"#.utf8))
    }
}

@Suite struct JSONWriterTests {
    @Test func stringsEscapeQuotesControlsAndMarkup() {
        var json = JSONWriter()
        json.array(["plain é ✓", "</script><b>&\"\\\n\u{1}x", ""]) { $0.string($1) }
        #expect(
            String(decoding: json.bytes, as: UTF8.self)
                == #"["plain é ✓","\u003c/script\u003e\u003cb\u003e\u0026\"\\\n\u0001x",""]"#)
    }
}
