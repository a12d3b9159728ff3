import SourcedCore

/// The body's bytes split into lines, for turning cmark's positions into file positions.
///
/// cmark's lines are right but its columns count bytes and drift on continuation lines,
/// so columns are always recomputed here from the source line itself.
final class SourceLines {
    private let bytes: [UInt8]
    private var starts: [Int] = [0]
    /// File line of the body's first line, minus one.
    let lineOffset: Int

    init(_ bytes: [UInt8], lineOffset: Int) {
        self.bytes = bytes
        self.lineOffset = lineOffset
        for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") {
            starts.append(i + 1)
        }
    }

    /// Bytes of body line `cmarkLine` (1-based), without its line ending.
    func line(_ cmarkLine: Int) -> ArraySlice<UInt8> {
        guard cmarkLine >= 1, cmarkLine <= starts.count else { return [] }
        let start = starts[cmarkLine - 1]
        var end = cmarkLine < starts.count ? starts[cmarkLine] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return bytes[start..<max(start, end)]
    }

    /// File position of byte `byteIndex` (0-based, within the line) of body line `cmarkLine`.
    func position(cmarkLine: Int, byteIndex: Int) -> TextPosition {
        let line = line(cmarkLine)
        let target = min(max(0, byteIndex), line.count)
        // Positions are asked for in reading order, so continue from the last one on the
        // same line: on a 5 MB one-line paragraph, counting from the start each time is quadratic.
        var (from, column) = (0, 1)
        if let last = lastPosition, last.line == cmarkLine, last.byteIndex <= target {
            (from, column) = (last.byteIndex, last.column)
        }
        column += UTF8Column.codePoints(in: line[(line.startIndex + from)..<(line.startIndex + target)])
        lastPosition = (cmarkLine, target, column)
        return TextPosition(line: cmarkLine + lineOffset, column: column)
    }

    private var lastPosition: (line: Int, byteIndex: Int, column: Int)?

    /// Byte offset of `needle` in body line `cmarkLine`, searching from `from`.
    func find(_ needle: ArraySlice<UInt8>, inLine cmarkLine: Int, from: Int) -> Int? {
        let line = line(cmarkLine)
        guard let first = needle.first, needle.count <= line.count else { return nil }
        var i = line.startIndex + max(0, from)
        let last = line.endIndex - needle.count
        while i <= last {
            if line[i] == first, line[i..<(i + needle.count)].elementsEqual(needle) { return i - line.startIndex }
            i += 1
        }
        return nil
    }

    /// The byte before offset `index` of body line `cmarkLine`, if any.
    func byte(before index: Int, inLine cmarkLine: Int) -> UInt8? {
        let line = line(cmarkLine)
        return index > 0 && index <= line.count ? line[line.startIndex + index - 1] : nil
    }
}
