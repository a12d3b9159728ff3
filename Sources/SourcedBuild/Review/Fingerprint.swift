import Crypto
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
        var input = Array("sourced-fingerprint-v1\n\(bodyDigest)\n".utf8)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for source in sources.sorted(by: { $0.key < $1.key }) {
            input += Array("\(source.key)\n".utf8)
            input += Array((try? encoder.encode(source.reference)) ?? Data())
            input.append(UInt8(ascii: "\n"))
        }
        return prefix + hex(SHA256.hash(data: input))
    }

    private static func hex(_ digest: SHA256.Digest) -> String {
        digest.map { byte in
            let s = String(byte, radix: 16)
            return s.count == 1 ? "0" + s : s
        }.joined()
    }
}
