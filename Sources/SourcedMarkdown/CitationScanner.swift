/// Finds Pandoc-style citation groups, `[@a]`, `[@a; @b]`, `[@a, p. 3]`, in a run of text.
///
/// Works on UTF-8 bytes: every delimiter is ASCII, so byte offsets are exact and no
/// `Character` is ever formed on the hot path.
enum CitationScanner {
    struct Match: Equatable {
        /// Byte range of the whole group, brackets included, within the scanned text.
        var range: Range<Int>
        var items: [Item]
    }

    struct Item: Equatable {
        var key: String
        var locator: String?
        /// Byte offset of the `@` within the scanned text.
        var offset: Int
    }

    static func scan(_ text: some Collection<UInt8>) -> [Match] {
        let bytes = Array(text)
        var matches: [Match] = []
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "["), let match = group(in: bytes, at: i) {
                matches.append(match)
                i = match.range.upperBound
            } else {
                i += 1
            }
        }
        return matches
    }

    private static func group(in b: [UInt8], at start: Int) -> Match? {
        var items: [Item] = []
        var i = start + 1
        while true {
            i = skipSpaces(b, i)
            guard i < b.count, b[i] == UInt8(ascii: "@") else { return nil }
            let at = i
            i += 1
            let keyStart = i
            while i < b.count, isKeyByte(b[i]) { i += 1 }
            guard i > keyStart else { return nil }
            let key = String(decoding: b[keyStart..<i], as: UTF8.self)
            i = skipSpaces(b, i)
            guard i < b.count else { return nil }
            var locator: String?
            if b[i] == UInt8(ascii: ",") {
                let locatorStart = i + 1
                while i < b.count, b[i] != UInt8(ascii: ";"), b[i] != UInt8(ascii: "]"),
                    b[i] != UInt8(ascii: "[")
                {
                    i += 1
                }
                guard i < b.count, b[i] != UInt8(ascii: "[") else { return nil }
                let text = String(decoding: b[locatorStart..<i], as: UTF8.self)
                    .trimmingCharacters(in: " \t")
                locator = text.isEmpty ? nil : text
            }
            items.append(Item(key: key, locator: locator, offset: at))
            if b[i] == UInt8(ascii: "]") {
                return Match(range: start..<(i + 1), items: items)
            }
            guard b[i] == UInt8(ascii: ";") else { return nil }
            i += 1
        }
    }

    private static func skipSpaces(_ b: [UInt8], _ from: Int) -> Int {
        var i = from
        while i < b.count, b[i] == UInt8(ascii: " ") || b[i] == UInt8(ascii: "\t") { i += 1 }
        return i
    }

    /// Letters, digits and `_ : . - /`; any non-ASCII byte counts as a letter.
    private static func isKeyByte(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: ":"),
            UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "/"), 0x80...0xFF:
            return true
        default:
            return false
        }
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        let scalars = Set(set.unicodeScalars)
        var view = unicodeScalars[...]
        while let first = view.first, scalars.contains(first) { view.removeFirst() }
        while let last = view.last, scalars.contains(last) { view.removeLast() }
        return String(view)
    }
}
