/// GitHub-style heading anchors: lower-cased, punctuation dropped, spaces to hyphens,
/// and `-1`, `-2`… appended to repeats within one page.
public struct HeadingAnchors: Sendable {
    private var taken: Set<String> = []
    private var lastSuffix: [String: Int] = [:]

    public init() {}

    public static func slug(_ text: String) -> String {
        var slug = ""
        for scalar in text.lowercased().unicodeScalars {
            if scalar == " " {
                slug.append("-")
            } else if scalar == "-" || scalar == "_" || scalar.properties.isAlphabetic
                || scalar.properties.numericType != nil || scalar.properties.generalCategory == .nonspacingMark
            {
                slug.unicodeScalars.append(scalar)
            }
        }
        return slug
    }

    /// The anchor for the next heading with this text.
    public mutating func anchor(for text: String) -> String {
        let slug = Self.slug(text)
        let base = slug.isEmpty ? "section" : slug
        var candidate = base
        var suffix = lastSuffix[base] ?? 0
        while taken.contains(candidate) {
            suffix += 1
            candidate = "\(base)-\(suffix)"
        }
        lastSuffix[base] = suffix
        taken.insert(candidate)
        return candidate
    }
}
