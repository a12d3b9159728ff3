import SourcedCore

/// The body's bytes split into lines, for turning cmark's positions into file positions.
///
/// cmark's lines are right but its columns count bytes and drift on continuation lines,
/// so columns are always recomputed here from the source line itself.
struct SourceLines {
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
        let prefix = line.prefix(max(0, byteIndex))
        let column = prefix.reduce(1) { count, b in (b & 0xC0) == 0x80 ? count : count + 1 }
        return TextPosition(line: cmarkLine + lineOffset, column: column)
    }

    /// Byte offset of `needle` in body line `cmarkLine`, searching from `from`.
    func find(_ needle: ArraySlice<UInt8>, inLine cmarkLine: Int, from: Int) -> Int? {
        let line = Array(line(cmarkLine))
        guard !needle.isEmpty, needle.count <= line.count else { return nil }
        let first = needle.first!
        var i = max(0, from)
        while i + needle.count <= line.count {
            if line[i] == first, line[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }
}
