import SourcedCore

/// The marker that stands for a citation group in rendered HTML until the engine,
/// which knows the page's numbering, fills it in.
///
/// Private-use code points pass through cmark's HTML escaping unchanged, and the walker
/// strips them from the author's text, so a marker can only come from the walker.
package enum CitationPlaceholder {
    static let open: Unicode.Scalar = "\u{E000}"
    static let close: Unicode.Scalar = "\u{E001}"

    static func marker(_ index: Int) -> String {
        "\(Character(open))\(index)\(Character(close))"
    }

    private static let scanner = MarkerScanner(prefix: "\u{E000}", suffixes: ["\u{E001}"])

    /// Replaces every marker in `html` with `replacement(groupIndex)`, in one pass over its bytes.
    package static func fill(_ html: String, _ replacement: (Int) -> String) -> String {
        scanner.replacing(in: html) { index, _ in replacement(index) }
    }

    /// The text without any marker of the engine's (citations' and grades').
    static func stripMarkers(_ text: String) -> String {
        // Every marker begins with the byte 0xEE, which most text never holds.
        func isMarker(_ scalar: Unicode.Scalar) -> Bool {
            scalar == open || scalar == close || scalar == GradePlaceholder.open || scalar == GradePlaceholder.close
        }
        guard text.utf8.contains(0xEE), text.unicodeScalars.contains(where: isMarker) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.filter { !isMarker($0) }))
    }
}

/// The marker that stands for an evidence grade tag (`[grade: 1A]`) in rendered HTML until the
/// engine, which knows what each grade means, fills it in; as `CitationPlaceholder`.
package enum GradePlaceholder {
    static let open: Unicode.Scalar = "\u{E002}"
    static let close: Unicode.Scalar = "\u{E003}"

    static func marker(_ index: Int) -> String {
        "\(Character(open))\(index)\(Character(close))"
    }

    private static let scanner = MarkerScanner(prefix: "\u{E002}", suffixes: ["\u{E003}"])

    /// Replaces every marker in `html` with `replacement(tagIndex)`.
    package static func fill(_ html: String, _ replacement: (Int) -> String) -> String {
        guard html.utf8.contains(0xEE) else { return html }
        return scanner.replacing(in: html) { index, _ in replacement(index) }
    }
}
