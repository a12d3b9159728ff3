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

    /// Replaces every marker in `html` with `replacement(groupIndex)`.
    public static func fill(_ html: String, _ replacement: (Int) -> String) -> String {
        var out = String.UnicodeScalarView()
        var scalars = html.unicodeScalars[...]
        while let start = scalars.firstIndex(of: open) {
            out.append(contentsOf: scalars[..<start])
            let afterOpen = scalars.index(after: start)
            guard let end = scalars[afterOpen...].firstIndex(of: close),
                let index = Int(String(scalars[afterOpen..<end]))
            else {
                scalars = scalars[afterOpen...]
                continue
            }
            out.append(contentsOf: replacement(index).unicodeScalars)
            scalars = scalars[scalars.index(after: end)...]
        }
        out.append(contentsOf: scalars)
        return String(out)
    }

    static func stripMarkers(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0 == open || $0 == close }) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.filter { $0 != open && $0 != close }))
    }
}
