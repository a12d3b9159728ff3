/// The marker that stands for a citation group in rendered HTML until the engine,
/// which knows the page's numbering, fills it in.
///
/// Private-use code points pass through cmark's HTML escaping unchanged, and the walker
/// strips them from the author's text, so a marker can only come from the walker.
public enum CitationPlaceholder {
    static let open: Unicode.Scalar = "\u{E000}"
    static let close: Unicode.Scalar = "\u{E001}"

    static func marker(_ index: Int) -> String {
        "\(Character(open))\(index)\(Character(close))"
    }

    /// Replaces every marker in `html` with `replacement(groupIndex)`, in one pass over its bytes.
    public static func fill(_ html: String, _ replacement: (Int) -> String) -> String {
        // U+E000 and U+E001 in UTF-8.
        let open: [UInt8] = [0xEE, 0x80, 0x80]
        let close: [UInt8] = [0xEE, 0x80, 0x81]
        let bytes = Array(html.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 4)
        var i = 0
        var copied = 0
        while i + 2 < bytes.count {
            guard bytes[i] == open[0], bytes[i + 1] == open[1], bytes[i + 2] == open[2] else {
                i += 1
                continue
            }
            var j = i + 3
            var index = 0
            while j < bytes.count, bytes[j] >= UInt8(ascii: "0"), bytes[j] <= UInt8(ascii: "9"), j - i < 12 {
                index = index * 10 + Int(bytes[j] - UInt8(ascii: "0"))
                j += 1
            }
            guard j > i + 3, j + 2 < bytes.count, bytes[j] == close[0], bytes[j + 1] == close[1],
                bytes[j + 2] == close[2]
            else {
                i += 3
                continue
            }
            out += bytes[copied..<i]
            out += replacement(index).utf8
            i = j + 3
            copied = i
        }
        guard copied > 0 else { return html }
        out += bytes[copied...]
        return String(decoding: out, as: UTF8.self)
    }

    static func stripMarkers(_ text: String) -> String {
        // Both markers begin with the byte 0xEE, which most text never holds.
        guard text.utf8.contains(0xEE), text.unicodeScalars.contains(where: { $0 == open || $0 == close }) else {
            return text
        }
        return String(String.UnicodeScalarView(text.unicodeScalars.filter { $0 != open && $0 != close }))
    }
}
