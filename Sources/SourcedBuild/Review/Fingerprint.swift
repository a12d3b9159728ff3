import Foundation
import SourcedCore

/// The hash that ties an approval to the exact content approved: the page body (front
/// matter excluded, line endings normalised to LF) and every source the page cites.
///
/// `sha256:` + hex of SHA-256 over
/// `"sourced-fingerprint-v1\n" + hex(SHA-256(body)) + "\n"` followed, for each cited key in
/// sorted order, by `key + "\n" + canonical JSON of the source + "\n"`.
enum Fingerprint {
    static let prefix = "sha256:"

    /// Hex SHA-256 of the body with CRLF and lone CR turned into LF.
    static func bodyDigest(_ body: [UInt8]) -> String {
        var normalised: [UInt8] = []
        normalised.reserveCapacity(body.count)
        var i = 0
        while i < body.count {
            if body[i] == UInt8(ascii: "\r") {
                normalised.append(UInt8(ascii: "\n"))
                if i + 1 < body.count, body[i + 1] == UInt8(ascii: "\n") { i += 1 }
            } else {
                normalised.append(body[i])
            }
            i += 1
        }
        return hex(SHA256.hash(data: normalised))
    }

    static func of(bodyDigest: String, sources: [(key: String, reference: Reference)]) -> String {
        of(bodyDigest: bodyDigest, sources: sources.map { ($0.key, canonicalJSON($0.reference)) })
    }

    /// The same, given each source's `canonicalJSON`, which a caller fingerprinting many pages
    /// that share sources can compute once per source.
    static func of(bodyDigest: String, sources: [(key: String, json: [UInt8])]) -> String {
        var input = Array("sourced-fingerprint-v1\n\(bodyDigest)\n".utf8)
        for source in sources.sorted(by: { $0.key < $1.key }) {
            input += Array("\(source.key)\n".utf8)
            input += source.json
            input.append(UInt8(ascii: "\n"))
        }
        return prefix + hex(SHA256.hash(data: input))
    }

    /// A source as JSON with sorted keys and unescaped slashes: the bytes Foundation's
    /// JSONEncoder gives (`.sortedKeys, .withoutEscapingSlashes`; a test holds the two equal),
    /// written directly because the encoder took 5% of a 10,000-page check.
    static func canonicalJSON(_ reference: Reference) -> [UInt8] {
        var json = JSONWriter(escapesMarkup: false)
        func string(_ value: String?) -> ((inout JSONWriter) -> Void)? {
            value.map { value in { $0.string(value) } }
        }
        json.object([
            ("authors", { json in json.array(reference.authors) { $0.string($1) } }),
            ("container", string(reference.container)),
            ("doi", string(reference.doi)),
            ("id", string(reference.id)),
            ("pages", string(reference.pages)),
            ("pmcid", string(reference.pmcid)),
            ("pmid", string(reference.pmid)),
            (
                "status",
                reference.status.map { status in
                    { json in
                        json.object([
                            ("date", string(status.date?.description)),
                            ("kind", string(status.kind.rawValue)),
                            ("note", string(status.note)),
                            ("noticeURL", string(status.noticeURL)),
                            ("supersededBy", string(status.supersededBy)),
                        ])
                    }
                }
            ),
            ("title", string(reference.title)),
            ("type", string(reference.type.rawValue)),
            ("url", string(reference.url)),
            ("volume", string(reference.volume)),
            ("year", string(reference.year)),
        ])
        return json.bytes
    }

    static func hex(_ digest: SHA256.Digest) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(2 * SHA256.Digest.byteCount)
        for byte in digest {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
