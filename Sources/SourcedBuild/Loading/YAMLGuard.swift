import SourcedCore

/// Refuses front matter that would make Yams slow or crash, before Yams sees it.
///
/// An alias bomb of 300 bytes costs Yams seconds and gigabytes once expanded, and deep
/// nesting overflows its recursive composer. Topic metadata needs neither anchors nor
/// more than a few levels, so both are refused outright. Every character it looks for is
/// ASCII, so it scans UTF-8 bytes and counts code points only to report a column.
enum YAMLGuard {
    static let maximumDepth = 32

    struct Problem: Error {
        var line: Int
        var column: Int
        var message: String
    }

    static func check(_ text: String) -> Problem? {
        var utf8 = Array(text.utf8)
        utf8.append(UInt8(ascii: "\n"))
        var lineNumber = 1
        var lineStart = 0
        var flowDepth = 0
        var i = 0
        while i < utf8.count {
            // One line per iteration of the outer loop.
            var end = i
            while utf8[end] != UInt8(ascii: "\n") { end += 1 }
            if let problem = checkLine(utf8, from: i, to: end, flowDepth: &flowDepth) {
                let column = utf8[lineStart..<problem.offset].count { ($0 & 0xC0) != 0x80 } + 1
                return Problem(line: lineNumber, column: column, message: problem.message)
            }
            lineNumber += 1
            i = end + 1
            lineStart = i
        }
        return nil
    }

    private static func checkLine(_ b: [UInt8], from start: Int, to end: Int, flowDepth: inout Int)
        -> (offset: Int, message: String)?
    {
        var i = start
        while i < end, b[i] == UInt8(ascii: " ") { i += 1 }
        var blockDepth = (i - start) / 2
        var nodeStart = true
        var quote: UInt8?
        while i < end {
            let c = b[i]
            if let q = quote {
                if c == q { quote = nil }
                i += 1
                continue
            }
            let next: UInt8 = i + 1 < end ? b[i + 1] : UInt8(ascii: " ")
            if nodeStart, c == UInt8(ascii: "&") || c == UInt8(ascii: "*"), next != UInt8(ascii: " ") {
                let indicator = Character(Unicode.Scalar(c))
                return (i, "YAML anchors and aliases (\(indicator)) are not allowed in front matter")
            }
            switch c {
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                if nodeStart { quote = c }
                nodeStart = false
            case UInt8(ascii: "#") where i == start || b[i - 1] == UInt8(ascii: " "):
                return nil
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                flowDepth += 1
                nodeStart = true
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                flowDepth = max(0, flowDepth - 1)
            case UInt8(ascii: ","):
                nodeStart = flowDepth > 0
            case UInt8(ascii: "-"), UInt8(ascii: "?"), UInt8(ascii: ":"):
                if next == UInt8(ascii: " ") && (c == UInt8(ascii: ":") || nodeStart) {
                    if c == UInt8(ascii: "-") { blockDepth += 1 }
                    nodeStart = true
                } else {
                    nodeStart = false
                }
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                break
            default:
                nodeStart = false
            }
            if blockDepth + flowDepth > maximumDepth {
                return (i, "front matter is nested more than \(maximumDepth) levels deep")
            }
            i += 1
        }
        return nil
    }
}
