/// Finds evidence grade tags, `[grade: 1A]`, in a run of text, on its UTF-8 bytes.
enum GradeScanner {
    struct Match: Equatable {
        /// Byte range of the tag, brackets included.
        var range: Range<Int>
        var grade: String
    }

    private static let opening = Array("[grade:".utf8)

    /// Whether the text holds `[grade:`: the test made of every text node, one pass over its
    /// bytes (Foundation's `contains` of a string was 4% of a cold check).
    static func mayHold(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            guard bytes.count > opening.count else { return false }
            var i = 0
            let last = bytes.count - opening.count
            while i <= last {
                if bytes[i] == UInt8(ascii: "["), bytes[i + 1] == UInt8(ascii: "g") {
                    var j = 2
                    while j < opening.count, bytes[i + j] == opening[j] { j += 1 }
                    if j == opening.count { return true }
                }
                i += 1
            }
            return false
        }
    }

    static func scan(_ bytes: [UInt8]) -> [Match] {
        var matches: [Match] = []
        var i = 0
        while i + opening.count < bytes.count {
            guard bytes[i] == UInt8(ascii: "["), bytes[i..<(i + opening.count)].elementsEqual(opening) else {
                i += 1
                continue
            }
            var end = i + opening.count
            while end < bytes.count, bytes[end] != UInt8(ascii: "]"), bytes[end] != UInt8(ascii: "["),
                end - i < 40
            {
                end += 1
            }
            guard end < bytes.count, bytes[end] == UInt8(ascii: "]") else {
                i += 1
                continue
            }
            let grade = String(decoding: bytes[(i + opening.count)..<end], as: UTF8.self)
                .trimmingCharacters(in: " \t")
            if !grade.isEmpty, !grade.contains(" ") {
                matches.append(Match(range: i..<(end + 1), grade: grade))
            }
            i = end + 1
        }
        return matches
    }
}
