import SourcedCore

/// Refuses front matter that would make Yams slow or crash, before Yams sees it.
///
/// An alias bomb of 300 bytes costs Yams seconds and gigabytes once expanded, and deep
/// nesting overflows its recursive composer. Topic metadata needs neither anchors nor
/// more than a few levels, so both are refused outright.
enum YAMLGuard {
    static let maximumDepth = 32

    struct Problem: Error {
        var line: Int
        var column: Int
        var message: String
    }

    static func check(_ text: String) -> Problem? {
        var lineNumber = 0
        var flowDepth = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let scalars = Array(line.unicodeScalars)
            var indent = 0
            while indent < scalars.count, scalars[indent] == " " { indent += 1 }
            var blockDepth = indent / 2
            var i = indent
            var nodeStart = true
            var quote: Unicode.Scalar?
            while i < scalars.count {
                let c = scalars[i]
                if let q = quote {
                    if c == q { quote = nil }
                    i += 1
                    continue
                }
                if nodeStart, c == "&" || c == "*", i + 1 < scalars.count, scalars[i + 1] != " " {
                    return Problem(
                        line: lineNumber, column: i + 1,
                        message: "YAML anchors and aliases (\(c)) are not allowed in front matter")
                }
                switch c {
                case "\"" where nodeStart, "'" where nodeStart:
                    quote = c
                    nodeStart = false
                case "#" where i == 0 || scalars[i - 1] == " ":
                    i = scalars.count
                    continue
                case "[", "{":
                    flowDepth += 1
                    nodeStart = true
                case "]", "}":
                    flowDepth = max(0, flowDepth - 1)
                case ",":
                    nodeStart = flowDepth > 0
                case "-", "?", ":":
                    let followedBySpace = i + 1 >= scalars.count || scalars[i + 1] == " "
                    if followedBySpace && (c == ":" || nodeStart) {
                        if c == "-" { blockDepth += 1 }
                        nodeStart = true
                    } else {
                        nodeStart = false
                    }
                case " ", "\t":
                    break
                default:
                    nodeStart = false
                }
                if blockDepth + flowDepth > maximumDepth {
                    return Problem(
                        line: lineNumber, column: i + 1,
                        message: "front matter is nested more than \(maximumDepth) levels deep")
                }
                i += 1
            }
        }
        return nil
    }
}
