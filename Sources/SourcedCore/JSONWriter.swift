/// Writes compact JSON with keys in the order given (callers pass them sorted), for the two
/// large JSON outputs. Foundation's JSONEncoder took a tenth of a 10,000-page build for them.
///
/// Strings escape `"`, `\` and control characters, and by default also `<`, `>` and `&`, so
/// the data stays harmless even if a page ever inlines it.
package struct JSONWriter {
    package private(set) var bytes: [UInt8] = []
    /// False writes exactly what Foundation's JSONEncoder writes with `.withoutEscapingSlashes`.
    package let escapesMarkup: Bool
    /// For JSON inside an HTML page's script element: a string's `"` is written `\u0022`, so the
    /// page holds no quote character a combining mark could follow (see `String.htmlEscaped`).
    package let escapesQuotes: Bool

    package init(escapesMarkup: Bool = true, escapesQuotes: Bool = false) {
        self.escapesMarkup = escapesMarkup
        self.escapesQuotes = escapesQuotes
    }

    package mutating func raw(_ text: String) {
        bytes += text.utf8
    }

    package mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            // The runs between escapes are copied whole: most strings have none.
            var run = 0
            for (i, byte) in utf8.enumerated() where needsEscape(byte) {
                bytes += UnsafeBufferPointer(rebasing: utf8[run..<i])
                escape(byte)
                run = i + 1
            }
            bytes += UnsafeBufferPointer(rebasing: utf8[run...])
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private func needsEscape(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), 0..<0x20: true
        case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"): escapesMarkup
        default: false
        }
    }

    private mutating func escape(_ byte: UInt8) {
        switch byte {
        case UInt8(ascii: "\"") where escapesQuotes: unicodeEscape(byte)
        case UInt8(ascii: "\""): bytes += #"\""#.utf8
        case UInt8(ascii: "\\"): bytes += #"\\"#.utf8
        case UInt8(ascii: "\n"): bytes += #"\n"#.utf8
        case UInt8(ascii: "\r"): bytes += #"\r"#.utf8
        case UInt8(ascii: "\t"): bytes += #"\t"#.utf8
        case 0x08: bytes += #"\b"#.utf8
        case 0x0C: bytes += #"\f"#.utf8
        default: unicodeEscape(byte)
        }
    }

    private mutating func unicodeEscape(_ byte: UInt8) {
        let hex = String(byte, radix: 16)
        bytes += ("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).utf8
    }

    package mutating func bool(_ value: Bool) {
        raw(value ? "true" : "false")
    }

    package mutating func int(_ value: Int) {
        bytes += String(value).utf8
    }

    /// `"key":` — keys are plain ASCII chosen by us.
    package mutating func key(_ key: String) {
        string(key)
        bytes.append(UInt8(ascii: ":"))
    }

    package mutating func array<T>(_ items: some Sequence<T>, _ write: (inout JSONWriter, T) -> Void) {
        bytes.append(UInt8(ascii: "["))
        var first = true
        for item in items {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            write(&self, item)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// An object from (key, writer) pairs; a nil writer leaves the key out.
    package mutating func object(_ fields: [(String, ((inout JSONWriter) -> Void)?)]) {
        bytes.append(UInt8(ascii: "{"))
        var first = true
        for (name, write) in fields {
            guard let write else { continue }
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            key(name)
            write(&self)
        }
        bytes.append(UInt8(ascii: "}"))
    }
}
