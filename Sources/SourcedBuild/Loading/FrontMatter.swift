import SourcedCore

/// A page split into its YAML front matter and its Markdown body.
struct FrontMatter {
    var yaml: String
    /// File lines before the YAML text (the opening `---`).
    var yamlLineOffset: Int { 1 }
    var body: [UInt8]
    /// File lines before the body: the front matter and both `---` lines.
    var bodyLineOffset: Int

    enum Failure: Error {
        case missing
        case unterminated
    }

    /// Splits a page whose first line is `---`; the block ends at the next `---` (or `...`) line.
    static func split(_ bytes: [UInt8]) -> Result<FrontMatter, Failure> {
        var start = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        var lines: [Range<Int>] = []  // content ranges, line endings excluded
        var lineStart = start
        var i = start
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "\n") {
                var end = i
                if end > lineStart, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                lines.append(lineStart..<end)
                lineStart = i + 1
                if lines.count == 1, !isFence(bytes[lines[0]]) { return .failure(.missing) }
                if lines.count > 1, isFence(bytes[lines[lines.count - 1]], allowDots: true) {
                    let yamlBytes = bytes[lines[1].lowerBound..<lines[lines.count - 1].lowerBound]
                    return .success(
                        FrontMatter(
                            yaml: String(decoding: yamlBytes, as: UTF8.self),
                            body: Array(bytes[(i + 1)...]),
                            bodyLineOffset: lines.count))
                }
            }
            i += 1
        }
        // The last line has no newline: it may still close the block.
        if lineStart < bytes.count || lines.isEmpty {
            var end = bytes.count
            if end > lineStart, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            lines.append(lineStart..<end)
        }
        guard let first = lines.first, isFence(bytes[first]) else { return .failure(.missing) }
        if lines.count > 1, isFence(bytes[lines[lines.count - 1]], allowDots: true) {
            let yamlBytes = bytes[lines[1].lowerBound..<lines[lines.count - 1].lowerBound]
            return .success(
                FrontMatter(yaml: String(decoding: yamlBytes, as: UTF8.self), body: [], bodyLineOffset: lines.count))
        }
        return .failure(.unterminated)
    }

    private static func isFence(_ line: ArraySlice<UInt8>, allowDots: Bool = false) -> Bool {
        var trimmed = line
        while let last = trimmed.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") {
            trimmed.removeLast()
        }
        return trimmed.elementsEqual("---".utf8) || (allowDots && trimmed.elementsEqual("...".utf8))
    }
}
