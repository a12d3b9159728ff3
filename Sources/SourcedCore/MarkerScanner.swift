/// Finds numbered markers in text: `prefix`, one to nine digits, then one of `suffixes`. The
/// one scanner behind the engine's placeholders: citation groups (`CitationPlaceholder`),
/// topic links (`href="sourced:link:N"`) and the holes of a template skeleton.
package struct MarkerScanner: Sendable {
    package struct Match: Sendable, Equatable {
        /// Where the whole marker lies, in bytes.
        package var range: Range<Int>
        package var number: Int
        /// Which of `suffixes` ended it.
        package var suffix: Int
    }

    let prefix: [UInt8]
    let suffixes: [[UInt8]]

    package init(prefix: String, suffixes: [String]) {
        self.prefix = Array(prefix.utf8)
        self.suffixes = suffixes.map { Array($0.utf8) }
    }

    /// Every marker in `bytes`, in order.
    package func matches(in bytes: [UInt8]) -> [Match] {
        var found: [Match] = []
        var i = 0
        while let match = next(in: bytes, from: &i) { found.append(match) }
        return found
    }

    /// `text` with each marker replaced by `replacement(number, suffix)`, in one pass over its
    /// bytes; `text` itself when it holds none.
    package func replacing(in text: String, _ replacement: (_ number: Int, _ suffix: Int) -> String) -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        var copied = 0
        var i = 0
        while let match = next(in: bytes, from: &i) {
            if copied == 0 { out.reserveCapacity(bytes.count + bytes.count / 4) }
            out += bytes[copied..<match.range.lowerBound]
            out += replacement(match.number, match.suffix).utf8
            copied = match.range.upperBound
        }
        guard copied > 0 else { return text }
        out += bytes[copied...]
        return String(decoding: out, as: UTF8.self)
    }

    /// The first marker at or after `i`, which then points past it.
    private func next(in bytes: [UInt8], from i: inout Int) -> Match? {
        guard let first = prefix.first else { return nil }
        while i + prefix.count < bytes.count {
            guard bytes[i] == first, bytes[i..<(i + prefix.count)].elementsEqual(prefix) else {
                i += 1
                continue
            }
            var j = i + prefix.count
            var number = 0
            // No page has a billion of anything; more digits are not a marker (and would overflow).
            while j < bytes.count, bytes[j] >= UInt8(ascii: "0"), bytes[j] <= UInt8(ascii: "9"),
                j - i - prefix.count < 9
            {
                number = number * 10 + Int(bytes[j] - UInt8(ascii: "0"))
                j += 1
            }
            if j > i + prefix.count,
                let suffix = suffixes.firstIndex(where: { bytes[j...].starts(with: $0) })
            {
                let match = Match(range: i..<(j + suffixes[suffix].count), number: number, suffix: suffix)
                i = match.range.upperBound
                return match
            }
            i += 1
        }
        return nil
    }
}
