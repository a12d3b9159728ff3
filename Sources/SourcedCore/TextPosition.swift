/// A position in a source file: 1-based line and code-point column.
package struct TextPosition: Sendable, Equatable, Hashable {
    package var line: Int
    package var column: Int

    package init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
}

/// Columns count Unicode code points from 1: the one place UTF-8 bytes become columns and back.
package enum UTF8Column {
    /// How many code points `bytes` hold: the bytes that do not continue a sequence.
    /// (Concrete, not generic: called across modules, a generic version was not specialised
    /// and took 9% of a check.)
    package static func codePoints(in bytes: ArraySlice<UInt8>) -> Int {
        bytes.withUnsafeBufferPointer { buffer in
            var count = 0
            for byte in buffer where byte & 0xC0 != 0x80 { count += 1 }
            return count
        }
    }

    /// The column of the byte at `offset` of `line`.
    package static func column(ofByte offset: Int, in line: ArraySlice<UInt8>) -> Int {
        codePoints(in: line.prefix(offset)) + 1
    }

    /// The byte offset of `column` in `line`; its end when the line is shorter.
    package static func byteOffset(ofColumn column: Int, in line: [UInt8]) -> Int {
        var seen = 0
        for (i, byte) in line.enumerated() where byte & 0xC0 != 0x80 {
            if seen == column - 1 { return i }
            seen += 1
        }
        return line.count
    }
}
