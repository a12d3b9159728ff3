extension String {
    /// Escapes `& < > " '` for HTML text and attribute values.
    ///
    /// Works on UTF-8 bytes and returns the string itself when nothing needs escaping (most
    /// strings): the scalar-by-scalar version was 8% of a 10,000-page build.
    package var htmlEscaped: String {
        func needsEscape(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">")
                || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")
        }
        guard utf8.contains(where: needsEscape) else { return self }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count + 16)
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "&"): out += "&amp;".utf8
            case UInt8(ascii: "<"): out += "&lt;".utf8
            case UInt8(ascii: ">"): out += "&gt;".utf8
            case UInt8(ascii: "\""): out += "&quot;".utf8
            case UInt8(ascii: "'"): out += "&#39;".utf8
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension String {
    /// The first character XML 1.0 forbids or HTML calls a control character: C0 controls but
    /// tab, line feed and carriage return, DEL, C1 controls, U+FFFE and U+FFFF.
    package var firstCharacterForbiddenInMarkup: Unicode.Scalar? {
        // Decided on bytes: each such character starts with a byte below 0x20, 0x7F, 0xC2 (C1)
        // or 0xEF (U+FFFE/F), and most text holds none of them.
        let suspicious = utf8.contains { byte in
            (byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D) || byte == 0x7F || byte == 0xC2
                || byte == 0xEF
        }
        guard suspicious else { return nil }
        return unicodeScalars.first(where: Self.isForbiddenInMarkup)
    }

    /// The text without the characters of `firstCharacterForbiddenInMarkup`.
    package var withoutCharactersForbiddenInMarkup: String {
        guard firstCharacterForbiddenInMarkup != nil else { return self }
        return String(String.UnicodeScalarView(unicodeScalars.filter { !Self.isForbiddenInMarkup($0) }))
    }

    /// `htmlEscaped` for XML (the sitemap and the feed), without the characters XML 1.0
    /// forbids: one of them makes the whole file not XML.
    package var xmlEscaped: String { withoutCharactersForbiddenInMarkup.htmlEscaped }

    static func isForbiddenInMarkup(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: false
        case 0x00..<0x20, 0x7F...0x9F, 0xFFFE, 0xFFFF: true
        default: false
        }
    }
}
